import type { Kysely } from 'kysely';
import { toIso } from '../db/rows.ts';
import type { Database, MessageRow, NewMessage, StoredTime } from '../db/schema.ts';
import type { KeysetPosition } from '../http/cursor.ts';
import type { SortOrder } from '../wire.ts';

/** Stores a message and returns its row. */
export async function insertMessage(
  trx: Kysely<Database>,
  message: NewMessage,
): Promise<MessageRow> {
  return trx.insertInto('messages').values(message).returningAll().executeTakeFirstOrThrow();
}

/** The message with this id, whatever its status. */
export async function findMessage(
  db: Kysely<Database>,
  id: number,
): Promise<MessageRow | undefined> {
  return db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The columns a reader may see: what `toMessage` needs, nothing private. */
export const PUBLIC_MESSAGE_COLUMNS = [
  'id',
  'parent_id',
  'kind',
  'author_name',
  'author_role',
  'html',
  'created_at',
  'edited_at',
  'highlighted',
] as const;

/** A message row with only its public columns. */
export type PublicMessageRow = Pick<MessageRow, (typeof PUBLIC_MESSAGE_COLUMNS)[number]>;

/** The thread's published opening post, if it has one. */
export async function findOpening(
  db: Kysely<Database>,
  threadId: number,
): Promise<PublicMessageRow | undefined> {
  // Only a thread's first post can be its opening post, so this is the first
  // published message, if it is one: an index seek on messages_thread_idx,
  // however long the thread (a filter on kind would scan every message).
  const first = await db
    .selectFrom('messages')
    .select(PUBLIC_MESSAGE_COLUMNS)
    .where('thread_id', '=', threadId)
    .where('status', '=', 'published')
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .limit(1)
    .executeTakeFirst();
  return first?.kind === 'opening' ? first : undefined;
}

/**
 * A page of the thread's published replies (never the opening post) in the
 * given order, after the keyset position if one is given. Returns one row
 * more than `limit` when there is a next page.
 */
export async function listReplies(
  db: Kysely<Database>,
  options: { threadId: number; sort: SortOrder; limit: number; after?: KeysetPosition },
): Promise<PublicMessageRow[]> {
  const direction = options.sort === 'oldest' ? 'asc' : 'desc';
  let query = db
    .selectFrom('messages')
    .select(PUBLIC_MESSAGE_COLUMNS)
    .where('thread_id', '=', options.threadId)
    .where('status', '=', 'published')
    .where('kind', '=', 'reply')
    .orderBy('created_at', direction)
    .orderBy('id', direction)
    .limit(options.limit + 1);
  const after = options.after;
  if (after) {
    query = query.where((eb) =>
      eb(
        eb.refTuple('created_at', 'id'),
        options.sort === 'oldest' ? '>' : '<',
        eb.tuple(after.at, after.id),
      ),
    );
  }
  return query.execute();
}

/**
 * How many messages this client posted since `since`, and when the oldest of
 * them was posted (to say when the client may post again).
 */
export async function recentPostsByClient(
  trx: Kysely<Database>,
  ipHash: string,
  since: string,
): Promise<{ count: number; oldest: string | null }> {
  const row = await trx
    .selectFrom('messages')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('created_at').as('oldest')])
    .where('ip_hash', '=', ipHash)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  const oldest = row.oldest as StoredTime | null;
  return { count: Number(row.count), oldest: oldest === null ? null : toIso(oldest) };
}
