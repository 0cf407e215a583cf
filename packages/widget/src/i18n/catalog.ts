/**
 * Finds the catalog for a locale. English is built in; other locales are
 * meant to be lazy chunks (`dist/widget/*.js`), added to `loaders` as
 * `xx: () => import('./xx.js')`, so readers only download their own language.
 * A locale chunk exports a whole {@link Catalog}; English's interactive part
 * (`en-actions.ts`) travels with the actions chunk instead of `/widget.js`.
 */
import { type Catalog, en, type ReadCatalog } from './en.js';

const loaded: Record<string, ReadCatalog> = { en };
const loaders: Record<string, () => Promise<{ default: Catalog }>> = {};

/**
 * The catalog for `locale`'s language, synchronously: English until a lazy
 * catalog has arrived, then `onLoad` runs once so the caller can re-render.
 * For English this is the reading part only: see `withActions()`.
 */
export function catalogFor(locale: string, onLoad: () => void): ReadCatalog {
  const lang = locale.split('-')[0]!.toLowerCase();
  const found = loaded[lang];
  if (found) return found;
  const load = loaders[lang];
  if (load) {
    // Mark as English meanwhile so a re-render does not start a second import.
    loaded[lang] = en;
    load().then(
      (m) => {
        loaded[lang] = m.default;
        onLoad();
      },
      () => {},
    );
  }
  return en;
}
