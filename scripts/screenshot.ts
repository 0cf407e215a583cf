/**
 * Takes the README's screenshots: runs the example exactly as `npm start` does
 * (on a temporary database, so it shows the freshly seeded demo threads) and
 * photographs it in headless Chromium, as a reader and as the blog's owner:
 *
 * - `example.png`: the article's thread on a desktop;
 * - `reply-1-open.png`, `reply-2-posted.png`: a reader on a 390 px phone
 *   replying to a message, then just after posting;
 * - `admin-phone.png`: the moderation page on a 390 px phone, with a held
 *   and a reported message;
 * - every element in three of the shipped locales, one right to left (the
 *   example's `?lang=`), on a 900 px desktop in the light scheme with reduced
 *   motion: `home-{en,de,ar}.png`, the blog's home (its `main`: `<parley-count>`
 *   badges and `<parley-card>` teasers); `forum-{en,de,ar}.png`, the forum's
 *   `<parley-threads>`; `thread-{de,ar}.png`, the article's `<parley-thread>`
 *   (English is `example.png`). Each is shot once every element on it shows
 *   the seeded threads in that language (its words from the widget's own
 *   catalogs).
 *
 * Every shot waits on what it shows (content, focus, a page that stopped
 * scrolling, every message drawn), never a fixed time. `reply-2-posted.png`
 * may still come out scrolled a few dozen pixels differently from one run to
 * the next.
 *
 *   node --import tsx scripts/screenshot.ts [FOLDER]   (default: docs/screenshots)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { DEMO_KEY, FORUM_THREADS } from '../examples/blog/seed.ts';
import { en } from '../packages/widget/src/i18n/en.ts';
import { enIndex } from '../packages/widget/src/i18n/en-index.ts';
import ar from '../packages/widget/src/i18n/locales/ar.ts';
import de from '../packages/widget/src/i18n/locales/de.ts';
import {
  exampleOptions,
  launchChromium,
  type RunningExample,
  startExample,
} from '../test/support/example.ts';

const folder = process.argv[2] ?? 'docs/screenshots';
mkdirSync(folder, { recursive: true });
const token = 'screenshot-Admin-Token-7Qx2';
const options = await exampleOptions();
const example = await startExample({
  ...options,
  env: { PARLEY_ADMIN_TOKEN: token, PARLEY_PROOF_OF_WORK: 'off' },
});
const browser = await launchChromium();
const desktop = { width: 900, height: 1400 };
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const shot = (page: Page, name: string, fullPage = false) =>
  page.screenshot({ path: join(folder, name), fullPage }).then(() => console.log(`wrote ${name}`));

/**
 * Resolves once the page has stopped scrolling (the widget brings a reply box,
 * or a posted reply, into view): its scroll position unchanged over ten frames.
 */
const scrolled = (page: Page) =>
  page.evaluate(async () => {
    // No named function in here: tsx's `__name` helper does not exist in the page.
    for (let still = 0, last = scrollY; still < 10; last = scrollY) {
      await new Promise(requestAnimationFrame);
      still = scrollY === last ? still + 1 : 0;
    }
  });

/**
 * A reply of the demo thread as the element renders it (parts are its own):
 * the fragment the blog includes for readers without JavaScript says the same
 * words before the element takes over.
 */
const demoReply = (page: Page) =>
  page.locator('parley-thread [part~="body"]', {
    hasText: 'MoE cuts latency via sparse activation.',
  });

/**
 * Makes the page's viewport as tall as the page, so that every message of the
 * thread is drawn: messages are `content-visibility: auto`, and Chromium paints
 * none that is off screen, not even into an element's screenshot. Waits until
 * each one is drawn; as drawn messages take their real height rather than the
 * placeholder's, the page may grow, so it measures again until it holds.
 */
async function drawWholeThread(page: Page) {
  const width = page.viewportSize()?.width ?? 900;
  for (let height = 0; ; ) {
    const now = await page.evaluate(() => document.documentElement.scrollHeight);
    if (now === height) return;
    height = now;
    await page.setViewportSize({ width, height });
    const messages = await page.locator('parley-thread [part~="body"]').elementHandles();
    await page.waitForFunction(
      (els) => els.every((el) => (el as Element).checkVisibility({ contentVisibilityAuto: true })),
      messages,
    );
  }
}

/**
 * The languages the example's `?lang=` offers, with the widget's own words in
 * each: a shot waits until the elements say them, so it never catches the
 * English first render (or the server-rendered fragment) before the
 * language's chunk is in.
 */
const LANGUAGES = { en: { ...en, ...enIndex }, de, ar };
type Language = keyof typeof LANGUAGES;

/**
 * `forms` for `n` as the element writes it, computed in the page's Chromium
 * (whose `Intl` decides the element's digits and plural category, not Node's).
 */
const pluralIn = (page: Page, lang: string, forms: Record<string, string>, n: number) =>
  page.evaluate(
    ([lang, forms, n]) =>
      (forms[new Intl.PluralRules(lang).select(n)] ?? forms.other ?? '').replace(
        '{n}',
        new Intl.NumberFormat(lang).format(n),
      ),
    [lang, forms, n] as const,
  );

/**
 * The page's `main` (what the elements are in, under the language links), with
 * a little of the page above and below it: `main` has no room of its own there.
 * The page is scrolled to its top and `main` fits the desktop viewport, so its
 * box is where the page's shot finds it.
 */
async function shootMain(page: Page, name: string) {
  const box = await page.locator('main').boundingBox();
  if (!box) throw new Error(`${name}: the page has no main to shoot`);
  const room = 12;
  const clip = { ...box, y: box.y - room, height: box.height + 2 * room };
  await page.screenshot({ path: join(folder, name), clip });
  console.log(`wrote ${name}`);
}

/**
 * Shoots every element of the example in each language, on a desktop in the
 * light scheme with reduced motion, each cropped to what it is about.
 */
async function shootLanguages(browser: Browser, example: RunningExample) {
  const get = async (path: string) => (await fetch(`${example.serverUrl}${path}`)).json();
  const demo = await get(`/api/threads/${encodeURIComponent(DEMO_KEY)}`);
  const titles = [demo.thread.title as string, ...FORUM_THREADS.map((t) => t.title)];
  const page = await browser.newPage({ viewport: desktop });
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  const status = (t: (typeof LANGUAGES)[Language]) => new RegExp(`^(${t.open}|${t.closed})$`);
  const languages = Object.keys(LANGUAGES) as Language[];
  for (const lang of languages) {
    const t = LANGUAGES[lang];
    await page.setViewportSize(desktop);

    // The home page: every badge reads its thread's count, every card its thread.
    await page.goto(`${example.blogUrl}/?lang=${lang}`);
    const badges = page.locator('parley-count');
    const keys = await badges.evaluateAll((els) => els.map((el) => el.getAttribute('thread')));
    const { counts } = await get(
      `/api/counts?${keys.map((k) => `key=${encodeURIComponent(k ?? '')}`).join('&')}`,
    );
    for (const [i, key] of keys.entries()) {
      const text = await pluralIn(page, lang, t.comments, counts[key ?? ''] ?? 0);
      await badges.nth(i).locator('[part~="count"]', { hasText: text }).waitFor();
    }
    const cards = page.locator('parley-card');
    for (let i = 0; i < (await cards.count()); i++) {
      await cards.nth(i).locator('[part~="link"]').waitFor();
      await cards.nth(i).locator('[part~="status"]').getByText(status(t)).waitFor();
    }
    await shootMain(page, `home-${lang}.png`);

    // The forum: the index lists every seeded thread, sortable, in the language.
    await page.goto(`${example.blogUrl}/forum/?lang=${lang}`);
    const index = page.locator('parley-threads');
    await index.getByLabel(t.sortBy).waitFor();
    for (const title of titles) {
      const card = index.locator('[part~="card"]', { hasText: title });
      await card.locator('[part~="status"]').getByText(status(t)).waitFor();
    }
    await shootMain(page, `forum-${lang}.png`);

    // The article's thread (English is example.png): the element's own render
    // in the language, not the English fragment the blog includes.
    if (lang === 'en') continue;
    await page.goto(`${example.blogUrl}${DEMO_KEY}?lang=${lang}`);
    const thread = page.locator('parley-thread');
    await demoReply(page).waitFor();
    await thread.locator('[part~="status"]').getByText(status(t)).waitFor();
    await drawWholeThread(page);
    await page.locator('.comments').screenshot({ path: join(folder, `thread-${lang}.png`) });
    console.log(`wrote thread-${lang}.png`);
  }
  await page.close();
}

try {
  const page = await browser.newPage({ viewport: desktop });
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await page.goto(example.articleUrl);
  await demoReply(page).waitFor();
  await drawWholeThread(page);
  await page.locator('.comments').screenshot({ path: join(folder, 'example.png') });
  console.log('wrote example.png');
  await page.close();

  // Before a reader posts below, so the counts are the seeded ones.
  await shootLanguages(browser, example);

  // A reader on a phone answers one message of the demo thread.
  const reader = await browser.newPage(phone);
  await reader.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await reader.goto(example.articleUrl);
  const reply = reader.getByRole('button', { name: /^Reply to Dev Patel/ }).first();
  await reply.waitFor();
  await reply.click();
  // What the reader now sees, wherever the reply box is, once the message
  // field has focus and the page has stopped scrolling to it.
  await reader.waitForFunction(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    el?.setAttribute('data-screenshot', 'body');
    return el?.localName === 'textarea';
  });
  await scrolled(reader);
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
  await scrolled(reader);
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
