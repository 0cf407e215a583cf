/**
 * What a thread's HTML page reads: the shape of its listed messages (to cut
 * it into pages whose replies stay with their root), then the rows of one
 * page. Listed means what readers' listings show: published messages and
 * the placeholders of deleted messages that still have replies; held,
 * hidden and spam rows are never read here.
 */
import { type Kysely, sql } from 'kysely';
import type { Database, MessageRow } from '../db/schema.ts';
import { PUBLIC_MESSAGE_COLUMNS, type PublicMessageRow } from '../messages/messages.repository.ts';

/** One listed message, as much as the page plan needs: no text, no name. */
export type OutlineRow = Pick<MessageRow, 'id' | 'parent_id' | 'kind' | 'status' | 'created_at'>;

/**
 * Every listed message of the thread, oldest first: five small columns per
 * message, one range of `messages_listed_idx`. The page plan needs the whole
 * shape (which reply answers which) to know where page N starts and which
 * page a parent is on; it runs once per change of the thread (the routes
 * cache what it decides), never per request.
 */
export async function readOutline(db: Kysely<Database>, threadId: number): Promise<OutlineRow[]> {
  return (
    db
      .selectFrom('messages')
      .select(['id', 'parent_id', 'kind', 'status', 'created_at'])
      .where('thread_id', '=', threadId)
      // Literal, as in messages.repository.ts, so both planners use the partial index.
      .where(sql<boolean>`status in ('published', 'deleted')`)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute()
  );
}

/** The listed messages of the thread with these ids (public columns only), in no order. */
export async function readListedMessages(
  db: Kysely<Database>,
  threadId: number,
  ids: readonly number[],
): Promise<PublicMessageRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('messages')
    .select(PUBLIC_MESSAGE_COLUMNS)
    .where('thread_id', '=', threadId)
    .where(sql<boolean>`status in ('published', 'deleted')`)
    .where('id', 'in', ids)
    .execute();
}
