import type { Kysely } from 'kysely';
import type { Database, OwnerKeyRow } from '../db/schema.ts';

/** Stores a new owner key (its hash only) and returns its row. */
export async function insertOwnerKey(
  trx: Kysely<Database>,
  key: { label: string; keyHash: string; now: string },
): Promise<OwnerKeyRow> {
  return trx
    .insertInto('owner_keys')
    .values({ label: key.label, key_hash: key.keyHash, created_at: key.now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The keys that are not revoked, newest first. */
export async function listOwnerKeys(db: Kysely<Database>): Promise<OwnerKeyRow[]> {
  return db
    .selectFrom('owner_keys')
    .selectAll()
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Revokes a key; false when there is no such key or it is revoked already. */
export async function revokeOwnerKey(
  trx: Kysely<Database>,
  id: number,
  now: string,
): Promise<boolean> {
  const result = await trx
    .updateTable('owner_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Id and hash of every key that is not revoked (a site has a handful). */
export async function activeOwnerKeyHashes(
  trx: Kysely<Database>,
): Promise<Pick<OwnerKeyRow, 'id' | 'key_hash'>[]> {
  return trx
    .selectFrom('owner_keys')
    .select(['id', 'key_hash'])
    .where('revoked_at', 'is', null)
    .execute();
}

/** Records that a key was just used. */
export async function touchOwnerKey(trx: Kysely<Database>, id: number, now: string): Promise<void> {
  await trx.updateTable('owner_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}
