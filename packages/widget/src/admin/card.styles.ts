import { css } from 'lit';

/**
 * What the message and thread cards share: the card as one block of its
 * list, its heading line of badges, and the muted facts under it.
 */
export const cardStyles = css`
  :host {
    display: block;
  }
  .message,
  .thread {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.5rem;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25rem 0.5rem;
  }
  .where,
  .counts,
  .key {
    color: var(--parley-muted);
    font-size: 0.875em;
  }
  /* Names and titles readers wrote, isolated: a right-to-left override in
     one reorders nothing after it (the date, the link). */
  h3,
  .thread-name,
  .summary,
  .key {
    unicode-bidi: isolate;
  }
  .badge {
    padding: 0 0.55em;
    border-radius: 1em;
    border: 1px solid currentColor;
    font-size: 0.8em;
    font-weight: 600;
    white-space: nowrap;
  }
  .status-published,
  .status-open {
    color: var(--parley-success);
  }
  .status-pending,
  .reported {
    color: var(--parley-warning);
  }
  .status-hidden,
  .status-deleted,
  .status-closed {
    color: var(--parley-muted);
  }
`;
