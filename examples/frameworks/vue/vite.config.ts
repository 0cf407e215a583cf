import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/** The Vue example, built as any Vue app is: `vite build` into dist/. */
export default defineConfig({
  plugins: [
    vue({
      // Parley's tags are custom elements, not Vue components to resolve.
      template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('parley-') } },
    }),
  ],
});
