import { defineConfig } from 'vite';
import widget from './vite.config.ts';

/**
 * Builds `/admin.js`, the moderation page's bundle: one self-contained ES
 * module (Lit bundled in, styles in the shadow root, no chunks) beside
 * `widget.js`. It runs after the widget build and must not empty `dist/`.
 * It reuses the widget build's plugins (the template minifier); it has no
 * size budget, as only the site owner loads it.
 */
export default defineConfig({
  plugins: widget.plugins,
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false,
    cssCodeSplit: false,
    modulePreload: false,
    reportCompressedSize: false,
    lib: {
      entry: 'src/admin.ts',
      formats: ['es'],
      fileName: () => 'admin.js',
    },
    rolldownOptions: {
      output: {
        // One file: the server serves /admin.js alone, and nothing here loads lazily.
        codeSplitting: false,
        minify: true,
        comments: false,
      },
    },
  },
});
