import { defineConfig } from 'astro/config';

/**
 * The Astro example: a static build into dist/. `trailingSlash: 'always'`
 * makes `Astro.url.pathname` `/posts/hello/`, the path the built page is
 * served at, so the thread key matches the other examples'.
 */
export default defineConfig({
  output: 'static',
  trailingSlash: 'always',
});
