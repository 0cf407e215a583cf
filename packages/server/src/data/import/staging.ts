/**
 * Staging: where an import's records wait between reading and writing.
 *
 * A reader's records go first into a throwaway SQLite database (an anonymous
 * temporary file, deleted when it is closed), never into memory and never
 * into the target database. So memory stays bounded whatever the file's
 * size; sorting, duplicate detection and parent resolution are SQL over
 * indexed tables; and the whole file is read and checked before anything is
 * written: a file that turns out bad half way writes nothing.
 *
 * The life of a staging: the reader fills it through {@link Staging.sink};
 * {@link Staging.resolve} matches it against the target (threads by key,
 * messages by source id, this site's own `parley:<site>:<id>` included when
 * it is the same message: same thread, same time; one stored in another
 * thread than the file's is skipped and counted; an own id not found here
 * is stored as `parley:<site>:<id>@<createdAt>`, never as it is),
 * checks that every thread, parent and reported message is in the file or in
 * the database, and fixes the order new messages are written in; the loader
 * (`load.ts`) then reads it back in batches.
 */
import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { isStoredTime, MAX_ID } from '../../http/fields.ts';
import { localSourcePrefix } from '../../wire-mapping.ts';
import {
  ImportError,
  type ImportMessage,
  type ImportOrder,
  type ImportReport,
  type ImportSink,
  type ImportThread,
} from './records.ts';

/** Records staged per transaction of the temporary file. */
const RECORDS_PER_COMMIT = 5000;

/** How many rows one lookup in the target database asks about. */
const LOOKUP_CHUNK = 500;

/** Why a record is counted as skipped when its source id (or key) was already seen in the file. */
const DUPLICATE_MESSAGE = 'duplicate message';
const DUPLICATE_THREAD = 'duplicate thread';
const DELETED_REPORT = 'report of a deleted message';
/** Why a message is skipped that was removed here since (deleted without replies). */
const REMOVED_HERE = 'removed here since';
/** Why a message is skipped whose source id the target holds in another thread than the file's. */
const OTHER_THREAD = 'already imported into another thread';

/** Records read between two progress reports and two looks at the abort signal. */
const RECORDS_PER_CHECK = 1000;

const SCHEMA = `
  create table threads (
    key text primary key,
    -- 1 when the file holds the thread; 0 for a thread only its messages name (it must exist).
    in_file integer not null,
    title text, summary text, summary_source text, url text, status text,
    created_at text, updated_at text, last_activity_at text, public integer,
    -- The thread in the target: found there, or created by this import.
    target_id integer,
    existed integer not null default 0
  );
  create table messages (
    seq integer primary key,
    source_id text not null unique,
    thread_key text not null,
    parent_source_id text,
    kind text not null, status text not null, hidden_reason text,
    author_name text not null, author_role text,
    body text not null, highlighted integer not null,
    created_at text not null, edited_at text, updated_at text,
    -- The source id a new message is stored with: the file's, but for this site's own.
    store_id text,
    -- The same message already in the target, and its thread's key there.
    existing_id integer, existing_thread_key text,
    -- The id this import gave it; its place in the order new messages are written in.
    new_id integer, ord integer
  );
  create index messages_parent on messages (parent_source_id);
  create index messages_ord on messages (ord);
  create index messages_thread on messages (thread_key);
  -- Parents named by the file that are not in it: found in the target.
  create table outside (source_id text primary key, target_id integer not null, thread_key text not null);
  create table reports (
    seq integer primary key,
    message_source_id text not null,
    reason text, created_at text not null, decided_at text
  );
  create index reports_message on reports (message_source_id);
  create table skipped (why text primary key, count integer not null);
`;

/** A message as staged, ready for the loader: what to write and where it goes. */
export interface StagedMessage {
  seq: number;
  /** Its source id in the file, which its replies and reports name. */
  sourceId: string;
  /**
   * The source id it is stored with: the file's, except this site's own
   * `parley:<site>:<n>`, stored as `parley:<site>:<n>@<createdAt>` (see
   * {@link ownIdentity}).
   */
  storedSourceId: string;
  threadKey: string;
  /** The thread's id in the target, when it exists (else the loader creates it). */
  threadId: number | null;
  /** Whether the thread was there before this import (else this import creates it). */
  threadExisted: boolean;
  /** The parent's id in the target when it is known before this batch (existing, or written earlier). */
  parentId: number | null;
  parentSourceId: string | null;
  kind: ImportMessage['kind'];
  status: ImportMessage['status'];
  hiddenReason: ImportMessage['hiddenReason'];
  authorName: string;
  authorRole: 'owner' | null;
  body: string;
  highlighted: boolean;
  createdAt: string;
  editedAt: string | null;
  updatedAt: string;
  /** Its reports not yet decided by a moderator. */
  openReports: number;
}

/** A thread the loader creates, as the file gives it. */
export interface StagedThread {
  key: string;
  title: string | null;
  summary: string | null;
  /** Null exactly when `summary` is. */
  summarySource: 'manual' | 'automatic' | null;
  url: string | null;
  status: 'open' | 'closed';
  public: boolean;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
}

/** What staging found: the numbers a summary reports. */
export interface StagedCounts {
  threads: { created: number; existing: number };
  messages: { created: number; existing: number };
  reports: { created: number };
  skipped: Record<string, number>;
}

/**
 * A time every reader hands over as stored (`StoredTime`, checked by the
 * server's one {@link isStoredTime}): ISO 8601 in UTC with milliseconds, year
 * 0001 to 9999, which both databases take alike and SQLite orders as text.
 * `what` names the field in the error.
 */
function storedTime(value: string, what: string): string {
  if (!isStoredTime(value)) {
    throw new ImportError(
      `${what}: ${JSON.stringify(value)} is not a time in ISO 8601 UTC with milliseconds, year 0001 to 9999`,
    );
  }
  // A comment from the future would head "most active" lists for ever and
  // never let auto-close reach its thread; a day allows for clocks.
  if (Date.parse(value) > Date.now() + FUTURE_SLACK_MS) {
    throw new ImportError(`${what}: ${JSON.stringify(value)} is in the future`);
  }
  return value;
}

/** How far past this server's clock an imported time may be. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

function optionalTime(value: string | null | undefined, what: string): string | null {
  return value == null ? null : storedTime(value, what);
}

/** Placeholders `?, ?, ...` for `n` values. */
const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** Staged records of one import; see the module comment. Close it when done. */
export class Staging {
  readonly #db: SQLite.Database;
  readonly #insertThread: SQLite.Statement;
  readonly #insertMessage: SQLite.Statement;
  readonly #insertReport: SQLite.Statement;
  readonly #skip: SQLite.Statement;
  #read = 0;

  /**
   * Opens an empty staging; `onRead(records)` is told how many records have
   * been read. Once `signal` is aborted the sink throws its reason at the
   * next check (every thousand records), so a long read stops promptly.
   */
  constructor(
    private readonly onRead: (records: number) => void = () => {},
    private readonly signal?: AbortSignal,
  ) {
    // An empty name: SQLite's anonymous temporary file, gone when closed.
    this.#db = new SQLite('');
    // Throwaway data: no journal, no fsync.
    this.#db.pragma('journal_mode = OFF');
    this.#db.pragma('synchronous = OFF');
    this.#db.exec(SCHEMA);
    this.#insertThread = this.#db.prepare(
      `insert into threads (key, in_file, title, summary, summary_source, url, status, created_at,
         updated_at, last_activity_at, public) values (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (key) do nothing`,
    );
    this.#insertMessage = this.#db.prepare(
      `insert into messages (source_id, thread_key, parent_source_id, kind, status, hidden_reason,
         author_name, author_role, body, highlighted, created_at, edited_at, updated_at)
       values (${marks(13)}) on conflict (source_id) do nothing`,
    );
    this.#insertReport = this.#db.prepare(
      'insert into reports (message_source_id, reason, created_at, decided_at) values (?, ?, ?, ?)',
    );
    this.#skip = this.#db.prepare(
      'insert into skipped (why, count) values (?, ?) on conflict (why) do update set count = count + excluded.count',
    );
    this.#db.exec('begin');
  }

  /** Where a reader hands its records. */
  readonly sink: ImportSink = {
    thread: (thread: ImportThread) => {
      const what = `thread ${JSON.stringify(thread.key)}`;
      const created = this.#insertThread.run(
        thread.key,
        thread.title,
        thread.summary,
        thread.summary === null ? null : (thread.summarySource ?? 'manual'),
        thread.url,
        thread.status,
        optionalTime(thread.createdAt, `${what}: createdAt`),
        optionalTime(thread.updatedAt, `${what}: updatedAt`),
        optionalTime(thread.lastActivityAt, `${what}: lastActivityAt`),
        thread.public === undefined ? null : thread.public ? 1 : 0,
      );
      if (created.changes === 0) this.#skip.run(DUPLICATE_THREAD, 1);
      this.#counted();
    },
    message: (m: ImportMessage) => {
      const what = `message ${m.sourceId}`;
      const created = this.#insertMessage.run(
        m.sourceId,
        m.threadKey,
        m.parentSourceId,
        m.kind,
        m.status,
        m.status === 'hidden' ? m.hiddenReason : null,
        m.author.name,
        m.author.role,
        m.body,
        m.highlighted ? 1 : 0,
        storedTime(m.createdAt, `${what}: createdAt`),
        optionalTime(m.editedAt, `${what}: editedAt`),
        optionalTime(m.updatedAt, `${what}: updatedAt`),
      );
      // The first one wins: the same source id is the same message.
      if (created.changes === 0) this.#skip.run(DUPLICATE_MESSAGE, 1);
      this.#counted();
    },
    report: (r: ImportReport) => {
      const what = `report of ${r.messageSourceId}`;
      this.#insertReport.run(
        r.messageSourceId,
        r.reason,
        storedTime(r.createdAt, `${what}: createdAt`),
        optionalTime(r.decidedAt, `${what}: decidedAt`),
      );
      this.#counted();
    },
    skip: (why: string, count = 1) => {
      this.#skip.run(why, count);
    },
  };

  /**
   * Counts a record; the inserts run in transactions of a few thousand (one
   * per insert would make the temporary file commit each row).
   */
  #counted(): void {
    this.#read++;
    if (this.#read % RECORDS_PER_COMMIT === 0) this.#commit();
    if (this.#read % RECORDS_PER_CHECK === 0) {
      this.onRead(this.#read);
      this.signal?.throwIfAborted();
    }
  }

  #commit(): void {
    if (this.#db.inTransaction) this.#db.exec('commit');
    this.#db.exec('begin');
  }

  /** How many records the reader has handed over. */
  get recordsRead(): number {
    return this.#read;
  }

  /**
   * Matches the staged records against the target and checks them, then
   * fixes the order new messages are written in. Throws an
   * {@link ImportError} naming the first problem: a message whose thread,
   * parent or (for a report) message is neither in the file nor in the
   * database, a parent in another thread, a cycle of parents. Reads the
   * target only.
   */
  async resolve(target: Kysely<Database>, siteId: string, order: ImportOrder): Promise<void> {
    if (this.#db.inTransaction) this.#db.exec('commit');
    this.#storeIds(siteId);
    await this.#matchThreads(target);
    await this.#matchMessages(target, siteId);
    await this.#dropRemoved(target);
    this.#checkStoreIds(siteId);
    await this.#matchOutsideParents(target, siteId);
    await this.#checkReports(target, siteId);
    this.#order(order);
  }

  /**
   * Fixes the source id each message would be stored with. This site's own
   * `parley:<site>:<n>` is never stored as it is: a message the import does
   * not find here would hold the id message `n` exports under (posted later,
   * or after a restore reused the id), and one export would carry it twice.
   * It is stored as `parley:<site>:<n>@<createdAt>` instead (see
   * {@link ownIdentity}); anything else under this site's prefix is refused.
   */
  #storeIds(siteId: string): void {
    const own = localSourcePrefix(siteId);
    const page = this.#db.prepare(
      `select seq, source_id, created_at from messages
       where seq > ? and substr(source_id, 1, ?) = ? order by seq limit ?`,
    );
    const set = this.#db.prepare('update messages set store_id = ? where seq = ?');
    for (let after = 0; ; ) {
      const rows = page.all(after, own.length, own, LOOKUP_CHUNK) as {
        seq: number;
        source_id: string;
        created_at: string;
      }[];
      if (rows.length === 0) break;
      this.#db.transaction(() => {
        for (const row of rows) {
          const id = ownIdentity(row.source_id, own);
          if (id === null || (id.at !== null && id.at !== row.created_at)) {
            throw new ImportError(
              `message ${row.source_id}: a source id of this site is ${own}<id> or ${own}<id>@<its createdAt> (${row.created_at})`,
            );
          }
          set.run(storedOwnId(own, id.n, row.created_at), row.seq);
        }
      })();
      after = rows.at(-1)!.seq;
    }
    this.#db.exec('update messages set store_id = source_id where store_id is null');
  }

  /**
   * Two new messages of the file stored with one source id: this site's
   * message number `n` at the same time twice (in two threads, since one
   * thread's would be one message), which the database cannot hold.
   */
  #checkStoreIds(siteId: string): void {
    const twice = this.#db
      .prepare(
        `select store_id, min(source_id) as one, max(source_id) as other from messages
         where existing_id is null group by store_id having count(*) > 1 limit 1`,
      )
      .get() as { store_id: string; one: string; other: string } | undefined;
    if (twice) {
      throw new ImportError(
        `messages ${twice.one} and ${twice.other} are both ${twice.store_id}: the same message of this site (${localSourcePrefix(siteId)}…) twice`,
      );
    }
  }

  /** Threads by key: in the file, or only named by messages (then they must exist). */
  async #matchThreads(target: Kysely<Database>): Promise<void> {
    this.#db.exec(
      `insert into threads (key, in_file) select distinct thread_key, 0 from messages
       where thread_key not in (select key from threads)`,
    );
    const setTarget = this.#db.prepare(
      'update threads set target_id = ?, existed = 1 where key = ?',
    );
    const page = this.#db.prepare('select key from threads where key > ? order by key limit ?');
    for (let after = ''; ; ) {
      const keys = page.pluck().all(after, LOOKUP_CHUNK) as string[];
      if (keys.length === 0) break;
      const found = await target
        .selectFrom('threads')
        .select(['id', 'key'])
        .where('key', 'in', keys)
        .execute();
      this.#db.transaction(() => {
        for (const row of found) setTarget.run(row.id, row.key);
      })();
      after = keys.at(-1)!;
    }
    const missing = this.#db
      .prepare(
        `select m.source_id, m.thread_key from messages m join threads t on t.key = m.thread_key
         where t.in_file = 0 and t.target_id is null order by m.seq limit 1`,
      )
      .get() as { source_id: string; thread_key: string } | undefined;
    if (missing) {
      throw new ImportError(
        `message ${missing.source_id}: its thread ${JSON.stringify(missing.thread_key)} is neither in the file nor in the database`,
      );
    }
  }

  /**
   * Messages the target already holds: by stored source id, or this site's
   * own id when that message is the file's (same thread, same time).
   */
  async #matchMessages(target: Kysely<Database>, siteId: string): Promise<void> {
    const setExisting = this.#db.prepare(
      'update messages set existing_id = ?, existing_thread_key = ? where source_id = ?',
    );
    const page = this.#db.prepare(
      `select seq, source_id, thread_key, created_at from messages
       where seq > ? order by seq limit ?`,
    );
    for (let after = 0; ; ) {
      const rows = page.all(after, LOOKUP_CHUNK) as {
        seq: number;
        source_id: string;
        thread_key: string;
        created_at: string;
      }[];
      if (rows.length === 0) break;
      const found = await findBySourceIds(
        target,
        rows.map((r) => ({
          sourceId: r.source_id,
          threadKey: r.thread_key,
          createdAt: r.created_at,
        })),
        siteId,
      );
      this.#db.transaction(() => {
        for (const [sourceId, row] of found) setExisting.run(row.id, row.threadKey, sourceId);
      })();
      after = rows.at(-1)!.seq;
    }
  }

  /**
   * Leaves out the new messages the target removed since (see
   * `removed_sources`): deleted there without replies, they must not come
   * back. A reply to one moves up to its parent, as a deleted message's
   * replies would have kept their place under a placeholder.
   */
  async #dropRemoved(target: Kysely<Database>): Promise<void> {
    const page = this.#db.prepare(
      `select seq, source_id, store_id from messages
       where existing_id is null and seq > ? order by seq limit ?`,
    );
    const removed: string[] = [];
    for (let after = 0; ; ) {
      const rows = page.all(after, LOOKUP_CHUNK) as {
        seq: number;
        source_id: string;
        store_id: string;
      }[];
      if (rows.length === 0) break;
      const gone = new Set(
        (
          await target
            .selectFrom('removed_sources')
            .select('source_id')
            .where(
              'source_id',
              'in',
              rows.map((r) => r.store_id),
            )
            .execute()
        ).map((r) => r.source_id),
      );
      for (const r of rows) if (gone.has(r.store_id)) removed.push(r.source_id);
      after = rows.at(-1)!.seq;
    }
    if (removed.length === 0) return;
    const reparent = this.#db.prepare(
      `update messages set parent_source_id =
         (select parent_source_id from messages where source_id = ?) where parent_source_id = ?`,
    );
    const dropReports = this.#db.prepare('delete from reports where message_source_id = ?');
    const drop = this.#db.prepare('delete from messages where source_id = ?');
    this.#db.transaction(() => {
      for (const sourceId of removed) {
        reparent.run(sourceId, sourceId);
        dropReports.run(sourceId);
        drop.run(sourceId);
      }
      this.#skip.run(REMOVED_HERE, removed.length);
    })();
  }

  /** Parents the file names but does not hold: they must be in the target, in the same thread. */
  async #matchOutsideParents(target: Kysely<Database>, siteId: string): Promise<void> {
    const insert = this.#db.prepare(
      'insert into outside (source_id, target_id, thread_key) values (?, ?, ?)',
    );
    const page = this.#db.prepare(
      `select distinct m.parent_source_id from messages m
       where m.parent_source_id > ?
         and not exists (select 1 from messages p where p.source_id = m.parent_source_id)
       order by m.parent_source_id limit ?`,
    );
    for (let after = ''; ; ) {
      const parents = page.pluck().all(after, LOOKUP_CHUNK) as string[];
      if (parents.length === 0) break;
      const found = await findBySourceIds(
        target,
        parents.map((sourceId) => ({ sourceId })),
        siteId,
      );
      this.#db.transaction(() => {
        for (const [sourceId, row] of found) insert.run(sourceId, row.id, row.threadKey);
      })();
      after = parents.at(-1)!;
    }
    const orphan = this.#db
      .prepare(
        `select m.source_id, m.parent_source_id from messages m
         where m.parent_source_id is not null
           and not exists (select 1 from messages p where p.source_id = m.parent_source_id)
           and not exists (select 1 from outside o where o.source_id = m.parent_source_id)
         order by m.seq limit 1`,
      )
      .get() as { source_id: string; parent_source_id: string } | undefined;
    if (orphan) {
      throw new ImportError(
        `message ${orphan.source_id}: its parent ${orphan.parent_source_id} is neither in the file nor in the database`,
      );
    }
    const elsewhere = this.#db
      .prepare(
        `select m.source_id, m.thread_key from messages m
         left join messages p on p.source_id = m.parent_source_id
         left join outside o on o.source_id = m.parent_source_id
         where m.parent_source_id is not null and m.existing_id is null
           and coalesce(p.existing_thread_key, p.thread_key, o.thread_key) <> m.thread_key
         order by m.seq limit 1`,
      )
      .get() as { source_id: string; thread_key: string } | undefined;
    if (elsewhere) {
      throw new ImportError(
        `message ${elsewhere.source_id}: its parent is not in its thread ${JSON.stringify(elsewhere.thread_key)}`,
      );
    }
  }

  /** Every report's message is in the file or in the target (whose reports stay as they are). */
  async #checkReports(target: Kysely<Database>, siteId: string): Promise<void> {
    const page = this.#db.prepare(
      `select distinct r.message_source_id from reports r
       where r.message_source_id > ?
         and not exists (select 1 from messages m where m.source_id = r.message_source_id)
       order by r.message_source_id limit ?`,
    );
    for (let after = ''; ; ) {
      const ids = page.pluck().all(after, LOOKUP_CHUNK) as string[];
      if (ids.length === 0) break;
      const found = await findBySourceIds(
        target,
        ids.map((sourceId) => ({ sourceId })),
        siteId,
      );
      const missing = ids.find((id) => !found.has(id));
      if (missing !== undefined) {
        throw new ImportError(
          `a report of message ${missing}: that message is neither in the file nor in the database`,
        );
      }
      after = ids.at(-1)!;
    }
  }

  /**
   * Fixes `ord`, the order new messages are written in (ids grow with it):
   * by creation time or by place in the file (`order`), but never before the
   * parent. A reply timed (or placed) before its parent (clocks differ
   * between systems; a hand-written file) is clamped to its parent's, and a
   * parent sorts before its replies at the same place by depth. A message
   * its parents never reach from a root sits on a cycle.
   */
  #order(order: ImportOrder): void {
    // Either key compares within its own kind: ISO times as text, places as integers.
    const key = order === 'file' ? 'm.seq' : 'm.created_at';
    this.#db.exec(`
      create temp table ordered as
      with recursive tree (seq, source_id, sort_at, depth) as (
        select m.seq, m.source_id, ${key}, 0 from messages m
        where m.parent_source_id is null
          or not exists (select 1 from messages p where p.source_id = m.parent_source_id)
        union all
        select m.seq, m.source_id, max(${key}, tree.sort_at), tree.depth + 1
        from messages m join tree on m.parent_source_id = tree.source_id
      )
      select seq, row_number() over (order by sort_at, depth, seq) as ord from tree;
      create unique index temp.ordered_seq on ordered (seq);
      update messages set ord = (select o.ord from ordered o where o.seq = messages.seq);
      drop table ordered;
    `);
    const cycle = this.#db
      .prepare('select source_id from messages where ord is null order by seq limit 1')
      .pluck()
      .get() as string | undefined;
    if (cycle !== undefined) {
      throw new ImportError(`message ${cycle}: its parents form a cycle`);
    }
  }

  /** The numbers of a summary: what the loader will create and what already exists. */
  counts(): StagedCounts {
    const one = (query: string) => Number(this.#db.prepare(query).pluck().get());
    const skipped: Record<string, number> = {};
    for (const row of this.#db.prepare('select why, count from skipped order by why').all() as {
      why: string;
      count: number;
    }[]) {
      skipped[row.why] = row.count;
    }
    const deletedReports = one(
      `select count(*) from reports r join messages m on m.source_id = r.message_source_id
       where m.existing_id is null and m.new_id is null and m.status = 'deleted'`,
    );
    if (deletedReports > 0) skipped[DELETED_REPORT] = deletedReports;
    const otherThread = one(
      'select count(*) from messages where existing_id is not null and existing_thread_key <> thread_key',
    );
    if (otherThread > 0) skipped[OTHER_THREAD] = otherThread;
    return {
      threads: {
        created: one('select count(*) from threads where in_file = 1 and target_id is null'),
        existing: one('select count(*) from threads where in_file = 1 and existed = 1'),
      },
      messages: {
        created: one('select count(*) from messages where existing_id is null and new_id is null'),
        existing: one(
          'select count(*) from messages where existing_id is not null and existing_thread_key = thread_key',
        ),
      },
      reports: {
        created: one(
          `select count(*) from reports r join messages m on m.source_id = r.message_source_id
           where m.existing_id is null and m.new_id is null and m.status <> 'deleted'`,
        ),
      },
      skipped,
    };
  }

  /** How many messages the loader has to write. */
  newMessageCount(): number {
    return Number(
      this.#db
        .prepare('select count(*) from messages where existing_id is null and new_id is null')
        .pluck()
        .get(),
    );
  }

  /**
   * The next `limit` new messages in writing order after `afterOrd`, each with
   * its thread's and parent's target ids when known (a parent written in the
   * same batch is not: the loader keeps those).
   */
  nextMessages(afterOrd: number, limit: number): (StagedMessage & { ord: number })[] {
    const rows = this.#db
      .prepare(
        `select m.*, t.target_id as thread_id, t.existed as thread_existed,
           coalesce(p.existing_id, p.new_id, o.target_id) as parent_id,
           (select count(*) from reports r
            where r.message_source_id = m.source_id and r.decided_at is null) as open_reports
         from messages m
         join threads t on t.key = m.thread_key
         left join messages p on p.source_id = m.parent_source_id
         left join outside o on o.source_id = m.parent_source_id
         where m.existing_id is null and m.new_id is null and m.ord > ?
         order by m.ord limit ?`,
      )
      .all(afterOrd, limit) as StagedMessageRow[];
    return rows.map((r) => ({
      seq: r.seq,
      ord: r.ord,
      sourceId: r.source_id,
      storedSourceId: r.store_id,
      threadKey: r.thread_key,
      threadId: r.thread_id,
      threadExisted: r.thread_existed === 1,
      parentId: r.parent_id,
      parentSourceId: r.parent_source_id,
      kind: r.kind,
      status: r.status,
      hiddenReason: r.hidden_reason,
      authorName: r.author_name,
      authorRole: r.author_role,
      body: r.body,
      highlighted: r.highlighted === 1,
      createdAt: r.created_at,
      editedAt: r.edited_at,
      updatedAt: r.updated_at ?? r.created_at,
      openReports: r.open_reports,
    }));
  }

  /** The reports of these (new) messages, in file order. */
  reportsOf(sourceIds: readonly string[]): ImportReport[] {
    if (sourceIds.length === 0) return [];
    return (
      this.#db
        .prepare(
          `select message_source_id, reason, created_at, decided_at from reports
           where message_source_id in (${marks(sourceIds.length)}) order by seq`,
        )
        .all(...sourceIds) as {
        message_source_id: string;
        reason: string | null;
        created_at: string;
        decided_at: string | null;
      }[]
    ).map((r) => ({
      messageSourceId: r.message_source_id,
      reason: r.reason,
      createdAt: r.created_at,
      decidedAt: r.decided_at,
    }));
  }

  /** A thread of the file the loader is about to create, with what it starts with. */
  threadToCreate(key: string): StagedThread {
    const row = this.#db
      .prepare(
        `select t.*, (select min(m.created_at) from messages m where m.thread_key = t.key) as first_at,
           exists (select 1 from messages m where m.thread_key = t.key and m.existing_id is null)
             and not exists (select 1 from messages m where m.thread_key = t.key
               and m.existing_id is null and m.status <> 'pending') as held
         from threads t where t.key = ?`,
      )
      .get(key) as StagedThreadRow | undefined;
    if (!row?.in_file) throw new Error(`thread ${key} is not staged for creation`);
    const createdAt = row.created_at ?? row.first_at ?? new Date().toISOString();
    const lastActivityAt = row.last_activity_at ?? createdAt;
    return {
      key: row.key,
      title: row.title,
      summary: row.summary,
      summarySource:
        row.summary === null ? null : row.summary_source === 'automatic' ? 'automatic' : 'manual',
      url: row.url,
      status: row.status === 'closed' ? 'closed' : 'open',
      // A file's "public" is not enough: a thread whose every message it
      // writes waits for a moderator stays unlisted, title and all, as one
      // posted here would (a hidden, spam or deleted message was seen once).
      public: row.public !== 0 && row.held === 0,
      createdAt,
      updatedAt: row.updated_at ?? lastActivityAt,
      lastActivityAt,
    };
  }

  /**
   * The file's threads still to create up to and including `key`, in file
   * order: creating them together keeps the threads' ids in the file's order
   * (an export lists threads as they were created), though a thread's first
   * message here may come after a later thread's.
   */
  threadsToCreateThrough(key: string): string[] {
    return this.#db
      .prepare(
        `select key from threads where in_file = 1 and target_id is null
           and rowid <= (select rowid from threads where key = ?) order by rowid`,
      )
      .pluck()
      .all(key) as string[];
  }

  /** Threads of the file that no new message creates (they have none): still to create. */
  threadsWithoutTarget(): string[] {
    return this.#db
      .prepare('select key from threads where in_file = 1 and target_id is null order by rowid')
      .pluck()
      .all() as string[];
  }

  /** Notes what a committed batch wrote: the threads it created and the ids of its messages. */
  written(
    threads: ReadonlyMap<string, { id: number; existed: boolean }>,
    messages: ReadonlyMap<number, number>,
  ): void {
    const setThread = this.#db.prepare(
      'update threads set target_id = ?, existed = ? where key = ?',
    );
    const setMessage = this.#db.prepare('update messages set new_id = ? where seq = ?');
    this.#db.transaction(() => {
      for (const [key, t] of threads) setThread.run(t.id, t.existed ? 1 : 0, key);
      for (const [seq, id] of messages) setMessage.run(id, seq);
    })();
  }

  /** The threads in the target this import wrote messages to, and whether each was there before. */
  touchedThreads(): { id: number; existed: boolean }[] {
    return (
      this.#db
        .prepare(
          `select t.target_id as id, t.existed from threads t
           where exists (select 1 from messages m where m.thread_key = t.key and m.new_id is not null)
           order by t.target_id`,
        )
        .all() as { id: number; existed: number }[]
    ).map((t) => ({ id: t.id, existed: t.existed === 1 }));
  }

  /** Deletes the temporary file. */
  close(): void {
    this.#db.close();
  }
}

interface StagedMessageRow {
  seq: number;
  ord: number;
  source_id: string;
  store_id: string;
  thread_key: string;
  thread_id: number | null;
  thread_existed: number;
  parent_id: number | null;
  parent_source_id: string | null;
  kind: ImportMessage['kind'];
  status: ImportMessage['status'];
  hidden_reason: ImportMessage['hiddenReason'];
  author_name: string;
  author_role: 'owner' | null;
  body: string;
  highlighted: number;
  created_at: string;
  edited_at: string | null;
  updated_at: string | null;
  open_reports: number;
}

interface StagedThreadRow {
  key: string;
  in_file: number;
  title: string | null;
  summary: string | null;
  summary_source: string | null;
  url: string | null;
  status: string | null;
  created_at: string | null;
  updated_at: string | null;
  last_activity_at: string | null;
  public: number | null;
  first_at: string | null;
  /** 1 when the thread has messages to write and every one of them is pending. */
  held: number;
}

/**
 * A source id to look for in the target; for a message of the file, its
 * thread and time, which this site's own id must match as well.
 */
interface Wanted {
  sourceId: string;
  threadKey?: string;
  createdAt?: string;
}

/**
 * What this site's own source id names: message `n`, posted here, and the
 * time it was posted, when the id says (`parley:<site>:<n>@<createdAt>`, the
 * form a message imported under `parley:<site>:<n>` but not found here is
 * stored in: its number and its time are its identity). Null when the id is
 * not of this site, or malformed under its prefix.
 */
function ownIdentity(sourceId: string, own: string): { n: number; at: string | null } | null {
  if (!sourceId.startsWith(own)) return null;
  const parts = /^([1-9]\d*)(?:@(.+))?$/.exec(sourceId.slice(own.length));
  if (!parts) return null;
  const at = parts[2] ?? null;
  if (at !== null && !isStoredTime(at)) return null;
  return { n: Number(parts[1]), at };
}

/** How an own id `parley:<site>:<n>` of a message not found here is stored. */
function storedOwnId(own: string, n: number, createdAt: string): string {
  return `${own}${n}@${createdAt}`;
}

/**
 * A source id to look for in the target; for a message of the file, its
 * thread and time, which this site's own id must match as well.
 */
interface Wanted {
  sourceId: string;
  threadKey?: string;
  createdAt?: string;
}

/**
 * The messages of the target these source ids name, with their thread's key:
 * a stored `source_id`, or this site's own `parley:<site>:<n>`. That one is
 * (a) message `n` posted here (`source_id` null) in the same thread at the
 * same time, else (b) the message stored as `parley:<site>:<n>@<createdAt>`
 * (imported under that id before, not found then). A posted message's id is
 * not proof enough: a database restored from an older backup (or cloned)
 * keeps its site id and gives lost messages' ids to new posts, and a file
 * may name an id not posted yet. A parent or report named by a bare
 * `parley:<site>:<n>` (no time known) is message `n` posted here. An own id
 * stored as it was before this rule is still found as it is.
 */
async function findBySourceIds(
  target: Kysely<Database>,
  wanted: readonly Wanted[],
  siteId: string,
): Promise<Map<string, { id: number; threadKey: string }>> {
  const found = new Map<string, { id: number; threadKey: string }>();
  if (wanted.length === 0) return found;
  const own = localSourcePrefix(siteId);
  const names = new Set(wanted.map((w) => w.sourceId));
  const mine: { w: Wanted; n: number; at: string | null; stored: string | null }[] = [];
  for (const w of wanted) {
    const id = ownIdentity(w.sourceId, own);
    if (id === null) continue;
    const at = w.createdAt ?? id.at;
    const stored = at === null ? null : storedOwnId(own, id.n, at);
    if (stored !== null) names.add(stored);
    mine.push({ w, n: id.n, at, stored });
  }
  const columns = [
    'messages.id',
    'messages.source_id',
    'messages.created_at',
    'threads.key',
  ] as const;
  const bySource = new Map<string, { id: number; threadKey: string }>();
  for (const row of await target
    .selectFrom('messages')
    .innerJoin('threads', 'threads.id', 'messages.thread_id')
    .select(columns)
    .where('messages.source_id', 'in', [...names])
    .execute()) {
    bySource.set(row.source_id!, { id: row.id, threadKey: row.key });
  }
  for (const w of wanted) {
    const row = bySource.get(w.sourceId);
    if (row) found.set(w.sourceId, row);
  }
  // Digits within the integer ids PostgreSQL can compare.
  const numbers = [...new Set(mine.map((m) => m.n).filter((n) => n <= MAX_ID))];
  const posted = new Map<number, { id: number; threadKey: string; createdAt: string }>();
  if (numbers.length > 0) {
    for (const row of await target
      .selectFrom('messages')
      .innerJoin('threads', 'threads.id', 'messages.thread_id')
      .select(columns)
      .where('messages.id', 'in', numbers)
      .where('messages.source_id', 'is', null)
      .execute()) {
      posted.set(row.id, { id: row.id, threadKey: row.key, createdAt: row.created_at });
    }
  }
  for (const m of mine) {
    const row = posted.get(m.n);
    const same =
      row !== undefined &&
      (m.w.threadKey === undefined || m.w.threadKey === row.threadKey) &&
      (m.at === null || m.at === row.createdAt);
    const hit = same
      ? { id: row.id, threadKey: row.threadKey }
      : m.stored === null
        ? undefined
        : bySource.get(m.stored);
    if (hit) found.set(m.w.sourceId, hit);
  }
  return found;
}
