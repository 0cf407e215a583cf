/**
 * English, the built-in catalog: every string a reader sees. Other locales
 * copy its shape ({@link Catalog}) and load lazily (see `catalog.ts`).
 * `{name}`-style placeholders are filled by `fill()`; plural entries are keyed
 * by `Intl.PluralRules` categories and must have `other`.
 *
 * English comes in parts so the bytes follow the code: this one, for
 * reading a thread, is in `/widget.js`; `en-actions.ts`, for the form and the
 * per-message actions, travels in the lazy actions chunk, and `en-long.ts`
 * with the chunk that reads long threads beyond their first page. A locale's catalog is
 * still one object of one shape: both parts.
 */
import type { enActions } from './en-actions.js';
import type { IndexCatalog } from './en-index.js';
import type { LongCatalog } from './en-long.js';

export const en = {
  back: '← Back',
  messages: { one: '{n} msg', other: '{n} msgs' },
  highlights: { one: '{n} highlight', other: '{n} highlights' },
  /** After a summary the server wrote (none after one a moderator wrote). */
  summarizedAutomatically: 'Summarized automatically',
  messagesIcon: 'Messages:',
  highlightsIcon: 'Highlights:',
  activityIcon: 'Last activity:',
  open: 'Discussion in progress',
  closed: 'Discussion closed',
  loading: 'Loading comments…',
  unavailable: 'Comments are unavailable right now.',
  retry: 'Retry',
  empty: 'No replies yet. Be the first to start the discussion.',
  repliesLabel: 'Replies',
  loadMore: 'Load more replies',
  skip: 'Skip to the reply form',
  closedNotice: 'This discussion is closed.',
  highlighted: 'Highlighted',
  owner: 'Author',
  edited: 'edited',
  inReplyTo: 'in reply to {name}',
  formTitle: 'Join the discussion',
  /** Label of the "All" / "Highlights (N)" toggle. */
  view: 'Show',
  all: 'All',
  highlightsTab: 'Highlights ({n})',
  deleted: 'This message was deleted.',
};

/**
 * A catalog's shape from English's: any text for each string, any plural
 * categories (with `other`) for each plural, every key required.
 */
export type Widen<T> = {
  [K in keyof T]: T[K] extends string
    ? string
    : T[K] extends { other: string }
      ? Plural
      : Widen<T[K]>;
};
/** The reading part of a catalog: what `/widget.js` itself renders. */
export type ReadCatalog = Widen<typeof en>;
/** The interactive part of a catalog: what the lazy actions chunk renders. */
type ActionsCatalog = Widen<typeof enActions>;
/** The shape every locale's catalog has. */
export type Catalog = ReadCatalog & ActionsCatalog & LongCatalog & IndexCatalog;

/** Plural forms keyed by `Intl.PluralRules` category; `other` is the fallback. */
export type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
