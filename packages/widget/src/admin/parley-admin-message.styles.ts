import { css } from 'lit';

/** Styles of `<parley-admin-message>` beyond the shared card: badges, body, source. */
export const messageStyles = css`
  .message.hidden,
  .message.deleted {
    border-style: dashed;
  }
  .message.deleted .body {
    opacity: 0.6;
    text-decoration: line-through;
  }
  .owner.badge {
    border-color: transparent;
    color: var(--parley-on-accent);
    background: var(--parley-accent);
  }
  .highlighted {
    color: var(--parley-warning);
  }
  .toggle[aria-pressed='true'] {
    border-color: var(--parley-star);
    background: color-mix(in srgb, var(--parley-star) 14%, Canvas);
  }
  .star {
    color: var(--parley-star);
  }
  .thread-name {
    font-weight: 600;
  }
  /* The place link and its separator wrap together, never a dangling "·". */
  .place {
    white-space: nowrap;
  }
  .confirm {
    margin: 0;
    color: var(--parley-danger);
    font-weight: 600;
  }
  .body {
    line-height: 1.6;
  }
  .body > :first-child {
    margin-block-start: 0;
  }
  .body > :last-child {
    margin-block-end: 0;
  }
  .body p,
  .body ul,
  .body ol,
  .body pre,
  .body blockquote {
    margin: 0.5em 0;
  }
  .body ul,
  .body ol {
    padding-inline-start: 1.5em;
  }
  .body pre,
  pre {
    overflow-x: auto;
    padding: 0.6em;
    border-radius: var(--parley-radius);
    background: var(--parley-surface);
    white-space: pre-wrap;
  }
  .body blockquote {
    padding-inline-start: 0.75em;
    border-inline-start: 3px solid var(--parley-border);
    color: var(--parley-muted);
  }
  .body img {
    max-width: 100%;
    height: auto;
  }
  details summary {
    cursor: pointer;
    font-size: 0.875em;
    color: var(--parley-muted);
  }
  details[open] summary {
    margin-block-end: 0.4rem;
  }
`;
