/**
 * The export's reads: keyset batches by id, each selecting only the columns
 * the export document carries. Never `selectAll`: the client hashes, the
 * edit-token hash, the body fingerprint and reporters' hashes are never read,
 * so they cannot reach the document by accident.
 */
import type { Kysely } from 'kysely';
import type { Database, MessageTable, ReportTable, ThreadTable } from '../db/schema.ts';

/** What the export reads of a thread. */
export type ExportThreadRow = Pick<
  ThreadTable,
  | 'key'
  | 'title'
  | 'summary'
  | 'summary_source'
  | 'url'
  | 'status'
  | 'created_at'
  | 'updated_at'
  | 'last_activity_at'
> & { id: number; public: number };

/** What the export reads of a message, with its thread's key. */
export type ExportMessageRow = Pick<
  MessageTable,
  | 'parent_id'
  | 'kind'
  | 'status'
  | 'hidden_reason'
  | 'author_name'
  | 'author_role'
  | 'body'
  | 'html'
  | 'created_at'
  | 'edited_at'
  | 'updated_at'
> & { id: number; highlighted: number; thread_key: string; source_id: string | null };

/** What the export reads of a report: never who sent it. */
export type ExportReportRow = Pick<
  ReportTable,
  'message_id' | 'reason' | 'created_at' | 'decided_at'
> & {
  id: number;
};

/**
 * The last ids when the export starts: it reads nothing newer, so a message
 * posted while it runs cannot appear without its thread, nor a report without
 * its message.
 */
export interface ExportBounds {
  thread: number;
  message: number;
  report: number;
}

/** The largest thread, message and report ids now (0 for an empty table). */
export async function exportBounds(db: Kysely<Database>): Promise<ExportBounds> {
  const [thread, message, report] = await Promise.all(
    (['threads', 'messages', 'reports'] as const).map(async (table) => {
      const row = await db
        .selectFrom(table)
        .select((eb) => eb.fn.max('id').as('max'))
        .executeTakeFirst();
      return Number(row?.max ?? 0);
    }),
  );
  return { thread: thread!, message: message!, report: report! };
}

/**
 * This site's random id (made by the `2026-12-07-import-sources` migration),
 * which names its own messages in source ids: `parley:<site id>:<id>`.
 */
export async function readSiteId(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('site_meta')
    .select('value')
    .where('name', '=', 'site_id')
    .executeTakeFirstOrThrow();
  return row.value;
}

/** Where a batch starts and what it may include. */
export interface BatchScope {
  /** Only this thread, when given. */
  threadId?: number | undefined;
  /** Rows with an id above this (the last one of the previous batch). */
  afterId: number;
  bounds: ExportBounds;
  limit: number;
}

/** A batch of threads by id. */
export async function threadBatch(
  db: Kysely<Database>,
  scope: BatchScope,
): Promise<ExportThreadRow[]> {
  let query = db
    .selectFrom('threads')
    .select([
      'id',
      'key',
      'title',
      'summary',
      'summary_source',
      'url',
      'status',
      'public',
      'created_at',
      'updated_at',
      'last_activity_at',
    ])
    .where('id', '>', scope.afterId)
    .where('id', '<=', scope.bounds.thread)
    .orderBy('id')
    .limit(scope.limit);
  if (scope.threadId !== undefined) query = query.where('id', '=', scope.threadId);
  return query.execute();
}

/**
 * A batch of messages by id, whatever their status. Ids grow with time and a
 * reply is always written after its parent, so parents come first.
 */
export async function messageBatch(
  db: Kysely<Database>,
  scope: BatchScope,
): Promise<ExportMessageRow[]> {
  let query = db
    .selectFrom('messages')
    .innerJoin('threads', 'threads.id', 'messages.thread_id')
    .select([
      'messages.id',
      'messages.source_id',
      'threads.key as thread_key',
      'messages.parent_id',
      'messages.kind',
      'messages.status',
      'messages.hidden_reason',
      'messages.author_name',
      'messages.author_role',
      'messages.body',
      'messages.html',
      'messages.highlighted',
      'messages.created_at',
      'messages.edited_at',
      'messages.updated_at',
    ])
    .where('messages.id', '>', scope.afterId)
    .where('messages.id', '<=', scope.bounds.message)
    .where('threads.id', '<=', scope.bounds.thread)
    .orderBy('messages.id')
    .limit(scope.limit);
  if (scope.threadId !== undefined) query = query.where('messages.thread_id', '=', scope.threadId);
  return query.execute();
}

/** A batch of reports by id, of the messages the export holds. */
export async function reportBatch(
  db: Kysely<Database>,
  scope: BatchScope,
): Promise<ExportReportRow[]> {
  let query = db
    .selectFrom('reports')
    .innerJoin('messages', 'messages.id', 'reports.message_id')
    .select([
      'reports.id',
      'reports.message_id',
      'reports.reason',
      'reports.created_at',
      'reports.decided_at',
    ])
    .where('reports.id', '>', scope.afterId)
    .where('reports.id', '<=', scope.bounds.report)
    .where('messages.id', '<=', scope.bounds.message)
    .where('messages.thread_id', '<=', scope.bounds.thread)
    .orderBy('reports.id')
    .limit(scope.limit);
  if (scope.threadId !== undefined) query = query.where('messages.thread_id', '=', scope.threadId);
  return query.execute();
}
