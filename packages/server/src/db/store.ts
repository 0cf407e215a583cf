import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type SqliteDatabase, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { SQLITE_LOWER } from './functions.ts';
import type { Database } from './schema.ts';

/** Which database engine a store runs on. */
export type Dialect = 'sqlite' | 'postgres';

/** The database as the app sees it: a Kysely instance plus a safe way to write. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** Human-readable location (file path or URL without password), for logs. */
  readonly location: string;
  /**
   * Runs `fn` in a write transaction. On SQLite it takes the write lock up
   * front (`BEGIN IMMEDIATE`) so two writers can never deadlock upgrading a
   * read lock; a busy database is retried on a timer, then refused with a
   * {@link StoreUnavailableError} (which the HTTP layer answers 503).
   */
  write<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Calls `listener(threadId, seq)` after each write transaction that
   * recorded live events commits (see {@link noteCommittedEvent}), with the
   * last sequence number it took per thread. Returns the unsubscribe.
   */
  onEvents(listener: EventListener): () => void;
  /** Closes every connection. */
  close(): Promise<void>;
}

/** Told that a thread's events up to `seq` are committed. */
export type EventListener = (threadId: number, seq: number) => void;

/** Events noted by the write transaction that runs on each connection object. */
const eventsInWrite = new WeakMap<object, Map<number, number>>();

/**
 * Notes, inside a `Store.write` transaction, that it recorded the live events
 * of `threadId` up to `seq`; once it commits, the store tells its `onEvents`
 * listeners. A rolled back transaction tells no one. Outside `write` (tests
 * driving repositories directly) it does nothing.
 */
export function noteCommittedEvent(trx: Kysely<Database>, threadId: number, seq: number): void {
  const noted = eventsInWrite.get(trx);
  if (noted) noted.set(threadId, Math.max(seq, noted.get(threadId) ?? 0));
}

/** The `onEvents` half of a store, and how `write` runs a transaction that notes events. */
function eventListeners() {
  const listeners = new Set<EventListener>();
  return {
    onEvents(listener: EventListener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    /**
     * Runs `transaction`, which registers its connection object so the events
     * it notes land here, and tells the listeners once it has committed.
     */
    async run<T>(transaction: (register: (trx: object) => void) => Promise<T>): Promise<T> {
      const noted = new Map<number, number>();
      const result = await transaction((trx) => eventsInWrite.set(trx, noted));
      for (const [threadId, seq] of noted) {
        for (const listener of listeners) {
          try {
            listener(threadId, seq);
          } catch {
            // A listener's failure is its own; the write has committed.
          }
        }
      }
      return result;
    },
  };
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /**
   * PostgreSQL schema to use (created if missing) instead of `public`; tests
   * use it to isolate each run.
   */
  pgSchema?: string;
  /** How long SQLite waits for a lock before a retry, in ms (default 50). */
  busyTimeoutMs?: number;
}

/** Where the embedded database lives when `DATABASE_URL` is unset. */
export const DEFAULT_SQLITE_PATH = './data/parley.db';

/**
 * Parses `DATABASE_URL`: unset means `./data/parley.db`; `postgres://` or
 * `postgresql://` means PostgreSQL; `sqlite:PATH` or a plain path means SQLite.
 */
export function parseDatabaseUrl(
  url: string | undefined,
): { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string } {
  if (url === undefined || url === '') return { dialect: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  return { dialect: 'sqlite', path };
}

/** Opens the database named by `databaseUrl` (see {@link parseDatabaseUrl}). */
export async function openStore(
  databaseUrl: string | undefined,
  options: OpenStoreOptions = {},
): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl);
  return target.dialect === 'postgres'
    ? openPostgres(target.url, options)
    : openSqlite(target.path, options);
}

const SQLITE_RETRIES = [10, 25, 50, 100, 200];

/** How many prepared statements a SQLite store keeps; the app has a few dozen distinct queries. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query anew, and on the hot read path preparing costs
 * as much as running. Statements are reusable, and Kysely runs one query at a
 * time on its single connection, so the same SQL text can share one statement.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) {
        statements.delete(text);
      } else {
        statement = sqlite.prepare(text);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          statements.delete(statements.keys().next().value as string);
        }
      }
      statements.set(text, statement);
      return statement;
    },
  };
}

/**
 * The database cannot take a write now: SQLite stayed busy through every
 * retry, or PostgreSQL is unreachable, overloaded or shutting down. Thrown by
 * `Store.write`; the HTTP layer answers it 503 `unavailable` with
 * `Retry-After`, its message as the error's.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/**
 * Whether `error` means "the database cannot answer now" rather than "wrong":
 * SQLite busy or locked, PostgreSQL unreachable, overloaded or shutting down.
 * Such errors answer 503 with Retry-After, on reads and writes alike.
 */
export function isTransientDbError(error: unknown): boolean {
  return isSqliteBusy(error) || isPgTransient(error);
}

function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function openSqlite(path: string, options: OpenStoreOptions): Store {
  const memory = path === ':memory:';
  const file = memory ? path : resolve(path);
  if (!memory) mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: an acknowledged write survives power loss, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // better-sqlite3 blocks the event loop while it waits for a lock, so the
  // wait is kept short and longer waits happen on a timer in `write`.
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 50}`);
  // SQLite's own lower() folds ASCII only (without ICU): the admin search
  // folds with this instead, so `É` finds `é` as PostgreSQL's lower() does.
  sqlite.function(SQLITE_LOWER, { deterministic: true }, (value: unknown) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  );
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
  });

  const events = eventListeners();
  async function attempt<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return events.run((register) =>
      db.connection().execute(async (conn) => {
        register(conn);
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          if (sqlite.inTransaction) await sql`rollback`.execute(conn);
          throw error;
        }
      }),
    );
  }

  return {
    db,
    dialect: 'sqlite',
    location: file,
    onEvents: events.onEvents,
    async write(fn) {
      for (let i = 0; ; i++) {
        try {
          return await attempt(fn);
        } catch (error) {
          if (!isSqliteBusy(error)) throw error;
          const delay = SQLITE_RETRIES[i];
          if (delay === undefined)
            throw new StoreUnavailableError('The database is busy; try again shortly.');
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

// PostgreSQL error classes that mean "not now" rather than "wrong":
// connection failures, serialization failures and deadlocks, too many clients,
// and the server shutting down.
const PG_TRANSIENT = /^(08|40001|40P01|53300|57P0[123])/;

function isPgTransient(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') {
    return PG_TRANSIENT.test(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET';
  }
  // node-postgres reports a connection lost mid-query without a code.
  return error instanceof Error && error.message.startsWith('Connection terminated');
}

async function openPostgres(url: string, options: OpenStoreOptions): Promise<Store> {
  const { pgSchema } = options;
  if (pgSchema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(pgSchema)) {
    throw new Error(`invalid PostgreSQL schema name: ${pgSchema}`);
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5_000,
    ...(pgSchema ? { options: `-c search_path=${pgSchema}` } : {}),
    types: {
      // Counts come back as strings (int8) and times as Date: normalise both
      // here so rows look the same on every dialect.
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === 20) return (v: string) => Number(v);
        if (oid === 1184 || oid === 1114) {
          const parse = pg.types.getTypeParser(oid, 'text') as (v: string) => Date;
          return (v: string) => parse(v).toISOString();
        }
        return pg.types.getTypeParser(oid, format ?? 'text');
      }) as typeof pg.types.getTypeParser,
    },
  });
  // A client that loses its connection must not crash the process: the pool
  // reports idle ones, and a checked-out client between two queries emits
  // 'error' with nobody listening (its queries fail on their own).
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    // Fails fast, with the driver's reason, when the server is not there.
    if (pgSchema) await sql`create schema if not exists ${sql.id(pgSchema)}`.execute(db);
    else await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    if (!pool.ended) await pool.end();
    throw error;
  }
  const location = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  const events = eventListeners();

  return {
    db,
    dialect: 'postgres',
    location,
    onEvents: events.onEvents,
    async write(fn) {
      try {
        return await events.run((register) =>
          db.transaction().execute(async (trx) => {
            register(trx);
            return fn(trx);
          }),
        );
      } catch (error) {
        if (isPgTransient(error))
          throw new StoreUnavailableError('The database is unavailable; try again.');
        throw error;
      }
    },
    async close() {
      await db.destroy();
      // Kysely does not end a pool it never used; we own it, we end it.
      if (!pool.ended) await pool.end();
    },
  };
}

/**
 * Serialises one `key`'s write transactions across instances, for the rest of
 * the transaction: count-then-insert limits stay atomic. A PostgreSQL advisory
 * lock; SQLite's BEGIN IMMEDIATE already serialises every writer.
 */
export async function lockKey(trx: Kysely<Database>, dialect: Dialect, key: string): Promise<void> {
  if (dialect === 'postgres')
    await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
}
