/**
 * What a paged list of `<parley-admin>` shows around its items: loading, a
 * failure with a retry, the empty state, and under the items a later
 * failure and the "Load more" button. Rendered in the page's shadow root.
 */
import { html, nothing } from 'lit';
import { strings } from './admin-strings.js';
import type { PagedList } from './paged-list.js';

/** Loading, a failure with `retry`, or `empty`; nothing once items show. */
export function listStatus(list: PagedList<unknown>, empty: string, retry: () => void) {
  if (list.state === 'loading' || list.state === 'idle')
    return html`<p class="muted" aria-busy="true">${strings.loading}</p>`;
  if (list.state === 'error' && !list.items.length)
    return html`<div class="problem">
      <p part="error" role="alert">${list.error}</p>
      <button part="button" @click=${retry}>${strings.retry}</button>
    </div>`;
  if (!list.items.length) return html`<p class="muted empty">${empty}</p>`;
  return nothing;
}

/** Under the items: a failure to load more, and "Load more" while a next page exists. */
export function listMore(list: PagedList<unknown>, label: string) {
  return html`${
    list.state === 'error' && list.items.length
      ? html`<p part="error" role="alert">${list.error}</p>`
      : nothing
  }
  ${
    list.cursor && list.items.length
      ? html`<button
          part="button load-more"
          class="more"
          aria-label="${strings.loadMore}, ${label}"
          ?disabled=${list.state === 'more'}
          @click=${() => list.load(true)}
        >
          ${strings.loadMore}
        </button>`
      : nothing
  }`;
}
