/**
 * What `<parley-admin>` says, on every tab, while readers' reports keep
 * messages hidden: a count after the Hidden tab's name and a notice above the
 * tabs with a button to that tab. Counted from the loaded Hidden list.
 */
import type { AdminMessage } from '@parley/server/wire';
import { css, html, nothing } from 'lit';
import { strings } from './admin-strings.js';
import { hiddenByReports } from './message-notes.js';

/** A loaded list of hidden messages, and whether more may follow. */
interface HiddenList {
  items: readonly AdminMessage[];
  cursor: string | null;
}

/** How many messages of `list` reports hid, and whether more may follow. */
function byReports(list: HiddenList) {
  const count = list.items.filter(hiddenByReports).length;
  return { count, more: count > 0 && !!list.cursor };
}

/** After the Hidden tab's name: the count of messages reports hid, spoken in full. */
export function byReportsCount(list: HiddenList) {
  const { count, more } = byReports(list);
  return count
    ? html`<span class="tab-count" aria-hidden="true">${count}${more ? '+' : ''}</span
        ><span class="vh">, ${strings.tabByReports(count, more)}</span>`
    : nothing;
}

/**
 * Said above the tabs while any message is hidden by readers' reports, with a
 * button to the Hidden tab (`review`). While that tab is open the button is
 * hidden but keeps its room, so the tabs do not move under the pointer.
 */
export function byReportsNotice(list: HiddenList, review?: () => void) {
  const { count, more } = byReports(list);
  if (!count) return nothing;
  return html`<div class="notice" part="notice">
    <p>${strings.hiddenNotice(count, more)}</p>
    <button part="button" class=${review ? '' : 'here'} @click=${review}>${strings.reviewHidden}</button>
  </div>`;
}

/** Styles of the notice and the tab's count. */
export const noticeStyles = css`
  .notice {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
    margin: 0 0 var(--parley-space);
    padding: 0.6rem 0.8rem;
    border-inline-start: 3px solid var(--parley-danger);
    background: var(--parley-surface);
  }
  .notice p {
    margin: 0;
  }
  .notice .here {
    visibility: hidden;
  }
  .tab-count {
    margin-inline-start: 0.4em;
    padding: 0 0.45em;
    border-radius: 1em;
    font-size: 0.8em;
    font-weight: 700;
    color: var(--parley-on-accent);
    background: var(--parley-danger);
  }
`;
