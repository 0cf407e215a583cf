// Where Chromium is and how to start it here: one place for the test
// runner, the end-to-end tests, the bundle test and the benchmarks.
import { existsSync } from 'node:fs';

/**
 * Flags for Debian's Chromium: headless, runnable as root, and quiet on the
 * network (this machine reaches no network but its package registries, and
 * Chromium's background requests would only be refused).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Places a Chromium or Chrome binary is looked for, `CHROMIUM_PATH` first. */
export function chromiumCandidates() {
  return [
    process.env.CHROMIUM_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ].filter(Boolean);
}

/** The first Chromium found, or undefined. */
export function findChromium() {
  return chromiumCandidates().find((path) => existsSync(path));
}

/** The Chromium to launch: the first of chromiumCandidates() found, else Debian's `/usr/bin/chromium`. */
export function chromiumPath() {
  return findChromium() ?? '/usr/bin/chromium';
}
