/**
 * Takes the README's screenshots: runs the example exactly as `npm start` does
 * (on a temporary database, so it shows the freshly seeded demo thread) and
 * photographs it in headless Chromium, as a reader and as the blog's owner:
 *
 * - `example.png`: the article's thread on a desktop;
 * - `reply-1-open.png`, `reply-2-posted.png`: a reader on a 390 px phone
 *   replying to a message, then just after posting;
 * - `admin-phone.png`: the moderation page on a 390 px phone, with a held
 *   and a reported message.
 *
 *   node --import tsx scripts/screenshot.ts [FOLDER]   (default: docs/screenshots)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { exampleOptions, launchChromium, startExample } from '../test/support/example.ts';

const folder = process.argv[2] ?? 'docs/screenshots';
mkdirSync(folder, { recursive: true });
const token = 'screenshot-Admin-Token-7Qx2';
const options = await exampleOptions();
const example = await startExample({
  ...options,
  env: { PARLEY_ADMIN_TOKEN: token, PARLEY_PROOF_OF_WORK: 'off' },
});
const browser = await launchChromium();
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const shot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: join(folder, name), fullPage }).then(() => console.log(`wrote ${name}`));

try {
  const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await page.goto(example.articleUrl);
  await page.getByText('MoE cuts latency via sparse activation.').waitFor();
  await page.locator('.comments').scrollIntoViewIfNeeded();
  await page.locator('.comments').screenshot({ path: join(folder, 'example.png') });
  console.log('wrote example.png');
  await page.close();

  // A reader on a phone answers one message of the demo thread.
  const reader = await browser.newPage(phone);
  await reader.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await reader.goto(example.articleUrl);
  const reply = reader.getByRole('button', { name: /^Reply to Dev Patel/ }).first();
  await reply.waitFor();
  await reply.click();
  // What the reader now sees, wherever the reply box is; the message field has focus.
  await reader.waitForTimeout(500);
  await reader.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    el?.setAttribute('data-screenshot', 'body');
  });
  const body = reader.locator('textarea[data-screenshot]');
  await body.waitFor();
  await body.fill('Good point: the routing overhead only pays off past a few billion parameters.');
  for (const name of await reader.getByRole('textbox', { name: 'Name' }).all())
    if ((await name.isVisible()) && !(await name.inputValue())) await name.fill('Sam Reader');
  await shot(reader, 'reply-1-open.png');
  await body.press('Control+Enter');
  await reader
    .getByText(/reply was posted/i)
    .first()
    .waitFor({ state: 'attached' });
  await reader.waitForTimeout(300);
  await shot(reader, 'reply-2-posted.png');
  await reader.close();

  // Something for the owner to moderate: a reader's report and a held message.
  const key = encodeURIComponent('/2026/11/the-efficiency-wars/');
  const api = (path: string, body: unknown) =>
    fetch(`${example.serverUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const thread = await (await fetch(`${example.serverUrl}/api/threads/${key}`)).json();
  const reported = thread.messages.at(-2).id;
  await api(`/api/messages/${reported}/report`, { reason: 'Off topic and rude to another reader' });
  const links = ['a', 'b', 'c', 'd'].map((x) => `https://shop.example/${x}`).join(' ');
  await api(`/api/threads/${key}/messages`, {
    author: 'Deals4U',
    body: `Cheap GPUs, best prices on the internet: ${links}`,
  });

  const owner = await browser.newPage(phone);
  await owner.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await owner.goto(`${example.serverUrl}/admin`);
  await owner.getByLabel(/token/i).fill(token);
  await owner.getByRole('button', { name: /sign in/i }).click();
  await owner.getByText('Deals4U').first().waitFor();
  await shot(owner, 'admin-phone.png', true);
  await owner.close();
} finally {
  await browser.close();
  await example.stop();
}
