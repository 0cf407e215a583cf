/**
 * A throwaway PostgreSQL database per benchmark run, never the tests' `test`
 * database. The admin URL can be overridden with PARLEY_BENCH_PG_ADMIN_URL.
 */
import pg from 'pg';

const ADMIN_URL =
  process.env.PARLEY_BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The bench database's name. */
const BENCH_DATABASE = 'parley_bench';

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Whether PostgreSQL answers at all; PostgreSQL figures are skipped, not failed, when not. */
export async function postgresReachable(): Promise<boolean> {
  try {
    await withAdmin((c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

/** Drops and recreates the bench database; returns its URL. */
export async function freshBenchDatabase(name = BENCH_DATABASE): Promise<string> {
  await withAdmin(async (c) => {
    // WITH (FORCE) ends sessions a crashed earlier run may have left behind.
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name}`);
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.href;
}

/** Drops the bench database. */
export async function dropBenchDatabase(name = BENCH_DATABASE): Promise<void> {
  await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`));
}
