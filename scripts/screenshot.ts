/**
 * Takes the README's screenshot: runs the example exactly as `npm start` does
 * (on a temporary database, so it shows the freshly seeded demo thread) and
 * photographs the article's thread in headless Chromium.
 *
 *   node --import tsx scripts/screenshot.ts [docs/example.png]
 */
import { exampleOptions, launchChromium, startExample } from '../test/support/example.ts';

const out = process.argv[2] ?? 'docs/example.png';
const example = await startExample(await exampleOptions());
const browser = await launchChromium();
try {
  const page = await browser.newPage({
    viewport: { width: 900, height: 1400 },
    deviceScaleFactor: 1,
  });
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await page.goto(example.articleUrl);
  await page.getByText('MoE cuts latency via sparse activation.').waitFor();
  await page.locator('.comments').scrollIntoViewIfNeeded();
  await page.locator('.comments').screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await example.stop();
}
