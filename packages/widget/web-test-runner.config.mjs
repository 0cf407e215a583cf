import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { build } from 'vite';
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
 * Serves `src/thread/pow-solver.ts` bundled on its own, altcha-lib included,
 * as the build makes it (vite.config.ts fails a build where it imports
 * anything): the solver runs its own text as a blob worker, where the dev
 * server's unbundled imports would not resolve. The tests then exercise the
 * real worker path instead of its main-thread fallback.
 */
function bundledSolverPlugin() {
  const SOLVER = '/src/thread/pow-solver.ts';
  return {
    name: 'parley:bundled-solver',
    async serve(context) {
      if (context.path !== SOLVER) return undefined;
      const [result] = [].concat(
        await build({
          configFile: false,
          root: fileURLToPath(new URL('.', import.meta.url)),
          logLevel: 'silent',
          build: {
            write: false,
            minify: false,
            target: 'es2022',
            lib: { entry: `.${SOLVER}`, formats: ['es'] },
          },
        }),
      );
      const chunks = result.output.filter((c) => c.type === 'chunk');
      if (chunks.length !== 1 || chunks[0].imports.length > 0) {
        throw new Error(`${SOLVER} did not bundle into one chunk without imports`);
      }
      return { body: chunks[0].code, type: 'js' };
    },
  };
}

/**
 * Serves axe-core at `/__axe__.js` for `src/testing/axe.ts`: its file is a
 * script that sets `window.axe`, not an ES module the dev server could resolve
 * and serve from `node_modules` itself.
 */
function axePlugin() {
  const AXE = '/__axe__.js';
  const require = createRequire(import.meta.url);
  return {
    name: 'parley:axe',
    serve(context) {
      if (context.path !== AXE) return undefined;
      return { body: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'), type: 'js' };
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
  // Node-only tests (`*.unit.test.ts`, no DOM) run under `node --test` instead: see `test:unit`.
  files: ['src/**/*.test.ts', '!src/**/*.unit.test.ts', '!src/**/*.phone.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  testsFinishTimeout: 120_000,
  testFramework: { config: { timeout: 5000 } },
  plugins: [
    ariaSnapshotPlugin(),
    axePlugin(),
    bundledSolverPlugin(),
    esbuildPlugin({
      ts: true,
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
  ],
  browsers: [chromium({})],
  // Tests of what a phone is: a 390x844 touch screen, where `(pointer: coarse)` matches.
  groups: phoneFiles().map((files) => ({
    name: 'phone',
    files,
    // A phone lays a page without this out 980 px wide, as every real page has it.
    testRunnerHtml: (framework) =>
      `<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head><body><script type="module" src="${framework}"></script></body></html>`,
    browsers: [chromium({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })],
  })),
};

/**
 * The phone group's files, as a one-element list (none when there are none):
 * all of them, or with `--files`, only the phone tests named there.
 */
function phoneFiles() {
  const at = process.argv.indexOf('--files');
  if (at === -1) {
    const src = fileURLToPath(new URL('./src', import.meta.url));
    const any = readdirSync(src, { recursive: true }).some((f) => f.endsWith('.phone.test.ts'));
    return any ? ['src/**/*.phone.test.ts'] : [];
  }
  const named = process.argv.slice(at + 1).filter((f) => f.endsWith('.phone.test.ts'));
  return named.length ? [named] : [];
}

/** Debian's Chromium in a context with a fixed locale and time zone, plus `options`. */
function chromium(options) {
  return playwrightLauncher({
    product: 'chromium',
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
    createBrowserContext: ({ browser }) =>
      browser.newContext({ locale: 'en-US', timezoneId: 'UTC', ...options }),
    // The launcher sizes every page 800x600 before each test file; a phone keeps its own size
    // then, while a test's own setViewport (320 px checks) still applies.
    createPage: async ({ context }) => {
      const page = await context.newPage();
      const setViewportSize = page.setViewportSize.bind(page);
      const launcherReset = (size) => size.width === 800 && size.height === 600;
      page.setViewportSize = (size) =>
        setViewportSize(options.viewport && launcherReset(size) ? options.viewport : size);
      return page;
    },
  });
}
