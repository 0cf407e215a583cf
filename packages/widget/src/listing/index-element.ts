/**
 * What the index elements (`<parley-count>`, `<parley-card>`,
 * `<parley-threads>`) share with each other and with `<parley-thread>`: the
 * `server`, `theme`, `locale` and `live` attributes with the
 * thread's conventions, the locale's catalog and direction, relative times
 * kept current (card and index only), live re-reads, and `parley-error`.
 */
import { LitElement, type PropertyValues } from 'lit';
import { ApiError } from '../api/client.js';
import { catalogFor } from '../i18n/catalog.js';
import { type IndexStrings, withIndex } from '../i18n/en-index.js';
import { resolveLocale } from '../i18n/locales.js';
import { type Live, oneOf, type Theme } from '../thread/attributes.js';
import type { ParleyEventMap } from '../thread/events.js';
import { follow } from './live-poll.js';
import { tick } from './ticker.js';

/**
 * The `live` converter of the index element `tag` (named in warnings): `off`
 * unless `on` (see {@link IndexElement.live}). Each element spells its
 * attributes out in its own `static properties` (`server`, `theme`, `locale`,
 * `live`, as on the thread), where the manifest analyzer reads them.
 */
export const toIndexLive = (tag: string) => oneOf<Live>('live', ['off', 'on'], tag);

/** Detail of `parley-error`, as `<parley-thread>` fires it (one type: see `thread/events.ts`). */
export type ErrorDetail = ParleyEventMap['parley-error'];

/** The base class of the index elements: see the module's doc. */
export abstract class IndexElement extends LitElement {
  /** Base URL of the Parley server. Default: where `widget.js` was loaded from. */
  declare server?: string;
  /** `light`, `dark` or `auto` (default; follows the page's `color-scheme`). Bad values mean `auto`. */
  declare theme: Theme;
  /** Locale of text, numbers and times. Default: closest `lang` in the page (across shadow roots), else the browser's. */
  declare locale?: string;
  /**
   * `on`: re-read every minute while the page is visible, and at once when it
   * is shown again (one shared timer, reads batched: see `live-poll.ts`).
   * `off` (default): read once. Off by default, unlike the thread: a post
   * list's counts change rarely while it is read, and a page of a hundred
   * badges should not poll the server unless its author asks.
   */
  declare live: Live;

  /** The catalog of the element's locale, once its chunk is in (undefined till then). */
  protected t?: IndexStrings;
  /** The element's BCP 47 locale, for `Intl`. */
  protected localeTag = 'en';
  /** `rtl` for Arabic and Hebrew: set on the element's root, with logical CSS properties only. */
  protected direction: 'ltr' | 'rtl' = 'ltr';
  /** What relative times count from, set by each render. */
  protected now = Date.now();
  /** Whether the element shows relative times, kept current by the shared clock (`ticker.ts`). Default false. */
  protected readonly ticks: boolean = false;
  #untick?: () => void;
  #unfollow?: () => void;

  constructor() {
    super();
    this.theme = 'auto';
    this.live = 'off';
  }

  /** Reads again what the element shows, without a loading state (live updates). */
  protected abstract refresh(): void;

  override connectedCallback() {
    super.connectedCallback();
    if (this.ticks) this.#untick = tick(() => this.requestUpdate());
    this.#follow();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#untick?.();
    this.#follow();
  }

  /** Follows the live polls while `live` is on and the element connected, once, however often called. */
  #follow() {
    const on = this.live === 'on' && this.isConnected;
    if (on && !this.#unfollow) this.#unfollow = follow(() => this.refresh());
    if (!on && this.#unfollow) {
      this.#unfollow();
      this.#unfollow = undefined;
    }
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    // Also before the first update: `el.live = 'on'` may be set right after connecting.
    if (changed.has('live')) this.#follow();
    const [locale, tag, dir] = resolveLocale(this, this.locale);
    this.localeTag = tag;
    const t = catalogFor(locale, () => this.requestUpdate());
    this.t = t && withIndex(t, catalogFor('en', () => {})!);
    this.direction = dir;
    this.now = Date.now();
  }

  /** Fires `type` with `detail`, bubbling and composed (it crosses shadow roots). */
  protected emit<D>(type: string, detail: D) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /** Reports a failure as `parley-error`. */
  protected fail(e: unknown) {
    const error = e instanceof ApiError ? e : new ApiError(0, 'internal', String(e));
    this.emit<ErrorDetail>('parley-error', { code: error.code, message: error.message });
  }
}
