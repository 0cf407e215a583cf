/**
 * Reply mail in the reply forms (part of the lazy actions chunk): whether the
 * server sends it (`features.ts`: `GET /api/features`, once per server on this page),
 * the form's "Mail me replies" box with its email field, and the address
 * and key this browser remembers for it.
 *
 * Why asked when a form is first used, not when the chunk loads: most readers
 * never write, and a form that grows while nobody is in it would move what is
 * below it. The field appears under the message field, so the caret of a
 * reader already typing does not move. A post sent before the answer waits
 * for it only as it waits for a challenge (`post-proof.ts`), and asks for no
 * reply mail: the box was not there to tick.
 */
import { html, nothing } from 'lit';
import type { Catalog } from '../i18n/en.js';
import { EMAIL_KEY, loadFor, saveFor } from '../storage.js';
import { askFeatures, featuresOf } from './features.js';

/** The longest address the server takes (the contract's, RFC 5321's path limit). */
const MAX_EMAIL = 254;

/** Servers that refused `notifyReplies` on this page although they said they sent reply mail. */
const refused = new Set<string>();

/** Whether the server at `base` said it sends reply mail (false until it has). */
export const replyMailOn = (base: string) =>
  !refused.has(base) && featuresOf(base)?.replyMail === true;

/** Whether the server at `base` has answered (or failed to), so asking again would change nothing. */
export const replyMailKnown = (base: string) => refused.has(base) || featuresOf(base) !== undefined;

/**
 * Asks the server at `base` whether it sends reply mail, once per page (see
 * `askFeatures`). Any failure means no: an older server answers 404.
 */
export const askReplyMail = (base: string): Promise<boolean> =>
  askFeatures(base).then(() => replyMailOn(base));

/**
 * The server refused `notifyReplies` (its mail was turned off since it said
 * otherwise): the box goes from every form on this page.
 */
export function replyMailOff(base: string) {
  refused.add(base);
}

/**
 * What is wrong with the address in `field` when the box is ticked, as the
 * browser's own checks (`type=email`, `required`, `maxlength`) find it,
 * in the catalog's words; '' when nothing is.
 */
export function emailError(t: Catalog, field: HTMLInputElement | null): string {
  if (!field) return '';
  const { validity } = field;
  if (validity.valueMissing) return t.emailRequired;
  if (validity.typeMismatch || validity.badInput) return t.emailInvalid;
  if (validity.tooLong || field.value.length > MAX_EMAIL) return t.emailTooLong;
  return '';
}

/**
 * What this browser remembers for reply mail on one server: the address a
 * post asked for reply mail with, and the key the server gave this device
 * for it (sent back with later posts that use the same address).
 */
export interface RememberedMail {
  email: string;
  mailKey?: string;
}

/**
 * What this browser remembers for reply mail on the server at `base`
 * (`EMAIL_KEY`), whatever the stored value looks like: an address alone is
 * how it was kept before keys.
 */
export function rememberedMail(base: string): RememberedMail | undefined {
  const kept = loadFor<unknown>(EMAIL_KEY, base);
  if (typeof kept === 'string') return kept ? { email: kept } : undefined;
  if (!kept || typeof kept !== 'object') return undefined;
  const { email, mailKey } = kept as Record<string, unknown>;
  if (typeof email !== 'string' || !email) return undefined;
  return typeof mailKey === 'string' && mailKey ? { email, mailKey } : { email };
}

/** Remembers `mail` for the server at `base`, or with `undefined` forgets the address and its key. */
export function rememberMail(base: string, mail: RememberedMail | undefined): void {
  saveFor(EMAIL_KEY, base, mail);
}

/**
 * "Mail me replies", with what it is for, and, only while it is ticked, the
 * address with what that is for: an address on screen is always one that
 * will be sent (a field beside an unticked box was filled and silently
 * ignored). Ids start with `prefix`: `<prefix>-notify` (the box, described
 * by `<prefix>-notify-about`), `<prefix>-email` (the field), `<prefix>-email-about`
 * and `<prefix>-email-error`, tied to the field by `aria-describedby`.
 * `remembered`: this browser keeps an address for the server, so the field
 * says how to make it forget it.
 */
export const mailFields = (
  t: Catalog,
  prefix: string,
  email: string,
  ticked: boolean,
  remembered: boolean,
  error: string | undefined,
) =>
  html`<div class="mail">
    <div class="field">
      <label class="check">
        <input
          type="checkbox"
          id="${prefix}-notify"
          .checked=${ticked}
          aria-describedby="${prefix}-notify-about"
        />
        ${t.notifyReplies}
      </label>
      <p id="${prefix}-notify-about" class="about">${t.notifyAbout}</p>
    </div>
    ${
      ticked
        ? html`<div class="field">
            <label for="${prefix}-email">${t.email}</label>
            <input
              id="${prefix}-email"
              part="input"
              type="email"
              inputmode="email"
              autocomplete="email"
              autocapitalize="off"
              spellcheck="false"
              maxlength=${MAX_EMAIL}
              required
              aria-invalid=${error ? 'true' : nothing}
              aria-describedby="${error ? `${prefix}-email-error ` : ''}${prefix}-email-about"
              .value=${email}
            />
            ${error ? html`<p id="${prefix}-email-error" part="error">${error}</p>` : nothing}
            <p id="${prefix}-email-about" class="about">
              ${t.emailAbout}${remembered ? ` ${t.emailForget}` : ''}
            </p>
          </div>`
        : nothing
    }
  </div>`;
