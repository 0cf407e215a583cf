/**
 * A reader with only a keyboard, end to end: the example blog, the real
 * Parley server (temporary SQLite file) and the built widget in Chromium,
 * driven by Tab, Shift+Tab, Enter, Space and typing alone (no click, no
 * `element.focus()`). They read the thread, reply, reply to a reply, edit
 * their message, open the highlights, report a message, and sign in to
 * /admin. After each step the focus must be somewhere sensible (the new
 * message, the field to type in, the control just used), never lost to
 * `<body>`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  exampleOptions,
  launchChromium,
  type RunningExample,
  startExample,
  watchProblems,
} from './support/example.ts';

const TOKEN = `e2e-${randomBytes(18).toString('base64url')}`;

/** What has the focus, through shadow roots: enough to say where the reader is. */
interface Focus {
  tag: string;
  id: string;
  text: string;
  label: string;
  /** The field's label, for a form field. */
  field: string;
  /** The id of the message (article) it is in, if any. */
  message: string;
  /** The author of that message. */
  author: string;
  inThread: boolean;
}

/**
 * Reads the focused element (reading only: the page is moved by the keyboard
 * alone). A string, since tsx would name the inner functions with a helper
 * the page does not have.
 */
const READ_FOCUS = `(() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  const clean = (s) => (s || '').replace(/\\s+/g, ' ').trim();
  const article = a && a.closest('article');
  const root = a && a.getRootNode();
  return {
    tag: a ? a.tagName.toLowerCase() : '',
    id: (a && a.id) || '',
    text: clean(a && a.textContent).slice(0, 80),
    label: (a && a.getAttribute('aria-label')) || '',
    field: clean(a && a.labels && a.labels[0] && a.labels[0].textContent),
    message: (article && article.id) || '',
    author: clean(article && article.querySelector('[part~=author]')?.textContent),
    inThread: Boolean(root && root.host && root.host.localName === 'parley-thread'),
  };
})()`;
const focus = (page: Page): Promise<Focus> => page.evaluate(READ_FOCUS);

/**
 * Presses `key` (Tab by default) until the focus is on what `wanted` accepts,
 * at most `max` times; fails naming where the focus went.
 */
async function press(page: Page, wanted: (f: Focus) => boolean, what: string, key = 'Tab') {
  const seen: string[] = [];
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press(key);
    const f = await focus(page);
    if (wanted(f)) return f;
    seen.push(`${f.tag}#${f.id} "${f.label || f.text}"`);
  }
  throw new Error(`${key} never reached ${what}; went through:\n${seen.join('\n')}`);
}

/**
 * Waits until the focus is on what `wanted` accepts (after the page moved it
 * itself). `wanted` runs here, not in the page, so the page is asked to wait
 * (each animation frame, Playwright's polling) until the focus is anywhere
 * else than where it was last read, then it is judged again: no fixed sleeps,
 * and a move in between is not missed (the wait then ends at once).
 */
async function focusOn(page: Page, wanted: (f: Focus) => boolean, what: string) {
  const deadline = Date.now() + 15_000;
  let f = await focus(page);
  while (!wanted(f)) {
    const timeout = deadline - Date.now();
    try {
      if (timeout <= 0) throw new Error('timed out');
      await page.waitForFunction(
        `JSON.stringify(${READ_FOCUS}) !== ${JSON.stringify(JSON.stringify(f))}`,
        undefined,
        { timeout },
      );
    } catch {
      throw new Error(`the focus is not on ${what}: ${JSON.stringify(f)}`);
    }
    f = await focus(page);
  }
  return f;
}

const button = (text: string, author?: string) => (f: Focus) =>
  f.tag === 'button' && f.text === text && (author === undefined || f.author === author);

describe('a keyboard-only reader and owner', () => {
  let browser: Browser;
  let example: RunningExample;

  before(async () => {
    example = await startExample({
      ...(await exampleOptions()),
      env: { PARLEY_ADMIN_TOKEN: TOKEN },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await example?.stop();
  });

  it('reads, replies, replies to a reply, edits, opens the highlights and reports, by keyboard', async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.goto(example.articleUrl);
    const thread = page.locator('parley-thread [part~="thread"]');
    await thread.getByText('Discussion in progress').waitFor();
    // The form and the actions are a chunk of their own: wait until they are in.
    await thread.getByRole('button', { name: 'Post reply' }).waitFor();

    // Reading: the skip link comes first, then every message's permalink in order.
    await press(page, (f) => f.inThread && f.text === 'Skip to the reply form', 'the skip link');
    const opening = await press(page, (f) => f.tag === 'a' && f.message !== '', 'a permalink');
    assert.match(opening.message, /^parley-\d+$/);

    // Reply: back to the skip link (Shift+Tab), which takes the reader to the form's first field.
    await press(page, (f) => f.text === 'Skip to the reply form', 'the skip link', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await focusOn(page, (f) => f.field === 'Name', 'the Name field');
    await page.keyboard.type('Grace Hopper');
    await press(page, (f) => f.field === 'Message', 'the Message field');
    await page.keyboard.type('Typed without a mouse.');
    await press(page, button('Post reply'), 'Post reply');
    await page.keyboard.press('Enter');
    await thread.getByText('Your reply was posted.').first().waitFor({ timeout: 30_000 });
    // The main form stays for the next message: the focus is back in its emptied field.
    await focusOn(page, (f) => f.inThread && f.field === 'Message', 'the emptied Message field');
    await thread.locator('article', { hasText: 'Typed without a mouse.' }).waitFor();

    // Reply to a reply: the Reply button of the reader's own message opens a box under it.
    await press(page, button('Reply', 'Grace Hopper'), 'Reply on my message', 'Shift+Tab');
    await page.keyboard.press('Enter');
    const box = await focusOn(page, (f) => f.tag === 'textarea', 'the reply box');
    await page.keyboard.type('And a reply to my own reply.');
    await press(page, (f) => f.tag === 'button' && /^Post reply/.test(f.text), 'the box’s Post');
    await page.keyboard.press('Enter');
    const nested = thread.locator('li li article', { hasText: 'And a reply to my own reply.' });
    await nested.waitFor({ timeout: 30_000 });
    const nestedId = await nested.getAttribute('id');
    // The box is gone: the focus is on the new reply, where the confirmation is.
    const afterReply = await focusOn(page, (f) => f.tag === 'article', 'the new reply');
    assert.equal(afterReply.id, nestedId);
    assert.notEqual(afterReply.id, box.id);

    // Edit: the nested reply's Edit button, the editor, Save.
    await press(
      page,
      (f) => f.tag === 'button' && f.text === 'Edit' && f.message === nestedId,
      'Edit on my reply',
      'Shift+Tab',
    );
    await page.keyboard.press('Enter');
    await focusOn(page, (f) => f.id === `parley-edit-${nestedId!.slice(7)}`, 'the editor');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('Edited by keyboard alone.');
    await press(page, button('Save'), 'Save');
    await page.keyboard.press('Enter');
    await thread.getByText('Edited by keyboard alone.').waitFor();
    const edited = await focusOn(page, (f) => f.message === nestedId, 'my edited message');
    assert.ok(edited.inThread);

    // Highlights: the toggle, pressed with Space, keeps the focus; then back to All.
    const highlights = await press(
      page,
      (f) => f.tag === 'button' && f.text.startsWith('Highlights'),
      'the Highlights toggle',
      'Shift+Tab',
    );
    await page.keyboard.press('Space');
    await thread
      .locator('[part~=view] button[aria-pressed=true]', { hasText: 'Highlights' })
      .waitFor();
    assert.equal((await focus(page)).text, highlights.text, 'the focus stays on the toggle');
    await press(page, button('All'), 'the All toggle', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await thread.locator('[part~=view] button[aria-pressed=true]', { hasText: 'All' }).waitFor();

    // Report: another reader's message, its reason, Send report.
    await press(
      page,
      (f) => f.tag === 'button' && f.text === 'Report' && f.author !== 'Grace Hopper',
      'Report on another reader’s message',
    );
    await page.keyboard.press('Enter');
    const reason = await focusOn(page, (f) => f.id.startsWith('parley-reason-'), 'the reason');
    await page.keyboard.type('Off topic, tested by keyboard.');
    await press(page, button('Send report'), 'Send report');
    await page.keyboard.press('Enter');
    await thread.getByText('Reported. A moderator will look at it.').first().waitFor();
    const reported = await focusOn(
      page,
      (f) => f.inThread && f.message === `parley-${reason.id.slice(14)}`,
      'the reported message',
    );
    assert.notEqual(reported.tag, 'body');
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('signs in to /admin with the admin token, by keyboard', async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    await page.goto(`${example.serverUrl}/admin`);
    await page.getByLabel('Admin token').waitFor();
    const field = await press(page, (f) => f.field === 'Admin token', 'the token field');
    assert.equal(field.tag, 'input');
    await page.keyboard.type(TOKEN);
    await press(page, button('Sign in'), 'Sign in');
    await page.keyboard.press('Enter');
    await page.getByRole('tab', { name: 'Queue' }).waitFor();
    const signedIn = await focusOn(page, (f) => f.tag !== 'body', 'the signed-in page');
    assert.notEqual(signedIn.tag, 'body');
    // The moderator goes on by keyboard: the tabs are reachable.
    await press(
      page,
      (f) => f.text.startsWith('Queue') || f.label.startsWith('Queue'),
      'the Queue tab',
    );
    assert.deepEqual(problems, []);
    await page.close();
  });
});
