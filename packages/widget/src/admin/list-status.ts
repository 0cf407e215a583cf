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

/**
 * Whether `list` is loading again over the items it shows. Its rows are then
 * inert: the answer may order them differently (threads by last activity),
 * and a click must not land on whatever row has moved under the pointer.
 */
export const reloading = (list: PagedList<unknown>) => list.state === 'loading';

/** What "Load more" needs from the page. */
export interface MoreHost {
  /** Says `text` in the polite live region. */
  announce(text: string): void;
  /** Resolves once the page has rendered what was loaded. */
  settled(): Promise<unknown>;
}

/**
 * Loads the next page of `list`, says how many came, and moves the focus from
 * the button (which goes away with the last page) to the first new item.
 * The focus is only moved when it was on the button or lost, never taken
 * from where the moderator put it meanwhile.
 */
async function loadMore(
  list: PagedList<unknown>,
  host: MoreHost,
  button: HTMLElement,
  said: (count: number) => string,
) {
  const before = list.items.length;
  const root = button.getRootNode() as ShadowRoot;
  const section = button.closest('[role=region]');
  await list.load(true);
  if (list.state !== 'ready' || !section) return;
  host.announce(said(list.items.length - before));
  await host.settled();
  const active = document.activeElement;
  const lost = !root.activeElement && (!active || active === document.body);
  if (root.activeElement !== button && !lost) return;
  const item = section.querySelectorAll<HTMLElement>(':scope ol > li')[before];
  // A card element's row is in its shadow root; a plain row (a delivery) is the item itself.
  const card = item?.firstElementChild?.shadowRoot?.querySelector<HTMLElement>('[data-row]');
  (card ?? (item?.matches('[data-row]') ? item : null))?.focus();
}

/** Under the items: a failure to load more, and "Load more" while a next page exists. */
export function listMore(
  list: PagedList<unknown>,
  label: string,
  host: MoreHost,
  said: (count: number) => string = strings.moreLoaded,
) {
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
          @click=${(e: Event) => loadMore(list, host, e.currentTarget as HTMLElement, said)}
        >
          ${strings.loadMore}
        </button>`
      : nothing
  }`;
}
