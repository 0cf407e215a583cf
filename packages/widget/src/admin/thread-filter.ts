/**
 * The Recent list's thread filter on `<parley-admin>`: a select of the loaded
 * threads ("All threads" first), plus the filtered thread's key when the
 * loaded threads do not hold it, so the select always says what is shown.
 * Rendered in the page's shadow root.
 */
import type { AdminThread } from '@parley/server/wire';
import { html, nothing } from 'lit';
import { strings } from './admin-strings.js';

/** The select, with `filter` (a thread key; '' for all) selected; `choose` gets the new key. */
export function threadFilter(
  threads: readonly AdminThread[],
  filter: string,
  choose: (key: string) => void,
) {
  return html`<div class="filter">
    <label for="filter">${strings.filter}</label>
    <select
      id="filter"
      part="input"
      @change=${(e: Event) => choose((e.target as HTMLSelectElement).value)}
    >
      <option value="" ?selected=${!filter}>${strings.allThreads}</option>
      ${
        filter && !threads.some((thread) => thread.key === filter)
          ? html`<option value=${filter} selected>${filter}</option>`
          : nothing
      }
      ${threads.map(
        (thread) =>
          html`<option value=${thread.key} ?selected=${thread.key === filter}>
            ${thread.title || thread.key}
          </option>`,
      )}
    </select>
  </div>`;
}
