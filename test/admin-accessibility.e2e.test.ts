/**
 * The real /admin page, end to end: axe-core (through @axe-core/playwright,
 * every rule of WCAG 2.2 A/AA and best practices, the whole-page ones
 * included) finds nothing in light or dark, signed out, after a refused
 * token, and signed in on every tab; and the page speaks the browser's
 * language (Accept-Language), right to left in Arabic, loading that one
 * locale's chunk. Real server (temporary SQLite file), built bundles.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
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

const TOKEN = `e2e-${randomBytes(18).toString('base64url')}`;
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** Fails listing every violation axe finds on `page` now, naming the state. */
async function expectClean(page: Page, state: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  assert.deepEqual(
    violations.map(
      (v) =>
        `${v.id}: ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary}`).join('; ')}`,
    ),
    [],
    state,
  );
}

describe('/admin, accessible and in the reader’s language', () => {
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

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no axe violation in ${colorScheme} mode, signed out, refused and on every tab`, async () => {
      const context = await browser.newContext({ colorScheme, locale: 'en-US' });
      const page = await context.newPage();
      // The refused token's 401 is expected; nothing else may fail.
      const problems = watchProblems(page, (r) => r.status() === 401);
      await page.goto(`${example.serverUrl}/admin`);
      await page.getByLabel('Admin token').waitFor();
      await expectClean(page, `${colorScheme}, sign-in form`);
      await page.getByLabel('Admin token').fill(`wrong-${TOKEN}`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').waitFor();
      await expectClean(page, `${colorScheme}, refused token`);
      await page.getByLabel('Admin token').fill(TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      for (const tab of [
        'Queue',
        'Hidden',
        'Spam',
        'Published',
        'Threads',
        'Owner',
        'Deliveries',
      ]) {
        await page.getByRole('tab', { name: tab }).click();
        await page
          .locator('parley-admin [role=tabpanel]:not([hidden]):not(:has([aria-busy=true]))')
          .waitFor();
        await expectClean(page, `${colorScheme}, ${tab}`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    });
  }

  it('speaks Arabic, right to left, to a browser that prefers it, loading only the Arabic chunk', async () => {
    const context = await browser.newContext({ locale: 'ar-EG' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    const chunks: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/admin/')) chunks.push(new URL(r.url()).pathname);
    });
    await page.goto(`${example.serverUrl}/admin`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
    assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
    await page.getByRole('heading', { level: 1, name: 'إشراف Parley' }).waitFor();
    assert.equal(await page.title(), 'إشراف Parley');
    await page.getByLabel('رمز الإدارة').fill(TOKEN);
    await page.getByRole('button', { name: 'تسجيل الدخول' }).click();
    await page.getByRole('tab', { name: 'النقاشات' }).waitFor();
    await expectClean(page, 'Arabic, signed in');
    assert.equal(chunks.length, 1, chunks.join(', '));
    assert.match(chunks[0]!, /^\/admin\/ar-[\w-]+\.js$/);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
