/**
 * Reading a long thread beyond its first page, a lazy chunk of
 * `<parley-thread>` (loaded with the actions, or on the first press of a gap):
 * a gap's next page, the page that holds a linked message, the highlights
 * view's own list, and the list changes the other lazy parts make through the
 * element's `ThreadHost` (`add`, `messages`). The element keeps the state
 * (`ReplyState`); these functions change it and re-render.
 */
import type { Message } from '@parley/server/wire';
import { html, nothing } from 'lit';
import type { ApiError } from '../api/client.js';
import { getMessages, getMessagesAt } from '../api/interactive.js';
import type { ReadCatalog } from '../i18n/en.js';
import { withLong } from '../i18n/en-long.js';
import { plural } from '../i18n/format.js';
import type { ReplyNode } from './message-tree.js';
import { listed, type ReplyState, replyList } from './reply-list.js';
import { withGapPage, withPageAt } from './reply-list-changes.js';
import type { ThreadHost } from './thread-host.js';
import type { ThreadView } from './thread-view.js';

export { exactTitle } from './exact-time.js';
// The highlights view's list is this chunk's to render, so its filter travels here too.
export { highlights } from './message-tree.js';
export { withAdded, withMessages } from './reply-list-changes.js';

/** Reports a failed read as `parley-error` and says, politely, that comments are unavailable. */
function failed(host: ThreadHost, state: ReplyState, e: unknown) {
  if (state.signal.aborted) return;
  host.fail(e);
  host.announce(host.t.unavailable);
}

/**
 * Reads the next page of the gap after run `i`. Its button stays where it is
 * (busy, `aria-disabled`, so it keeps the focus) while the page loads; then
 * the focus, if it was on the button, moves to the first reply the page
 * brought (where the button was, so the page does not jump), or, when it
 * brought none, stays on the gap's button while the gap remains, else moves
 * to the reply that followed the gap.
 */
export async function loadGap(host: ThreadHost, state: ReplyState, i: number) {
  const gap = state.list.runs[i]?.gap;
  // One page at a time: a busy gap's button stays pressable (it keeps the focus) but asks nothing.
  if (!gap || state.busy) return;
  const el = host.el;
  const root = el.renderRoot as ShadowRoot;
  const button = root.activeElement?.matches('[part~=gap],[part~=load-more]')
    ? root.activeElement
    : null;
  const after = state.list.runs[i + 1]?.messages[0]?.id;
  state.busy = gap;
  el.requestUpdate();
  try {
    const page = await getMessages(
      host.page.base,
      host.page.key,
      { ...host.options(), cursor: gap.cursor },
      state.signal,
    );
    // Live changes may have moved it, or replaced its object, meanwhile: its cursor names it.
    const at = state.list.runs.findIndex((r) => r.gap?.cursor === gap.cursor);
    if (at < 0) return;
    const had = new Set(host.messages.map((m) => m.id));
    state.list = withGapPage(state.list, at, page);
    state.busy = undefined;
    el.requestUpdate();
    await el.updateComplete;
    const active = root.activeElement;
    if (!button || (active !== button && document.activeElement !== document.body)) return;
    const left = state.list.runs[at]?.gap;
    const fresh = host.messages.find((m) => !had.has(m.id))?.id ?? (left ? undefined : after);
    const next = fresh
      ? root.querySelector<HTMLElement>(`#parley-${fresh}`)
      : root.querySelectorAll<HTMLElement>('[part~=gap],[part~=load-more]')[
          state.list.runs.slice(0, at).filter((r) => r.gap).length
        ];
    if (next) {
      // A message is not in the tab order; it takes the focus only from here.
      if (fresh) next.tabIndex = -1;
      next.focus();
    }
  } catch (e) {
    failed(host, state, e);
  } finally {
    if (state.busy === gap) state.busy = undefined;
    el.requestUpdate();
  }
}

/**
 * Reads the page that holds message `id` (the page's hash names it and it is
 * not loaded) and puts it in its place; the element then scrolls to it. A
 * message the server does not list (deleted, hidden, another thread's) is no
 * failure of the element: a quiet notice says it is not available.
 */
export async function loadAt(host: ThreadHost, state: ReplyState, id: number) {
  try {
    const page = await getMessagesAt(
      host.page.base,
      host.page.key,
      { ...host.options(), at: id },
      state.signal,
    );
    state.list = withPageAt(state.list, page);
  } catch (e) {
    const code = (e as ApiError).code;
    if (code === 'message_not_found' || code === 'thread_not_found') {
      state.missing = true;
      host.announce(withLong(host.t).missing);
    } else failed(host, state, e);
  } finally {
    if (state.seeking === id) state.seeking = undefined;
    host.el.requestUpdate();
  }
}

/**
 * Reads the highlights view's list from the server (`?highlighted=true`),
 * its first page, or with `more` the next one, when the loaded pages of
 * replies may hold only some of the thread's highlights (else re-renders).
 */
export async function loadHighlights(host: ThreadHost, state: ReplyState, more = false) {
  const cursor = (more && state.highlights?.cursor) || undefined;
  // The page holds every reply, so every highlight: this chunk, just in, renders them.
  if (!more && !host.hasMore) return host.el.requestUpdate();
  if (state.highlightsBusy || (more && !cursor)) return;
  state.highlightsBusy = true;
  host.el.requestUpdate();
  const had = state.highlights;
  try {
    const page = await getMessages(
      host.page.base,
      host.page.key,
      { ...host.options(), cursor, highlighted: true },
      state.signal,
    );
    // A live reload (`reset`) meanwhile started the list afresh: this page continued the old one.
    if (more && state.highlights !== had) return;
    state.highlights = {
      messages: [...(had && more ? had.messages : []), ...page.messages],
      cursor: page.nextCursor,
    };
  } catch (e) {
    failed(host, state, e);
  } finally {
    state.highlightsBusy = false;
    host.el.requestUpdate();
  }
}

/**
 * Replaces everything with a first page just read (live updates' reload):
 * the gaps, what was being read and the highlights' list start afresh.
 */
export function reset(
  host: ThreadHost,
  state: ReplyState,
  page: Parameters<ThreadHost['reset']>[0],
) {
  host.thread = page.thread;
  state.list = replyList(page.messages, page.nextCursor);
  state.busy = state.seeking = state.highlights = undefined;
  // Through the element's setter, so it shows at once (see ThreadHost.messages).
  host.messages = listed(state.list);
}

/** How long a revealed message stays marked (part `fresh`). */
export const FRESH_MS = 3_000;

/**
 * Resolves once the box of `find()` has kept its place for a few frames (a
 * scroll ended, the layout settled), or after about three seconds.
 */
async function settled(find: () => Element | null) {
  let top: number | undefined;
  for (let same = 0, frames = 0; same < 3 && frames < 180; frames++) {
    await new Promise((r) => requestAnimationFrame(r));
    const now = find()?.getBoundingClientRect().top;
    same = now === top ? same + 1 : 0;
    top = now;
  }
}

/** Whether `m` is in the viewport: all of it, or, taller than it, its top or across it. */
function inView(m: Element) {
  const { top, bottom } = m.getBoundingClientRect();
  return top >= 0
    ? top < innerHeight && (bottom <= innerHeight || bottom - top > innerHeight)
    : bottom >= innerHeight;
}

/**
 * Scrolls message `id` into view once it is rendered (smoothly unless the
 * reader prefers reduced motion) and marks it for a moment: the reader's own
 * post, found where it landed, and kept in view (with its confirmation,
 * inside it) as the layout settles (`keepInView`).
 */
export async function reveal(host: ThreadHost, state: ReplyState, id: number) {
  const el = host.el;
  state.fresh = id;
  clearTimeout(state.freshTimer);
  state.freshTimer = setTimeout(() => {
    state.fresh = undefined;
    el.requestUpdate();
  }, FRESH_MS);
  el.requestUpdate();
  await el.updateComplete;
  el.renderRoot.querySelector(`#parley-${id}`)?.scrollIntoView({
    block: 'center',
    behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth',
  });
  await keepInView(host, state, id);
}

/**
 * Once the layout settles, brings message `id` back into view (centred,
 * without motion) should the messages above it, placeholders of an estimated
 * height (`content-visibility: auto`) until the scroll nears them, have
 * pushed it away: at most twice, and not once the reader scrolled. After
 * `reveal`'s scroll, and the element's to a `#parley-<id>` link.
 */
export async function keepInView(host: ThreadHost, _state: ReplyState, id: number) {
  const find = () => host.el.renderRoot.querySelector(`#parley-${id}`);
  let moved = false;
  const stop = () => {
    moved = true;
  };
  const events = ['wheel', 'touchstart', 'keydown'];
  for (const type of events) addEventListener(type, stop, { passive: true });
  try {
    for (let i = 0; i < 2; i++) {
      await settled(find);
      const m = find();
      if (moved || !m || inView(m)) return;
      m.scrollIntoView({ block: 'center' });
    }
  } finally {
    for (const type of events) removeEventListener(type, stop);
  }
}

/**
 * The skip link: focuses the main form's first field, or, while the form's
 * code is still on its way (its placeholder has none), once it is in (the
 * element's `updateComplete` waits for it).
 */
export async function skip(host: ThreadHost) {
  const el = host.el;
  const field = () =>
    el.renderRoot.querySelector<HTMLElement>(
      '#parley-form [part~=input], #parley-form [part~=textarea]',
    );
  if (!field()) await el.updateComplete;
  field()?.focus();
}

/**
 * The top-level replies of `view.tree` (rendered by `replies`) with a button
 * in the place of each gap between runs ("N earlier replies"), before the
 * first reply past it. The element renders the gap after the last run
 * ("Load more replies") itself: the first page has one.
 */
export function withGaps(
  locale: string,
  t: ReadCatalog,
  { tree, state, read }: ThreadView,
  replies: (nodes: ReplyNode[]) => unknown,
) {
  const { runs } = state.list;
  const runOf = new Map(runs.flatMap((r, i) => r.messages.map((m) => [m.id, i])));
  let run = 0;
  const gapsBefore = (to: number) => {
    const out = [];
    for (; run < to; run++) {
      const gap = runs[run]!.gap;
      const i = run;
      // Busy while it loads: aria-disabled, not disabled, so it keeps the focus.
      if (gap)
        out.push(
          html`<li><button part="button gap" aria-disabled=${state.busy?.cursor === gap.cursor} @click=${() => read('loadGap', i)}>${
            gap.count ? plural(locale, withLong(t).earlierReplies, gap.count) : t.loadMore
          }</button></li>`,
        );
    }
    return out;
  };
  const items = tree.replies.map((node) => [
    gapsBefore(runOf.get(node.message.id) ?? run),
    replies([node]),
  ]);
  // Gaps that no top-level reply follows, once every reply is in.
  if (tree.shownCount >= tree.replyCount + (tree.opening ? 1 : 0))
    items.push(gapsBefore(runs.length - 1));
  return items;
}

/**
 * On a reply whose parent is not on the page (in a gap, or before the first
 * page with `newest`): a link to it, which the hash handling reads in.
 */
export const earlier = (t: ReadCatalog, parentId: number) =>
  html`<a href="#parley-${parentId}">${withLong(t).inReplyToEarlier}</a>`;

/**
 * The highlights view: the `highlighted` messages, flat and in order (each
 * rendered by the element's `message`, given its place in that order), and
 * "Load more highlights" when the server has more than it lists; or, with
 * none, "No highlights yet.". Here, not in `/widget.js`: no reader sees it
 * before pressing its toggle, which loads this chunk.
 */
export function highlightList(
  t: ReadCatalog,
  highlighted: Message[],
  state: ReplyState,
  read: ThreadView['read'],
  message: (m: Message, order: number) => unknown,
) {
  const tl = withLong(t);
  return highlighted.length
    ? html`<ol part="messages" aria-label=${tl.highlightsList}>${highlighted.map((m, i) => html`<li>${message(m, i)}</li>`)}</ol>${
        state.highlights?.cursor
          ? html`<button part="button load-more" aria-disabled=${Boolean(state.highlightsBusy)} @click=${() => read('loadHighlights', true)}>${tl.loadMoreHighlights}</button>`
          : nothing
      }`
    : html`<p class="empty">${tl.noHighlights}</p>`;
}

/**
 * The quiet notes under the status line: live updates' `liveNote` while they
 * reconnect (set only by the live chunk, which loads after this one), and the
 * notice that the message the page's hash names is not available.
 */
export const notes = (t: ReadCatalog, state: ReplyState, liveNote: string) =>
  html`${liveNote ? html`<p part="live-note" class="note" role="status">${liveNote}</p>` : nothing}${
    state.missing ? html`<p part="notice" class="note">${withLong(t).missing}</p>` : nothing
  }`;
