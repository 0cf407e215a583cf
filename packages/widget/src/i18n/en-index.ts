/**
 * English strings of the index elements (`<parley-count>`, `<parley-card>`,
 * `<parley-threads>`), which travel with their lazy chunks, not with
 * `/widget.js`. Part of the one English {@link Catalog}; see `en.ts`.
 */
export const enIndex = {};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The part of a catalog that the index elements render. */
export type IndexCatalog = Widen<typeof enIndex>;
