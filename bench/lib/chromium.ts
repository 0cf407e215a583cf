/** Debian's Chromium through playwright-core: browser downloads are not possible here. */
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/chromium.mjs';

export { CHROMIUM_ARGS };

/** Launches CHROMIUM_PATH, else /usr/bin/chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
}
