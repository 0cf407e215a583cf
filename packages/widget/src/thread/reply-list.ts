/**
 * The replies a long thread has loaded, as plain data: runs of replies that
 * follow each other in the server's listing, with gaps between them where
 * pages are not loaded yet (a link to a message far down, the reader's own
 * post at the end). This module is eager and small: the first page's list, its
 * messages in order, and how big a gap is. Changing the list (loading a gap,
 * the page that holds a message, a new message) is `reply-list-changes.ts`'s,
 * in a lazy chunk, since only the reader's actions and live updates need it;
 * so is `long-thread.ts`, which reads pages into it.
 */
import type { Message } from '@parley/server/wire';

/** Replies not loaded between two runs, or after the last run ("load more"). */
export interface Gap {
  /** The cursor that continues the listing after the run before the gap. */
  cursor: string;
  /** How many replies the gap hides, when known. */
  count?: number | undefined;
}

/** Replies that follow each other in the listing. */
export interface Run {
  messages: Message[];
  /** Where its first reply is in the listing (0: the first reply); null when not known (a post put at the end). */
  start: number | null;
  /** The gap after it; null when the next run, or the end of the thread, follows it at once. */
  gap: Gap | null;
}

/** The opening post apart, then the loaded replies as runs; there is always a first run. */
export interface ReplyList {
  opening: Message | undefined;
  runs: Run[];
}

/** The highlights view's own list, read from the server (`?highlighted=true`). */
export interface HighlightPage {
  messages: Message[];
  cursor: string | null;
}

/**
 * What one load of the element knows about its replies beyond the first page,
 * shared with the lazy `long-thread.ts` that changes it (then re-renders).
 */
export interface ReplyState {
  list: ReplyList;
  /**
   * Aborted when the element loads again, or disconnects during its first
   * load; reads beyond that finish while it is away, for when it is back.
   */
  signal: AbortSignal;
  /** The gap whose page is being read, shown as busy. */
  busy?: Gap;
  /** The id of a message the hash names that is being read from the server. */
  seeking?: number;
  /** The hash names a message the server does not list (deleted, or another thread's). */
  missing?: boolean;
  /** The highlights view's list, once read; absent while the page holds every reply. */
  highlights?: HighlightPage;
  /** Whether more highlights are being read. */
  highlightsBusy?: boolean;
  /** The id of the message the page's `#parley-<id>` hash names (part `target`). */
  target?: number | null;
  /** The id of a message to scroll to once it is rendered (the hash's, or one revealed); 0: none. */
  scrollTo?: number | null;
  /** The id of the message `reveal` marks for a moment (part `fresh`). */
  fresh?: number;
  freshTimer?: ReturnType<typeof setTimeout>;
}

/** A first page (opening post first, when there is one) as a list, with "load more" after it. */
export function replyList(messages: Message[], cursor: string | null): ReplyList {
  const opening = messages[0]?.kind === 'opening' ? messages[0] : undefined;
  return {
    opening,
    runs: [
      {
        messages: opening ? messages.slice(1) : messages,
        start: 0,
        gap: cursor ? { cursor } : null,
      },
    ],
  };
}

/** Every loaded message in display order, the opening post first. */
export const listed = ({ opening, runs }: ReplyList): Message[] => [
  ...(opening ? [opening] : []),
  ...runs.flatMap((r) => r.messages),
];

/**
 * Scrolls to the message `state.scrollTo` names once it is rendered and moves
 * the focus to it, so keyboard and screen-reader users start there (it is not
 * in the tab order: `tabindex=-1`); forgets it once every batch is in
 * (`allIn`) and nothing is being read for it: it is not on this page at all.
 * Returns the id scrolled to (0: none): the messages above it are still
 * placeholders of an estimated height, so the element then keeps it in view
 * as they take their real heights (`keepInView`, in `long-thread.ts`).
 */
export function scrollWhenRendered(root: ParentNode, state: ReplyState, allIn: boolean) {
  const id = state.scrollTo;
  if (!id) return 0;
  const target = root.querySelector<HTMLElement>(`#parley-${id}`);
  if (target || (allIn && state.seeking !== id)) state.scrollTo = 0;
  if (!target) return 0;
  target.scrollIntoView({ block: 'center' });
  target.tabIndex = -1;
  target.focus({ preventScroll: true });
  return id;
}

/** Stops `reveal`'s mark (part `fresh`) and its timer: the element disconnects or loads again. */
export function unmark(state: ReplyState | undefined) {
  if (!state) return;
  clearTimeout(state.freshTimer);
  state.fresh = undefined;
}
