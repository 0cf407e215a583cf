/**
 * The tokens in a reader's confirm and unsubscribe links. Nothing about them
 * is stored: each is an HMAC under the server secret (`keyedHash`), so a copy
 * of the database alone cannot make one, and a token dies with its row.
 *
 * - A confirm token names one reader key (one browser's consent) and signs
 *   its id, its `created_at`, its address's id and the time it was issued;
 *   it confirms that key only, and expires after {@link CONFIRM_TOKEN_DAYS}
 *   days.
 * - An unsubscribe token names an address row and carries, signed, the row's
 *   id and creation time: its signature is checked before the row is looked
 *   up, so a forged token is refused alike whether or not the row exists,
 *   and a row made again later for the same mailbox (a new id and time) is
 *   never reached by an old link. It never expires (RFC 8058's one-click
 *   link must work from an old mail too).
 */
import { timingSafeEqual } from 'node:crypto';
import { keyedHash } from '../http/client-identity.ts';

/** How long a confirmation link works, in days. */
export const CONFIRM_TOKEN_DAYS = 7;

const DAY = 86_400_000;

/** The key facts a confirm token is bound to. */
export interface ConfirmSubject {
  id: number;
  address_id: number;
  created_at: string;
}

/** The address facts an unsubscribe token is bound to. */
export interface UnsubscribeSubject {
  id: number;
  created_at: string;
}

// Each purpose keys its own HMAC: a confirm token is never an unsubscribe one.
const CONFIRM = 'mail-confirm-key';
const UNSUBSCRIBE = 'mail-unsubscribe';

/** Milliseconds since the epoch: the same instant whatever text a dialect returns. */
const millis = (time: string) => Date.parse(time);

function sameMac(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function confirmMac(secret: string, subject: ConfirmSubject, issued: number): string {
  return keyedHash(
    secret,
    CONFIRM,
    `${subject.id}:${millis(subject.created_at)}:${subject.address_id}:${issued}`,
  );
}

function unsubscribeMac(secret: string, id: number, created: number): string {
  return keyedHash(secret, UNSUBSCRIBE, `${id}:${created}`);
}

/** The token of a confirmation link for this reader key, issued at `issuedAt`. */
export function confirmToken(secret: string, subject: ConfirmSubject, issuedAt: Date): string {
  const issued = Math.floor(issuedAt.getTime() / 1000);
  return `${subject.id}.${issued}.${confirmMac(secret, subject, issued)}`;
}

/** The token of an unsubscribe link for this address row. */
export function unsubscribeToken(secret: string, subject: UnsubscribeSubject): string {
  const created = millis(subject.created_at);
  return `${subject.id}.${created}.${unsubscribeMac(secret, subject.id, created)}`;
}

/** A confirm token's parts as read from a link, before its key is looked up. */
export interface ParsedConfirmToken {
  /** The reader key it names. */
  id: number;
  /** When it was issued, in seconds since the epoch. */
  issued: number;
  mac: string;
}

/** The largest id a row can have (PostgreSQL's `serial`): a larger one names nothing. */
const MAX_ID = 2_147_483_647;
const ID = /^[1-9][0-9]{0,9}$/;
const TIME = /^[0-9]{1,15}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;

/** An id from a link, when it is one a row could have. */
function rowId(text: string | undefined): number | undefined {
  if (!ID.test(text ?? '')) return undefined;
  const id = Number(text);
  return id <= MAX_ID ? id : undefined;
}

/** Reads a confirm token's parts; undefined when it is not shaped like one. */
export function parseConfirmToken(token: string | undefined): ParsedConfirmToken | undefined {
  const [id, issued, mac, ...rest] = (token ?? '').split('.');
  const keyId = rowId(id);
  if (rest.length > 0 || keyId === undefined || !TIME.test(issued ?? '')) return;
  if (!MAC.test(mac ?? '')) return;
  return { id: keyId, issued: Number(issued), mac: mac! };
}

/**
 * Whether a parsed confirm token was made by this server for this key, and
 * is still fresh at `now`: `expired` when it was genuine but is too old (the
 * page says to post again for a new link), `invalid` for anything else.
 */
export function checkConfirmToken(
  secret: string,
  token: ParsedConfirmToken,
  subject: ConfirmSubject,
  now: Date,
): 'valid' | 'expired' | 'invalid' {
  if (token.id !== subject.id) return 'invalid';
  if (!sameMac(confirmMac(secret, subject, token.issued), token.mac)) return 'invalid';
  const age = now.getTime() - token.issued * 1000;
  // A little slack for a clock that is behind the one that issued it.
  if (age > CONFIRM_TOKEN_DAYS * DAY || age < -DAY) return 'expired';
  return 'valid';
}

/**
 * The address row an unsubscribe token names and its creation time, when
 * the token was made by this server; undefined for anything else (malformed,
 * forged, altered). Needs no database: a row that is gone and a forgery are
 * told apart only for a genuine token.
 */
export function verifyUnsubscribeToken(
  secret: string,
  token: string | undefined,
): { id: number; created: number } | undefined {
  const [id, created, mac, ...rest] = (token ?? '').split('.');
  const rowIdValue = rowId(id);
  if (rest.length > 0 || rowIdValue === undefined || !TIME.test(created ?? '')) return;
  if (!MAC.test(mac ?? '')) return;
  if (!sameMac(unsubscribeMac(secret, rowIdValue, Number(created)), mac!)) return;
  return { id: rowIdValue, created: Number(created) };
}

/** Whether a verified unsubscribe token is for this row (not one made again with its id). */
export function isTokenRow(
  verified: { id: number; created: number },
  row: UnsubscribeSubject,
): boolean {
  return verified.id === row.id && verified.created === millis(row.created_at);
}
