import { css } from 'lit';
import { forcedColors } from '../forced-colors.styles.js';
import { sharedStyles } from '../shared.styles.js';

/**
 * What the index elements' sheets share: the rules of every element
 * (`shared.styles.ts`: theme, links, focus ring, buttons, status dot, icons,
 * screen-reader text; `forced-colors.styles.ts`), and the selects, stats line and status
 * as the thread draws them. Logical properties only, so right-to-left locales mirror.
 */
export const listingStyles = [
  sharedStyles,
  forcedColors,
  css`
    h2,
    p,
    ol {
      margin: 0;
    }
    select {
      font: inherit;
      color: inherit;
      border-radius: var(--parley-radius);
      border: 1px solid var(--parley-border);
      background: transparent;
    }
    [part~='stats'],
    [part~='status'] {
      font-size: 0.875em;
      font-variant-numeric: tabular-nums;
    }
    [part~='summary'],
    [part~='stats'] {
      color: var(--parley-muted);
    }
    [part~='status'] {
      display: flex;
      align-items: center;
      gap: 0.5em;
    }
  `,
];
