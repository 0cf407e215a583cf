import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Whether a post already used the proof-of-work challenge with this id. */
export async function isChallengeUsed(db: Kysely<Database>, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('used_challenges')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Records that a post used this challenge, and forgets the challenges that
 * expired before `now` (they are refused as expired anyway). Returns false
 * when the challenge was already used: the unique key decides, so two
 * instances racing with one payload cannot both succeed.
 */
export async function useChallenge(
  trx: Kysely<Database>,
  challenge: { id: string; expiresAt: string; now: string },
): Promise<boolean> {
  await trx.deleteFrom('used_challenges').where('expires_at', '<', challenge.now).execute();
  const inserted = await trx
    .insertInto('used_challenges')
    .values({ id: challenge.id, expires_at: challenge.expiresAt })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
