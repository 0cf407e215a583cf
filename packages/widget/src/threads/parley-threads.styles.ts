import { css } from 'lit';

/** Styles of `<parley-threads>`: a column of cards, the sort control above them. Logical properties only. */
export const threadsStyles = css`
  :host {
    display: block;
  }
  .threads {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--parley-space);
  }
  .sort {
    justify-self: end;
    display: flex;
    align-items: center;
    gap: 0.5em;
    font-size: 0.875em;
  }
  select {
    padding: 0.3em 0.5em;
  }
  ol {
    display: grid;
    gap: calc(var(--parley-space) * 0.75);
    padding: 0;
    list-style: none;
  }
  .more {
    justify-self: center;
  }
  [aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }
  .more-error {
    justify-self: center;
    color: var(--parley-danger);
  }
  .empty,
  .unavailable {
    padding: calc(var(--parley-space) * 1.5) var(--parley-space);
    text-align: center;
    border: 1px dashed var(--parley-border);
    border-radius: var(--parley-radius);
  }
  .unavailable {
    display: grid;
    justify-items: center;
    gap: 0.75em;
  }
  /* Three cards' height while the first page loads, so the page below does not move. */
  .skeleton {
    display: grid;
    gap: calc(var(--parley-space) * 0.75);
  }
  .skeleton i {
    display: block;
    block-size: 7.5em;
    border-radius: var(--parley-radius);
    background: var(--parley-surface);
  }
  @media (pointer: coarse) {
    button,
    select {
      min-block-size: 44px;
    }
  }
`;
