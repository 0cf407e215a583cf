/**
 * The seam between `<parley-thread>` (eager, in `/widget.js`) and its lazily
 * loaded parts, the reader's actions (`thread-actions.ts`) and the live
 * updates (`live.ts`): what the element lends them (its templates in
 * `thread-view.ts` read it too). Types only, so neither side pulls the
 * other's code in through it.
 */
import type { Message, Thread } from '@parley/server/wire';
import type { ApiError, PageOptions } from '../api/client.js';
import type { ReadCatalog } from '../i18n/en.js';
import type { ParleyEventMap } from './events.js';
import type { PageFacts } from './page.js';
import type { ParleyThread } from './parley-thread.js';

/** What the element lends its lazy parts (each a Lit controller of it). */
export interface ThreadHost {
  /** The element, for `addController`, `requestUpdate`, `updateComplete`, `renderRoot` and its attributes. */
  readonly el: ParleyThread;
  /** Where the thread on screen was loaded from; a new object per load. */
  readonly page: PageFacts;
  /** The catalog of the current locale (for English, its reading part only). */
  readonly t: ReadCatalog;
  readonly locale: string;
  /** The thread, null until its first post; setting it re-renders. */
  thread: Thread | null;
  /** Messages in display order; setting them re-renders every branch at once, in one render. */
  messages: Message[];
  /**
   * The id of the thread's latest live event when the page on screen was read
   * (0 for a thread no one has posted to yet); undefined while a load is out
   * or after it failed.
   */
  readonly eventId: number | undefined;
  /**
   * A message new to this page (the reader's own post, or a live one) joins
   * the list at its true place: in place of one with its id; under its parent
   * when that is on the page; else where the sort puts it. The thread's counts
   * are the caller's to change.
   */
  add(message: Message): void;
  /** Once rendered, scrolls message `id` into view and marks it for a moment. */
  reveal(id: number): void;
  /** Replaces everything with a first page just read (live updates' reload). */
  reset(page: { thread: Thread | null; messages: Message[]; nextCursor: string | null }): void;
  /** A quiet note shown under the status line while not empty ("Reconnecting…"). */
  liveNote: string;
  /** Whether pages of replies are still to load ("load more"). */
  readonly hasMore: boolean;
  /** Page size and order of the thread's reading requests, as the attributes say. */
  options(): PageOptions;
  /** Ids of this reader's messages (or edits) awaiting moderation, marked as such. */
  readonly pending: Set<number>;
  /** Says `text` through the polite live region. */
  announce(text: string): void;
  emit<K extends keyof ParleyEventMap>(type: K, detail: ParleyEventMap[K]): void;
  /** Reports a failure as `parley-error` and returns it as an ApiError. */
  fail(e: unknown): ApiError;
}
