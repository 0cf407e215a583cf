import type { Kysely } from 'kysely';
import type { Database, ThreadRow } from '../db/schema.ts';
import type { KeysetPosition } from '../http/cursor.ts';

/** The thread with this key, if anyone has posted to it. */
export async function findThreadByKey(
  db: Kysely<Database>,
  key: string,
): Promise<ThreadRow | undefined> {
  return db.selectFrom('threads').selectAll().where('key', '=', key).executeTakeFirst();
}

/**
 * Returns the thread with this key, creating it with `title` and `url` when it
 * does not exist yet. Safe under concurrent first posts: the unique key decides.
 */
export async function findOrCreateThread(
  trx: Kysely<Database>,
  input: { key: string; title: string | null; url: string | null; now: string },
): Promise<{ thread: ThreadRow; created: boolean }> {
  const existing = await findThreadByKey(trx, input.key);
  if (existing) return { thread: existing, created: false };
  const inserted = await trx
    .insertInto('threads')
    .values({
      key: input.key,
      title: input.title,
      summary: null,
      url: input.url,
      status: 'open',
      last_activity_at: input.now,
      created_at: input.now,
      updated_at: input.now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { thread: inserted, created: true };
  // Another instance created it between our read and our insert.
  const raced = await findThreadByKey(trx, input.key);
  if (!raced) throw new Error(`thread ${input.key} vanished during creation`);
  return { thread: raced, created: false };
}

/**
 * Records a newly published message on its thread: one more message, new last
 * activity, next event id. Runs in the writing transaction, so readers never
 * count and never see a count that disagrees with the rows.
 */
export async function recordPublished(
  trx: Kysely<Database>,
  threadId: number,
  now: string,
): Promise<ThreadRow> {
  return trx
    .updateTable('threads')
    .set((eb) => ({
      message_count: eb('message_count', '+', 1),
      event_seq: eb('event_seq', '+', 1),
      last_activity_at: now,
      updated_at: now,
    }))
    .where('id', '=', threadId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** How {@link listThreads} orders threads. */
export type ThreadListSort = 'active' | 'recent';

/**
 * Threads newest first by last activity (`active`) or creation (`recent`),
 * keyset-paginated. Returns one row more than `limit` when there is a next page.
 */
export async function listThreads(
  db: Kysely<Database>,
  options: { sort: ThreadListSort; limit: number; after?: KeysetPosition },
): Promise<ThreadRow[]> {
  const column = options.sort === 'active' ? 'last_activity_at' : 'created_at';
  let query = db
    .selectFrom('threads')
    .selectAll()
    .orderBy(column, 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  const after = options.after;
  if (after) {
    query = query.where((eb) => eb(eb.refTuple(column, 'id'), '<', eb.tuple(after.at, after.id)));
  }
  return query.execute();
}

/** Published message counts for these keys; keys with no thread are absent. */
export async function countsByKey(
  db: Kysely<Database>,
  keys: readonly string[],
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('threads')
    .select(['key', 'message_count'])
    .where('key', 'in', keys)
    .execute();
  return new Map(rows.map((r) => [r.key, Number(r.message_count)]));
}
