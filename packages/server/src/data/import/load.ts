/**
 * The loader: what every importer (a Parley export, Disqus, WordPress) ends
 * in. It reads a file through its reader into staging (`staging.ts`), checks
 * it whole against the database, and only then writes what is new, in
 * batches: a bad file writes nothing, and a server running on the same
 * database keeps answering between batches.
 *
 * What it writes is what posting would have written: threads matched by key
 * (an existing one keeps its fields), messages matched by source id (an
 * existing one is left untouched, its reports too), new messages in creation
 * order with their parents remapped to the new ids, html rendered from the
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
import { type Kysely, sql } from 'kysely';
import type { Database, MessageTable, NewMessage } from '../../db/schema.ts';
import type { Store } from '../../db/store.ts';
import { renderComment } from '../../markdown/render.ts';
import { bodyFingerprint, hashToken } from '../../messages/post-message.ts';
import { updateThread } from '../../threads/threads.repository.ts';
import { readSiteId } from '../export.repository.ts';
import {
  type ImportMessage,
  type ImportReader,
  type ImportSummary,
  type Progress,
  silentProgress,
} from './records.ts';
import { type StagedMessage, type StagedThread, Staging } from './staging.ts';

/** Messages written per transaction (default of {@link ImportOptions.batchSize}). */
const BATCH_SIZE = 500;

/** How {@link importInto} runs. */
export interface ImportOptions {
  /** Read, check and match, but write nothing (default false). */
  dryRun?: boolean;
  /** Told how far the phases "reading" and "writing" are (default: silent). */
  progress?: Progress;
  /** Messages per write transaction (default 500). */
  batchSize?: number;
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
  const staging = new Staging((records) => progress.update('reading', records));
  try {
    await read(staging.sink);
    progress.update('reading', staging.recordsRead);
    await staging.resolve(store.db, await readSiteId(store.db));
    progress.done();
    const summary: ImportSummary = { dryRun: options.dryRun === true, ...staging.counts() };
    if (!summary.dryRun) await write(store, staging, options.batchSize ?? BATCH_SIZE, progress);
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
): Promise<void> {
  const now = new Date().toISOString();
  const total = staging.newMessageCount();
  let done = 0;
  progress.update('writing', done, total);
  for (let afterOrd = 0; ; ) {
    const batch = staging.nextMessages(afterOrd, batchSize);
    if (batch.length === 0) break;
    // Markdown and hashing before the write lock is taken.
    const rows = batch.map(newRow);
    const written = await store.write((trx) => writeBatch(trx, staging, batch, rows, now));
    staging.written(written.threads, written.messages);
    afterOrd = batch.at(-1)!.ord;
    done += batch.length;
    progress.update('writing', done, total);
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
  // One `thread.updated` per thread that existed: open readers' counts follow.
  const touched = staging.touchedExistingThreads();
  for (let i = 0; i < touched.length; i += batchSize) {
    const ids = touched.slice(i, i + batchSize);
    await store.write(async (trx) => {
      for (const id of ids) await updateThread(trx, id, { updated_at: now });
    });
  }
  progress.done();
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
    source_id: m.sourceId,
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
  const touched = new Set<number>();
  for (const [i, m] of batch.entries()) {
    let threadId = m.threadId ?? threads.get(m.threadKey)?.id;
    if (threadId === undefined) {
      const created = await createThread(trx, staging.threadToCreate(m.threadKey));
      threads.set(m.threadKey, created);
      threadId = created.id;
    }
    const parentId =
      m.parentSourceId === null ? null : (m.parentId ?? idsBySource.get(m.parentSourceId));
    if (parentId === undefined) throw new Error(`the parent of ${m.sourceId} was not written`);
    const row = rows[i]!;
    // An opening post is its thread's first message (readers' pages find it
    // as the first one listed): one arriving in a thread that already has
    // messages here is a reply, as posting would have made it.
    const kind = row.kind === 'opening' && (await hasMessages(trx, threadId)) ? 'reply' : row.kind;
    const inserted = await trx
      .insertInto('messages')
      .values({ ...row, kind, thread_id: threadId, parent_id: parentId })
      .returning('id')
      .executeTakeFirstOrThrow();
    idsBySource.set(m.sourceId, inserted.id);
    idsBySeq.set(m.seq, inserted.id);
    touched.add(threadId);
  }
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
  const existed = [...touched].filter((id) => ![...threads.values()].some((t) => t.id === id));
  await rebuildThreads(trx, [...touched], existed, now);
  return { threads, messages: idsBySeq };
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
 * message; public once any message is published (never back). A thread that
 * existed changed now; a new one last changed when its file says, or with
 * its last activity.
 */
async function rebuildThreads(
  trx: Kysely<Database>,
  ids: readonly number[],
  existed: readonly number[],
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
    })
    .where('id', 'in', ids)
    .execute();
  const created = ids.filter((id) => !existed.includes(id));
  if (created.length > 0) {
    // A separate statement: within one, SET reads the row as it was.
    await trx
      .updateTable('threads')
      .set({
        updated_at: sql`case when updated_at < last_activity_at then last_activity_at else updated_at end`,
      })
      .where('id', 'in', created)
      .execute();
  }
  if (existed.length > 0) {
    await trx.updateTable('threads').set({ updated_at: now }).where('id', 'in', existed).execute();
  }
}
