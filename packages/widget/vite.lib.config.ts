import { defineConfig } from 'vite';
import widget from './vite.config.ts';

/**
 * Builds the package's module entry (`import '@parley/widget'` in an app that
 * has a bundler of its own) into `dist/lib/`: `index.js`, which registers
 * `<parley-thread>` and exports its class, and the same lazy chunks as
 * `/widget.js` (the form and actions, long threads, live events, the
 * proof-of-work solver) under `dist/lib/chunks/`, loaded with `import()` as
 * there. Unlike `/widget.js`, Lit is left as an import (a dependency the app
 * shares), and nothing is minified (the app's bundler does that; the
 * templates' whitespace is still collapsed, which no minifier may do). The
 * solver stays a chunk that imports nothing (altcha-lib is bundled into it),
 * so its worker runs as in `/widget.js`. Types come from `tsc -p
 * tsconfig.lib.json` and `scripts/lib-types.mjs`. Runs after the two app
 * builds, which empty `dist/`.
 */
export default defineConfig({
  plugins: widget.plugins,
  build: {
    target: 'es2022',
    outDir: 'dist/lib',
    emptyOutDir: true,
    cssCodeSplit: false,
    modulePreload: false,
    reportCompressedSize: false,
    // Names kept for the app's debugger; its own bundler minifies.
    minify: false,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'index.js',
    },
    rolldownOptions: {
      external: [/^lit(\/|$)/, /^@lit\//, /^lit-html(\/|$)/, /^lit-element(\/|$)/],
      output: {
        chunkFileNames: 'chunks/[name]-[hash].js',
      },
    },
  },
});
