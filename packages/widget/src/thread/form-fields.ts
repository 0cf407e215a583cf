/**
 * What the reply form and the inline editor share (part of the lazy actions
 * chunk): the message length rule and the Ctrl+Enter shortcut.
 */
import type { Catalog } from '../i18n/en.js';
import { fill, num } from '../i18n/format.js';

/** The server counts message length in code points, as `[...s].length` does. */
export const MAX_BODY = 10_000;

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
