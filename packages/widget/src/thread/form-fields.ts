/**
 * What the reply forms, the inline editor and the report step share (part of
 * the lazy actions chunk): the length rules, the Ctrl+Enter shortcut and the
 * "Discard your changes?" step.
 */

import type { MaxReasonLength } from '@parley/server/wire';
import { html } from 'lit';
import type { Catalog } from '../i18n/en.js';
import { fill, num, plural } from '../i18n/format.js';

/** The server counts message length in code points, as `[...s].length` does. */
export const MAX_BODY = 10_000;

/** The longest name the server takes, in code points (the contract's `author` limit). */
export const MAX_NAME = 80;

/** A name the server refused (too long, control or direction characters), in the catalog's words. */
export const nameInvalid = (t: Catalog, locale: string) =>
  fill(t.nameInvalid, { max: num(locale, MAX_NAME) });

/** The longest report reason the server takes, in code points (`messages.schemas.ts`). */
export const MAX_REASON: MaxReasonLength = 500;

/** `body` checked as the server will: an error message, or ''. */
export const bodyError = (t: Catalog, locale: string, body: string) =>
  !body
    ? t.bodyRequired
    : [...body].length > MAX_BODY
      ? fill(t.bodyTooLong, { max: num(locale, MAX_BODY) })
      : '';

/** Ctrl+Enter (Cmd+Enter) submits the form the key was pressed in. */
export function submitOnCtrlEnter(e: KeyboardEvent) {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey))
    (e.currentTarget as HTMLFormElement).requestSubmit();
}

/**
 * "Discard your changes?" with Discard / Keep editing, in place of a form's
 * buttons after Escape on a changed draft. Its ids start with `prefix`
 * (`<prefix>-keep` is the button focus goes to: keeping is the safe answer).
 */
export const discardStep = (t: Catalog, prefix: string, discard: () => void, keep: () => void) =>
  html`<div class="buttons discard" role="group" aria-labelledby="${prefix}-discard">
    <span id="${prefix}-discard">${t.discardQuestion}</span>
    <button type="button" part="button" @click=${discard}>${t.discard}</button>
    <button type="button" part="button" id="${prefix}-keep" @click=${keep}>${t.keepEditing}</button>
  </div>`;

/**
 * A field's help line: `hint`, then "n / max" (marked `over` past `max`),
 * as `<prefix>-hint` and `<prefix>-count` for the field's `aria-describedby`.
 */
export const fieldHelp = (
  t: Catalog,
  locale: string,
  prefix: string,
  hint: string,
  n: number,
  max: number,
) =>
  html`<div class="help">
    <span id="${prefix}-hint">${hint}</span>
    <span id="${prefix}-count" class=${n > max ? 'over' : ''}
      >${fill(t.counter, { n: num(locale, n), max: num(locale, max) })}</span
    >
  </div>`;

/** "… Please wait N seconds." while a rate limit lasts, as `<prefix>-wait` for the button's description. */
export const waitNote = (
  t: Catalog,
  locale: string,
  prefix: string,
  tooQuick: string,
  wait: number,
) =>
  html`<p id="${prefix}-wait" part="error" class="wait">${tooQuick} ${plural(locale, t.waitFor, wait)}</p>`;
