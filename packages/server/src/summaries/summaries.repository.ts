/**
 * The automatic summary's storage: which threads are due, the claim that
 * keeps two instances from computing one thread at once, what the
 * summarizer may read, and the compare-and-set that stores the result.
 * Everything lives on the thread row (`summary_due_at`, `summary_at`,
 * `summary_claimed_until`; see the `2026-12-11-summaries` migration), so
 * every instance on one PostgreSQL agrees.
 */
import type { Kysely } from 'kysely';
import type { Database, MessageRow, StoredTime } from '../db/schema.ts';
import type { Dialect } from '../db/store.ts';
import { updateThread } from '../threads/threads.repository.ts';
import type { SummaryMessage } from './summarizer.ts';

/** When a claim may be made: what "due" means at `now`. */
export interface DueWindow {
  now: StoredTime;
  /**
   * The last computation must have begun at or before this (now less the
   * least interval between two computations of one thread).
   */
  startedBefore: StoredTime;
}

/**
 * Threads whose automatic summary may be computed now: public, not manual,
 * stale (`summary_due_at` has come), no computation began within the least
 * interval, and no instance holds them (or its lease ran out).
 */
function dueThreads(db: Kysely<Database>, window: DueWindow) {
  return db
    .selectFrom('threads')
    .where('summary_due_at', 'is not', null)
    .where('summary_due_at', '<=', window.now)
    .where('public', '=', 1)
    .where((eb) => eb.or([eb('summary_source', 'is', null), eb('summary_source', '<>', 'manual')]))
    .where((eb) =>
      eb.or([eb('summary_at', 'is', null), eb('summary_at', '<=', window.startedBefore)]),
    )
    .where((eb) =>
      eb.or([
        eb('summary_claimed_until', 'is', null),
        eb('summary_claimed_until', '<=', window.now),
      ]),
    );
}

/**
 * Whether a thread is due (a plain read on `threads_summary_due_idx`), so an
 * idle worker looks every second without taking the write lock.
 */
export async function anySummaryDue(db: Kysely<Database>, window: DueWindow): Promise<boolean> {
  const row = await dueThreads(db, window).select('id').limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * A thread one instance is computing the summary of: what it read at the
 * claim, and the claim itself (`lockedUntil`), which the result is stored
 * against.
 */
export interface SummaryClaim {
  threadId: number;
  key: string;
  title: string | null;
  /** The thread's event counter at the claim: any change readers can see moves it. */
  eventSeq: number;
  /** The lease, as written: the claim's token (a later claim writes a later one). */
  lockedUntil: StoredTime;
}

/**
 * Claims up to `limit` due threads, the longest due first: leases them until
 * `lockedUntil` and notes `now` as when their computation began. Run it in a
 * short write transaction: on PostgreSQL `FOR UPDATE SKIP LOCKED` makes
 * instances that claim at once take different threads (and never wait on a
 * thread a post is writing); on SQLite the write transaction lets one claim
 * in at a time.
 */
export async function claimDueSummaries(
  trx: Kysely<Database>,
  options: DueWindow & { dialect: Dialect; lockedUntil: StoredTime; limit: number },
): Promise<SummaryClaim[]> {
  let query = dueThreads(trx, options)
    .select('id')
    .orderBy('summary_due_at')
    .orderBy('id')
    .limit(options.limit);
  if (options.dialect === 'postgres') query = query.forUpdate().skipLocked();
  const ids = (await query.execute()).map((row) => row.id);
  if (ids.length === 0) return [];
  const rows = await trx
    .updateTable('threads')
    .set({ summary_claimed_until: options.lockedUntil, summary_at: options.now })
    .where('id', 'in', ids)
    .returning(['id', 'key', 'title', 'event_seq'])
    .execute();
  return rows
    .sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id))
    .map((row) => ({
      threadId: row.id,
      key: row.key,
      title: row.title,
      eventSeq: Number(row.event_seq),
      lockedUntil: options.lockedUntil,
    }));
}

/**
 * The columns read: what readers see of a message, nothing private, and
 * when it last changed (kept by the worker, never given to the summarizer).
 */
const SUMMARY_COLUMNS = ['id', 'kind', 'author_name', 'html', 'created_at', 'updated_at'] as const;
type SummaryMessageRow = Pick<MessageRow, (typeof SUMMARY_COLUMNS)[number]>;

/** A message a summary was computed from, as it was then (`messages.updated_at` moves with every change). */
export interface SummarySourceMessage {
  id: number;
  updatedAt: StoredTime;
}

/** What {@link publishedForSummary} read: the summarizer's input, and what to check the result against. */
export interface SummarySource {
  messages: SummaryMessage[];
  read: SummarySourceMessage[];
}

function toSummaryMessage(row: SummaryMessageRow): SummaryMessage {
  return {
    id: row.id,
    kind: row.kind,
    author: row.author_name,
    html: row.html,
    createdAt: row.created_at,
  };
}

/**
 * What the summarizer reads of a thread: its published messages only (never
 * a pending, hidden, spam or deleted one, nor a deleted placeholder), oldest
 * first. A very long thread is cut to at most `max` of them: the opening
 * post, then the earliest replies and the latest ones, half each, so the
 * summary sees how the discussion began and where it stands.
 */
export async function publishedForSummary(
  db: Kysely<Database>,
  threadId: number,
  max: number,
): Promise<SummarySource> {
  const published = db
    .selectFrom('messages')
    .select(SUMMARY_COLUMNS)
    .where('thread_id', '=', threadId)
    .where('status', '=', 'published');
  const opening = await published
    .where('kind', '=', 'opening')
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .execute();
  const room = Math.max(0, max - opening.length);
  const replies = published.where('kind', '=', 'reply');
  const first = await replies
    .orderBy('created_at')
    .orderBy('id')
    .limit(Math.ceil(room / 2))
    .execute();
  const last =
    first.length < Math.ceil(room / 2)
      ? []
      : await replies
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(Math.floor(room / 2))
          .execute();
  const seen = new Set(first.map((row) => row.id));
  const merged = [...first, ...last.filter((row) => !seen.has(row.id)).reverse()];
  const rows = [...opening, ...merged];
  return {
    messages: rows.map(toSummaryMessage),
    read: rows.map((row) => ({ id: row.id, updatedAt: row.updated_at })),
  };
}

/** What {@link storeSummary} did. */
export type StoreOutcome =
  /** Stored, and the text readers see changed: one `thread.updated` was recorded. */
  | 'changed'
  /** Stored; the text was already that: no event. */
  | 'unchanged'
  /**
   * Not stored: a message it was computed from changed since (hidden, held,
   * deleted, edited), or the thread stopped being public; the thread stays due.
   */
  | 'stale'
  /** Not stored: a moderator's summary is there now, which always wins. */
  | 'manual'
  /** Not stored: the claim is no longer this instance's (its lease ran out and another took it), or the thread is gone. */
  | 'lost';

/**
 * Stores a computed summary (`summary` null: there is nothing to say, and the
 * thread shows none) against its claim, in one write transaction: only while
 * the claim is still this one, the thread is public, its summary is not
 * manual and every message the summary was computed from (`read`) is still
 * published as it was then, so it never quotes what readers can no longer
 * read. Posts that came meanwhile do not throw the result away (on a busy
 * thread every computation would be): it is stored, and the thread stays
 * due for them (any move of the event counter since the claim). `retryAt`:
 * the summary is a stand-in (the endpoint failed), ask again then. When the text
 * changed, through {@link updateThread}: one `thread.updated` event, which
 * moves the event counter (readers' ETags and caches follow) and reaches the
 * live streams on every instance. Under a moderator's summary set meanwhile
 * nothing is written but the claim's release.
 */
export async function storeSummary(
  trx: Kysely<Database>,
  dialect: Dialect,
  claim: SummaryClaim,
  result: {
    summary: string | null;
    now: StoredTime;
    read: readonly SummarySourceMessage[];
    retryAt?: StoredTime;
  },
): Promise<StoreOutcome> {
  let query = trx
    .selectFrom('threads')
    .select(['summary', 'summary_source', 'summary_due_at', 'event_seq', 'public'])
    .where('id', '=', claim.threadId)
    .where('summary_claimed_until', '=', claim.lockedUntil);
  // Waits for a post writing this thread right now, then sees its change.
  if (dialect === 'postgres') query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return 'lost';
  const release = () =>
    trx
      .updateTable('threads')
      .set({ summary_claimed_until: null })
      .where('id', '=', claim.threadId)
      .execute();
  if (row.summary_source === 'manual') {
    await release();
    return 'manual';
  }
  if (Number(row.public) !== 1 || !(await unchanged(trx, claim.threadId, result.read))) {
    await release();
    return 'stale';
  }
  const summary = result.summary;
  const source = summary === null ? null : 'automatic';
  // A stand-in is due again when the endpoint should be asked again (posts
  // meanwhile wait for that too: the endpoint is not asked sooner). Else,
  // changed since the claim (posts, a new title): due again, not before it
  // was due anyway; else up to date.
  const moved = Number(row.event_seq) !== claim.eventSeq;
  const set = {
    summary,
    summary_source: source,
    summary_due_at: result.retryAt ?? (moved ? (row.summary_due_at ?? result.now) : null),
    summary_claimed_until: null,
  } as const;
  if (row.summary === summary && row.summary_source === source) {
    await trx.updateTable('threads').set(set).where('id', '=', claim.threadId).execute();
    return 'unchanged';
  }
  await updateThread(trx, claim.threadId, { ...set, updated_at: result.now });
  return 'changed';
}

/** Most ids one query checks (SQLite's bound parameters are limited; see `publishedForSummary`'s `max`). */
const CHECK_CHUNK = 500;

/** Whether every message in `read` is still published, and unchanged since it was read. */
async function unchanged(
  trx: Kysely<Database>,
  threadId: number,
  read: readonly SummarySourceMessage[],
): Promise<boolean> {
  for (let start = 0; start < read.length; start += CHECK_CHUNK) {
    const chunk = read.slice(start, start + CHECK_CHUNK);
    const rows = await trx
      .selectFrom('messages')
      .select(['id', 'updated_at'])
      .where('thread_id', '=', threadId)
      .where('status', '=', 'published')
      .where(
        'id',
        'in',
        chunk.map((message) => message.id),
      )
      .execute();
    const now = new Map(rows.map((row) => [row.id, row.updated_at]));
    if (chunk.some((message) => now.get(message.id) !== message.updatedAt)) return false;
  }
  return true;
}

/**
 * A computation that failed (the summarizer threw or timed out): the thread
 * is due again at `retryAt`, not before (never under a manual summary), and
 * the claim is released. Nothing is written when the claim is no longer this one.
 */
export async function backOffSummary(
  db: Kysely<Database>,
  claim: SummaryClaim,
  retryAt: StoredTime,
): Promise<void> {
  await db
    .updateTable('threads')
    .set({ summary_due_at: retryAt, summary_claimed_until: null })
    .where('id', '=', claim.threadId)
    .where('summary_claimed_until', '=', claim.lockedUntil)
    .where((eb) => eb.or([eb('summary_source', 'is', null), eb('summary_source', '<>', 'manual')]))
    .execute();
  // A moderator's summary came meanwhile: only the claim goes.
  await db
    .updateTable('threads')
    .set({ summary_claimed_until: null })
    .where('id', '=', claim.threadId)
    .where('summary_claimed_until', '=', claim.lockedUntil)
    .execute();
}
