import type { Kysely } from 'kysely';
import type { Database, MessageRow, ThreadRow } from '../db/schema.ts';

/**
 * The columns a feed entry shows of a message: never its status, markdown
 * source, client hash, token hash or anything of its reports. Only published
 * messages are read, so there is no placeholder to tell apart.
 */
const FEED_MESSAGE_COLUMNS = [
  'messages.id',
  'messages.author_name',
  'messages.html',
  'messages.created_at',
  'messages.edited_at',
] as const;

/** A published message as a feed shows it. */
export type FeedMessageRow = Pick<
  MessageRow,
  'id' | 'author_name' | 'html' | 'created_at' | 'edited_at'
>;

/** A published message with the public thread it belongs to, for the site feed. */
export type SiteFeedMessageRow = FeedMessageRow & {
  thread_key: ThreadRow['key'];
  thread_title: ThreadRow['title'];
  thread_url: ThreadRow['url'];
};

/**
 * The newest `limit` published messages of one thread (opening post and
 * replies alike), newest first. One ordered range of `messages_thread_idx`
 * (thread_id, status, created_at, id), read backwards. The caller has found
 * the thread public.
 */
export async function newestThreadMessages(
  db: Kysely<Database>,
  threadId: number,
  limit: number,
): Promise<FeedMessageRow[]> {
  return db
    .selectFrom('messages')
    .select(FEED_MESSAGE_COLUMNS)
    .where('messages.thread_id', '=', threadId)
    .where('messages.status', '=', 'published')
    .orderBy('messages.created_at', 'desc')
    .orderBy('messages.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * The newest `limit` published messages across every public thread, newest
 * first, each with its thread's key, title and url. Reads
 * `messages_status_idx` (status, created_at, id) backwards and joins each
 * row's thread by its primary key: it stops after `limit` rows whatever the
 * size of the site. A published message in a thread that is not public
 * cannot happen (publishing makes the thread public), but the join says so
 * anyway: nothing of a non-public thread may leave through a feed.
 */
export async function newestSiteMessages(
  db: Kysely<Database>,
  limit: number,
): Promise<SiteFeedMessageRow[]> {
  return db
    .selectFrom('messages')
    .innerJoin('threads', 'threads.id', 'messages.thread_id')
    .select(FEED_MESSAGE_COLUMNS)
    .select([
      'threads.key as thread_key',
      'threads.title as thread_title',
      'threads.url as thread_url',
    ])
    .where('messages.status', '=', 'published')
    .where('threads.public', '=', 1)
    .orderBy('messages.created_at', 'desc')
    .orderBy('messages.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * The last activity of the most recently active public thread, if there is
 * one: what an empty site feed gives as its `updated` (one seek on
 * `threads_activity_idx`).
 */
export async function latestPublicActivity(db: Kysely<Database>): Promise<string | undefined> {
  const row = await db
    .selectFrom('threads')
    .select('last_activity_at')
    .where('public', '=', 1)
    .orderBy('last_activity_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.last_activity_at;
}

/**
 * A version of everything the site feed may show: every change readers can
 * see (a message posted, edited, hidden or deleted, a title or url changed)
 * bumps its thread's `event_seq`, and a thread becoming public or not moves
 * the count. One pass over the public threads' rows, far cheaper than
 * building the feed, which it lets a poll skip.
 */
export async function siteFeedVersion(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('threads')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<string | number>('event_seq'), eb.lit(0)).as('seq'),
      eb.fn.countAll<string | number>().as('threads'),
    ])
    .where('public', '=', 1)
    .executeTakeFirstOrThrow();
  return `${row.seq}.${row.threads}`;
}
