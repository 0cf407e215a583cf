/**
 * The site owner's journey, end to end: with every message held for
 * moderation, a reader's reply waits; the moderator signs in to /admin in
 * Chromium, approves it, highlights it and closes the thread; the reader's
 * page then shows the reply with its star, the highlight count and the
 * closed status. Real server (temporary SQLite file), built bundles.
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
    await reader.page.getByRole('button', { name: 'Post reply' }).click();
    // Only its author sees a held reply, marked as such; counts leave it out.
    await reader.page.getByText('Awaiting moderation').first().waitFor();
    await reader.page.getByText('5 msgs').waitFor();

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
      'Recent',
      /^Highlight, message \d+ by Ada Lovelace/,
      'Message highlighted',
    );
    await moderate(admin.page, 'Threads', /^Close, thread/, 'Thread closed');

    await reader.page.reload();
    const thread = reader.page.locator('parley-thread');
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
