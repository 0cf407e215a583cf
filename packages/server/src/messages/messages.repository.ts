import type { Updateable } from 'kysely';
import { type Kysely, sql } from 'kysely';
import { readSiteId } from '../data/export.repository.ts';
import type { Database, MessageRow, MessageTable, NewMessage } from '../db/schema.ts';
import type { KeysetPosition } from '../http/cursor.ts';
import type { SortOrder } from '../wire.ts';
import { localSourcePrefix } from '../wire-mapping.ts';

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

/**
 * What readers' listings show: published messages and the placeholders of
 * deleted messages that still have replies. Written literally (not bound
 * parameters) so both planners match it to the partial index
 * `messages_listed_idx`, which carries the same predicate.
 */
const LISTED = sql<boolean>`status in ('published', 'deleted')`;

/** A listed opening post, literally the predicate of the partial index `messages_opening_idx`. */
const OPENING = sql<boolean>`kind = 'opening' and status in ('published', 'deleted')`;

/** Whether a message with this status appears in readers' listings. */
export function isListed(status: MessageRow['status']): boolean {
  return status === 'published' || status === 'deleted';
}

/**
 * The columns a listing reads: what `toMessage` needs, nothing private. The
 * status is read only to tell a deleted placeholder; `toMessage` never emits it.
 */
export const PUBLIC_MESSAGE_COLUMNS = [
  'id',
  'status',
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

/** The thread's opening post (or its placeholder), if it has one that readers may see. */
export async function findOpening(
  db: Kysely<Database>,
  threadId: number,
): Promise<PublicMessageRow | undefined> {
  // One seek on messages_opening_idx, whose predicate this repeats: the
  // opening post is the message of that kind, not the thread's earliest (an
  // import may bring in older replies).
  return db
    .selectFrom('messages')
    .select(PUBLIC_MESSAGE_COLUMNS)
    .where('thread_id', '=', threadId)
    .where(OPENING)
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Highlighted messages readers see: published (a placeholder is never
 * highlighted) and highlighted. Literal, like {@link LISTED}, so both planners
 * match it to the partial index `messages_highlighted_idx`.
 */
const HIGHLIGHTED = sql<boolean>`status = 'published' and highlighted = 1`;

/**
 * A page of the thread's listed replies (published ones and placeholders of
 * deleted ones; never the opening post) in the given order, after the keyset
 * position if one is given; with `highlighted`, only the highlighted ones.
 * Returns one row more than `limit` when there is a next page.
 */
export async function listReplies(
  db: Kysely<Database>,
  options: {
    threadId: number;
    sort: SortOrder;
    limit: number;
    after?: KeysetPosition | undefined;
    highlighted?: boolean;
  },
): Promise<PublicMessageRow[]> {
  const direction = options.sort === 'oldest' ? 'asc' : 'desc';
  let query = db
    .selectFrom('messages')
    .select(PUBLIC_MESSAGE_COLUMNS)
    .where('thread_id', '=', options.threadId)
    .where(options.highlighted ? HIGHLIGHTED : LISTED)
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

/** The listed reply (published, or a deleted placeholder) with this id in this thread, if any. */
export async function findListedReply(
  db: Kysely<Database>,
  threadId: number,
  id: number,
): Promise<PublicMessageRow | undefined> {
  return db
    .selectFrom('messages')
    .select(PUBLIC_MESSAGE_COLUMNS)
    .where('id', '=', id)
    .where('thread_id', '=', threadId)
    .where(LISTED)
    .where('kind', '=', 'reply')
    .executeTakeFirst();
}

/**
 * How many listed messages of the thread come before `position` in `sort`
 * order, the opening post included when it is listed and before it. Counted
 * on the index alone (no `kind` filter, which would read every row): a
 * covering range of `messages_thread_idx` on SQLite, of `messages_listed_idx`
 * on PostgreSQL. Never OFFSET: the rows are counted, not read and skipped.
 */
export async function countListedBefore(
  db: Kysely<Database>,
  threadId: number,
  sort: SortOrder,
  position: KeysetPosition,
): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('thread_id', '=', threadId)
    .where(LISTED)
    .where((eb) =>
      eb(
        eb.refTuple('created_at', 'id'),
        sort === 'oldest' ? '<' : '>',
        eb.tuple(position.at, position.id),
      ),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Changes a message and returns its new row. */
export async function updateMessage(
  trx: Kysely<Database>,
  id: number,
  set: Updateable<MessageTable>,
): Promise<MessageRow> {
  return trx
    .updateTable('messages')
    .set(set)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Whether any message (whatever its status) answers this one. */
export async function hasReplies(trx: Kysely<Database>, id: number): Promise<boolean> {
  const row = await trx
    .selectFrom('messages')
    .select('id')
    .where('parent_id', '=', id)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Removes a message row (its reports go with it); it must have no replies.
 * Its source id stays in `removed_sources`, so importing a file that held it
 * does not bring it back: the id it was imported with, or the one an import
 * would store this site's own `parley:<site>:<id>` under.
 */
export async function deleteMessageRow(trx: Kysely<Database>, id: number): Promise<void> {
  const row = await trx
    .deleteFrom('messages')
    .where('id', '=', id)
    .returning(['source_id', 'created_at'])
    .executeTakeFirst();
  if (!row) return;
  const sourceId =
    row.source_id ?? `${localSourcePrefix(await readSiteId(trx))}${id}@${row.created_at}`;
  await trx
    .insertInto('removed_sources')
    .values({ source_id: sourceId, removed_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('source_id').doNothing())
    .execute();
}

/** Removes every report of a message (its text is gone: they are about nothing now). */
export async function deleteReports(trx: Kysely<Database>, messageId: number): Promise<void> {
  await trx.deleteFrom('reports').where('message_id', '=', messageId).execute();
}

/**
 * Records a reader's report of a message, once per reader: returns false when
 * this reader had already reported it.
 */
export async function insertReport(
  trx: Kysely<Database>,
  report: {
    messageId: number;
    reporterHash: string;
    networkHash: string;
    reason: string | null;
    now: string;
  },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('reports')
    .values({
      message_id: report.messageId,
      reporter_hash: report.reporterHash,
      network_hash: report.networkHash,
      reason: report.reason,
      created_at: report.now,
      decided_at: null,
    })
    .onConflict((oc) => oc.columns(['message_id', 'reporter_hash']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** How many distinct networks the message's open reports come from. */
export async function openReportNetworks(
  trx: Kysely<Database>,
  messageId: number,
): Promise<number> {
  const row = await trx
    .selectFrom('reports')
    .select((eb) => eb.fn.count<number>('network_hash').distinct().as('networks'))
    .where('message_id', '=', messageId)
    .where('decided_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.networks);
}

/** The tables that log a client's limited actions, one row per action (posts, reports, edits, confirmation mails). */
export type SendLog = 'post_sends' | 'report_sends' | 'edit_sends' | 'confirmation_sends';

/**
 * Actions this client took since `since` in `log`, and the oldest of them
 * (to say when it may act again).
 */
export async function recentSends(
  db: Kysely<Database>,
  log: SendLog,
  clientHash: string,
  since: string,
): Promise<{ count: number; oldest: string | null }> {
  const row = await db
    .selectFrom(log)
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.min('sent_at').as('oldest')])
    .where('client_hash', '=', clientHash)
    .where('sent_at', '>', since)
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldest: (row.oldest as string | null) ?? null };
}

/** Records one action of a client in `log`, and forgets every one older than `forgetBefore`. */
export async function recordSend(
  trx: Kysely<Database>,
  log: SendLog,
  clientHash: string,
  now: string,
  forgetBefore: string,
): Promise<void> {
  await trx.insertInto(log).values({ client_hash: clientHash, sent_at: now }).execute();
  await trx.deleteFrom(log).where('sent_at', '<=', forgetBefore).execute();
}

/** Marks the message's open reports as decided by a moderator. */
export async function decideReports(
  trx: Kysely<Database>,
  messageId: number,
  now: string,
): Promise<void> {
  await trx
    .updateTable('reports')
    .set({ decided_at: now })
    .where('message_id', '=', messageId)
    .where('decided_at', 'is', null)
    .execute();
}

/**
 * Whether this client posted a body with this fingerprint since `since` (any
 * thread, any status): a seek on `messages_client_idx` (ip_hash, created_at).
 */
export async function postedFingerprintSince(
  db: Kysely<Database>,
  ipHash: string,
  fingerprint: string,
  since: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('ip_hash', '=', ipHash)
    .where('created_at', '>', since)
    .where('body_fingerprint', '=', fingerprint)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
