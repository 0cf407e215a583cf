import { type Kysely, sql } from 'kysely';
import { SQLITE_LOWER } from '../db/functions.ts';
import type { Database, MessageRow, StoredTime } from '../db/schema.ts';
import type { Dialect } from '../db/store.ts';
import type { KeysetPosition } from '../http/cursor.ts';

/** An open report as moderators see it: never who sent it. */
export interface OpenReportRow {
  reason: string | null;
  created_at: StoredTime;
}

/** A message row with its thread's key, title and visibility and its open reports, as the admin API reads it. */
export type AdminMessageRow = MessageRow & {
  thread_key: string;
  thread_title: string | null;
  thread_url: string | null;
  thread_public: number;
  open_reports: OpenReportRow[];
};

/**
 * Which messages a moderator lists: one status, those with open reports, or
 * all but deleted. `spam` is the hidden messages kept as spam; `hidden` the
 * other hidden ones.
 */
export type AdminMessageFilter =
  | 'pending'
  | 'published'
  | 'hidden'
  | 'spam'
  | 'reported'
  | undefined;

/** Open reports shown per message to moderators: the newest. */
const REPORTS_SHOWN = 20;

/**
 * Adds each message's open reports (newest first, at most 20): their reasons
 * and times, never who sent them. One query for the whole page, and none when
 * no message on it has open reports.
 */
async function withOpenReports(
  db: Kysely<Database>,
  rows: Omit<AdminMessageRow, 'open_reports'>[],
): Promise<AdminMessageRow[]> {
  const ids = rows.filter((row) => Number(row.report_count) > 0).map((row) => row.id);
  const byMessage = new Map<number, OpenReportRow[]>();
  if (ids.length > 0) {
    const ranked = db
      .selectFrom('reports')
      .select([
        'message_id',
        'reason',
        'created_at',
        sql<number>`row_number() over (partition by message_id order by created_at desc, id desc)`.as(
          'rank',
        ),
      ])
      .where('message_id', 'in', ids)
      .where('decided_at', 'is', null)
      .as('ranked');
    const reports = await db
      .selectFrom(ranked)
      .select(['message_id', 'reason', 'created_at'])
      .where('rank', '<=', REPORTS_SHOWN)
      .orderBy('message_id')
      .orderBy('rank')
      .execute();
    for (const { message_id, reason, created_at } of reports) {
      const list = byMessage.get(message_id) ?? [];
      list.push({ reason, created_at });
      byMessage.set(message_id, list);
    }
  }
  return rows.map((row) => ({ ...row, open_reports: byMessage.get(row.id) ?? [] }));
}

function messagesWithThreadKey(db: Kysely<Database>) {
  return db
    .selectFrom('messages')
    .innerJoin('threads', 'threads.id', 'messages.thread_id')
    .selectAll('messages')
    .select([
      'threads.key as thread_key',
      'threads.title as thread_title',
      'threads.url as thread_url',
      'threads.public as thread_public',
    ]);
}

/** Text searched for in messages' body and author name, any case. */
export interface MessageSearch {
  text: string;
  /** The store's dialect: each folds case with its own function. */
  dialect: Dialect;
}

/**
 * The LIKE escape character. Not `\`: in SQL text `'\'` means one backslash
 * only while PostgreSQL's `standard_conforming_strings` is on; `!` means `!`
 * under every setting and on SQLite.
 */
const LIKE_ESCAPE = '!';

/** `text` as a LIKE pattern that matches it literally anywhere: `%`, `_` and `!` escaped. */
function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `${LIKE_ESCAPE}${c}`)}%`;
}

/**
 * Whether the message's body or author name contains `search.text`, in any
 * case: both sides lower-cased (SQLite with the store's Unicode function,
 * PostgreSQL with lower()), compared with LIKE and an explicit escape.
 *
 * Text is stored as it was typed, and an "ë" may arrive composed (U+00EB) or
 * decomposed ("e" + U+0308): the search looks for the composed (NFC) and the
 * decomposed (NFD) form of the text, so either finds either. (A body that
 * mixes both forms in the one word searched for is not found; none of the
 * compatibility forms, such as fullwidth letters, are folded.)
 */
function matches(search: MessageSearch) {
  const lowered = search.text.toLowerCase();
  const patterns = [...new Set([lowered.normalize('NFC'), lowered.normalize('NFD')])].map(
    containsPattern,
  );
  const lower = search.dialect === 'postgres' ? sql.raw('lower') : sql.raw(SQLITE_LOWER);
  const escapeChar = sql.raw(`'${LIKE_ESCAPE}'`);
  const tests = patterns.flatMap((pattern) => [
    sql`${lower}(messages.body) like ${pattern} escape ${escapeChar}`,
    sql`${lower}(messages.author_name) like ${pattern} escape ${escapeChar}`,
  ]);
  return sql<boolean>`(${sql.join(tests, sql` or `)})`;
}

/**
 * Messages for moderators, newest first, keyset-paginated, optionally in one
 * thread and matching a search. Returns one row more than `limit` when there
 * is a next page. Deleted placeholders are never listed: nothing of them is
 * left to moderate.
 */
export async function listAdminMessages(
  db: Kysely<Database>,
  options: {
    filter: AdminMessageFilter;
    threadId?: number | undefined;
    search?: MessageSearch | undefined;
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
  else if (filter === 'spam') {
    query = query
      .where('messages.status', '=', 'hidden')
      .where('messages.hidden_reason', '=', 'spam');
  } else if (filter === 'hidden') {
    query = query
      .where('messages.status', '=', 'hidden')
      .where((eb) =>
        eb.or([
          eb('messages.hidden_reason', 'is', null),
          eb('messages.hidden_reason', '!=', 'spam'),
        ]),
      );
  } else if (filter) query = query.where('messages.status', '=', filter);
  else query = query.where('messages.status', '!=', 'deleted');
  if (threadId !== undefined) query = query.where('messages.thread_id', '=', threadId);
  if (options.search) query = query.where(matches(options.search));
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('messages.created_at', 'messages.id'), '<', eb.tuple(after.at, after.id)),
    );
  }
  return withOpenReports(db, await query.execute());
}

/** The messages with these ids (those that exist), with their threads and open reports. */
export async function findAdminMessages(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<AdminMessageRow[]> {
  if (ids.length === 0) return [];
  const rows = await messagesWithThreadKey(db).where('messages.id', 'in', ids).execute();
  return withOpenReports(db, rows);
}

/** One message with its thread's key, title and visibility, whatever its status. */
export async function findAdminMessage(
  db: Kysely<Database>,
  id: number,
): Promise<AdminMessageRow | undefined> {
  const row = await messagesWithThreadKey(db).where('messages.id', '=', id).executeTakeFirst();
  return row && (await withOpenReports(db, [row]))[0];
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
