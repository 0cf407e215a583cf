/**
 * The search bar above every message list of `<parley-admin>`: a search
 * field (text in the body or the author's name, `GET /api/admin/messages?q=`)
 * and the thread filter, as a Lit reactive controller. Typing searches once
 * the moderator pauses (debounced), Enter searches at once; both narrow every
 * message list of the page, with the status each tab lists. Rendered in the
 * page's shadow root, in the open tab's panel only (its ids are unique).
 */
import type { AdminThread, MaxSearchLength } from '@parley/server/wire';
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { strings } from './admin-strings.js';
import { threadFilter } from './thread-filter.js';

/** How long typing must pause before the search runs, in ms. */
const SEARCH_DEBOUNCE_MS = 300;
/** The server's limit on `q`, in characters (typed by it: a change there fails the type check here). */
const MAX_QUERY: MaxSearchLength = 200;

/** What the search bar needs from the page. */
export interface SearchHost {
  /** The thread key and search text the lists are narrowed by now. */
  current(): { thread: string; query: string };
  /** Narrow the lists to `thread` and `query` (either may be ''). */
  narrow(thread: string, query: string): void;
}

export class MessageSearch implements ReactiveController {
  #host: SearchHost;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The field's text as typed, searched for once typing pauses; null until typed in. */
  #typed: string | null = null;
  /** What runs when the timer fires (a search, or a thread chosen with the keyboard). */
  #pending: (() => void) | undefined;
  /** A key was pressed in the thread filter since its last change. */
  #keyed = false;

  constructor(el: ReactiveControllerHost, host: SearchHost) {
    this.#host = host;
    el.addController(this);
  }

  hostDisconnected() {
    this.cancel();
  }

  /** Drops a search still waiting for the pause (sign-out, disconnect). */
  cancel() {
    clearTimeout(this.#timer);
    this.#timer = this.#pending = undefined;
  }

  /** Runs `work` once the moderator pauses: no new key for {@link SEARCH_DEBOUNCE_MS}. */
  #later(work: () => void) {
    this.cancel();
    this.#pending = work;
    this.#timer = setTimeout(() => this.#now(), SEARCH_DEBOUNCE_MS);
  }

  /** Runs what waits for the pause at once (Enter, or the filter left). */
  #now() {
    const work = this.#pending;
    this.cancel();
    work?.();
  }

  /**
   * The thread filter: a mouse or touch choice applies at once; Chromium
   * fires `change` on every arrow key of a closed select, so a keyboard
   * choice applies once the keys pause, on Enter, or when the field is left.
   */
  #filter = {
    change: (key: string) => {
      const choose = () =>
        this.#host.narrow(key, this.#query(this.#typed ?? this.#host.current().query));
      if (this.#keyed) this.#later(choose);
      else {
        this.cancel();
        choose();
      }
      this.#keyed = false;
    },
    keydown: (e: KeyboardEvent) => {
      if (e.key === 'Enter') this.#now();
      else if (e.key !== 'Tab') this.#keyed = true;
    },
    blur: () => {
      this.#keyed = false;
      if (this.#pending) this.#now();
    },
  };

  /** Forgets what was typed (sign-out). */
  reset() {
    this.cancel();
    this.#typed = null;
  }

  /** The field's text, trimmed and within the server's limit. */
  #query(text: string) {
    return [...text.trim()].slice(0, MAX_QUERY).join('');
  }

  #search(text: string) {
    this.cancel();
    this.#host.narrow(this.#host.current().thread, this.#query(text));
  }

  #onInput = (e: Event) => {
    this.#typed = (e.target as HTMLInputElement).value;
    this.#later(() => this.#search(this.#typed ?? ''));
  };

  #onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    const field = (e.target as HTMLFormElement).querySelector('input');
    this.#search(field?.value ?? '');
  };

  /** The search form, over the loaded `threads`. */
  render(threads: readonly AdminThread[]) {
    const { thread, query } = this.#host.current();
    const narrowed = !!(thread || query);
    return html`<form
      part="search"
      class="search"
      role="search"
      aria-label=${strings.filtersLabel}
      novalidate
      @submit=${this.#onSubmit}
    >
      <div class="field query">
        <label for="search">${strings.searchFor}</label>
        <div class="row">
          <input
            id="search"
            part="input"
            type="search"
            enterkeyhint="search"
            maxlength=${MAX_QUERY}
            placeholder=${strings.searchHelp}
            .value=${query}
            @input=${this.#onInput}
          />
          <button part="button">${strings.search}</button>
        </div>
      </div>
      ${threadFilter(threads, thread, this.#filter)}
      ${
        narrowed
          ? html`<button
              part="button"
              type="button"
              class="clear"
              @click=${(e: Event) => {
                this.reset();
                this.#host.narrow('', '');
                // The button goes away; the field stays, ready for the next search.
                (e.target as HTMLElement).closest('form')?.querySelector('input')?.focus();
              }}
            >
              ${strings.clearFilters}
            </button>`
          : nothing
      }
    </form>`;
  }
}
