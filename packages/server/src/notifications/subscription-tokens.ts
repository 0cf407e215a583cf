/**
 * The tokens in a reader's confirm and unsubscribe links. Nothing about them
 * is stored: each is an HMAC under the server secret (`keyedHash`) of the
 * address row it names, so a copy of the database alone cannot make one, and
 * a token dies with its row. What is signed includes the row's `created_at`
 * and address: a row deleted (unsubscribed) and made again later for the same
 * mailbox has a new id and time, so an old link never acts on the new row.
 *
 * A confirm token carries the time it was issued (signed) and expires after
 * {@link CONFIRM_TOKEN_DAYS} days; an unsubscribe token never expires (RFC
 * 8058's one-click link must work from an old mail too).
 */
import { timingSafeEqual } from 'node:crypto';
import { keyedHash } from '../http/client-identity.ts';

/** How long a confirmation link works, in days. */
export const CONFIRM_TOKEN_DAYS = 7;

const DAY = 86_400_000;

/** The row facts a token is bound to. */
export interface TokenSubject {
  id: number;
  address_key: string;
  created_at: string;
}

// Each purpose keys its own HMAC: a confirm token is never an unsubscribe one.
const CONFIRM = 'mail-confirm';
const UNSUBSCRIBE = 'mail-unsubscribe';

function signed(subject: TokenSubject): string {
  // Parsed, so the same instant signs alike whatever text a dialect returns.
  return `${subject.id}:${Date.parse(subject.created_at)}:${subject.address_key}`;
}

function sameMac(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The token of a confirmation link for this address row, issued at `issuedAt`. */
export function confirmToken(secret: string, subject: TokenSubject, issuedAt: Date): string {
  const issued = Math.floor(issuedAt.getTime() / 1000);
  const mac = keyedHash(secret, CONFIRM, `${signed(subject)}:${issued}`);
  return `${subject.id}.${issued}.${mac}`;
}

/** The token of an unsubscribe link for this address row. */
export function unsubscribeToken(secret: string, subject: TokenSubject): string {
  return `${subject.id}.${keyedHash(secret, UNSUBSCRIBE, signed(subject))}`;
}

/** A token's parts as read from a link, before its row is looked up. */
export interface ParsedToken {
  /** The address row it names. */
  id: number;
  /** When it was issued (confirm tokens), in seconds since the epoch. */
  issued?: number;
  mac: string;
}

const ID = /^[1-9][0-9]{0,15}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;

/** Reads a confirm token's parts; undefined when it is not shaped like one. */
export function parseConfirmToken(token: string | undefined): ParsedToken | undefined {
  const [id, issued, mac, ...rest] = (token ?? '').split('.');
  if (rest.length > 0 || !ID.test(id ?? '') || !/^[0-9]{1,12}$/.test(issued ?? '')) return;
  if (!MAC.test(mac ?? '')) return;
  return { id: Number(id), issued: Number(issued), mac: mac! };
}

/** Reads an unsubscribe token's parts; undefined when it is not shaped like one. */
export function parseUnsubscribeToken(token: string | undefined): ParsedToken | undefined {
  const [id, mac, ...rest] = (token ?? '').split('.');
  if (rest.length > 0 || !ID.test(id ?? '') || !MAC.test(mac ?? '')) return;
  return { id: Number(id), mac: mac! };
}

/**
 * Whether a parsed confirm token was made by this server for this row, and
 * is still fresh at `now`: `expired` when it was genuine but is too old (the
 * page says to post again for a new link), `invalid` for anything else.
 */
export function checkConfirmToken(
  secret: string,
  token: ParsedToken,
  subject: TokenSubject,
  now: Date,
): 'valid' | 'expired' | 'invalid' {
  if (token.issued === undefined || token.id !== subject.id) return 'invalid';
  const mac = keyedHash(secret, CONFIRM, `${signed(subject)}:${token.issued}`);
  if (!sameMac(mac, token.mac)) return 'invalid';
  const age = now.getTime() - token.issued * 1000;
  // A little slack for a clock that is behind the one that issued it.
  if (age > CONFIRM_TOKEN_DAYS * DAY || age < -DAY) return 'expired';
  return 'valid';
}

/** Whether a parsed unsubscribe token was made by this server for this row. */
export function checkUnsubscribeToken(
  secret: string,
  token: ParsedToken,
  subject: TokenSubject,
): boolean {
  if (token.id !== subject.id) return false;
  return sameMac(keyedHash(secret, UNSUBSCRIBE, signed(subject)), token.mac);
}
