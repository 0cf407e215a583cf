/**
 * The search bar above every message list of `<parley-admin>`: a search
 * field (text in the body or the author's name, `GET /api/admin/messages?q=`)
 * and the thread filter, as a Lit reactive controller. Typing searches once
 * the moderator pauses (debounced), Enter searches at once; both narrow every
 * message list of the page, with the status each tab lists. Rendered in the
 * page's shadow root, in the open tab's panel only (its ids are unique).
 */
import type { AdminThread } from '@parley/server/wire';
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { strings } from './admin-strings.js';
import { threadFilter } from './thread-filter.js';

/** How long typing must pause before the search runs, in ms. */
const SEARCH_DEBOUNCE_MS = 300;
/** The server's limit on `q`, in characters. */
const MAX_QUERY = 200;

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

  constructor(el: ReactiveControllerHost, host: SearchHost) {
    this.#host = host;
    el.addController(this);
  }

  hostConnected() {}

  hostDisconnected() {
    this.cancel();
  }

  /** Drops a search still waiting for the pause (sign-out, disconnect). */
  cancel() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

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
    this.cancel();
    this.#timer = setTimeout(() => this.#search(this.#typed ?? ''), SEARCH_DEBOUNCE_MS);
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
      ${threadFilter(threads, thread, (key) => {
        this.cancel();
        this.#host.narrow(key, this.#query(this.#typed ?? query));
      })}
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
