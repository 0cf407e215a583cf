import { css } from 'lit';
import { theme } from './theme.styles.js';

/**
 * The rules every Parley element on a reader's page draws alike
 * (`<parley-thread>`, `<parley-count>`, `<parley-card>`, `<parley-threads>`),
 * with the {@link theme}: links, the focus ring, buttons, the status dot, the
 * stats line's icons and text for screen readers only (what forced colours
 * would lose of them: `forced-colors.styles.ts`). One sheet, so the elements
 * cannot drift apart (the index elements' focus ring once vanished where
 * light-dark() is unknown); the thread's sheet is eager anyway, so sharing it
 * costs `/widget.js` nothing.
 */
export const sharedStyles = [
  theme,
  css`
    * {
      box-sizing: border-box;
    }
    a {
      color: var(--parley-accent);
    }
    /* The colour apart: where light-dark() is unknown (see the theme), only it is lost, not the ring. */
    :focus-visible {
      outline: 2px solid;
      outline-color: var(--parley-accent);
      outline-offset: 2px;
      border-radius: 2px;
    }
    button {
      font: inherit;
      cursor: pointer;
      padding: 0.45em 1em;
      border-radius: var(--parley-radius);
      border: 1px solid var(--parley-border);
      color: inherit;
      background: transparent;
    }
    button:hover {
      background: var(--parley-surface);
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
    /* The stats line's icons: one text high, in the text's colour. */
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
  `,
];
