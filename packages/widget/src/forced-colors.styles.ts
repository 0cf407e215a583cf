import { css } from 'lit';

/**
 * What forced colours (Windows high contrast) would lose of the rules every
 * element shares (`shared.styles.ts`): they paint backgrounds as Canvas and
 * drop shadows, so the status dot keeps a system colour (kept as given, not
 * forced; a closed one keeps its muted mix, its rule being more specific),
 * and the focus ring takes the system's. Adopted by the index elements' sheets
 * and by the thread's actions chunk (with the thread's own forced-colour
 * rules), so its bytes stay out of the 12 KB `/widget.js`: on the thread they
 * arrive a moment after it is first on screen.
 */
export const forcedColors = css`
  @media (forced-colors: active) {
    .dot {
      forced-color-adjust: none;
      background: CanvasText;
    }
    :focus-visible {
      outline-color: Highlight;
    }
  }
`;
