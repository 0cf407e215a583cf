import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { activeOwnerKeyHashes, touchOwnerKey } from './owner-keys.repository.ts';

/**
 * Owner-posting keys: what the blog stores instead of the admin token. A key
 * lets its holder post as the site owner and nothing else (no admin route
 * accepts it), and the admin page revokes it. Why a key of its own: every
 * script on the blog's origin can read its localStorage, so what is stored
 * there must be worth little and be easy to take back.
 */

/** Every owner key starts with this, so the widget can tell one from an admin token. */
const OWNER_KEY_PREFIX = 'pok_';

/** A new key: the prefix and 256 random bits, URL-safe (it travels in a link's fragment). */
export function newOwnerKey(): string {
  return `${OWNER_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** What the database keeps of a key: its hex SHA-256 (a 256-bit random key needs no salt). */
export function hashOwnerKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * Whether `given` is a key that is not revoked; if so its `last_used_at`
 * becomes `now`. Runs inside the caller's write transaction. Every stored
 * hash is compared, in constant time, and none is skipped after a match, so
 * the time taken says nothing about how close a guess came.
 */
export async function useOwnerKey(
  trx: Kysely<Database>,
  given: string,
  now: string,
): Promise<boolean> {
  if (!given.startsWith(OWNER_KEY_PREFIX)) return false;
  const digest = Buffer.from(hashOwnerKey(given), 'hex');
  let match: number | undefined;
  for (const row of await activeOwnerKeyHashes(trx)) {
    const stored = Buffer.from(row.key_hash, 'hex');
    if (stored.length === digest.length && timingSafeEqual(stored, digest)) match = row.id;
  }
  if (match === undefined) return false;
  await touchOwnerKey(trx, match, now);
  return true;
}
