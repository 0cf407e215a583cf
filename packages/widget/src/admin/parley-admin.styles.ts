import { css } from 'lit';

/**
 * Styles of `<parley-admin>`, adopted into its shadow root: no `<style>`
 * element and no `style` attribute, so the page's CSP needs no
 * 'unsafe-inline'. Calm and readable: the page's font, a centred column, cards
 * mixed from `currentColor`, and `--parley-*` custom properties with light and
 * dark defaults (from `prefers-color-scheme`).
 */
export const styles = css`
  :host {
    --parley-accent: #2f5fd0;
    --parley-on-accent: #fff;
    --parley-danger: #b42318;
    --parley-success: #1f7a45;
    --parley-warning: #8a5a00;
    --parley-star: #c98a00;
    --parley-surface: color-mix(in srgb, currentColor 4%, transparent);
    --parley-border: color-mix(in srgb, currentColor 16%, transparent);
    --parley-muted: color-mix(in srgb, currentColor 68%, transparent);
    --parley-radius: 0.5rem;
    --parley-space: 1rem;
    /* Unlike the thread, this element is the whole page, and a page under a
       strict CSP has no stylesheet of its own: so it sets its own font and
       paints its own light or dark canvas. */
    --parley-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    display: block;
    min-height: 100%;
    color-scheme: light dark;
    color: CanvasText;
    background: Canvas;
    font-family: var(--parley-font);
    overflow-wrap: anywhere;
    line-height: 1.5;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --parley-accent: #8fb0ff;
      --parley-on-accent: #0b1220;
      --parley-danger: #ff8a80;
      --parley-success: #5fd49a;
      --parley-warning: #ffc857;
      --parley-star: #ffcc4d;
    }
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  .admin {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--parley-space);
    max-width: 56rem;
    margin: 0 auto;
    padding: var(--parley-space) calc(var(--parley-space) * 0.75);
  }
  h1,
  h2,
  h3,
  p,
  ol,
  pre {
    margin: 0;
  }
  h1 {
    font-size: 1.4em;
    line-height: 1.25;
  }
  h2 {
    font-size: 1.15em;
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
  .muted,
  .where,
  .counts,
  .key {
    color: var(--parley-muted);
  }
  .where,
  .counts,
  .key,
  .muted {
    font-size: 0.875em;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem 1rem;
  }
  .tools,
  .actions,
  .row {
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
  .sign-in {
    display: grid;
    gap: 0.75rem;
    max-width: 34rem;
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
  .row input {
    flex: 1 1 12rem;
  }
  .edit-form input,
  .edit-form textarea,
  .owner-form input {
    width: 100%;
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
  .primary:hover:not(:disabled) {
    border-color: transparent;
    background: color-mix(in srgb, var(--parley-accent) 85%, currentColor);
  }
  .danger {
    font-weight: 600;
    border-color: var(--parley-danger);
    color: var(--parley-danger);
  }
  .quiet {
    color: var(--parley-muted);
  }
  .toggle[aria-pressed='true'] {
    border-color: var(--parley-star);
    background: color-mix(in srgb, var(--parley-star) 14%, Canvas);
  }
  .star {
    color: var(--parley-star);
  }
  [role='tablist'] {
    display: flex;
    overflow-x: auto;
    border-bottom: 1px solid var(--parley-border);
  }
  [role='tab'] {
    flex: none;
    padding-inline: 0.55em;
    border: 0;
    border-bottom: 3px solid transparent;
    border-radius: var(--parley-radius) var(--parley-radius) 0 0;
    background: transparent;
    color: var(--parley-muted);
  }
  button[role='tab'][aria-selected='true'] {
    color: inherit;
    font-weight: 600;
    border-bottom-color: var(--parley-accent);
  }
  [role='tab']:focus-visible {
    outline-offset: -2px;
  }
  [role='tabpanel'],
  .section {
    display: grid;
    /* One column no wider than the page: an auto column grows to its widest
       content (a long thread title in the filter) and pushes the page sideways. */
    grid-template-columns: minmax(0, 1fr);
    gap: var(--parley-space);
  }
  [role='tabpanel'] > .section + .section {
    margin-top: var(--parley-space);
  }
  .section-head {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    justify-content: space-between;
    gap: 0.5rem 1rem;
  }
  .filter {
    min-width: 0;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .filter select {
    /* A flex or grid item is as wide as its longest option unless told it may shrink. */
    min-width: 0;
    flex: 1 1 12rem;
    max-width: min(100%, 20rem);
  }
  .list {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.75rem;
    padding: 0;
    list-style: none;
  }
  .message,
  .thread {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.5rem;
  }
  .message.hidden,
  .message.deleted {
    border-style: dashed;
  }
  .message.deleted .body {
    opacity: 0.6;
    text-decoration: line-through;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25rem 0.5rem;
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
  .owner.badge {
    border-color: transparent;
    color: var(--parley-on-accent);
    background: var(--parley-accent);
  }
  .highlighted {
    color: var(--parley-warning);
  }
  .thread-name {
    font-weight: 600;
  }
  .body {
    line-height: 1.6;
  }
  .body > :first-child {
    margin-top: 0;
  }
  .body > :last-child {
    margin-bottom: 0;
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
    margin-bottom: 0.4rem;
  }
  .edit-form,
  .owner-form {
    display: grid;
    gap: 0.75rem;
    padding-top: 0.5rem;
  }
  .owner-form {
    max-width: 34rem;
  }
  .owner-form .primary,
  .edit-form .primary {
    justify-self: start;
  }
  .warn {
    padding: 0.6rem 0.8rem;
    border-inline-start: 3px solid var(--parley-warning);
    background: var(--parley-surface);
  }
  .more {
    justify-self: center;
  }
  .problem {
    display: grid;
    justify-items: start;
    gap: 0.5rem;
  }
  .empty {
    padding: var(--parley-space);
    border: 1px dashed var(--parley-border);
    border-radius: var(--parley-radius);
    text-align: center;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
  .vh {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
