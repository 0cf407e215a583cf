/** Debian's Chromium through playwright-core: browser downloads are not possible here. */
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/chromium.mjs';

/** Launches CHROMIUM_PATH, else /usr/bin/chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}

/**
 * How long a new browser context is left to settle before a measured load;
 * `BENCH_SETTLE_MS=0` measures with the browser's start-up of the context
 * competing for the cores, as a busier machine would.
 */
export const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 500);

/**
 * A page in a fresh browser context (so no HTTP or code cache), once the
 * browser is quiet again: each new context starts the browser's own UI
 * renderer (top-chrome WebUI), whose start-up would otherwise share the cores
 * with the load being measured (`bench/profile-render.ts --settle 0` shows it).
 */
export async function freshPage(
  browser: Browser,
  settleMs = SETTLE_MS,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return { context, page };
}
