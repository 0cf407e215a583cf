/**
 * What a moderator must know about a message before deciding on it, beside
 * its status: whether readers' reports hid it, the reasons they gave, and
 * the title an approval would make public. Rendered inside each message card
 * of `<parley-admin>`; names, reasons and titles are always text.
 */
import type { AdminMessage } from '@parley/server/wire';
import { css, html, nothing } from 'lit';
import { strings as s } from './admin-strings.js';
import { when } from './format.js';

/** Whether readers' reports hid `m` (and it is hidden still). */
export const hiddenByReports = (m: AdminMessage) =>
  m.status === 'hidden' && m.hiddenReason === 'reports';

/** How many of `messages` readers' reports hid. */
export const countHiddenByReports = (messages: readonly AdminMessage[]) =>
  messages.filter(hiddenByReports).length;

/** Of a loaded list of hidden messages: how many reports hid, and whether more may follow. */
function byReports(list: { items: readonly AdminMessage[]; cursor: string | null }) {
  const n = countHiddenByReports(list.items);
  return { n, more: n > 0 && !!list.cursor };
}

/** After the Hidden tab's name: the count of messages reports hid, spoken in full. */
export function byReportsCount(list: { items: readonly AdminMessage[]; cursor: string | null }) {
  const { n, more } = byReports(list);
  return n
    ? html`<span class="tab-count" aria-hidden="true">${n}${more ? '+' : ''}</span
        ><span class="vh">, ${s.tabByReports(n, more)}</span>`
    : nothing;
}

/**
 * Said above the tabs while any message is hidden by readers' reports, with a
 * button to the Hidden tab (`review`; none while that tab is open).
 */
export function byReportsNotice(
  list: { items: readonly AdminMessage[]; cursor: string | null },
  review?: () => void,
) {
  const { n, more } = byReports(list);
  if (!n) return nothing;
  return html`<div class="notice" part="notice">
    <p>${s.hiddenNotice(n, more)}</p>
    ${review ? html`<button part="button" @click=${review}>${s.reviewHidden}</button>` : nothing}
  </div>`;
}

/** The badge saying why a hidden message is hidden, when that is known. */
export function hiddenReasonBadge(m: AdminMessage) {
  if (m.status !== 'hidden' || !m.hiddenReason) return nothing;
  const reports = m.hiddenReason === 'reports';
  return html`<span part="badge" class="badge ${reports ? 'by-reports' : 'by-moderator'}"
    >${reports ? s.hiddenByReports : s.hiddenByModerator}</span
  >`;
}

/** The not-yet-public thread's title, and readers' report reasons; `id` is unique in the page. */
export function messageNotes(m: AdminMessage, id: string) {
  const reports = m.reports ?? [];
  return html`${
    m.threadPublic === false
      ? html`<p class="note thread-private">${s.threadNotPublic(m.threadTitle)}</p>`
      : nothing
  }
  ${
    reports.length
      ? html`<div class="reasons">
          <h4 id="r-${id}">${s.reportReasons(reports.length, Math.max(m.reportCount, reports.length))}</h4>
          <ul aria-labelledby="r-${id}">
            ${reports.map(
              (r) => html`<li>
                ${r.reason ? html`<span class="reason">${r.reason}</span>` : html`<span class="muted">${s.noReason}</span>`}
                <span class="muted">· <time datetime=${r.createdAt}>${when(r.createdAt)}</time></span>
              </li>`,
            )}
          </ul>
        </div>`
      : nothing
  }`;
}

/** Styles of these notes and of the page's hidden-by-reports notice. */
export const notesStyles = css`
  .status-spam,
  .by-reports {
    color: var(--parley-danger);
  }
  .by-moderator {
    color: var(--parley-muted);
  }
  .note,
  .notice {
    padding: 0.6rem 0.8rem;
    border-inline-start: 3px solid var(--parley-warning);
    background: var(--parley-surface);
  }
  .notice {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
    margin: 0 0 var(--parley-space);
    border-color: var(--parley-danger);
  }
  .notice p {
    margin: 0;
  }
  .reasons h4 {
    margin: 0 0 0.25rem;
    font-size: 0.875em;
  }
  .reasons ul {
    margin: 0;
    padding-inline-start: 1.25em;
  }
  .reason {
    white-space: pre-wrap;
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
