/**
 * `<parley-thread>`: the element a page embeds, in `/widget.js`. It loads the
 * thread and renders it for reading; what the reader does (the form, each
 * message's actions) and live updates load as chunks and talk to it through
 * `thread-host.ts`. The shape of the replies comes from `message-tree.ts`, a
 * long page's batches from `render-batches.ts`, the page facts from `page.ts`.
 */
import type { Message, SortOrder, Thread } from '@parley/server/wire';
import { html, LitElement, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { ApiError, getMessages, getThread } from '../api/client.js';
import { catalogFor } from '../i18n/catalog.js';
import type { ReadCatalog } from '../i18n/en.js';
import { exact, safeLocale, warmUp } from '../i18n/format.js';
import { type Live, type Theme, toLive, toPageSize, toSort, toTheme } from './attributes.js';
import type { ParleyEventMap } from './events.js';
import { highlights, type MessageTree, messageTree } from './message-tree.js';
import { pageFacts } from './page.js';
import { styles } from './parley-thread.styles.js';
import { placed } from './placement.js';
import { RenderBatches } from './render-batches.js';
// Types only: the lazy chunks must never be imported statically (see `lazy`).
import type { ThreadActions } from './thread-actions.js';
import type { ThreadHost } from './thread-host.js';
import { fontProbe, renderHeader, renderMessages } from './thread-view.js';

/** Relative times are coarse ("3 minutes ago"), so a half-minute refresh keeps them true. */
const TICK_MS = 30_000;

/**
 * Parts loaded on demand, as chunks under `/widget/`: the reply form and the
 * per-message actions, right after the thread is first on screen, then live
 * updates. A setting object so tests can hold or fail the import.
 */
export const lazy = {
  actions: () => import('./thread-actions.js'),
  live: () => import('./live.js'),
};

type State = 'loading' | 'ready' | 'error';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A Parley discussion thread: title, summary, stats, status, the opening post,
 * nested replies (or only the highlighted messages), "load more" and the reply
 * form, talking to a Parley server. The form and the per-message actions
 * (reply, edit, delete, report, posting as the site owner) load as a chunk
 * right after the thread is first on screen; `updateComplete` waits for them.
 * Live updates (server-sent events) follow in a chunk of their own.
 *
 * Attributes are all optional and are the source of truth; a bad enumerated
 * value falls back to its default with one console warning.
 *
 * @attr {string} server - Base URL of the Parley server. Changing it at run time loads the thread from the other server. Default: where `widget.js` was loaded from.
 * @attr {string} thread - Thread key (query and hash dropped). Required on a page not served over http(s). Changing it at run time loads the other thread. Default: the path of `<link rel=canonical>`, else `location.pathname`.
 * @attr {string} thread-title - Title of a thread this page creates with its first post, also shown while the thread has none. Default: `document.title`.
 * @attr {string} back-href - URL of the back link. Default: none (no back link).
 * @attr {string} back-label - Text of the back link. Default: `← Back`, in the element's locale.
 * @attr {'auto' | 'light' | 'dark'} [theme=auto] - `light`, `dark` or `auto` (follows `prefers-color-scheme`); reflected.
 * @attr {string} locale - Locale of numbers, dates and plurals (English text for now; an invalid tag means `en`). Default: the closest `lang` in the page, else the browser's.
 * @attr {number} [page-size=20] - Replies per page, rounded and clamped to 1..100; a value that is not a number means 20.
 * @attr {'oldest' | 'newest'} [sort=oldest] - `oldest` or `newest`; the opening post always comes first.
 * @attr {'on' | 'off'} [live=on] - `on`: new, edited and removed messages show as they happen, while the thread is on screen and its tab visible; `off`: only on reload.
 *
 * @fires parley-thread-loaded - The thread was loaded (again after `thread` or `server` changed, or a retry). `detail.thread`: the thread, or null when no one has posted yet.
 * @fires parley-message-posted - The server accepted the reader's message. `detail.message`: the message; `detail.status`: `published`, or `pending` while it awaits a moderator.
 * @fires parley-error - Loading, posting, editing, deleting, reporting or live updates failed. `detail.message` says what happened; `detail.code` is an error code of the HTTP API (`thread_closed`, `rate_limited`, ...; a thread no one has posted to is not an error), or the element's own: `network` (no answer; also once per outage of live updates), `timeout` (no answer within 10 s), `bad_response` (an answer that is not Parley's JSON, e.g. a proxy's error page), `no_thread_key` (no `thread` on a page not served over http(s)), `internal` (a bug in the element).
 *
 * @csspart thread - The whole thread.
 * @csspart header - Back link, title, summary, stats, status and the view toggle.
 * @csspart back-link - The back link.
 * @csspart title - The thread title.
 * @csspart summary - The thread summary.
 * @csspart stats - The line with message and highlight counts and last activity.
 * @csspart status - "Discussion in progress" or "Discussion closed".
 * @csspart view - The "All" / "Highlights" toggle.
 * @csspart messages - The list of replies (nested lists inside it), or of highlights.
 * @csspart message - Each message, opening post included.
 * @csspart message-opening - The opening post.
 * @csspart target - The message the page's `#parley-<id>` hash points at.
 * @csspart author - A message's author name.
 * @csspart time - A message's time, a permalink to it.
 * @csspart body - A message's text.
 * @csspart actions - A message's actions (reply, edit, delete, report).
 * @csspart editor - The inline editor of the reader's own message.
 * @csspart form - The reply form (a placeholder of its size while it loads).
 * @csspart input - The name field.
 * @csspart textarea - The message field of the form and of the editor.
 * @csspart button - Every button.
 * @csspart error - Error messages: the form's and the editor's fields, a failed post, edit, delete or report.
 * @csspart load-more - The "load more" button.
 *
 * @cssproperty --parley-accent - Links, focus rings and the main button. Default a quiet blue (lighter in dark).
 * @cssproperty --parley-on-accent - Text on the accent colour. Default white (dark text in dark).
 * @cssproperty --parley-danger - Errors. Default a muted red.
 * @cssproperty --parley-success - The "in progress" dot. Default green.
 * @cssproperty --parley-star - The highlight star. Default amber.
 * @cssproperty --parley-surface - Background of the opening post, form and code. Default a 4% tint of the text colour.
 * @cssproperty --parley-border - Borders and reply lines. Default a 16% tint of the text colour.
 * @cssproperty --parley-muted - Secondary text. Default the text colour at 66%.
 * @cssproperty --parley-highlight - Background of highlighted messages. Default a faint amber.
 * @cssproperty --parley-radius - Corner radius. Default 0.5rem.
 * @cssproperty --parley-space - Base spacing. Default 1rem.
 */
export class ParleyThread extends LitElement {
  static override styles = styles;

  static override properties: PropertyDeclarations = {
    server: {},
    thread: {},
    threadTitle: { attribute: 'thread-title' },
    backHref: { attribute: 'back-href' },
    backLabel: { attribute: 'back-label' },
    theme: { reflect: true, useDefault: true, converter: toTheme },
    locale: {},
    pageSize: { attribute: 'page-size', useDefault: true, converter: toPageSize },
    sort: { useDefault: true, converter: toSort },
    live: { useDefault: true, converter: toLive },
    _state: { state: true },
    _thread: { state: true },
    _messages: { state: true },
    _cursor: { state: true },
    _loadingMore: { state: true },
    _highlightsOnly: { state: true },
    _announce: { state: true },
    _target: { state: true },
    _liveNote: { state: true },
  };

  /** Base URL of the Parley server. Default: where this script was loaded from. */
  declare server?: string;
  /** Thread key. Default: the path of the page's canonical URL, else `location.pathname`. */
  declare thread?: string;
  /** Title for a thread created from this page. Default: `document.title`. */
  declare threadTitle?: string;
  /** URL of the back link; no back link when unset. */
  declare backHref?: string;
  /** Text of the back link. Default: "← Back" in the element's locale. */
  declare backLabel?: string;
  /** `light`, `dark` or `auto` (default; follows `prefers-color-scheme`). Bad values mean `auto`. */
  declare theme: Theme;
  /** Locale of dates, numbers and text. Default: closest `lang` in the page, else the browser's. */
  declare locale?: string;
  /** Replies per page, 1 to 100. Default 20. */
  declare pageSize: number;
  /** Reply order, `oldest` (default) or `newest`; the opening post always comes first. */
  declare sort: SortOrder;
  /**
   * `on` (default): new, edited and removed messages and thread changes show as
   * they happen, while the thread is on screen and the tab visible. `off`: the
   * thread changes only when reloaded. Bad values mean `on`.
   */
  declare live: Live;

  declare private _state: State;
  declare private _thread: Thread | null;
  declare private _messages: Message[];
  declare private _cursor: string | null;
  declare private _loadingMore: boolean;
  declare private _highlightsOnly: boolean;
  declare private _announce: string;
  /** The id of the message the page's `#parley-<id>` hash names. */
  declare private _target: number | null;
  declare private _liveNote: string;

  #batches = new RenderBatches(this);
  /**
   * What the element lends its lazy parts and its views, one object: it holds the page
   * facts, catalog, locale and event id itself (set by each load and each `willUpdate`).
   */
  #host: Mutable<ThreadHost> = {
    el: this,
    page: undefined!,
    t: undefined!,
    locale: 'en',
    eventId: undefined,
    get thread() {
      return this.el._thread;
    },
    set thread(v) {
      this.el._thread = v;
    },
    get messages() {
      return this.el._messages;
    },
    set messages(v) {
      this.el._messages = v;
      // A change shows at once, wherever it falls, in one render: the
      // reader's own post or edit, and a live change, whose scroll
      // compensation (live.ts #applyKeepingScroll) must follow the render that
      // moves the page before it is painted, not batches later.
      this.el.#batches.showAll();
    },
    get hasMore() {
      return this.el._cursor !== null;
    },
    add(m) {
      this.messages = placed(this.messages, m, this.options().sort);
    },
    reveal: (id) => {
      this._target = id;
      this.#scrollPending = true;
    },
    reset: (page) => {
      this._thread = page.thread;
      this.#host.messages = page.messages;
      this._cursor = page.nextCursor;
    },
    get liveNote() {
      return this.el._liveNote;
    },
    set liveNote(v) {
      this.el._liveNote = v;
    },
    options: () => this.#options(),
    pending: new Set(),
    // The same words twice would not be spoken again: a no-break space makes them new.
    announce: (s) => {
      this._announce = s === this._announce ? `${s}\u00a0` : s;
    },
    emit: (type, detail) => this.#emit(type, detail),
    fail: (e) => this.#fail(e),
  };
  #abort?: AbortController;
  #clock?: ReturnType<typeof setInterval>;
  /** Whether the hash's message is still to be scrolled to. */
  #scrollPending = false;
  #actions?: ThreadActions;
  #actionsLoad?: Promise<void>;
  // Derived from the state in `willUpdate`, for `render`:
  /** The time relative times are counted from. */
  #now!: number;
  /** The replies as listed, within the batch. */
  #tree!: MessageTree;
  /** In the highlights view, the messages it lists; null in the full view. */
  #highlighted!: Message[] | null;
  /** Replies the page has to render in all: none to batch in the highlights view. */
  #repliesToShow!: number;
  /** Messages the render shows, in reading order. */
  #messagesShown!: number;

  constructor() {
    super();
    this.theme = 'auto';
    this.pageSize = 20;
    this.sort = 'oldest';
    this.live = 'on';
    this._state = 'loading';
    this._thread = this._cursor = this._target = null;
    this._messages = [];
    this._loadingMore = this._highlightsOnly = false;
    this._announce = this._liveNote = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    this.#clock = setInterval(() => this.requestUpdate(), TICK_MS);
    addEventListener('hashchange', this.#onHash);
    // A load cut short by a disconnect starts again when the element comes
    // back; batches it cut short go on from the next render.
    if (this.hasUpdated) {
      if (this._state === 'loading') this.#load();
      else this.requestUpdate();
    }
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    removeEventListener('hashchange', this.#onHash);
    this.#abort?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    const reloading = ['thread', 'server', 'sort', 'pageSize'] as const;
    if (!this.hasUpdated || reloading.some((name) => changed.has(name))) this.#load();
    this.#host.locale = safeLocale(
      this.locale || this.closest('[lang]')?.getAttribute('lang') || navigator.language,
    );
    this.#host.t = catalogFor(this.#host.locale);
    this.#now = Date.now();
    const tree = messageTree(this._messages, this.#batches.replies);
    const starred = this._highlightsOnly ? highlights(this._messages) : null;
    this.#tree = tree;
    this.#highlighted = starred;
    this.#repliesToShow = starred ? 0 : tree.replyCount;
    this.#messagesShown = starred ? starred.length : tree.shownCount;
  }

  protected override async scheduleUpdate() {
    // The first render waits for a task of its own: evaluating the script is
    // one long task on a slow phone already, and the page should get to
    // breathe between that and building our shadow tree.
    if (!this.hasUpdated) await new Promise((r) => setTimeout(r));
    super.scheduleUpdate();
  }

  /**
   * Settles once everything under way is rendered: a long page's batches, the
   * interactive chunk once it is loading, and the batches that add the
   * actions, so every message shown has its actions when this settles.
   */
  protected override async getUpdateComplete() {
    let settled = await super.getUpdateComplete();
    while (this.#batches.due || (this.#actionsLoad && !this.#actions)) {
      await this.#batches.due;
      await this.#actionsLoad;
      settled = await super.getUpdateComplete();
    }
    return settled;
  }

  /**
   * Loads the actions chunk once; a failed load is tried again on the next
   * pointer or focus visit. Live updates follow it; should their chunk fail,
   * the thread works on without them.
   */
  #loadActions() {
    this.#actionsLoad ??= lazy.actions().then(
      async ({ ThreadActions }) => {
        // The chunk was evaluated in this task: its first render gets a task of its own.
        await new Promise((r) => setTimeout(r));
        this.#actions = new ThreadActions(this.#host);
        this.requestUpdate();
        return lazy.live().then(
          ({ LiveUpdates }) => {
            new LiveUpdates(this.#host);
          },
          () => {},
        );
      },
      () => {
        this.#actionsLoad = undefined;
      },
    );
  }

  protected override updated() {
    if (this._state !== 'ready') return;
    const batches = this.#batches;
    if (this.#scrollPending) {
      const target = this.renderRoot.querySelector(`#parley-${this._target}`);
      // Not on this page at all once every batch is in: nothing to scroll to.
      if (target || batches.replies >= this.#repliesToShow) this.#scrollPending = false;
      target?.scrollIntoView({ block: 'center' });
    }
    // A long page is rendered a batch of replies per task, so no task blocks
    // the reader's page for long: the first batch fills the screen at once.
    // The interactive part follows once the whole page is in, so its own
    // evaluation and render never pile onto a batch, and it is added to the
    // messages a batch per task as well.
    if (batches.replies < this.#repliesToShow) batches.grow('replies');
    else if (!this.#actions) this.#loadActions();
    else if (batches.withActions < this.#messagesShown) batches.grow('withActions');
  }

  #emit<K extends keyof ParleyEventMap>(type: K, detail: ParleyEventMap[K]) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Reports a failure as `parley-error` and returns it as an ApiError. */
  #fail(e: unknown): ApiError {
    const error = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e));
    this.#emit('parley-error', { code: error.code, message: error.message });
    return error;
  }

  #options() {
    return { limit: toPageSize(this.pageSize), sort: toSort(this.sort) };
  }

  async #load() {
    this.#abort?.abort();
    this.#batches.restart();
    const ctl = new AbortController();
    this.#abort = ctl;
    this._state = 'loading';
    this._thread = this._cursor = null;
    this._messages = [];
    this.#host.eventId = undefined;
    // After this render, while the request is out (see warmUp).
    setTimeout(() => warmUp(this.#host.locale));
    try {
      const page = pageFacts(this);
      this.#host.page = page;
      try {
        const first = await getThread(page.base, page.key, this.#options(), ctl.signal);
        this._thread = first.thread;
        this._messages = first.messages;
        this._cursor = first.nextCursor;
        this.#host.eventId = first.lastEventId;
      } catch (e) {
        // No one has posted yet: an empty thread with the form, not an error.
        // Its stream can be opened all the same, and brings its first post.
        if ((e as ApiError).code !== 'thread_not_found') throw e;
        this.#host.eventId = 0;
      }
      this._state = 'ready';
      this.#emit('parley-thread-loaded', { thread: this._thread });
      this.#onHash();
    } catch (e) {
      if (ctl.signal.aborted) return;
      this._state = 'error';
      this.#fail(e);
    }
  }

  async #loadMore() {
    const ctl = this.#abort!;
    const page = this.#host.page;
    this._loadingMore = true;
    try {
      const next = await getMessages(
        page.base,
        page.key,
        { ...this.#options(), cursor: this._cursor! },
        ctl.signal,
      );
      // A reply posted here may also come back on a later page.
      const seen = new Set(this._messages.map((m) => m.id));
      this._messages = [...this._messages, ...next.messages.filter((m) => !seen.has(m.id))];
      this._cursor = next.nextCursor;
    } catch (e) {
      if (!ctl.signal.aborted) {
        this.#fail(e);
        this._announce = this.#host.t.unavailable;
      }
    }
    this._loadingMore = false;
  }

  /**
   * Marks the message a `#parley-<id>` hash names (it lives in our shadow
   * root, out of the browser's reach); `updated` scrolls to it once rendered,
   * which on a long page may be a few batches later.
   */
  #onHash = () => {
    const id = /^#parley-(\d+)$/.exec(location.hash)?.[1];
    this._target = id ? Number(id) : null;
    this.#scrollPending = Boolean(id);
    this.requestUpdate();
  };

  /**
   * Fills a time's `title` with the exact date and time as the pointer or
   * focus reaches it. Not at render: the first Intl.DateTimeFormat of a page
   * loads ICU's date data, a long task of its own (30-50 ms measured) that no
   * reader should pay before the thread is on screen. Written on every visit,
   * since Lit may reuse an element for another message.
   */
  #onExactTime = (e: Event) => {
    // Also the latest moment to (re)load the interactive part, once the page is in.
    if (this._state === 'ready' && this.#batches.replies >= this.#repliesToShow)
      this.#loadActions();
    const el = e.target as Element;
    const time = el.closest?.('time') ?? el.querySelector?.('time');
    if (time) time.title = exact(this.#host.locale, time.dateTime);
  };

  #showHighlightsOnly = (on: boolean) => {
    this._highlightsOnly = on;
  };

  override render() {
    const t = this.#host.t;
    const state = this._state;
    return html`<section part="thread" class="thread" aria-busy=${state === 'loading'}
      @pointerover=${this.#onExactTime} @focusin=${this.#onExactTime}>
      ${
        state === 'loading'
          ? html`<div class="skeleton"><p class="vh">${t.loading}</p><i></i><i></i><i></i><i></i></div>${fontProbe}`
          : state === 'error'
            ? html`<div class="unavailable">
                <p>${t.unavailable}</p>
                <button part="button" @click=${this.#load}>${t.retry}</button>
              </div>`
            : this.#renderThread(t)
      }
      <div role="status" class="vh">${this._announce}</div>
    </section>`;
  }

  #renderThread(t: ReadCatalog) {
    const closed = this._thread?.status === 'closed';
    const actions = this.#actions;
    return html`${renderHeader(this.#host, this.#now, this._highlightsOnly, this.#showHighlightsOnly, actions)}
      ${this._liveNote ? html`<p class="live-note" role="status">${this._liveNote}</p>` : nothing}
      ${renderMessages(
        this.#host,
        this.#now,
        this.#tree,
        this.#highlighted,
        this._target,
        actions,
        this.#batches.withActions,
      )}
      ${
        this._cursor
          ? html`<button part="button load-more" ?disabled=${this._loadingMore} @click=${this.#loadMore}>
              ${t.loadMore}
            </button>`
          : nothing
      }
      ${
        actions
          ? actions.form(closed)
          : closed
            ? nothing
            : // Holds the form's place while its code loads, so nothing below it moves.
              html`<form id="parley-form" part="form" class="shell" aria-busy="true"><h3>${t.formTitle}</h3></form>`
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-thread': ParleyThread;
  }
}
