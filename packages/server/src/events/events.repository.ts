import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database, EventRow, EventTable } from '../db/schema.ts';
import { noteCommittedEvent } from '../db/store.ts';
import {
  isListed,
  PUBLIC_MESSAGE_COLUMNS,
  type PublicMessageRow,
} from '../messages/messages.repository.ts';

/** A live event as the writer records it: what happened, to which message. */
export interface NewEvent {
  type: EventTable['type'];
  messageId: number | null;
}

/** Events kept per thread for readers who reconnect; older ones are pruned. */
export const EVENTS_KEPT = 1000;

/** Pruning runs when a thread's sequence crosses a multiple of this. */
const PRUNE_EVERY = 100;

/** The PostgreSQL channel every instance LISTENs on; payload `<threadId>:<seq>`. */
export const EVENTS_CHANNEL = 'parley_events';

/**
 * Stores the events a write just took sequence numbers for: `lastSeq` is the
 * thread's `event_seq` after the bump of `events.length`, so the events get
 * `lastSeq - n + 1 .. lastSeq` in order. Only the thread repository calls
 * this, right where it bumps `event_seq`, in the same transaction: no bump
 * without its events. Then it announces them: on PostgreSQL a `pg_notify`
 * (delivered to every instance on commit), and to this process's store
 * listeners once the transaction commits.
 */
export async function recordEvents(
  trx: Kysely<Database>,
  threadId: number,
  lastSeq: number,
  events: readonly NewEvent[],
  now: string,
): Promise<void> {
  if (events.length === 0) return;
  const first = lastSeq - events.length + 1;
  await trx
    .insertInto('events')
    .values(
      events.map((event, i) => ({
        thread_id: threadId,
        seq: first + i,
        type: event.type,
        message_id: event.messageId,
        created_at: now,
      })),
    )
    .execute();
  // Keeps between EVENTS_KEPT and EVENTS_KEPT + PRUNE_EVERY events per thread,
  // pruning once per PRUNE_EVERY events rather than on every write.
  if (Math.floor(lastSeq / PRUNE_EVERY) !== Math.floor((first - 1) / PRUNE_EVERY)) {
    await trx
      .deleteFrom('events')
      .where('thread_id', '=', threadId)
      .where('seq', '<=', lastSeq - EVENTS_KEPT)
      .execute();
  }
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    // NOTIFY takes no bind parameters; pg_notify does. Delivered on commit only.
    await sql`select pg_notify(${EVENTS_CHANNEL}, ${`${threadId}:${lastSeq}`})`.execute(trx);
  }
  noteCommittedEvent(trx, threadId, lastSeq);
}

/** Up to `limit` of a thread's stored events after `seq`, in order. */
export async function eventsAfter(
  db: Kysely<Database>,
  threadId: number,
  seq: number,
  limit: number,
): Promise<EventRow[]> {
  return db
    .selectFrom('events')
    .selectAll()
    .where('thread_id', '=', threadId)
    .where('seq', '>', seq)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
}

/**
 * The public columns of those of these messages readers may see now
 * (published ones and deleted placeholders), by id.
 */
export async function listedMessagesById(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<Map<number, PublicMessageRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages')
    .select(PUBLIC_MESSAGE_COLUMNS)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.filter((r) => isListed(r.status)).map((r) => [r.id, r]));
}

/** The key of the thread with this id. */
export async function threadKeyById(db: Kysely<Database>, id: number): Promise<string | undefined> {
  const row = await db.selectFrom('threads').select('key').where('id', '=', id).executeTakeFirst();
  return row?.key;
}
