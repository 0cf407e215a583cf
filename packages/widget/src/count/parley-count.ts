/**
 * `<parley-count>`: a thread's message count for a post list ("5 comments").
 * Every badge on a page is read in one request (`count-reads.ts`).
 */
import { html, nothing, type PropertyDeclarations, type PropertyValues } from 'lit';
import type { ApiError } from '../api/client.js';
import { plural } from '../i18n/format.js';
import { IndexElement, toIndexLive } from '../listing/index-element.js';
import { listingStyles } from '../listing/listing.styles.js';
import { toTheme } from '../thread/attributes.js';
import { pageFacts } from '../thread/page.js';
import { readCount } from './count-reads.js';
import { countStyles } from './parley-count.styles.js';

/** Detail of `parley-count-loaded`. */
export interface CountLoadedDetail {
  /** The thread key. */
  key: string;
  /** Its published messages, the opening post included (0 when no one has posted). */
  count: number;
}

/**
 * A thread's published message count, as text in the page's language ("5
 * comments", "1 Kommentar", "٥ تعليقات"), for post lists and article headers.
 * Every badge on a page is read in one request (`GET /api/counts`, up to 100
 * keys each; more badges, more requests), whatever the number of badges and
 * however they were added, as long as they connect in the same task.
 *
 * The badge is text, to put inside the link a post list already has (as
 * with Isso's and Disqus's count badges): `<a href="/post#comments"><parley-count
 * thread="/post"></parley-count></a>`. Given `href`, it is a link itself.
 *
 * @attr {string} server - Base URL of the Parley server. Default: where `widget.js` was loaded from.
 * @attr {string} thread - Thread key whose count to show. Default: the path of `<link rel=canonical>`, else `location.pathname` (this page's own thread).
 * @attr {string} href - Makes the badge a link to this URL (e.g. the post's `#comments`). Default: none (text, for use inside the page's own link).
 * @attr {'auto' | 'light' | 'dark'} [theme=auto] - `light`, `dark` or `auto` as on `<parley-thread>`: `auto` follows the host page's `color-scheme`, `light` and `dark` set the element's; reflected.
 * @attr {string} locale - Locale of the text and number. Default: the closest `lang` in the page (across shadow roots), else the browser's.
 * @attr {'off' | 'on'} [live=off] - `on`: re-read every minute while the page is visible (one request for all live badges); `off`: read once.
 *
 * @fires parley-count-loaded - The count was read (again on each live re-read that changed it). `detail.key`: the thread key; `detail.count`: the count.
 * @fires parley-error - The count could not be read; the badge then reads "Comments". `detail.code` and `detail.message` as on `<parley-thread>`.
 *
 * @csspart count - The badge: its text, or the link when `href` is set.
 *
 * @cssproperty --parley-accent - The focus ring of a badge with `href` (the link itself takes the page's text or link colour around it). Default a quiet blue (lighter in dark).
 * @cssproperty --parley-muted - The badge's colour while it loads. Default the text colour at 66%.
 */
export class ParleyCount extends IndexElement {
  static override styles = [listingStyles, countStyles];

  static override properties: PropertyDeclarations = {
    server: {},
    theme: { reflect: true, useDefault: true, converter: toTheme },
    locale: {},
    live: { useDefault: true, converter: toIndexLive('parley-count') },
    thread: {},
    href: {},
    _count: { state: true },
    _failed: { state: true },
  };

  /** Thread key. Default: the path of the page's canonical URL, else `location.pathname`. */
  declare thread?: string;
  /** URL the badge links to; no link when unset. */
  declare href?: string;
  declare private _count: number | undefined;
  declare private _failed: boolean;
  /** Which read is current: an answer to an older one (another key) is dropped. */
  #read = 0;

  constructor() {
    super();
    this._failed = false;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    super.willUpdate(changed);
    if (!this.hasUpdated || changed.has('thread') || changed.has('server')) {
      this._count = undefined;
      this._failed = false;
      this.refresh();
    }
  }

  protected refresh() {
    const read = ++this.#read;
    let facts: ReturnType<typeof pageFacts>;
    try {
      facts = pageFacts(this);
    } catch (e) {
      this._failed = true;
      this.fail(e);
      return;
    }
    const { base, key } = facts;
    readCount(base, key).then(
      (count = 0) => {
        if (read !== this.#read) return;
        const changed = count !== this._count;
        this._count = count;
        this._failed = false;
        if (changed) this.emit<CountLoadedDetail>('parley-count-loaded', { key, count });
      },
      (e: ApiError) => {
        if (read !== this.#read) return;
        // A live re-read that fails keeps the count shown; only a first read shows the failure.
        if (this._count === undefined) this._failed = true;
        this.fail(e);
      },
    );
  }

  override render() {
    const t = this.t;
    if (!t) return nothing;
    const count = this._count;
    const text =
      count !== undefined
        ? plural(this.localeTag, t.comments, count)
        : this._failed
          ? t.commentsUnavailable
          : nothing;
    const busy = count === undefined && !this._failed;
    // While it loads, the badge keeps a few characters' room and says so to screen readers only.
    const content = busy ? html`<span class="vh">${t.countLoading}</span>` : text;
    return this.href
      ? html`<a part="count" class=${busy ? 'busy' : ''} href=${this.href} dir=${this.direction}>${content}</a>`
      : html`<span part="count" class=${busy ? 'busy' : ''} dir=${this.direction}>${content}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-count': ParleyCount;
  }
}
