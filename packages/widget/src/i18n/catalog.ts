/**
 * Finds the catalog for a locale: the one place the element asks for its
 * words. English is the only catalog so far, and built in. A locale added
 * later comes as a lazy chunk (`dist/widget/*.js`, a whole `Catalog`,
 * imported here on first use, the element re-rendering once it is in), so
 * readers only download their own language; English's interactive part
 * (`en-actions.ts`) travels with the actions chunk instead of `/widget.js`.
 */
import { en, type ReadCatalog } from './en.js';

/** The reading catalog for `locale`'s language: for now, English whatever the locale. */
export function catalogFor(_locale: string): ReadCatalog {
  return en;
}
