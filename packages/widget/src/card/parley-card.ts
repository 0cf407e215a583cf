/**
 * `<parley-card>`: a thread's teaser for index pages. Every card on a page is
 * read in one request (`card-reads.ts`); its markup is `card-view.ts`'s.
 */
import type { Thread } from '@parley/server/wire';
import { html, type PropertyDeclarations, type PropertyValues } from 'lit';
import { IndexElement, toIndexLive } from '../listing/index-element.js';
import { listingStyles } from '../listing/listing.styles.js';
import { toTheme } from '../thread/attributes.js';
import { pageFacts } from '../thread/page.js';
import { readThread } from './card-reads.js';
import { renderCard } from './card-view.js';
import { cardStyles } from './parley-card.styles.js';

/** Detail of `parley-card-loaded`. */
export interface CardLoadedDetail {
  /** The thread key. */
  key: string;
  /** The thread, or null when no one has posted to it yet. */
  thread: Thread | null;
}

/** What a card shows of a thread (see `card-view.ts`). */
const SHOWN = [
  'title',
  'summary',
  'url',
  'messageCount',
  'highlightCount',
  'lastActivityAt',
  'status',
] as const;

/** Whether two reads of a thread show alike on a card. */
const shownAlike = (a: Thread | null, b: Thread | null) =>
  a === b || (!!a && !!b && SHOWN.every((k) => a[k] === b[k]));

/**
 * A thread's teaser for index pages: its title (a link to the thread's page,
 * its `url`), summary, message and highlight counts, last activity (relative,
 * kept current) and status (open or closed). Every card on a page is read in
 * one request (`GET /api/threads?key=…`, up to 100 keys each), as long as the
 * cards connect in the same task.
 *
 * @attr {string} server - Base URL of the Parley server. Default: where `widget.js` was loaded from.
 * @attr {string} thread - Thread key of the card. Default: the path of `<link rel=canonical>`, else `location.pathname`.
 * @attr {'auto' | 'light' | 'dark'} [theme=auto] - `light`, `dark` or `auto` as on `<parley-thread>`: `auto` follows the host page's `color-scheme`, `light` and `dark` set the element's; reflected.
 * @attr {string} locale - Locale of text, numbers and times. Default: the closest `lang` in the page (across shadow roots), else the browser's.
 * @attr {'off' | 'on'} [live=off] - `on`: re-read every minute while the page is visible (one request for all live cards); `off`: read once.
 *
 * @fires parley-card-loaded - The thread was read, and again on each live re-read that changed what the card shows (title, summary, link, counts, last activity, status), like `parley-count-loaded`. `detail.key`: the key; `detail.thread`: the thread, or null when no one has posted yet.
 * @fires parley-error - The thread could not be read. `detail.code` and `detail.message` as on `<parley-thread>`.
 *
 * @csspart card - The card (also while it loads, no thread or unavailable).
 * @csspart title - The thread's title.
 * @csspart link - The title's link to the thread's page (when the thread has an http(s) `url`).
 * @csspart summary - The thread's summary (at most three lines).
 * @csspart stats - Message and highlight counts and last activity.
 * @csspart status - "Discussion in progress" or "Discussion closed".
 *
 * @cssproperty --parley-accent - Links on hover and focus rings. Default a quiet blue (lighter in dark).
 * @cssproperty --parley-success - The "in progress" dot. Default green.
 * @cssproperty --parley-border - The card's border. Default a 16% tint of the text colour.
 * @cssproperty --parley-muted - Summary and stats. Default the text colour at 66%.
 * @cssproperty --parley-radius - Corner radius. Default 0.5rem.
 * @cssproperty --parley-space - Padding. Default 1rem.
 */
export class ParleyCard extends IndexElement {
  static override styles = [listingStyles, cardStyles];
  /** Its last activity is a relative time: kept current. */
  protected override readonly ticks = true;

  static override properties: PropertyDeclarations = {
    server: {},
    theme: { reflect: true, useDefault: true, converter: toTheme },
    locale: {},
    live: { useDefault: true, converter: toIndexLive('parley-card') },
    thread: {},
    _data: { state: true },
    _state: { state: true },
  };

  /** Thread key. Default: the path of the page's canonical URL, else `location.pathname`. */
  declare thread?: string;
  declare private _data: Thread | null;
  declare private _state: 'loading' | 'ready' | 'error';
  #read = 0;

  constructor() {
    super();
    this._data = null;
    this._state = 'loading';
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    super.willUpdate(changed);
    if (!this.hasUpdated || changed.has('thread') || changed.has('server')) {
      this._state = 'loading';
      this._data = null;
      this.refresh();
    }
  }

  protected refresh() {
    const read = ++this.#read;
    let key: string;
    let base: string;
    try {
      ({ key, base } = pageFacts(this));
    } catch (e) {
      this._state = 'error';
      this.fail(e);
      return;
    }
    readThread(base, key).then(
      (found) => {
        const thread = found ?? null;
        if (read !== this.#read) return;
        // A live re-read a minute later mostly finds nothing new: no event then.
        const changed = this._state !== 'ready' || !shownAlike(this._data, thread);
        this._data = thread;
        this._state = 'ready';
        if (changed) this.emit<CardLoadedDetail>('parley-card-loaded', { key, thread });
      },
      (e) => {
        if (read !== this.#read) return;
        // A live re-read that fails keeps the card shown.
        if (this._state !== 'ready') this._state = 'error';
        this.fail(e);
      },
    );
  }

  override render() {
    const t = this.t;
    if (!t) return html`<div part="card" class="card placeholder"></div>`;
    const state = this._state;
    if (state === 'ready' && this._data)
      return renderCard(this._data, {
        t,
        locale: this.localeTag,
        now: this.now,
        dir: this.direction,
      });
    const text =
      state === 'loading' ? t.cardLoading : state === 'error' ? t.cardUnavailable : t.noDiscussion;
    return html`<div part="card" class="card placeholder" dir=${this.direction} aria-busy=${state === 'loading'}>
      <p class=${state === 'loading' ? 'vh' : ''}>${text}</p>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-card': ParleyCard;
  }
}
