import { css } from 'lit';

/**
 * Styles of what only the lazy actions chunk renders (the reply forms, each
 * message's actions, the editor, the report step, the sort control), adopted
 * into `<parley-thread>`'s shadow root when the chunk arrives (see
 * `ThreadActions`), so their bytes stay out of `/widget.js`. They build on the
 * element's own sheet (`parley-thread.styles.ts`: custom properties, buttons,
 * the form's box, which the form's placeholder needs too).
 */
export const actionStyles = css`
  /* Only this chunk disables a button (while it sends); the reading view's are aria-disabled. */
  button:disabled {
    cursor: default;
    opacity: 0.6;
  }
  /* The reader's own post, just revealed: marked like the hash's target (see the element's sheet). */
  [part~='fresh'] {
    outline: 2px solid var(--parley-accent);
    background: color-mix(in srgb, var(--parley-accent) 8%, transparent);
  }
  /* A message of this reader's (or an edit) awaiting moderation: only this chunk and live updates mark one. */
  .meta .pending {
    padding: 0 0.5em;
    border: 1px dashed;
    border-radius: 1em;
  }
  .primary {
    justify-self: start;
    font-weight: 600;
    border-color: transparent;
    color: var(--parley-on-accent);
    background: var(--parley-accent);
  }
  .primary:hover:not(:disabled) {
    background: color-mix(in srgb, var(--parley-accent) 85%, currentColor);
  }
  /* "Posting…" must stay readable: a faded accent puts white on near nothing
     (light) or dark on dark (dark). Disabled reads as a quiet, outlined button
     in the text's own colour instead. */
  .primary:disabled {
    opacity: 1;
    color: inherit;
    background: var(--parley-surface);
    border-color: var(--parley-border);
  }
  .link {
    padding: 0.1em 0.4em;
    margin-inline-start: -0.4em;
    border: 0;
    font-size: 0.875em;
    color: var(--parley-muted);
  }
  .editor {
    display: grid;
    gap: 0.5rem;
    margin-top: 0.5rem;
  }
  .field {
    display: grid;
    gap: 0.3rem;
  }
  label {
    font-size: 0.875em;
    font-weight: 600;
  }
  input,
  textarea {
    width: 100%;
    font: inherit;
    color: inherit;
    padding: 0.55em 0.7em;
    border: 1px solid var(--parley-border);
    border-radius: var(--parley-radius);
    background: color-mix(in srgb, Canvas 70%, transparent);
  }
  input {
    max-width: 20rem;
  }
  textarea {
    min-height: 6.5rem;
    max-height: 60vh;
    resize: vertical;
    field-sizing: content;
    line-height: 1.5;
  }
  /*
   * A field's ring hugs its border. Not a checkbox's: ticked, it is filled
   * with the accent, and a ring of the same colour touching it cannot be
   * seen; it keeps the global ring's 2 px offset (light, dark, forced colors).
   */
  input:not([type='checkbox']):focus-visible,
  textarea:focus-visible {
    outline-offset: 0;
    border-color: var(--parley-accent);
  }
  [aria-invalid='true'] {
    border-color: var(--parley-danger);
  }
  [part~='error'],
  .over {
    color: var(--parley-danger);
    font-size: 0.875em;
  }
  .help {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0.25em 1em;
  }
  /* Reply mail: the box, then the address with what it is for. */
  .mail {
    display: grid;
    gap: 0.5rem;
  }
  .check {
    display: flex;
    align-items: center;
    gap: 0.5em;
    justify-self: start;
    cursor: pointer;
  }
  .check input {
    flex: none;
    width: 1.1rem;
    height: 1.1rem;
    margin: 0;
    padding: 0;
    accent-color: var(--parley-accent);
  }
  .about {
    margin: 0;
    color: var(--parley-muted);
    font-size: 0.875em;
  }
  .replying {
    display: flex;
    align-items: center;
    gap: 0.5em;
    font-size: 0.875em;
  }
  .help {
    color: var(--parley-muted);
    font-size: 0.875em;
    font-variant-numeric: tabular-nums;
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em 0.5em;
  }
  .actions span {
    font-size: 0.875em;
    color: var(--parley-muted);
  }
  /* Report sits at the far end of the row, away from Reply. */
  .actions .end {
    margin-inline-start: auto;
  }
  .reply-box,
  .report-step {
    margin-top: 0.5rem;
  }
  .discard span {
    font-size: 0.875em;
    font-weight: 600;
  }
  [part~='confirmation'] {
    margin-top: 0.5rem;
    padding: 0.4em 0.75em;
    border-inline-start: 3px solid var(--parley-success);
    border-radius: var(--parley-radius);
    background: color-mix(in srgb, var(--parley-success) 10%, transparent);
    font-size: 0.875em;
  }
  [part~='sort'] {
    display: flex;
    gap: 0.5em;
    margin-inline-start: auto;
  }
  /* Fingers need room: every control of the chunk is at least 44 px square. */
  @media (pointer: coarse) {
    button,
    input:not([type='checkbox']),
    .check {
      min-height: 44px;
    }
    button,
    .check {
      min-width: 44px;
    }
  }

  /* ---- Forced colours (Windows high contrast) ----
     The browser paints backgrounds as Canvas and drops shadows, so what a
     background alone shows would vanish: a highlight, a pressed toggle, the
     owner's badge (the dot and the focus ring: shared.styles.ts). They keep a
     system colour (kept as given, not forced) or get a border or outline
     instead. In this chunk's sheet, not the element's: they arrive a moment
     after the thread is first on screen (the browser's own forced colours
     meanwhile), and their bytes stay out of the 12 KB /widget.js. */
  @media (forced-colors: active) {
    .highlighted {
      outline: 1px dashed CanvasText;
    }
    [part~='target'] {
      outline-color: Highlight;
    }
    [aria-pressed='true'] {
      forced-color-adjust: none;
      color: HighlightText;
      background: Highlight;
      border-color: Highlight;
    }
    .meta .badge {
      border: 1px solid;
    }
  }
`;
