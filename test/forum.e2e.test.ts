/**
 * The index elements on the real example, end to end: the forum page lists
 * the seeded threads as cards (`<parley-threads>`), the article's back link
 * leads there, and the blog's home page shows each post's count
 * (`<parley-count>`, one request for all) and the forum's teasers
 * (`<parley-card>`), in English, German and Arabic (right to left). Real
 * server, real database, the built bundle, Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import {
  exampleOptions,
  launchChromium,
  type RunningExample,
  startExample,
  watchProblems,
} from './support/example.ts';

describe('the example forum and the blog’s post list', () => {
  let browser: Browser;
  let example: RunningExample;

  before(async () => {
    example = await startExample(await exampleOptions());
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await example?.stop();
  });

  async function open(path: string) {
    // A page of its own context: axe's Playwright runner wants one.
    const page = await (await browser.newContext()).newPage();
    // The one expected 404: the article's thread read before the fragment include knows it.
    const problems = watchProblems(
      page,
      (r) => r.status() === 404 && /\/api\/threads\/[^/]+$/.test(new URL(r.url()).pathname),
    );
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(example.serverUrl)) apiCalls.push(r.url());
    });
    await page.goto(`${example.blogUrl}${path}`);
    return { page, problems, apiCalls };
  }

  const cardTitles = (page: Page) =>
    page.locator('parley-threads [part~="card"] [part~="title"]').allTextContents();

  it('lists the seeded threads as cards on the forum page, each linking to its thread', async () => {
    const { page, problems } = await open('/forum/');
    const list = page.getByRole('list', { name: 'Discussions' });
    await list
      .getByRole('link', { name: 'Markdown or a rich-text editor for comments?' })
      .waitFor();
    const titles = (await cardTitles(page)).map((t) => t.trim());
    assert.equal(titles.length, 3);
    for (const title of [
      'The Efficiency Wars: How DeepSeek R1 Challenges Western AI Dominance',
      'Self-hosting comments on a Raspberry Pi',
      'Markdown or a rich-text editor for comments?',
    ])
      assert.ok(titles.includes(title), `${title} is listed`);
    // The article has five messages (opening post and four replies).
    const article = page.locator('parley-threads li', { hasText: 'The Efficiency Wars' });
    assert.match((await article.locator('[part~="stats"]').textContent()) ?? '', /5 msgs/);
    // The reader sorts by newest: the forum's last seeded thread comes first.
    await page.getByLabel('Sort by').selectOption('recent');
    await page
      .locator('parley-threads [part~="title"]')
      .first()
      .filter({ hasText: 'Markdown or a rich-text editor' })
      .waitFor();
    await page.getByRole('link', { name: 'Self-hosting comments on a Raspberry Pi' }).click();
    await page.waitForURL(/\/forum\/t\/self-hosting-on-a-raspberry-pi\/$/);
    await page
      .locator('parley-thread')
      .getByRole('heading', { name: 'Self-hosting comments on a Raspberry Pi' })
      .waitFor();
    assert.deepEqual(problems, []);
    const again = await open('/forum/');
    await again.page.getByRole('list', { name: 'Discussions' }).waitFor();
    const axe = await new AxeBuilder({ page: again.page }).include('parley-threads').analyze();
    assert.deepEqual(
      axe.violations.map((v) => v.id),
      [],
    );
  });

  it('leads from the article’s "← Back to Forum" to the forum', async () => {
    const { page } = await open('/2026/11/the-efficiency-wars/');
    await page.locator('parley-thread').getByRole('link', { name: '← Back to Forum' }).click();
    await page.waitForURL(/\/forum\/$/);
    await page.getByRole('list', { name: 'Discussions' }).waitFor();
  });

  it('shows each post’s count on the home page, read in one request, and the forum’s cards', async () => {
    const { page, problems, apiCalls } = await open('/');
    await page.getByRole('link', { name: '5 comments' }).waitFor();
    await page.getByRole('link', { name: '0 comments' }).waitFor();
    const card = page.locator('parley-card').first();
    await card.getByRole('link', { name: 'Self-hosting comments on a Raspberry Pi' }).waitFor();
    assert.match((await card.locator('[part~="stats"]').textContent()) ?? '', /1 msg\b/);
    assert.equal(apiCalls.filter((u) => u.includes('/api/counts?')).length, 1);
    assert.equal(apiCalls.filter((u) => u.includes('/api/threads?key=')).length, 1);
    assert.deepEqual(problems, []);
    const axe = await new AxeBuilder({ page }).include('.posts').include('.cards').analyze();
    assert.deepEqual(
      axe.violations.map((v) => v.id),
      [],
    );
  });

  it('shows the pages in German and in Arabic, right to left', async () => {
    const de = await open('/?lang=de');
    await de.page.getByRole('link', { name: '5 Kommentare' }).waitFor();
    const forumDe = await open('/forum/?lang=de');
    await forumDe.page.getByLabel('Sortieren nach').waitFor();
    const ar = await open('/forum/?lang=ar');
    await ar.page.getByLabel('الترتيب حسب').waitFor();
    assert.equal(await ar.page.locator('html').getAttribute('dir'), 'rtl');
    const direction = await ar.page
      .locator('parley-threads [part~="threads"]')
      .evaluate((el) => getComputedStyle(el).direction);
    assert.equal(direction, 'rtl');
    const home = await open('/?lang=ar');
    await home.page
      .getByRole('link', { name: /تعليقات|تعليق/ })
      .first()
      .waitFor();
  });
});
