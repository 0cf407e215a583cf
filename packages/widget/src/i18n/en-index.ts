/**
 * English strings of the index elements (`<parley-count>`, `<parley-card>`,
 * `<parley-threads>`), which travel with their lazy chunks, not with
 * `/widget.js`. Part of the one English {@link Catalog}; see `en.ts`. The
 * cards' stats line and status reuse the thread's words (`messages`,
 * `highlights`, `open`, `closed`, ...), so a card reads like its thread.
 */
import type { Plural, ReadCatalog } from './en.js';

export const enIndex = {
  /** A post list's badge: every published message, the opening post included. */
  comments: { one: '{n} comment', other: '{n} comments' } as Plural,
  /** The badge while its count loads, for screen readers. */
  countLoading: 'Loading comment count…',
  /** The badge when its count could not be read: still a meaningful link text. */
  commentsUnavailable: 'Comments',
  /** A card for a thread no one has posted to yet. */
  noDiscussion: 'No discussion yet.',
  cardLoading: 'Loading discussion…',
  cardUnavailable: 'This discussion is unavailable right now.',
  /** A thread without a title (one created by a page without `thread-title` or `<title>`). */
  untitled: 'Untitled discussion',
  /** The forum index's list, for screen readers. */
  discussions: 'Discussions',
  discussionsLoading: 'Loading discussions…',
  noDiscussions: 'No discussions yet.',
  discussionsUnavailable: 'Discussions are unavailable right now.',
  /** The forum index's sort control and its two orders. */
  sortBy: 'Sort by',
  mostActive: 'Most active',
  mostRecent: 'Newest',
  loadMoreDiscussions: 'Load more discussions',
  loadingMore: 'Loading…',
  moreFailed: 'More discussions could not be loaded.',
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The part of a catalog that the index elements render. */
export type IndexCatalog = Widen<typeof enIndex>;
/** What an index element renders with: its own strings and the thread's reading ones. */
export type IndexStrings = ReadCatalog & IndexCatalog;

const merged = new WeakMap<object, IndexStrings>();

/**
 * The index elements' catalog from a locale's (`catalogFor`'s): completed
 * with English (`en`, the reading part, as `catalogFor('en')` gives it: the
 * index chunks take it from there rather than make `/widget.js` export it),
 * so a string a locale lacks reads English rather than nothing. Memoized per
 * catalog, since it is asked for on every render.
 */
export function withIndex(t: object, en: ReadCatalog): IndexStrings {
  let all = merged.get(t);
  if (!all) {
    all = { ...en, ...enIndex, ...t } as IndexStrings;
    merged.set(t, all);
  }
  return all;
}
