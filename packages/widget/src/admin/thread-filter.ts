/**
 * The Recent list's thread filter on `<parley-admin>`: a select of the loaded
 * threads ("All threads" first), plus the filtered thread's key when the
 * loaded threads do not hold it, so the select always says what is shown.
 * Rendered in the page's shadow root.
 */
import type { AdminThread } from '@parley/server/wire';
import { html, nothing } from 'lit';
import { strings } from './admin-strings.js';

/** What the select tells its owner: a new key chosen, and a key pressed or the field left. */
export interface FilterEvents {
  change(key: string): void;
  keydown(e: KeyboardEvent): void;
  blur(): void;
}

/** The select, with `filter` (a thread key; '' for all) selected. */
export function threadFilter(threads: readonly AdminThread[], filter: string, on: FilterEvents) {
  return html`<div class="filter">
    <label for="filter">${strings.filter}</label>
    <select
      id="filter"
      part="input"
      @change=${(e: Event) => on.change((e.target as HTMLSelectElement).value)}
      @keydown=${on.keydown}
      @blur=${on.blur}
    >
      <option value="" ?selected=${!filter}>${strings.allThreads}</option>
      ${
        filter && !threads.some((thread) => thread.key === filter)
          ? html`<option value=${filter} selected>${filter}</option>`
          : nothing
      }
      ${threads.map(
        // No white space around the label: an option's text is its name, spaces included.
        (thread) =>
          html`<option value=${thread.key} ?selected=${thread.key === filter}>${thread.title || thread.key}</option>`,
      )}
    </select>
  </div>`;
}
