/**
 * One locale's catalog at a time, loaded on first use: the loader each bundle
 * (the widget's, the moderation page's) builds over its own chunks. English
 * is built in and answers at once; another shipped locale answers `undefined`
 * until its chunk is in, then `ready` runs (the element re-renders). A chunk
 * that fails to load (the network, a deploy that replaced it) falls back to
 * English rather than leave the element without words.
 */
import type { Locale } from './locales.js';

/** A locale's chunk: a module whose default export is the whole catalog. */
export type CatalogChunks<C> = Record<Exclude<Locale, 'en'>, () => Promise<{ default: C }>>;

/**
 * A `catalogFor(locale, ready)` over `chunks`, with `en` built in. Each chunk
 * is imported once per page, however many elements ask for it.
 */
export function lazyCatalogs<C>(en: C, chunks: CatalogChunks<C>) {
  const loaded = new Map<Locale, C | Promise<unknown>>([['en', en]]);
  return (locale: Locale, ready: () => void): C | undefined => {
    let c = loaded.get(locale);
    if (!c) {
      c = chunks[locale as Exclude<Locale, 'en'>]().then(
        (m) => loaded.set(locale, m.default),
        () => loaded.set(locale, en),
      );
      loaded.set(locale, c);
    }
    if (c instanceof Promise) {
      c.then(ready);
      return undefined;
    }
    return c;
  };
}
