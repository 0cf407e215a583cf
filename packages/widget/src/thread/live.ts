/**
 * Live updates of `<parley-thread>`, loaded as a chunk of its own after the
 * interactive part (so `/widget.js` carries none of it). While the thread is
 * on screen and its tab visible, it follows the thread's server-sent-events
 * stream (`GET /api/threads/:key/events`) and applies each change in place:
 * new replies (announced politely, batched), edits, removals, and the
 * thread's counts, status, title and summary. It never moves focus, never
 * touches the draft, and keeps the reader's scroll position.
 *
 * When the stream keeps failing it falls back to polling the thread's first
 * page, and tries the stream again after a growing pause; the reader's page
 * hears of the outage once, as one `parley-error`.
 */

import type { LiveEventData, LiveEventType, Message } from '@parley/server/wire';
import type { ReactiveController } from 'lit';
import { ApiError, getThread } from '../api/client.js';
import { eventsUrl } from '../api/interactive.js';
import { withActions } from '../i18n/en-actions.js';
import { plural } from '../i18n/format.js';
import { loadFor, TOKENS_KEY } from '../storage.js';
import { replaced, withoutMessage } from './message-list.js';
import type { PageFacts } from './page.js';
import type { ThreadHost } from './thread-host.js';

/**
 * Timings of live updates; tests shorten them. A stream that fails
 * `failures` times within `windowMs` (or does not open within
 * `openTimeoutMs`) is given up for polling every `pollMs`; the stream is
 * tried again after each of `retryMs` in turn, then after its last value.
 * A stream the browser gave up on (a 503 from a server restarting, say) is
 * opened anew after `reopenMs`, counting as one failure.
 * New replies are announced once per `announceMs`. The stream is closed while
 * the element is further than `rootMargin` from the viewport.
 */
export const liveSettings = {
  failures: 3,
  windowMs: 60_000,
  openTimeoutMs: 30_000,
  reopenMs: 2_000,
  pollMs: 30_000,
  retryMs: [30_000, 60_000, 120_000, 300_000],
  announceMs: 1_000,
  rootMargin: '200% 0px',
};

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
  #near = true;
  #io?: IntersectionObserver;
  /** Times of the stream's recent failures. */
  #fails: number[] = [];
  /** The stream was given up for polling (and the page told so, once). */
  #outage = false;
  /** Stream retries since the outage began, for the backoff. */
  #tries = 0;
  #reloading = false;
  #poll?: ReturnType<typeof setInterval>;
  #retry?: ReturnType<typeof setTimeout>;
  #wait?: ReturnType<typeof setTimeout>;
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
      this.#tries = 0;
      this.#fails = [];
      this.#reloading = false;
      clearTimeout(this.#announceTimer);
      this.#announceTimer = undefined;
      this.#fresh.clear();
    }
    // A reload in flight opens the stream itself when its page is in.
    if (this.#reloading) return;
    this.#last ??= host.eventId;
    const want =
      el.live !== 'off' &&
      el.isConnected &&
      document.visibilityState !== 'hidden' &&
      this.#near &&
      host.eventId !== undefined &&
      this.#last !== undefined;
    if (!want) this.#stop();
    else if (!this.#es && !this.#poll && !this.#retry)
      this.#outage ? this.#fallBack() : this.#open();
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
      this.#watch();
    } catch {
      // No EventSource in this browser: polling it is.
      this.#fail();
    }
  }

  /** A stream that does not open in time has failed: a proxy may hold it forever. */
  #watch() {
    clearTimeout(this.#wait);
    this.#wait = setTimeout(this.#fail, liveSettings.openTimeoutMs);
  }

  #opened = (e: Event) => {
    if (e.target !== this.#es) return;
    clearTimeout(this.#wait);
    if (this.#outage) {
      // Back: the stream replays what polling could not see (after `#last`).
      this.#outage = false;
      this.#tries = 0;
      clearInterval(this.#poll);
      clearTimeout(this.#retry);
      this.#poll = this.#retry = undefined;
    }
  };

  #error = (e: Event) => {
    const es = this.#es;
    if (e.target !== es) return;
    // EventSource reconnects by itself (with Last-Event-ID) unless it gave up (CLOSED).
    const now = performance.now();
    this.#fails = [...this.#fails.filter((t) => now - t < liveSettings.windowMs), now];
    if (this.#fails.length >= liveSettings.failures) this.#fail();
    else if (es.readyState === 2) {
      this.#close();
      this.#later(liveSettings.reopenMs);
    } else this.#watch();
  };

  /** Gives the stream up: tells the page once per outage, then polls and retries later. */
  #fail = () => {
    this.#close();
    this.#fails = [];
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
    this.#fallBack();
  };

  #fallBack() {
    const settings = liveSettings;
    this.#poll ??= setInterval(this.#pollOnce, settings.pollMs);
    this.#later(settings.retryMs[Math.min(this.#tries++, settings.retryMs.length - 1)]!);
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
    this.#es = undefined;
    clearTimeout(this.#wait);
  }

  #stop() {
    this.#close();
    clearInterval(this.#poll);
    clearTimeout(this.#retry);
    this.#poll = this.#retry = undefined;
    this.#abort?.abort();
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
    if (failed) this.#fail();
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
      else if (event.type === 'message.created') this.#insert(m, list);
    }
  }

  /**
   * A new message lands where its order puts it: with `newest`, first after the
   * opening post; with `oldest`, last, unless pages are still to load (the
   * reader meets it in order there), where only replies to a message on
   * screen are shown at once.
   */
  #insert(m: Message, list: Message[]) {
    const host = this.#host;
    const parent = list.find((x) => x.id === m.parentId);
    if (m.kind === 'opening' || host.options().sort === 'newest') host.add(m);
    else if (!host.hasMore || parent?.kind === 'reply') host.add(m);
    else return;
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
   * Applies `change` without moving what the reader looks at: the first
   * message on screen keeps its place (or, with the thread scrolled past, what
   * follows it does), whatever lands above it.
   */
  async #applyKeepingScroll(change: () => void) {
    const el = this.#host.el;
    const onScreen = [...el.renderRoot.querySelectorAll('article')].find((article) => {
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
    // The message, not the element: replies are rendered unkeyed, so a message
    // landing above shifts each message below into the next element. Should
    // the message be gone, its element keeps its place.
    const after = (id && el.renderRoot.querySelector(`#${id}`)) || anchor;
    if (after?.isConnected && before !== undefined) {
      const delta = edge(after) - before;
      if (delta) scrollBy(0, delta);
    }
  }
}
