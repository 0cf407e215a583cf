import { css } from 'lit';
import { sharedStyles } from '../shared.styles.js';

/**
 * Styles of `<parley-thread>`, adopted into its shadow root (no `<style>`
 * element, so a CSP without 'unsafe-inline' is fine). The host page's font and
 * text colour are inherited; surfaces and borders are mixed from
 * `currentColor` so they suit any page background; everything else is a
 * `--parley-*` custom property with a quiet default, overridable from the page.
 * Text keeps to three sizes (1.5em, 1em, 0.875em): each further size or face
 * of a font costs the thread's first layout a synchronous font lookup.
 */
export const styles = [
  sharedStyles,
  css`
  /* One column as wide as the host: an implicit (auto) column would grow to
     its widest unbreakable content, a code block that is meant to scroll. */
  .thread {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--parley-space);
  }
  /* Loaded over the server's markup: the view is laid out unseen, at the
     thread's width, its messages fully (so their heights are real, and
     remembered), while the markup holds the space; then takeover.ts swaps. */
  .taking {
    position: relative;
  }
  .taking > :not(slot) {
    position: absolute;
    inset: 0 0 auto;
    visibility: hidden;
  }
  .taking article {
    content-visibility: visible;
  }
  h2,
  h3,
  p,
  ol {
    margin: 0;
  }
  h2 {
    font-size: 1.5em;
    line-height: 1.25;
    text-wrap: balance;
  }
  h3 {
    font-size: 1em;
  }
  header {
    display: grid;
    gap: calc(var(--parley-space) / 2);
  }
  .back,
  [part~='time'] {
    text-decoration: none;
  }
  .back:hover,
  [part~='time']:hover {
    text-decoration: underline;
  }
  .back {
    justify-self: start;
    font-size: 0.875em;
  }
  [part~='summary'],
  [part~='stats'],
  .meta span,
  [part~='time'],
  .note {
    color: var(--parley-muted);
  }
  /* The summary's source note keeps the summary's muted colour: muted again, it would be unreadable. */
  [part~='summary-source'],
  [part~='stats'],
  [part~='status'],
  .meta,
  .note {
    font-size: 0.875em;
    font-variant-numeric: tabular-nums;
  }
  [part~='status'] {
    display: flex;
    align-items: center;
    gap: 0.5em;
  }
  ol {
    list-style: none;
    padding: 0;
  }
  li + li,
  li > ol {
    margin-top: calc(var(--parley-space) / 2);
  }
  /* Indents grow with the room the thread has (a percentage of the parent's
     width), from phone to full column: a container query would do the same
     at twice the layout cost of a long thread. */
  li > ol {
    margin-inline-start: clamp(0.375rem, 2.35%, 0.75rem);
    padding-inline-start: clamp(0.625rem, 3.125%, 1rem);
    border-inline-start: 2px solid var(--parley-border);
  }
  article {
    padding: 0.75rem;
    border-radius: var(--parley-radius);
    scroll-margin: 4rem;
    transition: background-color 0.6s;
    /* A long thread must not cost one long layout: messages off screen are
       laid out when they come near the viewport, sized meanwhile by their
       last known (or an estimated) height. */
    content-visibility: auto;
    contain-intrinsic-size: auto 7rem;
  }
  [part~='message-opening'] {
    padding: var(--parley-space);
    background: var(--parley-surface);
    border: 1px solid var(--parley-border);
  }
  .highlighted {
    background: var(--parley-highlight);
  }
  /* The hash's target; the reader's own post, just revealed, is marked alike
     for a moment (actions.styles.ts), then fades (the transition on article)
     unless motion is reduced. */
  [part~='target'] {
    outline: 2px solid var(--parley-accent);
    background: color-mix(in srgb, var(--parley-accent) 8%, transparent);
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0.25em 0.5em;
  }
  [part~='author'] {
    font-weight: 600;
  }
  .meta .badge {
    padding: 0 0.5em;
    border-radius: 1em;
    font-weight: 600;
    color: var(--parley-on-accent);
    background: var(--parley-accent);
  }
  .meta .star {
    color: var(--parley-star);
  }
  .body {
    margin-top: 0.25rem;
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
    margin: 0.6em 0;
  }
  .body ul,
  .body ol {
    list-style: revert;
    padding-inline-start: 1.5em;
  }
  .body code {
    padding: 0.1em 0.3em;
    border-radius: 0.25em;
    background: var(--parley-surface);
  }
  .body pre,
  .body :not(pre) > code {
    font-size: 0.875em;
  }
  .body pre {
    overflow-x: auto;
    padding: 0.75em;
    border-radius: var(--parley-radius);
    background: var(--parley-surface);
  }
  .body pre code {
    padding: 0;
    background: none;
  }
  .body blockquote {
    padding-inline-start: 0.75em;
    border-inline-start: 3px solid var(--parley-border);
    color: var(--parley-muted);
  }
  [part~='load-more'] {
    justify-self: center;
  }
  [part~='view'],
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25em 0.5em;
  }
  [part~='view'] button {
    padding: 0.2em 0.8em;
    font-size: 0.875em;
  }
  [aria-pressed='true'] {
    border-color: var(--parley-accent);
    background: color-mix(in srgb, var(--parley-accent) 12%, transparent);
  }
  .actions {
    margin-top: 0.25rem;
    /* A row of link buttons, so the row is as tall before its buttons arrive. */
    min-height: 1.2em;
  }
  .gone {
    font-size: 0.875em;
    font-style: italic;
    color: var(--parley-muted);
  }
  /* The form's own height, held while its code loads, so nothing below it moves. */
  .shell {
    min-height: 20.5rem;
  }
  form {
    display: grid;
    gap: 0.75rem;
    padding: var(--parley-space);
    border: 1px solid var(--parley-border);
    border-radius: var(--parley-radius);
    background: var(--parley-surface);
  }
  .empty,
  .unavailable {
    padding: calc(var(--parley-space) * 1.5) var(--parley-space);
    text-align: center;
    border: 1px dashed var(--parley-border);
    border-radius: var(--parley-radius);
    color: var(--parley-muted);
  }
  .unavailable {
    display: grid;
    justify-items: center;
    gap: 0.75rem;
  }
  .skeleton {
    display: grid;
    gap: 0.75rem;
    min-height: 16rem;
  }
  .skeleton i {
    height: 1rem;
    border-radius: var(--parley-radius);
    background: var(--parley-surface);
    animation: pulse 1.5s ease-in-out infinite alternate;
  }
  .skeleton i:first-of-type {
    width: 60%;
    height: 1.75rem;
  }
  .skeleton i:last-of-type {
    height: 7rem;
  }
  @keyframes pulse {
    to {
      opacity: 0.4;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
  /* The skip link shows only while it has the focus (as .vh, the shared sheet's). */
  .skip:not(:focus) {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  /* Its text centred in its box, which is 44 px tall on a touch screen. */
  .skip {
    display: flex;
    align-items: center;
  }
  /* Touch: every button and link-like control is at least 44 px square,
     and a message's actions row is as tall before its buttons arrive. */
  @media (pointer: coarse) {
    button,
    .back,
    .skip,
    [part~='time'],
    .actions {
      min-width: 44px;
      min-height: 44px;
    }
  }
`,
];
