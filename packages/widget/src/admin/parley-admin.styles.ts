import { css } from 'lit';

/**
 * Styles of `<parley-admin>` itself (the cards carry their own), adopted into
 * its shadow root after the shared pieces (`shared.styles.ts`). Calm and
 * readable: the page's font, a centred column, cards mixed from
 * `currentColor`, and the `--parley-*` custom properties with light and dark
 * defaults (from `prefers-color-scheme`), inherited by the cards.
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
  .admin,
  main {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--parley-space);
  }
  .admin {
    max-width: 56rem;
    margin: 0 auto;
    padding: var(--parley-space) calc(var(--parley-space) * 0.75);
  }
  h1 {
    font-size: 1.4em;
    line-height: 1.25;
  }
  h2 {
    font-size: 1.15em;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem 1rem;
  }
  .tools,
  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .sign-in {
    display: grid;
    gap: 0.75rem;
    max-width: 34rem;
  }
  .row input {
    flex: 1 1 12rem;
  }
  /* Wrapped, never scrolled sideways: on a phone every tab stays in sight. */
  [role='tablist'] {
    display: flex;
    flex-wrap: wrap;
    border-block-end: 1px solid var(--parley-border);
  }
  [role='tab'] {
    flex: none;
    padding-inline: 0.55em;
    border: 0;
    border-block-end: 3px solid transparent;
    border-radius: var(--parley-radius) var(--parley-radius) 0 0;
    background: transparent;
    color: var(--parley-muted);
  }
  button[role='tab'][aria-selected='true'] {
    color: inherit;
    font-weight: 600;
    border-block-end-color: var(--parley-accent);
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
    margin-block-start: var(--parley-space);
  }
  .section-head {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    justify-content: space-between;
    gap: 0.5rem 1rem;
  }
  /* The search bar: the field and its button on one line, the thread filter beside them when it fits. */
  .search {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.5rem 1rem;
  }
  .search .query {
    flex: 1 1 16rem;
    min-width: 0;
  }
  .search .row {
    flex-wrap: nowrap;
  }
  .search .row input {
    flex: 1 1 auto;
    min-width: 0;
  }
  .search .row button {
    flex: none;
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
  /* Loading again (list-status.ts, reloading): shown, out of reach. */
  .list[inert] {
    opacity: 0.6;
  }
  .owner-form {
    display: grid;
    gap: 0.75rem;
    padding-block-start: 0.5rem;
    max-width: 34rem;
  }
  .owner-form input {
    width: 100%;
  }
  .owner-form .primary {
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
`;
