import { css } from 'lit';

/**
 * A card's styles, shared by `<parley-card>` and `<parley-threads>`: a
 * bordered box on the page's background, its title a link in the page's text
 * colour that the whole card answers to. Logical properties only, so right-to-left locales mirror.
 */
export const cardStyles = css`
  .card {
    position: relative;
    display: grid;
    gap: calc(var(--parley-space) / 3);
    padding: var(--parley-space);
    border: 1px solid var(--parley-border);
    border-radius: var(--parley-radius);
    overflow-wrap: anywhere;
  }
  [part~='title'] {
    font-size: 1.125em;
    line-height: 1.3;
  }
  [part~='link'] {
    color: inherit;
    text-decoration-color: var(--parley-border);
  }
  /* The whole card is the link's target (a title alone is a small one to tap). */
  [part~='link']::after {
    content: '';
    position: absolute;
    inset: 0;
  }
  [part~='link']:hover {
    color: var(--parley-accent);
    text-decoration-color: currentColor;
  }
  /* Long summaries stop after three lines: the card is a teaser, the thread has the rest. */
  [part~='summary'] {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 3;
    overflow: hidden;
  }
  .placeholder {
    min-block-size: 7.5em;
    color: var(--parley-muted);
  }
`;
