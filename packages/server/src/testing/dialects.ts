/**
 * Test support: every storage test runs once per dialect. SQLite always runs
 * on a real temporary file; PostgreSQL runs whenever it is reachable (always
 * in CI) in a schema of its own that is dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest } from '../db/migrate.ts';
import { type Dialect, openStore, type Store } from '../db/store.ts';

/** PostgreSQL the tests use; override with PARLEY_TEST_POSTGRES_URL. */
export const TEST_POSTGRES_URL =
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

const sqlite: TestDialect = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'parley-test-'));
    const url = `sqlite:${join(dir, 'parley.db')}`;
    const store = await openStore(url);
    await migrateToLatest(store.db);
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
    const pgSchema = `parley_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const store = await openStore(TEST_POSTGRES_URL, { pgSchema });
    await migrateToLatest(store.db);
    const url = new URL(TEST_POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${pgSchema}`);
    return {
      store,
      url: url.toString(),
      pgSchema,
      async dispose() {
        await store.close();
        const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
        await admin.connect();
        try {
          await admin.query(`drop schema if exists "${pgSchema}" cascade`);
        } finally {
          await admin.end();
        }
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
