import type { StoredTime } from '../db/schema.ts';
import { invalidField } from './api-error.ts';
import { MAX_ID } from './fields.ts';

/**
 * The one form the server writes times in (`Date#toISOString`, UTC, to the
 * millisecond). A cursor's time must be exactly that: PostgreSQL would
 * otherwise be handed `"2020"` or junk to cast, and answer with an error.
 */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The earliest time a cursor may carry: year 0000 has the server's form, but
 * PostgreSQL has no year 0 (1 BC comes before 1 AD) and refuses it with an error.
 */
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');

/** True for a time exactly as the server writes it (and a real date: no 2026-02-30, no year 0). */
function isServerTime(value: string): boolean {
  if (!ISO_TIME.test(value)) return false;
  const time = Date.parse(value);
  return !Number.isNaN(time) && time >= EARLIEST && new Date(time).toISOString() === value;
}

/** A keyset position: the sort key of the last row a page returned. */
export interface KeysetPosition {
  /** The ordering time of the last row, as an ISO string. */
  at: string;
  id: number;
}

/**
 * Encodes a keyset position as an opaque cursor. The `scope` (for example the
 * sort order) is part of it, so a cursor cannot be replayed under another order.
 */
export function encodeCursor(scope: string, position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([scope, position.at, position.id])).toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor}; anything else is a 400 naming
 * `cursor`, decided here, before any query: its time must be in the server's
 * own ISO form and its id a database id (1..{@link MAX_ID}).
 */
export function decodeCursor(scope: string, cursor: string): KeysetPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidField('cursor', 'is not a cursor this server issued');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    typeof parsed[1] !== 'string' ||
    !isServerTime(parsed[1]) ||
    !Number.isSafeInteger(parsed[2]) ||
    (parsed[2] as number) < 1 ||
    (parsed[2] as number) > MAX_ID
  ) {
    throw invalidField('cursor', 'is not a cursor this server issued');
  }
  if (parsed[0] !== scope) {
    throw invalidField('cursor', `belongs to another listing (${String(parsed[0])}), not ${scope}`);
  }
  return { at: parsed[1], id: parsed[2] as number };
}

/**
 * One keyset page from rows fetched with `limit + 1`: the first `limit` rows,
 * and the cursor after the last of them when the extra row says more follow.
 * `at` is the ordering time of a row, as the listing sorts it.
 */
export function keysetPage<R extends { id: number }>(
  rows: readonly R[],
  limit: number,
  scope: string,
  at: (row: R) => StoredTime,
): { page: R[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last ? encodeCursor(scope, { at: at(last), id: last.id }) : null;
  return { page, nextCursor };
}
