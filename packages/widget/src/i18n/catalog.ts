/**
 * Finds the catalog for a locale: the one place the widget's elements ask for
 * their words. English is built in (its interactive part, `en-actions.ts`,
 * travels with the actions chunk, and the index elements' `en-index.ts` with
 * theirs); every other shipped locale is one lazy chunk (`locales/*.ts`, a
 * whole {@link Catalog}), imported on first use, so readers only download
 * their own language.
 */
import { en, type ReadCatalog } from './en.js';
import { lazyCatalogs } from './lazy-catalogs.js';

/**
 * The catalog for a shipped locale: English at once; another locale's whole
 * catalog once its chunk is in, `undefined` till then (`ready` runs then).
 */
export const catalogFor = lazyCatalogs<ReadCatalog>(en, {
  de: () => import('./locales/de.js'),
  fr: () => import('./locales/fr.js'),
  es: () => import('./locales/es.js'),
  'pt-BR': () => import('./locales/pt-BR.js'),
  ja: () => import('./locales/ja.js'),
  'zh-Hans': () => import('./locales/zh-Hans.js'),
  ar: () => import('./locales/ar.js'),
  he: () => import('./locales/he.js'),
});
