import { css } from 'lit';
import { theme } from '../theme.styles.js';

/**
 * What the index elements' sheets share: the theme (`--parley-*` custom
 * properties, as on the thread), links, focus rings, buttons, the stats line
 * and the status dot as the thread draws them, and text for screen readers
 * only. Logical properties only, so right-to-left locales mirror.
 */
export const listingStyles = [
  theme,
  css`
    * {
      box-sizing: border-box;
    }
    h2,
    p,
    ol {
      margin: 0;
    }
    a {
      color: var(--parley-accent);
    }
    :focus-visible {
      outline: 2px solid var(--parley-accent);
      outline-offset: 2px;
      border-radius: 2px;
    }
    button,
    select {
      font: inherit;
      color: inherit;
      border-radius: var(--parley-radius);
      border: 1px solid var(--parley-border);
      background: transparent;
    }
    button {
      cursor: pointer;
      padding: 0.45em 1em;
    }
    button:hover {
      background: var(--parley-surface);
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
    .dot {
      width: 0.6em;
      height: 0.6em;
      border-radius: 50%;
      background: var(--parley-success);
      box-shadow: 0 0 0 3px color-mix(in srgb, var(--parley-success) 20%, transparent);
    }
    .closed .dot {
      background: var(--parley-muted);
      box-shadow: none;
    }
    svg {
      width: 1em;
      height: 1em;
      vertical-align: -0.125em;
      fill: none;
      stroke: currentColor;
    }
    .vh {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    @media (forced-colors: active) {
      .dot {
        forced-color-adjust: none;
        background: CanvasText;
      }
    }
  `,
];
