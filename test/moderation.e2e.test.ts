/**
 * The site owner's journey, end to end: with every message held for
 * moderation, a reader's reply waits; the moderator signs in to /admin in
 * Chromium, approves it, highlights it and closes the thread; the reader's
 * page then shows the reply with its star, the highlight count and the
 * closed status. Then the owner posts from the blog with a posting link made
 * in /admin, revokes it, and is refused; the admin token never reaches the
 * blog's storage. Real server (temporary SQLite file), built bundles.
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

describe('moderating the example blog', () => {
  let browser: Browser;
  let example: RunningExample;

  before(async () => {
    example = await startExample({
      ...(await exampleOptions()),
      env: { PARLEY_ADMIN_TOKEN: TOKEN, PARLEY_MODERATION: 'all' },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await example?.stop();
  });

  /** A page that records uncaught errors, console errors and failed requests. */
  async function watchedPage() {
    const page = await browser.newPage();
    return { page, problems: watchProblems(page) };
  }

  async function moderate(page: Page, tab: string, button: RegExp, done: string) {
    await page.getByRole('tab', { name: tab }).click();
    await page.getByRole('button', { name: button }).first().click();
    await page.getByText(done, { exact: true }).waitFor();
  }

  it('holds a reply, then shows it approved, highlighted and closed', async () => {
    const reader = await watchedPage();
    await reader.page.goto(example.articleUrl);
    await reader.page.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
    await reader.page.getByLabel('Message', { exact: true }).fill('A held thought on engines.');
    await reader.page
      .locator('parley-thread [part~="thread"]')
      .getByRole('button', { name: 'Post reply' })
      .click();
    // Only its author sees a held reply, marked as such; counts leave it out.
    await reader.page
      .locator('parley-thread [part~="thread"]')
      .getByText('Awaiting moderation')
      .first()
      .waitFor();
    await reader.page.locator('parley-thread [part~="thread"]').getByText('5 msgs').waitFor();

    const admin = await watchedPage();
    await admin.page.goto(`${example.serverUrl}/admin`);
    await admin.page.getByLabel('Admin token').fill(TOKEN);
    await admin.page.getByRole('button', { name: 'Sign in' }).click();
    await moderate(
      admin.page,
      'Queue',
      /^Approve, message \d+ by Ada Lovelace/,
      'Message approved',
    );
    await moderate(
      admin.page,
      'Published',
      /^Highlight, message \d+ by Ada Lovelace/,
      'Message highlighted',
    );
    // By its title: the list is sorted by last activity, and until it reloads
    // the forum's threads (seeded after this one) may still be above it.
    await moderate(admin.page, 'Threads', /^Close, thread The Efficiency Wars/, 'Thread closed');

    await reader.page.reload();
    const thread = reader.page.locator('parley-thread [part~="thread"]');
    const reply = thread.getByRole('article', { name: 'Ada Lovelace' });
    await reply.getByText('A held thought on engines.').waitFor();
    assert.equal(await reply.getByRole('img', { name: 'Highlighted' }).count(), 1);
    await thread.getByText('6 msgs').waitFor();
    await thread.getByText('1 highlight', { exact: false }).first().waitFor();
    await thread.getByText('Discussion closed').waitFor();
    // Once the interactive chunk is in (the author may still delete in a closed
    // thread), the form is still absent: closed, not merely not loaded yet.
    await reply.getByRole('button', { name: 'Delete' }).waitFor();
    assert.equal(await thread.getByRole('button', { name: 'Post reply' }).count(), 0);
    assert.equal(await thread.locator('form').count(), 0);

    assert.deepEqual(admin.problems, []);
    assert.deepEqual(reader.problems, []);
  });
});

describe('posting as the owner with a posting link from /admin', () => {
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

  /** Everything the blog's origin keeps in localStorage, as one string. */
  const blogStorage = (page: Page) =>
    page.evaluate(() => JSON.stringify(Object.entries(localStorage)));

  it('creates a key in /admin, posts as the owner with its link, revokes it, and is refused after', async () => {
    const context = await browser.newContext();
    const admin = await context.newPage();
    const adminProblems = watchProblems(admin);
    await admin.goto(`${example.serverUrl}/admin`);
    await admin.getByLabel('Admin token').fill(TOKEN);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('tab', { name: 'Owner' }).click();
    await admin.getByText('No posting keys yet.').waitFor();
    await admin.getByLabel('Label (optional)').fill('E2E laptop');
    await admin.getByLabel('A page of your blog with comments').fill(example.articleUrl);
    await admin.getByRole('button', { name: 'Create posting link' }).click();
    const link = await admin.getByLabel('Posting link', { exact: true }).inputValue();
    const key = await admin.getByLabel(/^The key alone/).inputValue();
    assert.match(key, /^pok_[\w-]{43}$/);
    assert.equal(link, `${example.articleUrl}#parley-owner=${key}`);

    // The owner opens the link in the same browser, as the page says.
    const blog = await context.newPage();
    const blogProblems = watchProblems(
      blog,
      (r) => r.status() === 401 && r.url().endsWith('/messages') && r.request().method() === 'POST',
    );
    await blog.goto(link);
    const thread = blog.locator('parley-thread [part~="thread"]');
    await thread.getByText('Posting as the site owner').waitFor();
    assert.equal(new URL(blog.url()).hash, '', 'the key leaves the address bar');
    const stored = await blogStorage(blog);
    assert.ok(stored.includes(key), 'the owner key is kept for the blog');
    assert.ok(!stored.includes(TOKEN), 'the admin token is never in the blog’s storage');

    await thread.getByLabel('Name', { exact: true }).fill('Site Owner');
    await thread.getByLabel('Message', { exact: true }).fill('Thanks for reading, all.');
    await thread.getByRole('button', { name: 'Post reply' }).click();
    const mine = thread.getByRole('article', { name: 'Site Owner' });
    await mine.getByText('Thanks for reading, all.').waitFor();
    await mine.getByText('Author', { exact: true }).waitFor();

    // /admin sees the key used, then revokes it.
    await admin.getByRole('button', { name: 'Refresh' }).click();
    await admin.getByText('Lists refreshed').waitFor();
    await admin.getByText(/last used/).waitFor();
    await admin.getByRole('button', { name: 'Revoke, key E2E laptop' }).click();
    await admin.getByRole('button', { name: 'Confirm revoke, key E2E laptop' }).click();
    await admin.getByText('Key revoked: it can no longer post').waitFor();
    await admin.getByText('No posting keys yet.').waitFor();

    // The next owner post is refused at once; the key is forgotten, the draft kept.
    await thread.getByLabel('Message', { exact: true }).fill('Posted after the revoke.');
    await thread.getByRole('button', { name: 'Post reply' }).click();
    await thread.getByText(/Your owner posting key was revoked/).waitFor();
    assert.equal(await thread.getByText('Posting as the site owner').count(), 0);
    assert.equal(
      await thread.getByLabel('Message', { exact: true }).inputValue(),
      'Posted after the revoke.',
    );
    assert.ok(!(await blogStorage(blog)).includes(key), 'the revoked key is forgotten');
    const page = (await (
      await fetch(
        `${example.serverUrl}/api/threads/${encodeURIComponent('/2026/11/the-efficiency-wars/')}`,
      )
    ).json()) as { messages: { html: string }[] };
    assert.ok(!JSON.stringify(page).includes('Posted after the revoke.'), 'nothing was stored');

    // An old-style link with the admin token is refused and stored nowhere.
    await blog.goto(`${example.articleUrl}#parley-owner=${encodeURIComponent(TOKEN)}`);
    await thread
      .getByRole('alert')
      .getByText(/This link holds no owner posting key/)
      .waitFor();
    assert.equal(new URL(blog.url()).hash, '');
    assert.ok(!(await blogStorage(blog)).includes(TOKEN), 'the admin token is never stored');

    assert.deepEqual(adminProblems, []);
    assert.deepEqual(blogProblems, []);
    await context.close();
  });
});
