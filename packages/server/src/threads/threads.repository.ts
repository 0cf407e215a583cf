import type { Kysely } from 'kysely';
import type { Database, ThreadRow, ThreadUpdate } from '../db/schema.ts';
import { type NewEvent, recordEvents } from '../events/events.repository.ts';
import type { KeysetPosition } from '../http/cursor.ts';

/** The thread with this key, if anyone has posted to it. */
export async function findThreadByKey(
  db: Kysely<Database>,
  key: string,
): Promise<ThreadRow | undefined> {
  return db.selectFrom('threads').selectAll().where('key', '=', key).executeTakeFirst();
}

/** Whether readers can see this thread (see `ThreadTable.public`). */
export function isPublicThread(row: Pick<ThreadRow, 'public'>): boolean {
  return Number(row.public) === 1;
}

/**
 * The thread with this key as readers know it: undefined when there is none
 * or it is not public yet (its only messages are held), so reads answer 404
 * exactly as for a thread nobody has posted to.
 */
export async function findPublicThreadByKey(
  db: Kysely<Database>,
  key: string,
): Promise<ThreadRow | undefined> {
  return db
    .selectFrom('threads')
    .selectAll()
    .where('key', '=', key)
    .where('public', '=', 1)
    .executeTakeFirst();
}

/**
 * Returns the thread with this key, creating it with `title` and `url` when it
 * does not exist yet, public unless `public` is false (a thread created by a
 * held message is not). Safe under concurrent first posts: the unique key decides.
 */
export async function findOrCreateThread(
  trx: Kysely<Database>,
  input: { key: string; title: string | null; url: string | null; now: string; public?: boolean },
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
      public: input.public === false ? 0 : 1,
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
 * Makes a thread public, optionally replacing its provisional title and url
 * (a post that makes it public brings its own). Records no event: it runs in
 * the transaction that publishes a message, whose events (`message.created`,
 * `thread.updated`) announce the thread.
 */
export async function makeThreadPublic(
  trx: Kysely<Database>,
  id: number,
  set: { title?: string | null; url?: string | null; now: string },
): Promise<ThreadRow> {
  const { now, ...fields } = set;
  return trx
    .updateTable('threads')
    .set({ ...fields, public: 1, updated_at: now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Removes a thread that was never public once no message is left in it (its
 * held first post was deleted): nothing of it was ever shown, so nothing of
 * it, not its provisional title, stays behind. Ids are never reused (serial,
 * SQLite AUTOINCREMENT), so nothing keyed by its id can be mistaken later.
 * Returns whether it was removed.
 */
export async function removeThreadIfAbandoned(trx: Kysely<Database>, id: number): Promise<boolean> {
  const removed = await trx
    .deleteFrom('threads')
    .where('id', '=', id)
    .where('public', '=', 0)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('messages')
            .select('messages.id')
            .whereRef('messages.thread_id', '=', 'threads.id'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(removed.numDeletedRows) > 0;
}

/** The thread with this id. */
export async function findThreadById(
  db: Kysely<Database>,
  id: number,
): Promise<ThreadRow | undefined> {
  return db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Records a change readers can see on a thread's messages: adjusts its counts
 * by the given amounts (which may be 0 or negative), moves last activity
 * forward when `activityAt` is later, and takes one event id per event, in
 * order. Runs in the writing transaction, so readers never count and never
 * see a count that disagrees with the rows. Only `messages/message-state.ts`
 * decides the amounts.
 *
 * It also marks the thread's automatic summary stale, in the same UPDATE (no
 * query more on the write path; `summaries/summary-worker.ts` recomputes it
 * later): due now, or still at the earlier time it was already due, so a
 * burst of posts never pushes it back. A manual summary is never marked.
 *
 * `withdrawn`: a published message left the public listing (hidden, held by
 * an edit, kept as spam, deleted). An automatic summary may quote it, so it
 * goes in this same UPDATE (no summary until the worker has computed one
 * from what is still published, due now): readers never see a summary quote
 * what they can no longer read. Such a change always removes a published
 * message from the counts, so its events hold a `thread.updated`, and that
 * shows the thread without the summary. A manual summary is the
 * moderator's and stays.
 */
export async function recordChange(
  trx: Kysely<Database>,
  threadId: number,
  change: {
    messages: number;
    highlights: number;
    now: string;
    activityAt?: string;
    withdrawn?: boolean;
  },
  events: readonly NewEvent[],
): Promise<void> {
  if (events.length === 0) throw new Error('a change readers can see has at least one event');
  const activityAt = change.activityAt;
  const row = await trx
    .updateTable('threads')
    .set((eb) => ({
      message_count: eb('message_count', '+', change.messages),
      highlight_count: eb('highlight_count', '+', change.highlights),
      event_seq: eb('event_seq', '+', events.length),
      ...(activityAt
        ? {
            last_activity_at: eb
              .case()
              .when('last_activity_at', '<', activityAt)
              .then(activityAt)
              .else(eb.ref('last_activity_at'))
              .end(),
          }
        : {}),
      updated_at: change.now,
      // Every CASE reads the row as it was before this UPDATE.
      ...(change.withdrawn
        ? {
            summary: eb
              .case()
              .when('summary_source', '=', 'automatic')
              .then(null)
              .else(eb.ref('summary'))
              .end(),
            summary_source: eb
              .case()
              .when('summary_source', '=', 'automatic')
              .then(null)
              .else(eb.ref('summary_source'))
              .end(),
          }
        : {}),
      summary_due_at: change.withdrawn
        ? eb
            .case()
            .when('summary_source', '=', 'manual')
            .then(null)
            .when('summary_source', '=', 'automatic')
            .then(change.now)
            .else(eb.fn.coalesce('summary_due_at', eb.val(change.now)))
            .end()
        : eb
            .case()
            .when('summary_source', '=', 'manual')
            .then(null)
            .else(eb.fn.coalesce('summary_due_at', eb.val(change.now)))
            .end(),
    }))
    .where('id', '=', threadId)
    .returning('event_seq')
    .executeTakeFirstOrThrow();
  await recordEvents(trx, threadId, Number(row.event_seq), events, change.now);
}

/**
 * Changes a thread's own fields (a moderator's edit) and records it as one
 * `thread.updated` event. `updated_at` in `set` is the event's time.
 */
export async function updateThread(
  trx: Kysely<Database>,
  id: number,
  set: Omit<ThreadUpdate, 'event_seq'> & { updated_at: string },
): Promise<ThreadRow> {
  const row = await trx
    .updateTable('threads')
    .set((eb) => ({ ...set, event_seq: eb('event_seq', '+', 1) }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordEvents(
    trx,
    id,
    Number(row.event_seq),
    [{ type: 'thread.updated', messageId: null }],
    set.updated_at,
  );
  return row;
}

/** How {@link listThreads} orders threads. */
export type ThreadListSort = 'active' | 'recent';

/**
 * Public threads newest first by last activity (`active`) or creation (`recent`),
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
    .where('public', '=', 1)
    .orderBy(column, 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  const after = options.after;
  if (after) {
    query = query.where((eb) => eb(eb.refTuple(column, 'id'), '<', eb.tuple(after.at, after.id)));
  }
  return query.execute();
}

/**
 * The public threads with these keys (the cards of an index page), in no
 * particular order; keys with no public thread are absent, exactly as a
 * single read answers 404 for them.
 */
export async function findPublicThreadsByKeys(
  db: Kysely<Database>,
  keys: readonly string[],
): Promise<ThreadRow[]> {
  if (keys.length === 0) return [];
  return db
    .selectFrom('threads')
    .selectAll()
    .where('key', 'in', keys)
    .where('public', '=', 1)
    .execute();
}

/** Published message counts for these keys; keys with no public thread are absent. */
export async function countsByKey(
  db: Kysely<Database>,
  keys: readonly string[],
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('threads')
    .select(['key', 'message_count'])
    .where('key', 'in', keys)
    .where('public', '=', 1)
    .execute();
  return new Map(rows.map((r) => [r.key, Number(r.message_count)]));
}

/** A thread row with its moderation counts, as the admin API reads it. */
export type AdminThreadRow = ThreadRow & { pending_count: number; reported_count: number };

/** Threads with their pending and reported message counts. */
function threadsWithModerationCounts(db: Kysely<Database>) {
  return db
    .selectFrom('threads')
    .selectAll('threads')
    .select((eb) => [
      eb
        .selectFrom('messages')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('messages.thread_id', '=', 'threads.id')
        .where('messages.status', '=', 'pending')
        .as('pending_count'),
      eb
        .selectFrom('messages')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('messages.thread_id', '=', 'threads.id')
        .where('messages.report_count', '>', 0)
        .as('reported_count'),
    ]);
}

function withCounts(row: ThreadRow & { pending_count: unknown; reported_count: unknown }) {
  return {
    ...row,
    pending_count: Number(row.pending_count ?? 0),
    reported_count: Number(row.reported_count ?? 0),
  };
}

/**
 * Threads for moderators, most recently active first, keyset-paginated, each
 * with its pending and reported message counts. Returns one row more than
 * `limit` when there is a next page. Moderation counts are counted here: the
 * admin page is read rarely, and a per-thread counter would be one more
 * number every transition has to keep exact.
 */
export async function listAdminThreads(
  db: Kysely<Database>,
  options: { limit: number; after?: KeysetPosition },
): Promise<AdminThreadRow[]> {
  let query = threadsWithModerationCounts(db)
    .orderBy('threads.last_activity_at', 'desc')
    .orderBy('threads.id', 'desc')
    .limit(options.limit + 1);
  const after = options.after;
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('threads.last_activity_at', 'threads.id'), '<', eb.tuple(after.at, after.id)),
    );
  }
  return (await query.execute()).map(withCounts);
}

/** A thread with its moderation counts. */
export async function findAdminThread(
  db: Kysely<Database>,
  id: number,
): Promise<AdminThreadRow | undefined> {
  const row = await threadsWithModerationCounts(db).where('threads.id', '=', id).executeTakeFirst();
  return row ? withCounts(row) : undefined;
}
