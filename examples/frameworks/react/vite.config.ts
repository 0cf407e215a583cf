import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The React example, built as any React app is: `vite build` into dist/. */
export default defineConfig({
  plugins: [react()],
});
