/**
 * Taking over the server's markup (a lazy chunk: only a page that put the
 * thread's fragment in `<parley-thread>` loads it). The fragment may hold up
 * to 200 messages and the view only its first page, so a plain swap would move
 * a reader who scrolled into the markup somewhere else, drop a keyboard
 * user's focus to the page's body, and, while the view's messages were still
 * placeholders of an estimated height (`content-visibility: auto`), collapse
 * the page for a frame. So the element lays the view out unseen beside the
 * markup first (class `taking`, its messages fully rendered, so they get real
 * and remembered heights), and this module swaps them: the same message at
 * the same distance from the top of the viewport, focus on the same message.
 */
import { loadAt } from './long-thread.js';
import type { ReplyState } from './reply-list.js';
import type { ThreadHost } from './thread-host.js';

/** The message of the markup a place stands on. */
const ARTICLE = 'article[id^="parley-"]';

const frame = () => new Promise((r) => requestAnimationFrame(r));

/** The message id of `article` (`parley-<id>`), or 0. */
const idOf = (article: Element | null | undefined) =>
  Number(/^parley-(\d+)$/.exec(article?.id ?? '')?.[1]) || 0;

/** Where the reader is in the markup, or null when they have not scrolled into it. */
interface Place {
  /** The message nearest the top of the viewport. */
  id: number;
  /** Its top, from the top of the viewport (negative: it starts above it). */
  offset: number;
}

/**
 * The markup's message nearest the top of the viewport: the first whose
 * bottom is below that top. Null while the markup's top is still in view or
 * below it: the reader has not scrolled into the thread, and the view,
 * starting where the markup starts, leaves them where they are.
 */
function placeIn(markup: Element): Place | null {
  if (markup.getBoundingClientRect().top >= 0) return null;
  for (const article of markup.querySelectorAll(ARTICLE)) {
    const { top, bottom } = article.getBoundingClientRect();
    if (bottom > 0) return { id: idOf(article), offset: top };
  }
  return null;
}

/**
 * Swaps the view for the markup (`swap` renders it at once), once the view
 * has been laid out unseen for a frame. A reader inside the thread keeps
 * their place: the message they were reading lands at the same offset from
 * the top of the viewport; one past the view's first page is read first
 * (`messages?at=`, as a `#parley-<id>` link does) while the markup stays on
 * screen. Focus inside the markup moves to the same message in the view, or
 * to the thread's title when the view does not hold it; the place, not the
 * focus, decides the scroll.
 */
export async function takeOver(
  host: ThreadHost,
  state: ReplyState,
  markup: Element,
  swap: () => void,
) {
  const el = host.el;
  const find = (id: number) =>
    id ? el.renderRoot.querySelector<HTMLElement>(`#parley-${id}`) : null;
  // The view as it will be shown: with `long-thread.ts` (in by now), which renders gaps in the list.
  el.requestUpdate();
  // The reader may scroll on while a page loads: a second look loads theirs then.
  for (let look = 0; look < 2; look++) {
    const wanted = placeIn(markup)?.id;
    if (!wanted || find(wanted)) break;
    await loadAt(host, state, wanted);
    // Its page renders a batch per task (not `updateComplete`: that waits
    // for this takeover); a second at most, should the server not list it.
    for (let i = 0; i < 60 && !state.missing && !find(wanted); i++) await frame();
  }
  // The view's layout, and with it the messages' remembered heights, is
  // done by the end of the frame after it rendered: two frame callbacks on.
  await frame();
  await frame();
  const place = placeIn(markup);
  const active = document.activeElement;
  const focused = active && markup.contains(active) ? idOf(active.closest(ARTICLE)) || -1 : 0;
  swap();
  const target = find(place?.id ?? 0);
  if (place && target) {
    scrollBy({ top: target.getBoundingClientRect().top - place.offset, behavior: 'instant' });
  }
  if (focused) {
    const to = find(focused) ?? el.renderRoot.querySelector<HTMLElement>('[part~="title"]');
    if (to) {
      to.tabIndex = -1;
      to.focus({ preventScroll: true });
    }
  }
}
