import type { Kysely } from 'kysely';
import type { Database, ThreadRow } from '../db/schema.ts';
import { messageNotFound } from '../http/api-error.ts';
import { decodeCursor, keysetPage } from '../http/cursor.ts';
import type { MessagePage, MessagePageAt, SortOrder } from '../wire.ts';
import { toMessage } from '../wire-mapping.ts';
import {
  countListedBefore,
  findListedReply,
  findOpening,
  listReplies,
  type PublicMessageRow,
} from './messages.repository.ts';

/** The cursor scope of a listing: a cursor of one listing is refused by another. */
function scopeOf(sort: SortOrder, highlighted: boolean): string {
  return highlighted ? `messages-highlighted:${sort}` : `messages:${sort}`;
}

/**
 * One page of a thread's published messages. Without a cursor it is the first
 * page: the opening post (if any) first whatever the sort, then up to `limit`
 * replies. With a cursor it continues with the replies after it. With
 * `highlighted`, only highlighted messages, under a cursor scope of their own.
 */
export async function messagePage(
  db: Kysely<Database>,
  thread: ThreadRow,
  options: {
    sort: SortOrder;
    limit: number;
    cursor?: string | undefined;
    highlighted?: boolean | undefined;
  },
): Promise<MessagePage> {
  const highlighted = options.highlighted === true;
  const scope = scopeOf(options.sort, highlighted);
  const after = options.cursor ? decodeCursor(scope, options.cursor) : undefined;
  const [found, rows] = await Promise.all([
    after ? undefined : findOpening(db, thread.id),
    listReplies(db, {
      threadId: thread.id,
      sort: options.sort,
      limit: options.limit,
      after,
      highlighted,
    }),
  ]);
  // A deleted opening post's placeholder is never highlighted.
  const opening =
    found && (!highlighted || (found.status === 'published' && Number(found.highlighted) === 1))
      ? found
      : undefined;
  const { page, nextCursor } = keysetPage(rows, options.limit, scope, (r) => r.created_at);
  const messages = (opening ? [opening, ...page] : page).map(toMessage);
  return { messages, nextCursor };
}

/**
 * The page of `limit` replies, in `sort` order, that holds reply `id`: it
 * starts `min(floor(limit / 4), replies before it)` replies before the
 * message, so the message has context above it. Built from keyset queries
 * alone (never OFFSET): the context is read backwards from the message, the
 * rest forwards, and `before` (listed replies ahead of the page) is an index
 * count. Its `nextCursor` continues exactly as a normal page's would. No
 * opening post: this is never a first page, even when `before` is 0.
 * 404 `message_not_found` unless `id` is a listed reply of this thread.
 */
export async function messagePageAt(
  db: Kysely<Database>,
  thread: ThreadRow,
  options: { sort: SortOrder; limit: number; at: number },
): Promise<MessagePageAt> {
  const { sort, limit } = options;
  const target = await findListedReply(db, thread.id, options.at);
  if (!target) throw messageNotFound(options.at);
  const position = { at: target.created_at, id: target.id };
  const contextSize = Math.floor(limit / 4);
  const reverse: SortOrder = sort === 'oldest' ? 'newest' : 'oldest';
  const [earlier, later, ahead, opening] = await Promise.all([
    contextSize > 0
      ? listReplies(db, { threadId: thread.id, sort: reverse, limit: contextSize, after: position })
      : ([] as PublicMessageRow[]),
    // One row more than the page needs when more follow (listReplies adds it).
    listReplies(db, { threadId: thread.id, sort, limit: limit - 1, after: position }),
    countListedBefore(db, thread.id, sort, position),
    // The opening post is the first listed message, so it is counted ahead of
    // every reply in oldest order (never in newest): it is not a reply.
    sort === 'oldest' ? findOpening(db, thread.id) : undefined,
  ]);
  const context = earlier.slice(0, contextSize).reverse();
  const rows = [...context, target, ...later];
  const scope = scopeOf(sort, false);
  const { page, nextCursor } = keysetPage(rows, limit, scope, (r) => r.created_at);
  const repliesAhead = ahead - (opening ? 1 : 0);
  return {
    messages: page.map(toMessage),
    nextCursor,
    before: Math.max(0, repliesAhead - context.length),
  };
}
