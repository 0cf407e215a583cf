/**
 * The daily salts of client hashes (`http/client-hash.ts`): one row per UTC
 * day, shared by every instance through the database.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The salt of `day` (YYYY-MM-DD), created when no instance has made it yet,
 * in a write transaction that also drops older days' salts.
 */
export async function takeDaySalt(trx: Kysely<Database>, day: string): Promise<string> {
  await trx
    .insertInto('ip_salts')
    .values({ day, salt: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('day').doNothing())
    .execute();
  const row = await trx
    .selectFrom('ip_salts')
    .select('salt')
    .where('day', '=', day)
    .executeTakeFirstOrThrow();
  // Older salts serve no one any more; dropping them makes old hashes unlinkable.
  await trx.deleteFrom('ip_salts').where('day', '<', day).execute();
  return row.salt;
}
