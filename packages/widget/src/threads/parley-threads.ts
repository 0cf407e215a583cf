/**
 * `<parley-threads>`: the forum index, the page a thread's "← Back to Forum"
 * leads to. Its cards are `card-view.ts`'s, rendered in its own shadow root
 * (one element, one request per page of threads, not one per card).
 */
import type { Thread } from '@parley/server/wire';
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import { listThreads, type ThreadsSort } from '../api/index-client.js';
import { readThread } from '../card/card-reads.js';
import { renderCard } from '../card/card-view.js';
import { cardStyles } from '../card/parley-card.styles.js';
import { IndexElement, toIndexLive } from '../listing/index-element.js';
import { listingStyles } from '../listing/listing.styles.js';
import { oneOf, toPageSize, toTheme } from '../thread/attributes.js';
import { pageFacts } from '../thread/page.js';
import { threadsStyles } from './parley-threads.styles.js';

/** Detail of `parley-threads-loaded`. */
export interface ThreadsLoadedDetail {
  /** Every thread shown, in order (the pages loaded so far). */
  threads: Thread[];
  /** The order they are in. */
  sort: ThreadsSort;
  /** Whether "Load more discussions" has more to load. */
  hasMore: boolean;
}

const toThreadsSort = oneOf<ThreadsSort>('sort', ['active', 'recent'], 'parley-threads');

/**
 * The forum index: a site's threads as cards (title linking to the thread's
 * page, summary, counts, last activity, status), most active or most recent
 * first, a page at a time ("Load more discussions"), in the order the reader
 * picks with the "Sort by" control (the `sort` attribute sets the default).
 * Shows a loading state, an empty state and, when the server cannot be
 * reached, a quiet message with a retry.
 *
 * @attr {string} server - Base URL of the Parley server. Default: where `widget.js` was loaded from.
 * @attr {'active' | 'recent'} [sort=active] - The order first shown: `active` (last activity first) or `recent` (newest thread first); the reader's choice in the control changes the `sort` property, not the attribute.
 * @attr {number} [page-size=20] - Threads per page, rounded and clamped to 1..100; a value that is not a number means 20.
 * @attr {'auto' | 'light' | 'dark'} [theme=auto] - `light`, `dark` or `auto` as on `<parley-thread>`: `auto` follows the host page's `color-scheme`, `light` and `dark` set the element's; reflected.
 * @attr {string} locale - Locale of text, numbers and times. Default: the closest `lang` in the page (across shadow roots), else the browser's.
 * @attr {'off' | 'on'} [live=off] - `on`: the threads shown are re-read every minute while the page is visible (counts, activity, status; one request per 100 threads), in the order shown; `off`: read once.
 *
 * @fires parley-threads-loaded - A page of threads was loaded (the first after a sort change or retry, then each "Load more"). `detail.threads`: every thread shown; `detail.sort`; `detail.hasMore`.
 * @fires parley-error - Loading failed. `detail.code` and `detail.message` as on `<parley-thread>`.
 *
 * @csspart threads - The whole index.
 * @csspart sort - The "Sort by" control (a label and a select).
 * @csspart list - The list of cards.
 * @csspart card - Each thread's card.
 * @csspart title - A card's title.
 * @csspart link - A card's link to the thread's page.
 * @csspart summary - A card's summary.
 * @csspart stats - A card's message and highlight counts and last activity.
 * @csspart status - A card's "Discussion in progress" or "Discussion closed".
 * @csspart empty - "No discussions yet."
 * @csspart error - The unavailable message (with Retry), and a failed "Load more".
 * @csspart button - Every button (Retry, Load more).
 * @csspart load-more - The "Load more discussions" button.
 *
 * @cssproperty --parley-accent - Links on hover and focus rings. Default a quiet blue (lighter in dark).
 * @cssproperty --parley-success - The "in progress" dot. Default green.
 * @cssproperty --parley-danger - A failed "Load more". Default a muted red.
 * @cssproperty --parley-surface - Button hover and the loading placeholders. Default a 4% tint of the text colour.
 * @cssproperty --parley-border - Card borders. Default a 16% tint of the text colour.
 * @cssproperty --parley-muted - Summaries and stats. Default the text colour at 66%.
 * @cssproperty --parley-radius - Corner radius. Default 0.5rem.
 * @cssproperty --parley-space - Spacing. Default 1rem.
 */
export class ParleyThreads extends IndexElement {
  static override styles = [listingStyles, cardStyles, threadsStyles];
  /** Its last activity is a relative time: kept current. */
  protected override readonly ticks = true;

  static override properties: PropertyDeclarations = {
    server: {},
    theme: { reflect: true, useDefault: true, converter: toTheme },
    locale: {},
    live: { useDefault: true, converter: toIndexLive('parley-threads') },
    sort: { useDefault: true, converter: toThreadsSort },
    pageSize: { attribute: 'page-size', useDefault: true, converter: toPageSize },
    _state: { state: true },
    _threads: { state: true },
    _more: { state: true },
  };

  /** `active` (default: last activity first) or `recent` (newest first). Bad values mean `active`. */
  declare sort: ThreadsSort;
  /** Threads per page, 1 to 100. Default 20. */
  declare pageSize: number;
  declare private _state: 'loading' | 'ready' | 'error';
  declare private _threads: Thread[];
  /** "Load more": idle, loading or failed. */
  declare private _more: 'idle' | 'loading' | 'error';
  #cursor: string | null = null;
  #abort?: AbortController;

  constructor() {
    super();
    this.sort = 'active';
    this.pageSize = 20;
    this._state = 'loading';
    this._threads = [];
    this._more = 'idle';
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    // Only a first load is cut short; connecting again loads again (see willUpdate).
    if (this._state === 'loading') this.#abort?.abort();
  }

  override connectedCallback() {
    super.connectedCallback();
    if (this.hasUpdated && this._state === 'loading') this.#load();
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    super.willUpdate(changed);
    if (!this.hasUpdated || (['server', 'sort', 'pageSize'] as const).some((p) => changed.has(p)))
      this.#load();
  }

  #base() {
    return pageFacts({ server: this.server, thread: '-' }).base;
  }

  #emitLoaded() {
    this.emit<ThreadsLoadedDetail>('parley-threads-loaded', {
      threads: this._threads,
      sort: toThreadsSort(this.sort),
      hasMore: this.#cursor !== null,
    });
  }

  /** Loads the first page, in the current order. */
  #load = async () => {
    this.#abort?.abort();
    const ctl = new AbortController();
    this.#abort = ctl;
    this._state = 'loading';
    this._threads = [];
    this._more = 'idle';
    try {
      const page = await listThreads(this.#base(), this.#options(null), ctl.signal);
      this._threads = page.threads;
      this.#cursor = page.nextCursor;
      this._state = 'ready';
      this.#emitLoaded();
    } catch (e) {
      if (ctl.signal.aborted) return;
      this._state = 'error';
      this.fail(e);
    }
  };

  #options(cursor: string | null) {
    return { sort: toThreadsSort(this.sort), limit: toPageSize(this.pageSize), cursor };
  }

  /**
   * Loads the next page; focus moves to its first new card's link (to the last
   * card's, or the list, when none is new), which a screen reader reads out and
   * the browser scrolls to: left on the button, it would sit a page of cards
   * below the fold, and the button is gone after the last page (keyboard trial).
   */
  #loadMore = async () => {
    const ctl = this.#abort!;
    this._more = 'loading';
    try {
      const page = await listThreads(this.#base(), this.#options(this.#cursor), ctl.signal);
      if (ctl !== this.#abort) return;
      const first = this._threads.length;
      // A thread active again since the first page may come round once more: shown once.
      const shown = new Set(this._threads.map((t) => t.key));
      this._threads = [...this._threads, ...page.threads.filter((t) => !shown.has(t.key))];
      this.#cursor = page.nextCursor;
      this._more = 'idle';
      this.#emitLoaded();
      await this.updateComplete;
      const cards = this.renderRoot.querySelectorAll<HTMLElement>('[part~=list] > li');
      // Every new thread already shown: the last card's link; a card without a link: the list.
      (
        (cards[first] ?? cards[cards.length - 1])?.querySelector('a') ??
        this.renderRoot.querySelector<HTMLElement>('[part~=list]')
      )?.focus();
    } catch (e) {
      if (ctl !== this.#abort || ctl.signal.aborted) return;
      this._more = 'error';
      this.fail(e);
    }
  };

  /** Live: the threads shown, read again (batched, 100 a request), in the order shown. */
  protected refresh() {
    if (this._state !== 'ready') return;
    const shown = this._threads;
    // The server's base in the chain: a bad `server` is reported as parley-error, as a failed read is.
    Promise.resolve()
      .then(() => {
        const base = this.#base();
        return Promise.all(shown.map((t) => readThread(base, t.key)));
      })
      .then(
        (fresh) => {
          // A newer load replaced the list meanwhile: its threads are newer.
          if (this._threads !== shown) return;
          this._threads = fresh.filter((t): t is Thread => t !== undefined);
        },
        (e) => this.fail(e),
      );
  }

  #onSort = (e: Event) => {
    this.sort = (e.target as HTMLSelectElement).value as ThreadsSort;
  };

  override render() {
    const t = this.t;
    if (!t) return html`<div part="threads" class="threads" aria-busy="true"></div>`;
    const state = this._state;
    const sort = toThreadsSort(this.sort);
    const ctx = { t, locale: this.localeTag, now: this.now, dir: this.direction };
    return html`<div part="threads" class="threads" dir=${this.direction}>
      <label part="sort" class="sort">${t.sortBy}
        <select @change=${this.#onSort}>
          <option value="active" ?selected=${sort === 'active'}>${t.mostActive}</option>
          <option value="recent" ?selected=${sort === 'recent'}>${t.mostRecent}</option>
        </select>
      </label>
      ${
        state === 'loading'
          ? html`<div class="skeleton" aria-busy="true"><p class="vh">${t.discussionsLoading}</p><i></i><i></i><i></i></div>`
          : state === 'error'
            ? html`<div part="error" class="unavailable">
                <p>${t.discussionsUnavailable}</p>
                <button part="button" @click=${this.#load}>${t.retry}</button>
              </div>`
            : this._threads.length === 0
              ? html`<p part="empty" class="empty">${t.noDiscussions}</p>`
              : html`<ol part="list" tabindex="-1" aria-label=${t.discussions}>
                  ${this._threads.map((th) => html`<li>${renderCard(th, ctx)}</li>`)}
                </ol>
                ${this.#renderMore(t)}`
      }
    </div>`;
  }

  #renderMore(t: NonNullable<typeof this.t>) {
    if (this.#cursor === null) return nothing;
    const loading = this._more === 'loading';
    return html`${this._more === 'error' ? html`<p part="error" class="more-error" role="alert">${t.moreFailed}</p>` : nothing}
      <button part="button load-more" class="more" aria-disabled=${loading} @click=${loading ? null : this.#loadMore}>
        ${loading ? t.loadingMore : t.loadMoreDiscussions}
      </button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-threads': ParleyThreads;
  }
}
