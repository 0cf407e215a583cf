import type { Kysely } from 'kysely';
import type { AdminMessageRow } from '../db/rows.ts';
import type { Database, StoredTime } from '../db/schema.ts';
import type { KeysetPosition } from '../http/cursor.ts';

/** Which messages a moderator lists: one status, those with open reports, or all but deleted. */
export type AdminMessageFilter = 'pending' | 'published' | 'hidden' | 'reported' | undefined;

function messagesWithThreadKey(db: Kysely<Database>) {
  return db
    .selectFrom('messages')
    .innerJoin('threads', 'threads.id', 'messages.thread_id')
    .selectAll('messages')
    .select([
      'threads.key as thread_key',
      'threads.title as thread_title',
      'threads.public as thread_public',
    ]);
}

/**
 * Messages for moderators, newest first, keyset-paginated, optionally in one
 * thread. Returns one row more than `limit` when there is a next page.
 * Deleted placeholders are never listed: nothing of them is left to moderate.
 */
export async function listAdminMessages(
  db: Kysely<Database>,
  options: {
    filter: AdminMessageFilter;
    threadId?: number | undefined;
    limit: number;
    after?: KeysetPosition | undefined;
  },
): Promise<AdminMessageRow[]> {
  let query = messagesWithThreadKey(db)
    .orderBy('messages.created_at', 'desc')
    .orderBy('messages.id', 'desc')
    .limit(options.limit + 1);
  const { filter, threadId, after } = options;
  if (filter === 'reported') query = query.where('messages.report_count', '>', 0);
  else if (filter) query = query.where('messages.status', '=', filter);
  else query = query.where('messages.status', '!=', 'deleted');
  if (threadId !== undefined) query = query.where('messages.thread_id', '=', threadId);
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('messages.created_at', 'messages.id'), '<', eb.tuple(after.at, after.id)),
    );
  }
  return query.execute();
}

/** One message with its thread's key, title and visibility, whatever its status. */
export async function findAdminMessage(
  db: Kysely<Database>,
  id: number,
): Promise<AdminMessageRow | undefined> {
  return messagesWithThreadKey(db).where('messages.id', '=', id).executeTakeFirst();
}

/**
 * Failed admin sign-ins by this client since `since`, and the oldest of them
 * (to say when the client may try again).
 */
export async function recentAuthFailures(
  trx: Kysely<Database>,
  clientHash: string,
  since: string,
): Promise<{ count: number; oldest: string | null }> {
  const row = await trx
    .selectFrom('auth_failures')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('failed_at').as('oldest')])
    .where('client_hash', '=', clientHash)
    .where('failed_at', '>', since)
    .executeTakeFirstOrThrow();
  const oldest = row.oldest as StoredTime | null;
  return { count: Number(row.count), oldest };
}

/** Records a failed admin sign-in and forgets every failure older than `forgetBefore`. */
export async function recordAuthFailure(
  trx: Kysely<Database>,
  clientHash: string,
  now: string,
  forgetBefore: string,
): Promise<void> {
  await trx
    .insertInto('auth_failures')
    .values({ client_hash: clientHash, failed_at: now })
    .execute();
  await trx.deleteFrom('auth_failures').where('failed_at', '<=', forgetBefore).execute();
}
