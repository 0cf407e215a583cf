/**
 * English for what only the lazy `long-thread.ts` renders (the gaps within a
 * long thread's list, the highlights view, a link to a message that is gone), so
 * its bytes travel with that chunk, as `en-actions.ts`'s do with the actions.
 */
import type { ReadCatalog, Widen } from './en.js';

export const enLong = {
  /** A gap in a long thread: replies not loaded yet, listed before the ones after the gap. */
  earlierReplies: { one: '{n} earlier reply', other: '{n} earlier replies' },
  /** On a reply whose parent is not loaded: a link that reads it in. */
  inReplyToEarlier: 'in reply to an earlier message',
  /** The highlights view's list, and what it says when there are none. */
  highlightsList: 'Highlights',
  noHighlights: 'No highlights yet.',
  loadMoreHighlights: 'Load more highlights',
  /** The page's #parley-<id> names a message the server does not list. */
  missing: 'The linked message is not available.',
};

/** The part of a catalog that `long-thread.ts` renders. */
export type LongCatalog = Widen<typeof enLong>;

/**
 * The reading catalog the element holds, completed with {@link enLong}
 * (another locale's whole catalog has it already).
 */
export const withLong = (t: ReadCatalog) => ({ ...enLong, ...t }) as ReadCatalog & LongCatalog;
