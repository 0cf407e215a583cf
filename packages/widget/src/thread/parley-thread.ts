/**
 * `<parley-thread>`: the element a page embeds, in `/widget.js`. It loads the
 * thread and renders it for reading; what the reader does (the form, each
 * message's actions) and live updates load as chunks and talk to it through
 * `thread-host.ts`. The shape of the replies comes from `message-tree.ts`, a
 * long page's batches from `render-batches.ts`, the page facts from `page.ts`.
 */
import type { SortOrder, Thread } from '@parley/server/wire';
import { html, LitElement, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { ApiError, getThread } from '../api/client.js';
import { catalogFor } from '../i18n/catalog.js';
import type { ReadCatalog } from '../i18n/en.js';
import { resolveLocale } from '../i18n/locales.js';
import { type Live, type Theme, toLive, toPageSize, toSort, toTheme } from './attributes.js';
import type { ParleyEventMap } from './events.js';
// Types only: the lazy chunks must never be imported statically (see `lazy`).
import type * as LongThread from './long-thread.js';
import { messageTree } from './message-tree.js';
import { pageFacts } from './page.js';
import { styles } from './parley-thread.styles.js';
import { RenderBatches } from './render-batches.js';
import { listed, type ReplyState, replyList, scrollWhenRendered, unmark } from './reply-list.js';
import type { ThreadActions } from './thread-actions.js';
import type { ThreadHost } from './thread-host.js';
import { renderThread, type ThreadView } from './thread-view.js';

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
  long: () => import('./long-thread.js'),
  takeover: () => import('./takeover.js'),
  warmUp: () => import('../i18n/warm-up.js'),
};

type State = 'loading' | 'ready' | 'error';
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A Parley discussion thread: title, summary, stats, status, the opening post,
 * nested replies (or only the highlighted messages), with a button in the place
 * of each run of replies not loaded yet, and the reply form, talking to a
 * Parley server. The form and the per-message actions
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
 * @attr {'auto' | 'light' | 'dark'} [theme=auto] - `light`, `dark` or `auto`: the host page's colour scheme (its CSS `color-scheme`: a page without one is light, even on a dark OS; one declaring `light dark` follows the reader's OS setting). `light` and `dark` set the element's `color-scheme`; reflected.
 * @attr {string} locale - Language of the thread's text, numbers, dates and plurals, a BCP 47 tag: its language picks one of the shipped locales (`en`, `de`, `fr`, `es`, `pt-BR`, `ja`, `zh-Hans`, `ar`, `he`; `de-AT` reads German, `pt` Brazilian Portuguese, any `zh` Simplified Chinese, an unshipped or invalid tag English), and numbers and dates follow the tag itself (`de-AT` counts as Austrians do). Arabic and Hebrew lay the thread out right to left. Changing it at run time re-renders in the new language. Default: the closest `lang` in the page (across shadow roots, when the element is inside another component), else the browser's.
 * @attr {number} [page-size=20] - Replies per page, rounded and clamped to 1..100; a value that is not a number means 20.
 * @attr {'oldest' | 'newest'} [sort=oldest] - `oldest` or `newest`; the opening post always comes first.
 * @attr {'on' | 'off'} [live=on] - `on`: new, edited and removed messages show as they happen, while the thread is on screen and its tab visible; `off`: only on reload.
 *
 * @fires parley-thread-loaded - The thread was loaded (again after `thread` or `server` changed, or a retry). `detail.thread`: the thread, or null when no one has posted yet.
 * @fires parley-message-posted - The server accepted the reader's message. `detail.message`: the message; `detail.status`: `published`, or `pending` while it awaits a moderator.
 * @fires parley-error - Loading, posting, editing, deleting, reporting or live updates failed. `detail.message` says what happened; `detail.code` is an error code of the HTTP API (`thread_closed`, `rate_limited`, ...; a thread no one has posted to is not an error, nor a `#parley-<id>` link to a message the server does not list, which a notice explains), or the element's own: `network` (no answer; also once per outage of live updates), `timeout` (no answer within 10 s), `bad_response` (an answer that is not Parley's JSON, e.g. a proxy's error page), `no_thread_key` (no `thread` on a page not served over http(s)), `internal` (a bug in the element).
 *
 * @slot - Optional: the thread's server-rendered markup (`GET /threads/:key/fragment`), for readers without JavaScript and search engines. It stays on screen, instead of the loading skeleton, until the thread is loaded (and beside the retry, should that load fail); then the element's own view replaces it (it stays in the page, unrendered), keeping a reader who scrolled into it on the same message and moving focus inside it to the same message. Only the fragment's root (`data-parley-thread`) counts: whitespace, bare text or a `<noscript>` does not.
 *
 * @csspart thread - The whole thread.
 * @csspart skip-link - "Skip to the reply form", at the top, shown while focused (not on a closed thread).
 * @csspart header - Back link, title, summary, stats, status and the view toggle.
 * @csspart back-link - The back link.
 * @csspart title - The thread title.
 * @csspart summary - The thread summary.
 * @csspart summary-source - In the summary, after an automatic one (written by the server, not a moderator): "Summarized automatically".
 * @csspart stats - The line with message and highlight counts and last activity.
 * @csspart status - "Discussion in progress" or "Discussion closed".
 * @csspart live-note - A quiet note under the status line while live updates reconnect.
 * @csspart notice - Under the status line: the message the page's `#parley-<id>` names is not available.
 * @csspart view - The "All" / "Highlights" toggle, and the sort control beside it.
 * @csspart sort - The "Oldest" / "Newest" buttons (they set the `sort` attribute).
 * @csspart messages - The list of replies (nested lists inside it), or of highlights.
 * @csspart message - Each message, opening post included.
 * @csspart message-opening - The opening post.
 * @csspart target - The message the page's `#parley-<id>` hash points at.
 * @csspart fresh - The reader's own message just posted, scrolled to and marked for a moment.
 * @csspart author - A message's author name.
 * @csspart time - A message's time, a permalink to it.
 * @csspart body - A message's text.
 * @csspart actions - A message's actions (reply, edit, delete, report).
 * @csspart editor - The inline editor of the reader's own message.
 * @csspart form - The reply form (a placeholder of its size while it loads), and the reply box under a message.
 * @csspart reply - The reply box that opens under the message it answers.
 * @csspart confirmation - The visible note under a just-posted message: posted, or awaiting moderation.
 * @csspart report - The step that asks for a report's optional reason and confirms it.
 * @csspart input - The name field, and the email field when the server sends reply mail.
 * @csspart textarea - The message field of the form, the reply box and the editor, and a report's reason.
 * @csspart button - Every button.
 * @csspart error - Error messages: the form's and the editor's fields, a failed post, edit, delete or report, a rate limit's countdown.
 * @csspart gap - In the list, a button standing for replies not loaded yet ("12 earlier replies"); it loads them.
 * @csspart load-more - After the list, the button that loads the next page ("Load more replies", or in the highlights view "Load more highlights").
 * @csspart closed-notice - Where the form would be on a closed thread: "This discussion is closed."
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
    _highlightsOnly: { state: true },
    _announce: { state: true },
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
  /** `light`, `dark` or `auto` (default; follows the page's `color-scheme`). Bad values mean `auto`. */
  declare theme: Theme;
  /** Locale of text, dates and numbers (see the `locale` attribute). Default: the closest `lang` in the page, across shadow roots, else the browser's. */
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
  declare private _highlightsOnly: boolean;
  declare private _announce: string;
  declare private _liveNote: string;
  /**
   * The loaded replies (runs and gaps) and what is being read beyond the first
   * page; a new object per load. Not reactive: who changes it re-renders.
   */
  #replies!: ReplyState;
  /** The lazy `long-thread.ts`, once in (it is before the actions are). */
  #long?: typeof LongThread;

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
      return listed(this.el.#replies.list);
    },
    // The lazy chunks that change the list load after long-thread.ts.
    set messages(v) {
      this.el.#showList(this.el.#long!.withMessages(this.el.#replies.list, v));
    },
    get hasMore() {
      return this.el.#replies.list.runs.some((r) => r.gap);
    },
    add(m) {
      this.el.#showList(this.el.#long!.withAdded(this.el.#replies.list, m, this));
    },
    reveal: (id) => this.#long!.reveal(this.#host, this.#replies, id),
    reset: (page) => this.#long!.reset(this.#host, this.#replies, page),
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
  #actions?: ThreadActions;
  #actionsLoad?: Promise<void>;
  /** Derived from the state in `willUpdate`, for `render`. */
  #view!: ThreadView;
  /** The writing direction of the catalog on screen. */
  #dir = 'ltr';
  /** Settles once the catalog of the locale asked for is in; undefined while it is. */
  #words?: Promise<unknown>;
  /** `warm-up.ts`'s font probe, shown while a thread loads once that chunk is in. */
  #probe: unknown = nothing;
  /** Replies the page has to render in all: none to batch in the highlights view. */
  #repliesToShow!: number;

  constructor() {
    super();
    this.theme = 'auto';
    this.pageSize = 20;
    this.sort = 'oldest';
    this.live = 'on';
    this._state = 'loading';
    this._thread = null;
    this._highlightsOnly = false;
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
    // Only a first load is cut short: reads beyond it finish, for when the element is back.
    if (this._state === 'loading') this.#abort?.abort();
    unmark(this.#replies);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    const reloading = ['thread', 'server', 'sort', 'pageSize'] as const;
    if (!this.hasUpdated || reloading.some((name) => changed.has(name))) this.#load();
    const [locale, tag, dir] = resolveLocale(this, this.locale);
    // Another locale's chunk loads (once per page) while the thread does; till
    // it is in, the element shows what it showed: at first the skeleton (see `render`).
    const t = catalogFor(locale, () => this.requestUpdate());
    // `updateComplete` waits for the words too (see `getUpdateComplete`).
    this.#words = t ? undefined : new Promise<void>((r) => catalogFor(locale, r));
    // At once, so the formatters are warmed up for it while its chunk and the thread load.
    this.#host.locale = tag;
    if (t) {
      this.#host.t = t;
      this.#dir = dir;
    }
    const messages = this.#host.messages;
    // The server's list of highlights, once read (again each time the view is shown).
    // (The view shows once long-thread.ts is in: the toggle loads it.)
    const starred =
      this._highlightsOnly && this.#long
        ? this.#long.highlights(this.#replies.highlights?.messages ?? messages)
        : null;
    const tree = messageTree(messages, this.#batches.replies);
    this.#repliesToShow = starred ? 0 : tree.replyCount;
    this.#view = {
      now: Date.now(),
      tree,
      highlighted: starred,
      actions: this.#actions,
      withActions: this.#batches.withActions,
      state: this.#replies,
      show: this.#show,
      read: this.#read,
      long: this.#long,
    };
  }

  protected override async scheduleUpdate() {
    // The first render waits for a task of its own: evaluating the script is
    // one long task on a slow phone already, and the page should get to
    // breathe between that and building our shadow tree. Not over the
    // server's markup: our shadow root, empty till then, would hide it for
    // that task (a frame without it), and its first render is just a slot.
    if (!this.hasUpdated && !this.#markup()) await new Promise((r) => setTimeout(r));
    super.scheduleUpdate();
  }

  /**
   * Settles once everything under way is rendered: the locale's catalog, a long page's batches, the
   * takeover of the server's markup, the interactive chunk once it is loading,
   * and the batches that add the actions, so every message shown has its
   * actions when this settles.
   */
  protected override async getUpdateComplete() {
    let settled = await super.getUpdateComplete();
    while (
      this.#words ||
      this.#batches.due ||
      this.#taking ||
      (this.#actionsLoad && !this.#actions)
    ) {
      await this.#words;
      await this.#batches.due;
      await this.#takeover;
      await this.#actionsLoad;
      settled = await super.getUpdateComplete();
    }
    return settled;
  }

  /**
   * Loads the actions chunk once; a failed load is tried again on the next
   * pointer or focus visit. Live updates follow it; should their chunk fail,
   * the thread works on without them. `long-thread.ts` comes first: the
   * actions and live updates change the list through it.
   */
  #loadActions() {
    this.#actionsLoad ??= Promise.all([lazy.actions(), this.#withLong()]).then(
      async ([{ ThreadActions }]) => {
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

  /** `long-thread.ts`, loaded once (a failed load is tried again on the next call). */
  async #withLong() {
    this.#long ??= await lazy.long();
    return this.#long;
  }

  /** Runs a read of `long-thread.ts` (a gap, a linked message, highlights) on this load's replies. */
  #read: ThreadView['read'] = (name, arg) => {
    const state = this.#replies;
    this.#withLong().then(
      (long) => long[name](this.#host, state, arg as never),
      (e) => this.#fail(e),
    );
  };

  /** Shows `list` at once, wherever it changed (see `ThreadHost.messages`). */
  #showList(list: ReplyState['list']) {
    this.#replies.list = list;
    // A change shows at once, wherever it falls, in one render: the
    // reader's own post or edit, and a live change, whose scroll
    // compensation (live.ts #applyKeepingScroll) must follow the render that
    // moves the page before it is painted, not batches later.
    this.#batches.showAll();
    this.requestUpdate();
  }

  protected override updated() {
    // Nothing of the thread is on screen before its catalog is in (see `render`).
    if (this._state !== 'ready' || !this.#host.t) return;
    const batches = this.#batches;
    const state = this.#replies;
    const taking = this.#taking;
    const id =
      !taking && scrollWhenRendered(this.renderRoot, state, batches.replies >= this.#repliesToShow);
    if (id) this.#read('keepInView', id);
    // A long page is rendered a batch of replies per task, so no task blocks
    // the reader's page for long: the first batch fills the screen at once.
    // The interactive part follows once the whole page is in, so its own
    // evaluation and render never pile onto a batch, and it is added to the
    // messages a batch per task as well.
    if (batches.replies < this.#repliesToShow) batches.grow('replies');
    else if (taking)
      // The view is in, laid out unseen: `takeover.ts` swaps it for the
      // markup, keeping the reader's place and focus (without its chunk, a plain swap).
      this.#takeover ??= Promise.all([lazy.takeover(), this.#withLong()]).then(
        ([{ takeOver }]) => takeOver(this.#host, state, taking, this.#swap),
        this.#swap,
      );
    else if (!this.#actions) this.#loadActions();
    else {
      const { tree, highlighted } = this.#view;
      if (batches.withActions < (highlighted ? highlighted.length : tree.shownCount))
        batches.grow('withActions');
    }
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
    unmark(this.#replies);
    // A thread was on screen: the markup is no longer the one to show (see `render`).
    if (this._state === 'ready') this.#tookOver = true;
    this._state = 'loading';
    this._thread = null;
    this.#replies = { list: replyList([], null), signal: ctl.signal };
    this.#host.eventId = undefined;
    // While the request is out: the formatters and fonts (see warm-up.ts).
    const locale = this.#host.locale;
    const warm = lazy.warmUp().then(
      (m) => {
        this.#probe = m.fontProbe;
        this.requestUpdate();
        return m.warmUp(locale);
      },
      () => {},
    );
    try {
      const page = pageFacts(this);
      this.#host.page = page;
      try {
        const first = await getThread(page.base, page.key, this.#options(), ctl.signal);
        this._thread = first.thread;
        this.#replies.list = replyList(first.messages, first.nextCursor);
        this.#host.eventId = first.lastEventId;
      } catch (e) {
        // No one has posted yet: an empty thread with the form, not an error.
        // Its stream can be opened all the same, and brings its first post.
        if ((e as ApiError).code !== 'thread_not_found') throw e;
        this.#host.eventId = 0;
      }
      // The first render waits for them: otherwise, with the thread in first,
      // it would pay for ICU's set-up and the font lookups in one long task.
      // Half a second at most, though: a chunk that stalls must not hold the
      // thread, which would rather pay for ICU in its render than wait longer.
      await Promise.race([warm, new Promise((r) => setTimeout(r, 500))]);
      if (ctl.signal.aborted) return;
      this._state = 'ready';
      this.#emit('parley-thread-loaded', { thread: this._thread });
      this.#onHash();
      // The highlights view, on a new sort or thread: its own list, read again.
      if (this._highlightsOnly) this.#show(true);
    } catch (e) {
      if (ctl.signal.aborted) return;
      this._state = 'error';
      this.#fail(e);
    }
  }

  /**
   * Marks the message a `#parley-<id>` hash names (it lives in our shadow
   * root, out of the browser's reach); `updated` scrolls to it once rendered,
   * which on a long page may be a few batches later. A message past the pages
   * loaded is read first, with the page that holds it (`long-thread.ts`).
   */
  #onHash = () => {
    const id = Number(/^#parley-(\d+)$/.exec(location.hash)?.[1]) || null;
    const state = this.#replies;
    state.target = state.scrollTo = id;
    state.missing = false;
    if (id && this._state === 'ready' && !this.#host.messages.some((m) => m.id === id)) {
      state.seeking = id;
      this.#read('loadAt', id);
    }
    this.requestUpdate();
  };

  /**
   * Gives a time its exact date and time as the pointer or focus reaches it
   * (`exactTitle`, in `long-thread.ts`, which is in by the time a reader points).
   */
  #onExactTime = (e: Event) => {
    // Also the latest moment to (re)load the interactive part, once the page is in.
    if (this._state === 'ready' && this.#batches.replies >= this.#repliesToShow)
      this.#loadActions();
    this.#long?.exactTitle(this.#host.locale, e);
  };

  /**
   * The highlights view is rendered by `long-thread.ts` (loaded here if it is
   * not in yet), which reads the view's own list while the page lacks some replies.
   */
  #show = (highlightsOnly: boolean) => {
    this._highlightsOnly = highlightsOnly;
    if (highlightsOnly) this.#read('loadHighlights');
  };

  /** The thread was on screen once: markup the page put in the element is no longer its (see `render`). */
  #tookOver = false;
  /** The server's markup while the view, loaded, is laid out unseen beside it; null otherwise. */
  #taking: Element | null = null;
  #takeover?: Promise<void>;

  /** The server's fragment (`data-parley-thread`): no other child (a `<noscript>`, a note) stands for the thread. */
  #markup() {
    return this.querySelector(':scope>[data-parley-thread]');
  }

  /** Shows the view instead of the markup, rendered before this returns (so before any paint). */
  #swap = () => {
    this.#tookOver = true;
    this.requestUpdate();
    this.performUpdate();
  };

  override render() {
    const t = this.#host.t as ReadCatalog | undefined;
    // No English flashes before a reader's own language: the thread, read, waits for its words.
    const state = t ? this._state : 'loading';
    // The page may put the thread's server-rendered markup (`GET
    // /threads/:key/fragment`) in the element, for readers without JS and
    // search engines. Until the thread is first on screen, a slot shows it
    // instead of the skeleton (beside the retry, should the load fail); then
    // it stays in the page, unrendered (nor read twice by screen readers), and
    // a new key's load shows the skeleton. Only the fragment's root counts:
    // a `<noscript>` or a note such as "Comments need JavaScript" is no thread.
    // Once loaded, the view is laid out unseen (class `taking`) till `takeover.ts` swaps.
    const markup = this.#tookOver ? null : this.#markup();
    this.#taking = state === 'ready' ? markup : null;
    return html`<section part="thread" class="thread ${this.#taking ? 'taking' : ''}" dir=${this.#dir} aria-busy=${state === 'loading' && !markup}
      @pointerover=${this.#onExactTime} @focusin=${this.#onExactTime}>
      ${
        markup
          ? html`<slot></slot>`
          : state === 'loading'
            ? html`<div class="skeleton"><p class="vh">${t?.loading}</p><i></i><i></i><i></i><i></i></div>`
            : nothing
      }
      ${
        state === 'loading'
          ? this.#probe
          : state === 'error'
            ? html`<div class="unavailable">
                <p>${t!.unavailable}</p>
                <button part="button" @click=${this.#load}>${t!.retry}</button>
              </div>`
            : renderThread(this.#host, this.#view)
      }
      <div role="status" class="vh">${this._announce}</div>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-thread': ParleyThread;
  }
}
