/**
 * What a moderator must know about a message before deciding on it, beside
 * its status: whether readers' reports hid it, the reasons they gave, and
 * the title an approval would make public. Rendered inside each
 * `<parley-admin-message>`; names, reasons and titles are always text.
 */
import type { AdminMessage } from '@parley/server/wire';
import { css, html, nothing } from 'lit';
import { strings } from './admin-strings.js';
import { when } from './format.js';

/** Whether readers' reports hid `message` (and it is hidden still). */
export const hiddenByReports = (message: AdminMessage) =>
  message.status === 'hidden' && message.hiddenReason === 'reports';

/** The badge saying why a hidden message is hidden, when that is known. */
export function hiddenReasonBadge(message: AdminMessage) {
  if (message.status !== 'hidden' || !message.hiddenReason) return nothing;
  const reports = message.hiddenReason === 'reports';
  return html`<span part="badge" class="badge ${reports ? 'by-reports' : 'by-moderator'}"
    >${reports ? strings.hiddenByReports : strings.hiddenByModerator}</span
  >`;
}

/** What approving makes public; the title a reader wrote in `<bdi>`, so it reorders nothing around it. */
function threadNotPublic(title: string | null | undefined) {
  const [before, after] = strings.threadNotPublic;
  return title ? html`${before}<bdi>${title}</bdi>${after}` : strings.threadNotPublicUntitled;
}

/** The not-yet-public thread's title, and readers' report reasons; `id` is unique in the card. */
export function messageNotes(message: AdminMessage, id: string) {
  const reports = message.reports ?? [];
  return html`${
    message.threadPublic === false
      ? html`<p class="note thread-private">${threadNotPublic(message.threadTitle)}</p>`
      : nothing
  }
  ${
    reports.length
      ? html`<div class="reasons">
          <h4 id="r-${id}">${strings.reportReasons(reports.length, Math.max(message.reportCount, reports.length))}</h4>
          <ul aria-labelledby="r-${id}">
            ${reports.map(
              (report) => html`<li>
                ${report.reason ? html`<span class="reason">${report.reason}</span>` : html`<span class="muted">${strings.noReason}</span>`}
                <span class="muted">· <time datetime=${report.createdAt}>${when(report.createdAt)}</time></span>
              </li>`,
            )}
          </ul>
        </div>`
      : nothing
  }`;
}

/** Styles of these notes and badges. */
export const notesStyles = css`
  .status-spam,
  .by-reports {
    color: var(--parley-danger);
  }
  .by-moderator {
    color: var(--parley-muted);
  }
  .note {
    padding: 0.6rem 0.8rem;
    border-inline-start: 3px solid var(--parley-warning);
    background: var(--parley-surface);
  }
  .reasons h4 {
    margin: 0 0 0.25rem;
    font-size: 0.875em;
  }
  .reasons ul {
    margin: 0;
    padding-inline-start: 1.25em;
    /* The browser's marker for a list inside a list: the card's list item
       is in the page's shadow root, so it no longer counts as nested. */
    list-style-type: circle;
  }
  .reason {
    white-space: pre-wrap;
  }
  /* Readers' words (a reason may hold a right-to-left override): isolated,
     so they cannot reorder the date or text after them. */
  .reason,
  bdi {
    unicode-bidi: isolate;
  }
`;
