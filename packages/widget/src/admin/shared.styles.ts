import { css } from 'lit';

/**
 * The style pieces every shadow root of the moderation page shares (the page
 * `<parley-admin>` and its cards), adopted into each: no `<style>` element
 * and no `style` attribute, so the page's CSP needs no 'unsafe-inline'. The
 * `--parley-*` properties they use are declared on the page element and
 * inherited through the cards' shadow roots.
 */

/** Text, focus, cards, action rows and buttons. */
export const baseStyles = css`
  * {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  h1,
  h2,
  h3,
  p,
  ol,
  pre {
    margin: 0;
  }
  h3 {
    font-size: 1em;
  }
  a {
    color: var(--parley-accent);
  }
  :focus-visible {
    outline: 2px solid var(--parley-accent);
    outline-offset: 2px;
  }
  .muted {
    color: var(--parley-muted);
    font-size: 0.875em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .card {
    padding: var(--parley-space);
    border: 1px solid var(--parley-border);
    border-radius: var(--parley-radius);
    background: var(--parley-surface);
  }
  [part~='error'] {
    color: var(--parley-danger);
    font-size: 0.875em;
  }
  button {
    font: inherit;
    cursor: pointer;
    min-height: 2.25rem;
    padding: 0.35em 0.9em;
    border-radius: var(--parley-radius);
    border: 1px solid var(--parley-border);
    color: inherit;
    background: Canvas;
  }
  button:hover:not(:disabled) {
    border-color: color-mix(in srgb, currentColor 40%, transparent);
  }
  button:disabled {
    cursor: default;
    opacity: 0.6;
  }
  .primary {
    font-weight: 600;
    border-color: transparent;
    color: var(--parley-on-accent);
    background: var(--parley-accent);
  }
  /* Hover moves the fill away from the text colour (towards CanvasText:
     darker in light, lighter in dark), so the contrast only grows; towards
     currentColor, white text in light, it fell to 4.2:1 (axe, end to end). */
  .primary:hover:not(:disabled) {
    border-color: transparent;
    background: color-mix(in srgb, var(--parley-accent) 85%, CanvasText);
  }
  .danger {
    font-weight: 600;
    border-color: var(--parley-danger);
    color: var(--parley-danger);
  }
  .danger.solid {
    border-color: transparent;
    color: Canvas;
    background: var(--parley-danger);
  }
  .danger:hover:not(:disabled) {
    border-color: var(--parley-danger);
    background: color-mix(in srgb, var(--parley-danger) 10%, Canvas);
  }
  .danger.solid:hover:not(:disabled) {
    background: color-mix(in srgb, var(--parley-danger) 85%, CanvasText);
  }
  .quiet {
    color: var(--parley-muted);
  }
  /* A checkbox in a label that is its touch target. */
  .pick {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    cursor: pointer;
  }
  .pick input {
    width: 1.15rem;
    height: 1.15rem;
    margin: 0;
    accent-color: var(--parley-accent);
  }
  .vh {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  /* Fingers, not a mouse: every control at least 44 px each way (WCAG 2.5.5). */
  @media (pointer: coarse) {
    button,
    select,
    input:not([type='checkbox']),
    summary,
    .pick {
      min-height: 44px;
    }
    button,
    .pick {
      min-width: 44px;
    }
    .pick {
      justify-content: center;
    }
    /* Still a list item: a flex summary loses its disclosure marker. */
    summary {
      display: list-item;
      box-sizing: border-box;
      padding-block: 0.6rem;
    }
    /* Links of their own line (a message's place, a thread's page); links in text are exempt.
       A box of 44 px around the text, not 44 px lines: a long address wraps as one link. */
    a.target {
      display: inline-flex;
      align-items: center;
      min-height: 44px;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;

/** Labelled form fields: the sign-in, owner and thread edit forms. */
export const fieldStyles = css`
  .field {
    display: grid;
    gap: 0.3rem;
  }
  label {
    font-size: 0.875em;
    font-weight: 600;
  }
  input,
  textarea,
  select {
    font: inherit;
    color: inherit;
    min-height: 2.5rem;
    padding: 0.45em 0.7em;
    border: 1px solid var(--parley-border);
    border-radius: var(--parley-radius);
    background: Canvas;
    max-width: 100%;
  }
  textarea {
    resize: vertical;
  }
  input:focus-visible,
  textarea:focus-visible,
  select:focus-visible {
    outline-offset: 0;
    border-color: var(--parley-accent);
  }
  [aria-invalid='true'] {
    border-color: var(--parley-danger);
  }
  /* As buttons (baseStyles): 44 px for fingers; here, as these rules come later. */
  @media (pointer: coarse) {
    input:not([type='checkbox']),
    select {
      min-height: 44px;
    }
  }
`;
