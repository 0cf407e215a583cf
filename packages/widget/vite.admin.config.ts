import { defineConfig } from 'vite';
import widget from './vite.config.ts';

/**
 * Builds `/admin.js`, the moderation page's bundle: one ES module (Lit
 * bundled in, styles in the shadow root, English built in) beside
 * `widget.js`, and each other locale's catalog as a lazy chunk under
 * `dist/admin/` (served at `/admin/*`, resolved from `import.meta.url`), so a
 * moderator downloads their own language only. It runs after the widget
 * build and must not empty `dist/`. It reuses the widget build's plugins (the
 * template minifier); it has no size budget, as only the site owner loads it.
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
      // As in the widget build: shared code stays in admin.js (the chunks import it).
      preserveEntrySignatures: 'allow-extension',
      output: {
        chunkFileNames: 'admin/[name]-[hash].js',
        minify: true,
        comments: false,
      },
    },
  },
});
