import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/chromium.mjs';

/**
 * `executeServerCommand('aria-snapshot', {selector})`: Playwright's snapshot of
 * the accessibility tree under `selector` (shadow roots included), as YAML, for
 * what must stay out of it (the honeypot field). The a11y-snapshot command of
 * @web/test-runner-commands uses `page.accessibility`, which Playwright removed.
 */
function ariaSnapshotPlugin() {
  return {
    name: 'parley:aria-snapshot',
    async executeCommand({ command, payload, session }) {
      if (command !== 'aria-snapshot') return undefined;
      const page = session.browser.getPage(session.id);
      return page.locator(payload.selector).ariaSnapshot();
    },
  };
}

/**
 * Browser tests in Debian's Chromium, driven by playwright-core (no browser
 * download). The esbuild plugin gets our tsconfig so it compiles exactly as
 * `tsc` checks. The clock's time zone and locale are fixed so rendered times
 * are stable.
 */
export default {
  files: ['src/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 120_000,
  testFramework: { config: { timeout: 5000 } },
  plugins: [
    ariaSnapshotPlugin(),
    esbuildPlugin({
      ts: true,
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: chromiumPath(),
        args: CHROMIUM_ARGS,
      },
      createBrowserContext: ({ browser }) =>
        browser.newContext({ locale: 'en-US', timezoneId: 'UTC' }),
    }),
  ],
};
