import type { Kysely } from 'kysely';
import type { Database, ThreadRow } from '../db/schema.ts';
import { decodeCursor, keysetPage } from '../http/cursor.ts';
import type { MessagePage, SortOrder } from '../wire.ts';
import { toMessage } from '../wire-mapping.ts';
import { findOpening, listReplies } from './messages.repository.ts';

/**
 * One page of a thread's published messages. Without a cursor it is the first
 * page: the opening post (if any) first whatever the sort, then up to `limit`
 * replies. With a cursor it continues with the replies after it.
 */
export async function messagePage(
  db: Kysely<Database>,
  thread: ThreadRow,
  options: { sort: SortOrder; limit: number; cursor?: string | undefined },
): Promise<MessagePage> {
  const scope = `messages:${options.sort}`;
  const after = options.cursor ? decodeCursor(scope, options.cursor) : undefined;
  const [opening, rows] = await Promise.all([
    after ? undefined : findOpening(db, thread.id),
    listReplies(db, { threadId: thread.id, sort: options.sort, limit: options.limit, after }),
  ]);
  const { page, nextCursor } = keysetPage(rows, options.limit, scope, (r) => r.created_at);
  const messages = (opening ? [opening, ...page] : page).map(toMessage);
  return { messages, nextCursor };
}
