/**
 * The loader: what every importer (a Parley export, Disqus, WordPress) ends
 * in. It reads a file through its reader into staging (`staging.ts`), checks
 * it whole against the database, and only then writes what is new, in
 * batches: a bad file writes nothing, and a server running on the same
 * database keeps answering between batches.
 *
 * What it writes is what posting would have written: threads matched by key
 * (an existing one keeps its fields), messages matched by source id (an
 * existing one is left untouched, its reports too), new messages in the
 * reader's order (a Parley export's own, else creation time; a reply always
 * after its parent) with their parents remapped to the new ids, html rendered from the
 * markdown by today's renderer, and each touched thread's counts, last
 * activity and visibility rebuilt in SQL from its rows, as
 * `messages/message-state.ts` defines them. A thread that existed gets one
 * `thread.updated` live event so open readers' counts follow; a new thread
 * starts with no events. Nothing of a client is stored: no address hash, and
 * an edit token nobody holds.
 *
 * Importing the same file again finds every message and changes nothing; a
 * run that failed half way is completed by running it again.
 */
import { randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database, MessageTable, NewMessage } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { renderComment } from '../../markdown/render.ts';
import { bodyFingerprint, hashToken } from '../../messages/post-message.ts';
import { updateThread } from '../../threads/threads.repository.ts';
import { readSiteId } from '../export.repository.ts';
import {
  ImportError,
  type ImportMessage,
  type ImportReader,
  type ImportSummary,
  type Progress,
  silentProgress,
} from './records.ts';
import { type StagedMessage, type StagedThread, Staging } from './staging.ts';

/** Messages written per transaction (default of {@link ImportOptions.batchSize}). */
const BATCH_SIZE = 500;

/** Rows per multi-row insert: 19 values each stays far below either database's limit on parameters. */
const ROWS_PER_INSERT = 250;

/** How {@link importInto} runs. */
export interface ImportOptions {
  /** Read, check and match, but write nothing (default false). */
  dryRun?: boolean;
  /** Told how far the phases "reading" and "writing" are (default: silent). */
  progress?: Progress;
  /** Messages per write transaction (default 500). */
  batchSize?: number;
  /**
   * Stops the import (an operator's Ctrl-C) with an {@link ImportInterrupted}:
   * while reading and checking, within a thousand records, nothing written;
   * while writing, between write transactions: what was written stays, whole
   * batches only, and running the import again completes it.
   */
  signal?: AbortSignal | undefined;
}

/**
 * An import stopped by its signal. `written` says how many new messages were
 * written before it stopped (0: nothing at all was), and the message says
 * what that leaves, in words an operator can act on.
 */
export class ImportInterrupted extends Error {
  override name = 'ImportInterrupted';

  constructor(
    readonly written: number,
    readonly total: number | undefined,
  ) {
    super(
      written === 0
        ? 'interrupted before anything was written; nothing was imported'
        : `interrupted after writing ${written} of ${total} new messages; what was written stays (whole batches only), and running the same command again completes the import`,
    );
  }
}

/**
 * Imports what `read` reads into `store`, or (dry run) says what it would.
 * Throws an `ImportError` naming the problem when the file is bad, before
 * anything is written. The summary's numbers are the same for a dry run and
 * the real run after it.
 */
export async function importInto(
  store: Store,
  read: ImportReader,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const progress = options.progress ?? silentProgress;
  const { signal } = options;
  const staging = new Staging((records) => progress.update('reading', records), signal);
  try {
    try {
      await read(staging.sink);
    } catch (error) {
      // A reader may wrap what the sink threw: the signal says what it was.
      if (signal?.aborted) throw new ImportInterrupted(0, undefined);
      throw error;
    }
    progress.update('reading', staging.recordsRead);
    await staging.resolve(store.db, await readSiteId(store.db), read.order ?? 'time');
    progress.done();
    const summary: ImportSummary = { dryRun: options.dryRun === true, ...staging.counts() };
    if (signal?.aborted) throw new ImportInterrupted(0, undefined);
    if (!summary.dryRun)
      await write(store, staging, options.batchSize ?? BATCH_SIZE, progress, signal);
    return summary;
  } finally {
    staging.close();
  }
}

/** A short human summary of an import (a dry run's says "would"). */
export function describeImport(summary: ImportSummary): string {
  const made = summary.dryRun ? 'would be created' : 'created';
  const lines = [
    summary.dryRun ? 'Dry run: nothing was written.' : 'Import done.',
    `Threads: ${summary.threads.created} ${made}, ${summary.threads.existing} already there.`,
    `Messages: ${summary.messages.created} ${made}, ${summary.messages.existing} already there.`,
    `Reports: ${summary.reports.created} ${made}.`,
  ];
  const skipped = Object.entries(summary.skipped);
  if (skipped.length > 0) {
    lines.push(`Left out: ${skipped.map(([why, count]) => `${count} ${why}`).join(', ')}.`);
  }
  return lines.join('\n');
}

/** The writing phase: new messages in batches, empty new threads, then the live events. */
async function write(
  store: Store,
  staging: Staging,
  batchSize: number,
  progress: Progress,
  signal: AbortSignal | undefined,
): Promise<void> {
  const now = new Date().toISOString();
  const total = staging.newMessageCount();
  let done = 0;
  progress.update('writing', done, total);
  for (let afterOrd = 0; ; ) {
    const batch = staging.nextMessages(afterOrd, batchSize);
    if (batch.length === 0) break;
    if (signal?.aborted) throw new ImportInterrupted(done, total);
    // Markdown and hashing before the write lock is taken.
    const rows = batch.map(newRow);
    const written = await store
      .write((trx) => writeBatch(trx, staging, batch, rows, now))
      .catch((error: unknown) => {
        throw sameMessagesMeanwhile(error) ? new ImportError(CONCURRENT_IMPORT) : error;
      });
    staging.written(written.threads, written.messages);
    afterOrd = batch.at(-1)!.ord;
    done += batch.length;
    progress.update('writing', done, total);
    // A turn of the event loop between batches: on SQLite every step above is
    // synchronous underneath its promises, and without one a signal (Ctrl-C)
    // would not be delivered until the whole import had been written.
    await setImmediate();
  }
  const empty = staging.threadsWithoutTarget();
  for (let i = 0; i < empty.length; i += batchSize) {
    const keys = empty.slice(i, i + batchSize);
    const threads = await store.write(async (trx) => {
      const created = new Map<string, { id: number; existed: boolean }>();
      for (const key of keys)
        created.set(key, await createThread(trx, staging.threadToCreate(key)));
      return created;
    });
    staging.written(threads, new Map());
  }
  // Each batch kept the counts in step; now every touched thread is rebuilt
  // from its rows once, and each that existed gets one `thread.updated`, so
  // open readers' counts follow.
  const touched = staging.touchedThreads();
  for (let i = 0; i < touched.length; i += batchSize) {
    const threads = touched.slice(i, i + batchSize);
    await store.write(async (trx) => {
      await rebuildThreads(
        trx,
        threads.map((t) => t.id),
        now,
      );
      for (const t of threads) {
        if (t.existed) await updateThread(trx, t.id, { updated_at: now });
      }
    });
  }
  progress.done();
}

/** Why a batch failed when another import wrote the same messages at the same time. */
const CONCURRENT_IMPORT =
  'another import wrote some of these messages while this one ran (nothing of this batch was written); run this command again: it finds what the other wrote and adds the rest';

/**
 * Whether a write failed on the unique index of source ids: another import
 * of the same file ran at the same time and wrote a message between this
 * one's check and its write. (SQLite names the column, PostgreSQL the index.)
 */
function sameMessagesMeanwhile(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /messages\.source_id|messages_source_idx/.test(message);
}

/** A new message's row, less its thread and parent (known only when written). */
type PreparedRow = Omit<NewMessage, 'thread_id' | 'parent_id'>;

/**
 * What a staged message is stored as: today's rendering of its markdown, the
 * fingerprint posting computes, no client hash, and the hash of an edit token
 * nobody holds (no one may edit or delete an imported message as its
 * author). A deleted placeholder keeps only its place, as one made here does.
 */
function newRow(m: StagedMessage): PreparedRow {
  const common = {
    kind: m.kind,
    ...storedStatus(m.status, m.hiddenReason),
    ip_hash: null,
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    source_id: m.storedSourceId,
    // What readers saw elsewhere is not news here: only a message still held
    // (pending, or kept as spam) is announced when a moderator lets it through.
    first_published_at: m.status === 'pending' || m.status === 'spam' ? null : m.createdAt,
  };
  if (m.status === 'deleted') {
    return {
      ...common,
      author_name: '',
      author_role: null,
      body: '',
      body_fingerprint: null,
      html: '',
      highlighted: 0,
      edit_token_hash: '',
      edited_at: null,
      report_count: 0,
    };
  }
  return {
    ...common,
    author_name: m.authorName,
    author_role: m.authorRole,
    body: m.body,
    body_fingerprint: bodyFingerprint(m.body),
    html: renderComment(m.body).html,
    highlighted: m.highlighted ? 1 : 0,
    edit_token_hash: hashToken(randomBytes(24).toString('base64url')),
    edited_at: m.editedAt,
    report_count: m.openReports,
  };
}

/** How a status from the file is stored: 'spam' is hidden with the reason `spam`. */
function storedStatus(
  status: ImportMessage['status'],
  hiddenReason: ImportMessage['hiddenReason'],
): Pick<MessageTable, 'status' | 'hidden_reason'> {
  if (status === 'spam') return { status: 'hidden', hidden_reason: 'spam' };
  return { status, hidden_reason: status === 'hidden' ? hiddenReason : null };
}

/**
 * Writes one batch in one transaction: the threads its messages create, the
 * messages, their reports, and the touched threads' rebuilt counts. Returns
 * the threads it created (by key) and the new message ids (by staging seq).
 */
async function writeBatch(
  trx: Kysely<Database>,
  staging: Staging,
  batch: readonly StagedMessage[],
  rows: readonly PreparedRow[],
  now: string,
): Promise<{
  threads: Map<string, { id: number; existed: boolean }>;
  messages: Map<number, number>;
}> {
  const threads = new Map<string, { id: number; existed: boolean }>();
  const idsBySource = new Map<string, number>();
  const idsBySeq = new Map<number, number>();
  const changes = new Map<number, ThreadChange>();
  /** Threads that had messages here before this message: an opening post must be the first. */
  const populated = new Set<number>();
  /** A run of consecutive rows none of which answers another: one multi-row insert. */
  let run: { m: StagedMessage; values: NewMessage }[] = [];
  const flush = async () => {
    if (run.length === 0) return;
    const inserted = await trx
      .insertInto('messages')
      .values(run.map((r) => r.values))
      .returning(['id', 'source_id'])
      .execute();
    // Matched by source id, not by position: nothing promises RETURNING's order.
    const ids = new Map(inserted.map((r) => [r.source_id!, r.id]));
    for (const { m } of run) {
      const id = ids.get(m.storedSourceId)!;
      idsBySource.set(m.sourceId, id);
      idsBySeq.set(m.seq, id);
    }
    run = [];
  };
  for (const [i, m] of batch.entries()) {
    let thread =
      m.threadId === null ? threads.get(m.threadKey) : { id: m.threadId, existed: m.threadExisted };
    if (thread === undefined) {
      for (const key of staging.threadsToCreateThrough(m.threadKey)) {
        if (!threads.has(key))
          threads.set(key, await createThread(trx, staging.threadToCreate(key)));
      }
      thread = threads.get(m.threadKey)!;
    }
    // A reply to a message of this run needs that message's id: a new run.
    if (m.parentSourceId !== null && m.parentId === null && !idsBySource.has(m.parentSourceId)) {
      await flush();
    }
    const parentId =
      m.parentSourceId === null ? null : (m.parentId ?? idsBySource.get(m.parentSourceId));
    if (parentId === undefined) throw new Error(`the parent of ${m.sourceId} was not written`);
    const row = rows[i]!;
    // An opening post is its thread's first message (readers' pages find it
    // as the first one listed): one arriving in a thread that already has
    // messages here is a reply, as posting would have made it.
    let kind = row.kind;
    if (kind === 'opening' && (populated.has(thread.id) || (await hasMessages(trx, thread.id)))) {
      kind = 'reply';
    }
    populated.add(thread.id);
    run.push({ m, values: { ...row, kind, thread_id: thread.id, parent_id: parentId } });
    if (run.length >= ROWS_PER_INSERT) await flush();
    const change = changes.get(thread.id) ?? {
      ...thread,
      messages: 0,
      highlights: 0,
      newest: null,
    };
    if (row.status === 'published') {
      change.messages++;
      if (row.highlighted === 1) change.highlights++;
      if (change.newest === null || row.created_at > change.newest) change.newest = row.created_at;
    }
    changes.set(thread.id, change);
  }
  await flush();
  const reported = batch.filter((m) => m.status !== 'deleted').map((m) => m.sourceId);
  const reports = staging.reportsOf(reported).map((r) => ({
    message_id: idsBySource.get(r.messageSourceId)!,
    // Not client hashes: each imported report is its own reader and network,
    // so the report threshold counts each once, and none matches a reader here.
    reporter_hash: `import:${randomBytes(12).toString('base64url')}`,
    network_hash: `import:${randomBytes(12).toString('base64url')}`,
    reason: r.reason,
    created_at: r.createdAt,
    decided_at: r.decidedAt,
  }));
  for (let i = 0; i < reports.length; i += BATCH_SIZE) {
    await trx
      .insertInto('reports')
      .values(reports.slice(i, i + BATCH_SIZE))
      .execute();
  }
  await applyChanges(trx, [...changes.values()], now);
  return { threads, messages: idsBySeq };
}

/** What one batch adds to a thread's counts: its published messages, and the newest of them. */
interface ThreadChange {
  id: number;
  existed: boolean;
  messages: number;
  highlights: number;
  newest: string | null;
}

/**
 * Keeps the threads' counts in step with a batch's messages in the batch's
 * transaction, as `recordChange` does for a post (a running server never
 * shows counts that disagree with the rows); the final rebuild recounts.
 * One statement for every thread of the batch, joined to a VALUES list
 * (`column1`, `column2`, ...: both databases name its columns so).
 */
async function applyChanges(
  trx: Kysely<Database>,
  changes: readonly ThreadChange[],
  now: string,
): Promise<void> {
  if (changes.length === 0) return;
  // Bound values need a type on PostgreSQL to meet a timestamptz column.
  const time = sql.raw(
    trx.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text',
  );
  const rows = changes.map(
    (c) =>
      sql`(cast(${c.id} as integer), cast(${c.messages} as integer), cast(${c.highlights} as integer), cast(${c.newest} as ${time}), cast(${c.existed ? 1 : 0} as integer))`,
  );
  // v: (id, messages, highlights, newest published created_at, existed).
  await sql`update threads set
      message_count = threads.message_count + v.column2,
      highlight_count = threads.highlight_count + v.column3,
      last_activity_at = case when v.column4 is not null and threads.last_activity_at < v.column4
        then v.column4 else threads.last_activity_at end,
      public = case when v.column2 > 0 then 1 else threads.public end,
      updated_at = case when v.column5 = 1 then cast(${now} as ${time})
        when v.column4 is not null and threads.updated_at < v.column4 then v.column4
        else threads.updated_at end
    from (values ${sql.join(rows)}) as v
    where threads.id = v.column1`.execute(trx);
}

/**
 * Creates a thread of the file with its own fields and no events (event_seq
 * 0). When one with its key appeared since staging (a post on the running
 * server), that one is used, as posting's `findOrCreateThread` does, and
 * treated as a thread that existed.
 */
async function createThread(
  trx: Kysely<Database>,
  thread: StagedThread,
): Promise<{ id: number; existed: boolean }> {
  const inserted = await trx
    .insertInto('threads')
    .values({
      key: thread.key,
      title: thread.title,
      summary: thread.summary,
      summary_source: thread.summarySource,
      url: thread.url,
      status: thread.status,
      public: thread.public ? 1 : 0,
      created_at: thread.createdAt,
      updated_at: thread.updatedAt,
      last_activity_at: thread.lastActivityAt,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, existed: false };
  const raced = await trx
    .selectFrom('threads')
    .select('id')
    .where('key', '=', thread.key)
    .executeTakeFirstOrThrow();
  return { id: raced.id, existed: true };
}

async function hasMessages(trx: Kysely<Database>, threadId: number): Promise<boolean> {
  const row = await trx
    .selectFrom('messages')
    .select('id')
    .where('thread_id', '=', threadId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** A subquery over the thread's published messages (`threads` is the row being updated). */
const published = (what: ReturnType<typeof sql>, extra = sql``) =>
  sql`(select ${what} from messages m where m.thread_id = threads.id and m.status = 'published' ${extra})`;

/**
 * Rebuilds the threads' counts from their rows, as `message-state.ts` keeps
 * them: `message_count` the published messages, `highlight_count` those
 * also highlighted; last activity moved forward to the newest published
 * message; public once any message is published (never back). The
 * automatic summary is stale, as after any post (`recordChange`): the
 * summary worker computes it from what was imported; a manual one stays.
 */
async function rebuildThreads(
  trx: Kysely<Database>,
  ids: readonly number[],
  now: string,
): Promise<void> {
  if (ids.length === 0) return;
  const newest = published(sql`max(m.created_at)`);
  await trx
    .updateTable('threads')
    .set({
      message_count: sql`${published(sql`count(*)`)}`,
      highlight_count: sql`${published(sql`count(*)`, sql`and m.highlighted = 1`)}`,
      last_activity_at: sql`case when ${newest} > last_activity_at then ${newest} else last_activity_at end`,
      public: sql`case when public = 1 or exists ${published(sql`1`)} then 1 else 0 end`,
      summary_due_at: (eb) =>
        eb
          .case()
          .when('summary_source', '=', 'manual')
          .then(null)
          .else(eb.fn.coalesce('summary_due_at', eb.val(now)))
          .end(),
    })
    .where('id', 'in', ids)
    .execute();
}
