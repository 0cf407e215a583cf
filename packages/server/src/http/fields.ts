/**
 * Field rules shared by every route: lengths are counted in code points,
 * and text that is shown to other readers must not carry control characters,
 * bidi overrides (which can make a name read backwards) or lone surrogates.
 */
import { z } from 'zod';
import { sortOrder } from '../wire.ts';

/** Length of a string in Unicode code points, as a reader counts characters. */
function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

// Bidi embedding/override/isolate controls and marks.
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
// \p{Cs} matches a lone surrogate in a `u` regex: well-formed pairs are one code point.
const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;
// Message bodies may span lines and use tabs; nothing else below U+0020.
const BODY_CONTROL = /[^\P{Cc}\t\n]/u;
// Everything `lineText` refuses, for text that is cleaned rather than refused.
const UNSHOWABLE = new RegExp(`${CONTROL.source}|${LONE_SURROGATE.source}|${BIDI.source}`, 'gu');

/**
 * Text from elsewhere (an imported file) made into what `lineText(max)`
 * accepts, rather than refused: control and bidi characters and lone
 * surrogates become spaces, runs of white space one space, trimmed, at most
 * `max` code points. Empty when nothing showable is left.
 */
export function showableLine(text: string, max: number): string {
  const clean = text.replace(UNSHOWABLE, ' ').replace(/\s+/g, ' ').trim();
  return [...clean].slice(0, max).join('').trim();
}

/**
 * A one-line, trimmed, shown-to-others text of 1..max code points, with at
 * least one visible character: a title of zero-width characters alone would
 * be a link with no name (an attacker trial made such a forum card).
 */
export function lineText(max: number) {
  return (
    searchText(max)
      .refine((s) => !BIDI.test(s), 'must not contain bidirectional override characters')
      .refine((s) => !/[\u2028\u2029]/.test(s), 'must be one line')
      // (An empty one is refused as empty, once.)
      .refine((s) => !s || /[^\s\p{Cf}]/u.test(s), 'must have a visible character')
  );
}

/**
 * Text to search for: trimmed, 1..max code points, on one line, valid
 * Unicode. Unlike shown text it may hold bidi controls: a moderator may be
 * looking for exactly the message that abuses them.
 */
export function searchText(max: number) {
  return z
    .string({ error: 'must be a string' })
    .trim()
    .refine((s) => s.length > 0, 'must not be empty')
    .refine((s) => codePoints(s) <= max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text');
}

/**
 * Text of several lines shown to others: line ends normalised to `\n`,
 * trimmed, at most `max` code points, no control characters but tab and
 * newline; empty only when `allowEmpty`.
 */
function multilineText(max: number, { allowEmpty = false } = {}) {
  return z
    .string({ error: 'must be a string' })
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .refine((s) => allowEmpty || s.length > 0, 'must not be empty')
    .refine((s) => codePoints(s) <= max, `must be at most ${max} characters`)
    .refine((s) => !BODY_CONTROL.test(s), 'must not contain control characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text');
}

/**
 * Several lines shown to others as plain text, not markdown (a report's
 * reason, which /admin shows as written): {@link multilineText} without bidi
 * controls, as a name, since an override would make the text after it read
 * backwards on the moderator's screen.
 */
export function plainMultilineText(max: number, options: { allowEmpty?: boolean } = {}) {
  return multilineText(max, options).refine(
    (s) => !BIDI.test(s),
    'must not contain bidirectional override characters',
  );
}

/** A message body: markdown, 1..10,000 code points after trimming, newlines allowed. */
export const bodyText = multilineText(10_000);

/**
 * An absolute http(s) URL of at most 2,048 characters, as typed: no control
 * characters (PostgreSQL cannot store a NUL, and the URL parser would
 * otherwise accept one and the text be stored as given) and valid Unicode.
 */
export const httpUrl = z
  .string({ error: 'must be a string' })
  .trim()
  .max(2048, 'must be at most 2048 characters')
  .refine((s) => !CONTROL.test(s), 'must not contain control characters')
  .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text')
  .refine((s) => {
    try {
      const url = new URL(s);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an absolute http or https URL');

/**
 * A thread key as it arrives in a path (already percent-decoded). Keys are
 * shown to moderators and in links: like names, no bidi controls, which could
 * make one key read as another.
 */
export const threadKey = z
  .string()
  .refine((s) => s.length > 0, 'must not be empty')
  .refine((s) => codePoints(s) <= 512, 'must be at most 512 characters')
  .refine((s) => !CONTROL.test(s) && !LONE_SURROGATE.test(s), 'must not contain control characters')
  .refine((s) => !BIDI.test(s), 'must not contain bidirectional override characters');

/**
 * The one form the server writes times in (`Date#toISOString`, UTC, to the
 * millisecond), so text order is time order on SQLite.
 */
const STORED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The earliest storable time: year 0000 has the server's form, but
 * PostgreSQL has no year 0 (1 BC comes before 1 AD) and refuses it.
 */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');

/**
 * True for a time exactly as the server stores it (`StoredTime`): ISO 8601 in
 * UTC with milliseconds, a real date (no 2026-02-30), year 0001 to 9999, so
 * both databases take it alike. Whatever arrives from outside (a cursor, an
 * imported file) is checked with this before a query or a write sees it.
 */
export function isStoredTime(value: string): boolean {
  if (!STORED_TIME.test(value)) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && time >= EARLIEST && new Date(time).toISOString() === value;
}

/** `limit` query parameter: an integer in 1..100. */
export function limitParam(defaultValue: number) {
  return z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .transform(Number)
    .pipe(z.number().min(1, 'must be at least 1').max(100, 'must be at most 100'))
    .optional()
    .transform((v) => v ?? defaultValue);
}

/** `sort` query parameter for messages: `oldest` (default) or `newest`. */
export const sortParam = z
  .enum(sortOrder.options, { error: 'must be oldest or newest' })
  .optional()
  .transform((v) => v ?? 'oldest');

/** `cursor` query parameter: opaque, bounded. */
export const cursorParam = z.string().max(512, 'is too long').optional();

/**
 * The largest database id: ids are `serial` (a 32-bit `integer`) on
 * PostgreSQL, which answers an error, not "no such row", for anything larger.
 * Checked at the edge so both dialects refuse it alike, with a 400.
 */
export const MAX_ID = 2 ** 31 - 1;

/** A positive database id (1..{@link MAX_ID}) in a JSON body. */
export const idNumber = z
  .number({ error: 'must be a message id' })
  .int('must be a message id')
  .positive('must be a message id')
  .max(MAX_ID, 'must be a message id');

/** A positive database id (1..{@link MAX_ID}) in a path, as digits. */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, 'must be a message id')
  .transform(Number)
  .refine((n) => n <= MAX_ID, 'must be a message id');
