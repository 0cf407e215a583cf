/**
 * The export document (`docs/export-format.md`) as a stream of text chunks.
 *
 * An async generator over keyset batches: threads, then messages, then
 * reports, each read a batch at a time by id, so a site of a million messages
 * is never one array in memory, and a caller can write the chunks to an HTTP
 * response (`GET /api/admin/export`) or a file (`parley-server export`) as
 * they come. No transaction is held open while it runs: on SQLite that would
 * stop every other query on the one connection for the whole export. The
 * bounds taken first keep the document whole instead: nothing newer than its
 * start is read, so no message appears without its thread or a report
 * without its message.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { ExportDocument } from '../wire.ts';
import { toExportMessage, toExportReport, toExportThread } from '../wire-mapping.ts';
import {
  type BatchScope,
  exportBounds,
  messageBatch,
  readSiteId,
  reportBatch,
  threadBatch,
} from './export.repository.ts';

/** The `format` of every export document. */
const EXPORT_FORMAT = 'parley-export';
/** The document's version: changes when a field changes meaning or goes away. */
const EXPORT_VERSION = 1;

/** Longest part of an export's file name taken from its thread's key. */
const MAX_KEY_SLUG = 60;

/**
 * The file name an export downloads as: `parley-export-YYYY-MM-DD.json` (the
 * UTC date) for the whole site, `parley-export-YYYY-MM-DD-<slug>.json` for
 * one thread, so a thread's export never overwrites the site's (or another
 * thread's) of the same day. The slug is the key in `[a-z0-9-]` only (accents
 * dropped, every other run of characters one `-`, at most 60), `thread`
 * when nothing is left: a key is any text, and nothing of it may break out of
 * the `Content-Disposition` header or name a path.
 */
export function exportFileName(now: Date, threadKey?: string): string {
  const day = now.toISOString().slice(0, 10);
  if (threadKey === undefined) return `parley-export-${day}.json`;
  const slug = threadKey
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, MAX_KEY_SLUG)
    .replace(/-+$/, '');
  return `parley-export-${day}-${slug || 'thread'}.json`;
}

/** Rows read per query; each batch is one chunk. */
const BATCH_SIZE = 500;

/** What to export. */
export interface ExportOptions {
  /** Only this thread (its id and key); every thread when absent. */
  thread?: { id: number; key: string } | undefined;
  /** The time the export is taken (`exportedAt`). */
  now: Date;
  /** Rows per batch (default 500); tests make it small to cross batch edges. */
  batchSize?: number;
  /**
   * Told after each batch is read, with its array and row count, before its
   * chunk is yielded: `parley-server export` counts rows for its progress
   * line and summary with it.
   */
  onRows?: (array: ExportArray, count: number) => void;
}

/** The document's three arrays of rows, in the order it writes them. */
export type ExportArray = 'threads' | 'messages' | 'reports';

/**
 * Yields the export document as JSON text, chunk by chunk: the header, then
 * one chunk per batch of rows, one row per line. Joined, the chunks parse as
 * an {@link ExportDocument}.
 */
export async function* exportDocument(
  db: Kysely<Database>,
  options: ExportOptions,
): AsyncGenerator<string, void, undefined> {
  const limit = options.batchSize ?? BATCH_SIZE;
  const bounds = await exportBounds(db);
  const siteId = await readSiteId(db);
  const header: Omit<ExportDocument, 'threads' | 'messages' | 'reports'> = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: options.now.toISOString(),
    thread: options.thread?.key ?? null,
  };
  // The header's fields, then the three arrays, written by hand around the rows.
  yield `${JSON.stringify(header).slice(0, -1)},\n"threads": [`;
  const scope = (afterId: number): BatchScope => ({
    threadId: options.thread?.id,
    afterId,
    bounds,
    limit,
  });
  const counted = (array: ExportArray) => (count: number) => options.onRows?.(array, count);
  yield* rowsOf(db, scope, threadBatch, toExportThread, counted('threads'));
  yield '\n],\n"messages": [';
  yield* rowsOf(
    db,
    scope,
    messageBatch,
    (row) => toExportMessage(row, siteId),
    counted('messages'),
  );
  yield '\n],\n"reports": [';
  yield* rowsOf(db, scope, reportBatch, toExportReport, counted('reports'));
  yield '\n]}\n';
}

/** One array's rows, a batch per chunk, one row per line, comma-separated. */
async function* rowsOf<R extends { id: number }>(
  db: Kysely<Database>,
  scope: (afterId: number) => BatchScope,
  read: (db: Kysely<Database>, scope: BatchScope) => Promise<R[]>,
  map: (row: R) => unknown,
  onRows: (count: number) => void,
): AsyncGenerator<string, void, undefined> {
  let afterId = 0;
  let separator = '\n';
  for (;;) {
    const rows = await read(db, scope(afterId));
    if (rows.length === 0) return;
    onRows(rows.length);
    yield separator + rows.map((row) => JSON.stringify(map(row))).join(',\n');
    separator = ',\n';
    afterId = rows.at(-1)!.id;
    if (rows.length < scope(afterId).limit) return;
  }
}
