/**
 * What the commands do with a database's schema, on SQLite and PostgreSQL:
 * a fresh one is migrated; one at this version is used as is; one at an
 * older version is copied as it is by `backup` and refused by the others
 * (migrating it would change the schema under the older server that runs on
 * it); one at a newer version is refused by every command.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { MIGRATION_NAMES } from '../db/migrate.ts';
import { openStore, type Store } from '../db/store.ts';
import { databaseForThisProcess, dialects, type TestDatabase } from '../testing/dialects.ts';
import { writeLegacyExport } from '../testing/legacy-exports.ts';
import { runCaptured } from './run-captured.ts';

/** The migration this version has that the older version in these tests lacks. */
const LAST = MIGRATION_NAMES.at(-1)!;
const OLDER_MESSAGE =
  "the database is at an older version: start this version's server once (it migrates), or use the matching parley-server";

/** A folder for the files, removed after the test. */
function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-schema-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Kysely's bookkeeping table, the one table these tests read and write directly. */
interface Bookkeeping {
  kysely_migration: { name: string; timestamp: string };
}

/** The store's database, seen as its migration bookkeeping. */
function bookkeeping(store: Store): Kysely<Bookkeeping> {
  return store.db as unknown as Kysely<Bookkeeping>;
}

/** The database's migration bookkeeping: every name and when it ran. */
async function migrationsOf(store: Store): Promise<Array<{ name: string; timestamp: string }>> {
  return bookkeeping(store)
    .selectFrom('kysely_migration')
    .select(['name', 'timestamp'])
    .orderBy('name')
    .execute();
}

/** Takes the database one migration back, as the version before this one left it. */
async function toOlderVersion(db: TestDatabase): Promise<void> {
  const last = (await import(`../db/migrations/${LAST}.ts`)) as {
    down(db: Kysely<Bookkeeping>): Promise<void>;
  };
  await last.down(bookkeeping(db.store));
  await bookkeeping(db.store).deleteFrom('kysely_migration').where('name', '=', LAST).execute();
}

/** Records a migration this version does not know, as a newer version's server would. */
async function toNewerVersion(db: TestDatabase): Promise<void> {
  await bookkeeping(db.store)
    .insertInto('kysely_migration')
    .values({ name: '2099-01-01-future', timestamp: new Date().toISOString() })
    .execute();
}

/** A file each import command reads (were it not refused first): a Parley export, a Disqus and a WordPress one. */
async function importFiles(dir: string, url: string): Promise<Record<string, string>> {
  const parley = join(dir, 'in.json');
  const exported = await runCaptured(['export', parley], { DATABASE_URL: url });
  assert.equal(exported.code, 0, exported.stderr);
  const legacy = (format: 'disqus' | 'wordpress') =>
    writeLegacyExport(join(dir, `${format}.xml`), {
      format,
      seed: 1,
      threads: 2,
      commentsPerThread: 2,
    }).path;
  return {
    import: parley,
    'import-disqus': legacy('disqus'),
    'import-wordpress': legacy('wordpress'),
  };
}

for (const dialect of dialects) {
  describe(`parley-server commands and the database's version on ${dialect.name}`, () => {
    it('a fresh database is migrated first, then used', async (t) => {
      const dir = scratch(t);
      const url = await freshDatabase(dialect.name, dir, t);
      const result = await runCaptured(['export', join(dir, 'out.json')], { DATABASE_URL: url });
      assert.equal(result.code, 0, result.stderr);
      const store = await openStore(url);
      try {
        const names = (await migrationsOf(store)).map((m) => m.name);
        assert.deepEqual(names, MIGRATION_NAMES);
      } finally {
        await store.close();
      }
    });

    it('a database at this version is used as it is', async (t) => {
      const db = await dialect.create();
      t.after(() => db.dispose());
      const dir = scratch(t);
      const before = await migrationsOf(db.store);
      const result = await runCaptured(['export', join(dir, 'out.json')], { DATABASE_URL: db.url });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(await migrationsOf(db.store), before);
    });

    it('a database at an older version: export and every import refuse (exit 1), migrating nothing and writing nothing', async (t) => {
      const db = await dialect.create();
      t.after(() => db.dispose());
      const dir = scratch(t);
      const files = await importFiles(dir, db.url);
      await toOlderVersion(db);
      const before = await migrationsOf(db.store);
      const out = join(dir, 'out.json');
      const runs: Array<[string, string[]]> = [
        ['export', ['export', out]],
        ...Object.entries(files).map(([name, file]): [string, string[]] => [name, [name, file]]),
      ];
      for (const [name, argv] of runs) {
        const result = await runCaptured(argv, { DATABASE_URL: db.url });
        assert.equal(result.code, 1, `${name}: ${result.stderr}`);
        assert.ok(
          result.stderr.startsWith(`parley-server ${name}: ${OLDER_MESSAGE}`),
          result.stderr,
        );
        assert.match(
          result.stderr,
          new RegExp(`${MIGRATION_NAMES.length - 1} of this version's ${MIGRATION_NAMES.length}`),
        );
        assert.equal(result.stdout, '');
        assert.deepEqual(await migrationsOf(db.store), before, name);
      }
      assert.equal(existsSync(out), false);
      const threads = await db.store.db.selectFrom('threads').select('id').execute();
      assert.deepEqual(threads, [], 'nothing was imported');
    });

    it('a database at a newer version: every command refuses (exit 1), migrating nothing and writing nothing', async (t) => {
      const db = await dialect.create();
      t.after(() => db.dispose());
      const dir = scratch(t);
      const files = await importFiles(dir, db.url);
      await toNewerVersion(db);
      const before = await migrationsOf(db.store);
      const out = join(dir, 'out');
      const runs: Array<[string, string[]]> = [
        ['export', ['export', out]],
        ...(dialect.name === 'sqlite' ? [['backup', ['backup', out]] as [string, string[]]] : []),
        ...Object.entries(files).map(([name, file]): [string, string[]] => [name, [name, file]]),
      ];
      for (const [name, argv] of runs) {
        const result = await runCaptured(argv, { DATABASE_URL: db.url });
        assert.equal(result.code, 1, `${name}: ${result.stderr}`);
        assert.equal(
          result.stderr,
          `parley-server ${name}: the database is at a newer version (it has migrations this parley-server does not know: 2099-01-01-future): use the parley-server that migrated it, or a newer one; nothing was done\n`,
        );
        assert.equal(result.stdout, '');
        assert.deepEqual(await migrationsOf(db.store), before, name);
      }
      assert.equal(existsSync(out), false);
      assert.equal(existsSync(`${out}.partial`), false);
    });

    it("a database whose migrations skip one of this version's is refused (exit 1), changing nothing", async (t) => {
      const db = await dialect.create();
      t.after(() => db.dispose());
      const dir = scratch(t);
      const skipped = MIGRATION_NAMES[1]!;
      await bookkeeping(db.store)
        .deleteFrom('kysely_migration')
        .where('name', '=', skipped)
        .execute();
      const before = await migrationsOf(db.store);
      const out = join(dir, 'out.json');
      const result = await runCaptured(['export', out], { DATABASE_URL: db.url });
      assert.equal(result.code, 1, result.stderr);
      assert.equal(
        result.stderr,
        `parley-server export: the database's migrations skip ${skipped}, which no Parley release leaves; it cannot be used\n`,
      );
      assert.deepEqual(await migrationsOf(db.store), before);
      assert.equal(existsSync(out), false);
    });

    if (dialect.name === 'sqlite') {
      it('backup copies a database at an older version as it is, and says the copy is of that older schema', async (t) => {
        const db = await dialect.create();
        t.after(() => db.dispose());
        const dir = scratch(t);
        await toOlderVersion(db);
        const before = await migrationsOf(db.store);
        const copy = join(dir, 'copy.db');
        const result = await runCaptured(['backup', copy], { DATABASE_URL: db.url });
        assert.equal(result.code, 0, result.stderr);
        assert.match(
          result.stdout,
          new RegExp(
            `^Backed up 0 threads and 0 messages to ${copy} \\(.*\\) in .*\\. The copy is of the database's older schema \\(${MIGRATION_NAMES.length - 1} of this version's ${MIGRATION_NAMES.length} migrations\\): this version's server migrates it when it starts on it\\.\\n$`,
          ),
        );
        assert.deepEqual(await migrationsOf(db.store), before, 'the database is left as it is');
        const copied = new SQLite(copy, { readonly: true, fileMustExist: true });
        try {
          const names = copied.prepare('select name from kysely_migration order by name').all();
          assert.deepEqual(
            names,
            MIGRATION_NAMES.slice(0, -1).map((name) => ({ name })),
          );
        } finally {
          copied.close();
        }
        assert.deepEqual(readdirSync(dir), ['copy.db']);
      });
    }
  });
}

/**
 * The DATABASE_URL of a database nothing has touched yet: a file not yet
 * made on SQLite, a new empty schema on PostgreSQL (dropped after the test).
 */
async function freshDatabase(
  dialect: 'sqlite' | 'postgres',
  dir: string,
  t: { after(fn: () => Promise<void> | void): void },
): Promise<string> {
  if (dialect === 'sqlite') {
    // Fresh: an empty SQLite file (a missing one is refused, see commands.test.ts).
    const path = join(dir, 'parley.db');
    writeFileSync(path, '');
    return `sqlite:${path}`;
  }
  const database = await databaseForThisProcess();
  const schema = `fresh_${randomBytes(4).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema "${schema}"`);
  t.after(() => admin(`drop schema if exists "${schema}" cascade`));
  const url = new URL(database);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}
