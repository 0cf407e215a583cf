import type { StoredTime } from '../db/schema.ts';
import { invalidField } from './api-error.ts';
import { isStoredTime, MAX_ID } from './fields.ts';

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
 * own stored form ({@link isStoredTime}) and its id a database id (1..{@link MAX_ID}).
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
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string' ||
    !isStoredTime(parsed[1]) ||
    !Number.isSafeInteger(parsed[2]) ||
    (parsed[2] as number) < 1 ||
    (parsed[2] as number) > MAX_ID
  ) {
    throw invalidField('cursor', 'is not a cursor this server issued');
  }
  if (parsed[0] !== scope) {
    throw invalidField('cursor', `belongs to another listing (${parsed[0]}), not ${scope}`);
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
