/**
 * Test support: every storage test runs once per dialect. SQLite always runs
 * on a real temporary file; PostgreSQL runs whenever it is reachable (always
 * in CI) in a schema of its own that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import { migrateToLatest } from '../db/migrate.ts';
import { type Dialect, openStore, type Store } from '../db/store.ts';

/** PostgreSQL the tests use; override with PARLEY_TEST_POSTGRES_URL. */
const TEST_POSTGRES_URL =
  process.env.PARLEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A migrated, empty database of one dialect, and how to throw it away. */
export interface TestDatabase {
  store: Store;
  /** The DATABASE_URL that opens the same database (for child processes). */
  url: string;
  /** PostgreSQL schema, when the dialect is PostgreSQL. */
  pgSchema?: string;
  dispose(): Promise<void>;
}

/** A dialect the suite runs on. */
export interface TestDialect {
  name: Dialect;
  /** Creates a fresh migrated database. */
  create(): Promise<TestDatabase>;
}

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({
    connectionString: TEST_POSTGRES_URL,
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Migrates a fresh store; on failure leaves nothing behind for the next run to trip on. */
async function migrateOrDispose(store: Store, cleanUp: () => Promise<unknown>): Promise<void> {
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await store.close();
    await cleanUp();
    throw error;
  }
}

/** Runs one statement, by default on the database TEST_POSTGRES_URL names. */
async function admin<T extends pg.QueryResultRow>(
  text: string,
  connectionString = TEST_POSTGRES_URL,
): Promise<T[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const DATABASE_PREFIX = 'parley_t_';

/**
 * Each test process gets a database of its own, and each test a schema in it.
 * Schemas alone are not isolation enough: Kysely's migrator introspects every
 * schema of its database, and fails when another process drops one under it.
 */
let processDatabase: Promise<string> | undefined;
/** The URL of this test process's own PostgreSQL database (created on first use). */
export function databaseForThisProcess(): Promise<string> {
  processDatabase ??= (async () => {
    // Databases left by test processes that died before their cleanup ran.
    const leftovers = await admin<{ datname: string }>(
      `select datname from pg_database where datname like '${DATABASE_PREFIX}%'`,
    );
    for (const { datname } of leftovers) {
      const pid = Number(datname.slice(DATABASE_PREFIX.length).split('_')[0]);
      if (pidIsAlive(pid)) continue;
      await admin(`drop database if exists "${datname}" with (force)`).catch(() => {});
    }
    const name = `${DATABASE_PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
    await admin(`create database "${name}"`);
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    return url.toString();
  })();
  return processDatabase;
}

// Registered when this module loads, so it belongs to the whole test file
// (an `after` called later, from inside a test, would run after that test).
after(async () => {
  if (!processDatabase) return;
  const name = new URL(await processDatabase).pathname.slice(1);
  await admin(`drop database if exists "${name}" with (force)`);
});

function pidIsAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sqlite: TestDialect = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
    const url = `sqlite:${join(dir, 'parley.db')}`;
    const store = await openStore(url);
    await migrateOrDispose(store, async () => rmSync(dir, { recursive: true, force: true }));
    return {
      store,
      url,
      async dispose() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

const postgres: TestDialect = {
  name: 'postgres',
  async create() {
    const database = await databaseForThisProcess();
    const pgSchema = `test_${randomBytes(4).toString('hex')}`;
    const store = await openStore(database, { pgSchema });
    const dropSchema = () => admin(`drop schema if exists "${pgSchema}" cascade`, database);
    await migrateOrDispose(store, dropSchema);
    const url = new URL(database);
    url.searchParams.set('options', `-c search_path=${pgSchema}`);
    return {
      store,
      url: url.toString(),
      pgSchema,
      async dispose() {
        await store.close();
        await dropSchema();
      },
    };
  },
};

const unreachable = await postgresReachable();
if (unreachable !== undefined) {
  const message =
    `PostgreSQL at ${TEST_POSTGRES_URL} is unreachable (${unreachable}): ` +
    'the PostgreSQL half of the storage suite is SKIPPED. Start it, or set PARLEY_TEST_POSTGRES_URL.';
  // In CI a skipped dialect is a failure: the promise is "both dialects, always".
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!! ${message}\n`);
}

/** The dialects to run storage tests on, SQLite first. */
export const dialects: readonly TestDialect[] =
  unreachable === undefined ? [sqlite, postgres] : [sqlite];
