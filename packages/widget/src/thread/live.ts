/**
 * Live updates of `<parley-thread>`, loaded as a chunk of its own after the
 * interactive part (so `/widget.js` carries none of it). While the thread is
 * on screen and its tab visible, it follows the thread's server-sent-events
 * stream (`GET /api/threads/:key/events`) and applies each change in place:
 * new replies (announced politely, batched; on a thread with pages still
 * unloaded they show after the gap the element keeps), edits, removals, and
 * the thread's counts, status, title and summary. It never moves focus (and
 * gives it back when a re-render took it), never touches the draft, and keeps
 * the reader's scroll position.
 *
 * When the stream fails (dropped, refused, or not open within
 * `openTimeoutMs`), it is closed and opened anew after a backoff: about 1 s,
 * then 2, 4, 8 … up to 30 s, each pause drawn between half and all of that
 * (jitter), so a restarted server is not met by every reader at once. It
 * resumes after the last event applied (`?lastEventId=` in the URL: a new
 * EventSource sends no `Last-Event-ID`), so nothing sent meanwhile is missed.
 * Why not EventSource's own reconnection: it waits a fixed time with no
 * backoff or jitter, and gives up for good on any answer that is not a
 * stream (a proxy's 502 during a restart, a 429, a 503).
 *
 * While the stream has been down for `noteMs` (a few seconds, not a blip), the
 * element shows a quiet "Reconnecting…" note (`host.liveNote`, never an
 * alert); when the stream is back the note goes and "Live updates resumed." is
 * said politely once.
 *
 * Polling the first page (and, oldest first on a long thread, the newest
 * replies) is the last resort, for a stream that keeps failing:
 * down for `pollAfterMs` (minutes), or refused `refusals` times in a row (an
 * answer that is not a stream: 429 or 503 for streams, or a proxy that cannot
 * pass them). Then the page hears of the outage, once, as one `parley-error`,
 * and the stream is still tried at the backoff's pace; once it opens, polling
 * stops and the stream replays what polling could not see.
 */

import type { LiveEventData, LiveEventType, Message } from '@parley/server/wire';
import type { ReactiveController } from 'lit';
import { ApiError, getThread } from '../api/client.js';
import { eventsUrl, getMessages } from '../api/interactive.js';
import { withActions } from '../i18n/en-actions.js';
import { plural } from '../i18n/format.js';
import { loadFor, TOKENS_KEY } from '../storage.js';
import { keepFocus } from './keep-focus.js';
import { replaced, withoutMessage } from './message-list.js';
import type { PageFacts } from './page.js';
import type { ThreadHost } from './thread-host.js';

/**
 * Timings of live updates; tests shorten them. A failed stream is opened
 * again after {@link retryDelay} (from `retryMs`, doubling, at most
 * `maxRetryMs`); a stream that stayed open `stableMs` before failing starts
 * the backoff afresh, so one that drops as soon as it opens is not retried
 * every second. A stream not open within `openTimeoutMs` has failed (a proxy
 * may hold it forever). The "Reconnecting…" note shows once the stream has
 * been down `noteMs`. Polling (every `pollMs`) starts once the stream has been
 * down `pollAfterMs`, or refused `refusals` times in a row.
 * New replies are announced once per `announceMs`. The stream is closed while
 * the element is further than `rootMargin` from the viewport.
 */
export const liveSettings = {
  retryMs: 1_000,
  maxRetryMs: 30_000,
  stableMs: 10_000,
  openTimeoutMs: 30_000,
  noteMs: 3_000,
  pollAfterMs: 120_000,
  refusals: 4,
  pollMs: 30_000,
  announceMs: 1_000,
  rootMargin: '200% 0px',
};

/**
 * The pause before reconnecting after the `attempt`-th failure in a row (0
 * first): `retryMs` doubled per attempt, at most `maxRetryMs`, of which a
 * random part (`random` in [0, 1), `Math.random()` by default) between half
 * and all is taken, so readers who lost the same server come back spread out.
 */
export function retryDelay(attempt: number, random = Math.random()): number {
  const full = Math.min(liveSettings.maxRetryMs, liveSettings.retryMs * 2 ** attempt);
  return (full / 2) * (1 + random);
}

const TYPES: LiveEventType[] = [
  'message.created',
  'message.updated',
  'message.removed',
  'thread.updated',
  'reload',
];

/**
 * Follows the thread's live events for as long as the element wants them
 * (`live` is not `off`, the element is connected and near the viewport, the
 * tab visible, and a page is loaded). Created by the element when the chunk
 * arrives; it registers itself as a Lit controller of the element.
 */
export class LiveUpdates implements ReactiveController {
  #host: ThreadHost;
  /** The load the stream follows; a new one (re-key, retry) starts afresh. */
  #page?: PageFacts;
  /** The id of the last event applied: the stream resumes after it. */
  #last?: number;
  #es?: EventSource;
  /**
   * The observer has seen the element within `rootMargin` of the viewport.
   * Undefined until its first report (a frame after connecting): until then
   * nothing opens or closes, so a thread far down the page never opens a
   * stream only to close it again.
   */
  #near?: boolean;
  #io?: IntersectionObserver;
  /** When the stream on hand opened; undefined while it is connecting. */
  #openedAt?: number;
  /** When the stream went down (undefined while it is up, or was never down). */
  #down?: number;
  /** Failures since the backoff last started afresh: the next pause grows with it. */
  #attempt = 0;
  /** Refusals in a row (answers that are not a stream). */
  #refused = 0;
  /** The stream was given up for polling (and the page told so, once). */
  #outage = false;
  #reloading = false;
  #poll?: ReturnType<typeof setInterval>;
  #retry?: ReturnType<typeof setTimeout>;
  #wait?: ReturnType<typeof setTimeout>;
  #noteTimer?: ReturnType<typeof setTimeout>;
  #announceTimer?: ReturnType<typeof setTimeout>;
  /** The poll or reload on the network. */
  #abort?: AbortController;
  /** Events of this task, applied together so the scroll position is kept once. */
  #inbox: LiveEventData[] = [];
  /** Replies that arrived since the last announcement. */
  #fresh = new Set<number>();

  constructor(host: ThreadHost) {
    this.#host = host;
    host.el.addController(this);
  }

  hostConnected() {
    document.addEventListener('visibilitychange', this.#sync);
    this.#near = undefined;
    // Why a generous margin: a reader scrolling back should find the thread
    // current, but a thread far down an unread page should not hold a stream.
    this.#io = new IntersectionObserver(
      (entries) => {
        this.#near = entries.at(-1)!.isIntersecting;
        this.#sync();
      },
      { rootMargin: liveSettings.rootMargin },
    );
    this.#io.observe(this.#host.el);
    this.#sync();
  }

  hostDisconnected() {
    document.removeEventListener('visibilitychange', this.#sync);
    this.#io?.disconnect();
    this.#stop();
    clearTimeout(this.#announceTimer);
    this.#announceTimer = undefined;
    this.#fresh.clear();
  }

  hostUpdated() {
    this.#sync();
  }

  /** Opens or closes the stream (or the polling) to match what the element wants now. */
  #sync = () => {
    const host = this.#host;
    const el = host.el;
    if (host.page !== this.#page) {
      this.#stop();
      this.#page = host.page;
      this.#last = undefined;
      this.#outage = false;
      this.#attempt = this.#refused = 0;
      this.#reloading = false;
      clearTimeout(this.#announceTimer);
      this.#announceTimer = undefined;
      this.#fresh.clear();
    }
    // A reload in flight opens the stream itself when its page is in.
    if (this.#reloading || this.#near === undefined) return;
    this.#last ??= host.eventId;
    const want =
      el.live !== 'off' &&
      el.isConnected &&
      document.visibilityState !== 'hidden' &&
      this.#near &&
      host.eventId !== undefined &&
      this.#last !== undefined;
    if (!want) return this.#stop();
    if (this.#outage) this.#poll ??= setInterval(this.#pollOnce, liveSettings.pollMs);
    // Back in view (or visible) during an outage: a fresh try at once.
    if (!this.#es && !this.#retry) this.#open();
  };

  #open() {
    const host = this.#host;
    this.#close();
    try {
      // Looked up at call time, so tests (and polyfills) can replace it.
      const es = new window.EventSource(eventsUrl(host.page.base, host.page.key, this.#last!));
      this.#es = es;
      es.addEventListener('open', this.#opened);
      es.addEventListener('error', this.#error);
      for (const type of TYPES) es.addEventListener(type, this.#event);
      this.#wait = setTimeout(() => this.#failed(false), liveSettings.openTimeoutMs);
    } catch {
      // No EventSource in this browser: polling it is (the stream tried now and then).
      this.#giveUp();
      this.#later(liveSettings.maxRetryMs);
    }
  }

  #opened = (e: Event) => {
    if (e.target !== this.#es) return;
    clearTimeout(this.#wait);
    this.#openedAt = performance.now();
    this.#down = undefined;
    this.#refused = 0;
    clearTimeout(this.#noteTimer);
    this.#noteTimer = undefined;
    if (this.#outage) {
      // Back: the stream replays what polling could not see (after `#last`).
      this.#outage = false;
      clearInterval(this.#poll);
      this.#poll = undefined;
    }
    const host = this.#host;
    if (host.liveNote) {
      host.liveNote = '';
      host.announce(withActions(host.t).liveResumed);
    }
  };

  #error = (e: Event) => {
    const es = this.#es;
    if (e.target !== es) return;
    // CLOSED: the browser gave up, as it does on an answer that is not a stream.
    this.#failed(es.readyState === 2 && this.#openedAt === undefined);
  };

  /**
   * The stream failed (`refused`: answered with something other than a
   * stream): closed, and opened again after the backoff's pause; the note,
   * or polling, once the outage lasts.
   */
  #failed(refused: boolean) {
    const settings = liveSettings;
    const now = performance.now();
    if (this.#openedAt !== undefined && now - this.#openedAt >= settings.stableMs)
      this.#attempt = 0;
    this.#close();
    this.#down ??= now;
    this.#refused = refused ? this.#refused + 1 : 0;
    this.#noteTimer ??= setTimeout(
      () => {
        const host = this.#host;
        host.liveNote = withActions(host.t).reconnecting;
      },
      Math.max(0, this.#down + settings.noteMs - now),
    );
    if (this.#refused >= settings.refusals || now - this.#down >= settings.pollAfterMs)
      this.#giveUp();
    this.#later(retryDelay(this.#attempt++));
  }

  /** Falls back to polling; tells the page once per outage. */
  #giveUp() {
    if (!this.#outage) {
      this.#outage = true;
      this.#host.fail(
        new ApiError(
          0,
          'network',
          'Live updates are unavailable; checking for changes now and then.',
        ),
      );
    }
    this.#poll ??= setInterval(this.#pollOnce, liveSettings.pollMs);
  }

  /** Opens the stream again after `ms`. */
  #later(ms: number) {
    clearTimeout(this.#retry);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      this.#open();
    }, ms);
  }

  #close() {
    this.#es?.close();
    this.#es = this.#openedAt = undefined;
    clearTimeout(this.#wait);
  }

  /** Closes everything: not following now is no outage, so its note goes (quietly). */
  #stop() {
    this.#close();
    clearInterval(this.#poll);
    clearTimeout(this.#retry);
    clearTimeout(this.#noteTimer);
    this.#poll = this.#retry = this.#noteTimer = this.#down = undefined;
    this.#abort?.abort();
    if (this.#host.liveNote) this.#host.liveNote = '';
  }

  #signal() {
    this.#abort?.abort();
    this.#abort = new AbortController();
    return this.#abort.signal;
  }

  /** Merges the thread's first page as events would: new messages in, known ones replaced. */
  #pollOnce = async () => {
    const host = this.#host;
    const page = host.page;
    try {
      const first = await getThread(page.base, page.key, host.options(), this.#signal());
      if (page !== host.page) return;
      this.#take({ type: 'thread.updated', thread: first.thread });
      // Oldest first, as events come: each new one then lands where an event would put it.
      const list =
        host.options().sort === 'newest' ? [...first.messages].reverse() : first.messages;
      for (const message of list) this.#take({ type: 'message.created', message });
      // Oldest first with pages still unloaded, the first page never holds what
      // is new: the newest replies are read too, and those not on the page join
      // it (after the gap), oldest first.
      const options = host.options();
      if (host.hasMore && options.sort === 'oldest') {
        const latest = await getMessages(
          page.base,
          page.key,
          { limit: options.limit, sort: 'newest' },
          this.#signal(),
        );
        if (page !== host.page) return;
        const known = new Set(host.messages.map((m) => m.id));
        for (const message of latest.messages.toReversed())
          if (!known.has(message.id)) this.#take({ type: 'message.created', message });
      }
    } catch {
      // The outage was reported once already; the next poll tries again.
    }
  };

  /** The stream's last event is too old to replay: loads the first page again, quietly. */
  async #reload() {
    const host = this.#host;
    const page = host.page;
    this.#close();
    this.#reloading = true;
    const signal = this.#signal();
    let failed = false;
    try {
      const first = await getThread(page.base, page.key, host.options(), signal);
      if (page !== host.page) return;
      this.#last = first.lastEventId;
      await this.#applyKeepingScroll(() => {
        host.reset(first);
      });
    } catch {
      failed = !signal.aborted;
    } finally {
      this.#reloading = false;
    }
    // Aborted (hidden, gone, re-keyed): `#sync` decides what follows.
    if (failed) this.#failed(false);
    else this.#sync();
  }

  #event = (e: Event) => {
    const { target, type, data, lastEventId } = e as MessageEvent<string>;
    if (target !== this.#es) return;
    if (type === 'reload') return void this.#reload();
    this.#last = Number(lastEventId) || this.#last;
    try {
      this.#take(JSON.parse(data));
    } catch {
      // Not JSON: nothing to apply.
    }
  };

  #take(event: LiveEventData) {
    if (this.#inbox.push(event) === 1) queueMicrotask(this.#flush);
  }

  #flush = () => {
    const batch = this.#inbox;
    this.#inbox = [];
    void this.#applyKeepingScroll(() => {
      for (const event of batch) this.#apply(event);
    });
  };

  #apply(event: LiveEventData) {
    const host = this.#host;
    const list = host.messages;
    if (event.type === 'thread.updated') host.thread = event.thread;
    else if (event.type === 'message.removed') {
      host.messages = withoutMessage(list, event.id);
    } else if (event.type === 'message.created' || event.type === 'message.updated') {
      const m = event.message;
      // On the public stream, so no longer awaiting moderation.
      host.pending.delete(m.id);
      // Already here (the page read it, or this reader posted it): replaced, never doubled.
      if (list.some((x) => x.id === m.id)) host.messages = replaced(list, m);
      else if (event.type === 'message.created') this.#insert(m);
    }
  }

  /**
   * A new message joins the page where the element places it (`host.add`):
   * under its parent, or where the sort puts it; on a thread with pages still
   * unloaded, after the gap the element shows for them, so it shows at once
   * without moving what the reader looks at (`#applyKeepingScroll`).
   */
  #insert(m: Message) {
    this.#host.add(m);
    if (m.kind === 'reply') {
      this.#fresh.add(m.id);
      this.#announceTimer ??= setTimeout(this.#announce, liveSettings.announceMs);
    }
  }

  /** "1 new reply" / "N new replies", for the replies of the last moments that are not the reader's own. */
  #announce = () => {
    this.#announceTimer = undefined;
    const host = this.#host;
    const own = loadFor<Record<string, string>>(TOKENS_KEY, host.page.base) ?? {};
    const n = [...this.#fresh].filter(
      (id) => !(id in own) && host.messages.some((m) => m.id === id),
    ).length;
    this.#fresh.clear();
    if (n) host.announce(plural(host.locale, withActions(host.t).newReplies, n));
  };

  /**
   * Applies `change` without moving what the reader looks at: the field the
   * reader types in, when it is on screen, else the first message on screen,
   * keeps its place (or, with the thread scrolled past, what follows it
   * does), whatever lands above it; and the focus stays where it was
   * (`keepFocus`), or on the nearest message when its own was removed.
   */
  async #applyKeepingScroll(change: () => void) {
    const el = this.#host.el;
    const root = el.renderRoot as ShadowRoot;
    const focus = keepFocus(root);
    const onScreen =
      focus?.onScreen ??
      [...root.querySelectorAll('article')].find((article) => {
        const r = article.getBoundingClientRect();
        return r.bottom > 0 && r.top < innerHeight;
      });
    const anchor = onScreen ?? (el.getBoundingClientRect().bottom <= 0 ? el : undefined);
    const edge = (node: Element) => {
      const r = node.getBoundingClientRect();
      return node === el ? r.bottom : r.top;
    };
    const before = anchor && edge(anchor);
    const id = onScreen?.id;
    change();
    await el.updateComplete;
    focus?.restore();
    // The message (or field), not the element: replies are rendered unkeyed, so
    // a message landing above shifts each message below into the next element.
    // Should it be gone, its element keeps its place.
    const after = (id && root.getElementById(id)) || anchor;
    if (!after?.isConnected || before === undefined) return;
    const keep = () => {
      const delta = edge(after) - before;
      if (after.isConnected && Math.abs(delta) >= 0.5) scrollBy(0, delta);
    };
    keep();
    // Messages are `content-visibility: auto`: those that land on screen get
    // their real height only at the next rendering update, before it is
    // painted; a ResizeObserver hears of it then, so the correction is never seen.
    const resized = new ResizeObserver(keep);
    resized.observe(el);
    requestAnimationFrame(() => requestAnimationFrame(() => resized.disconnect()));
  }
}
