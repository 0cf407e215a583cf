/**
 * `parley-server backup FILE` on a real SQLite file that is being written
 * while the copy runs, and on PostgreSQL, where it hands over to pg_dump.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { type Progress, silentProgress } from '../data/import/records.ts';
import { MIGRATION_NAMES } from '../db/migrate.ts';
import { openStore } from '../db/store.ts';
import { type AppFixture, appFixture } from '../testing/app-fixture.ts';
import { dialects } from '../testing/dialects.ts';
import { runToExit, startBinary } from '../testing/server-process.ts';
import { backupSqlite } from './backup.ts';
import { runCaptured } from './run-captured.ts';

const sqlite = dialects.find((d) => d.name === 'sqlite')!;
const KEY = '/blog/backed-up';

/** A folder for the copies, removed after the test. */
function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-backup-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The path of the fixture's SQLite file. */
function fileOf(f: AppFixture): string {
  return f.db.url.slice('sqlite:'.length);
}

/**
 * A writer posting messages one after another until stopped, each body
 * long and random (near-duplicates would be refused); `acknowledged` lists,
 * in order, every post answered 201.
 */
function writer(f: AppFixture, acknowledged: Array<{ id: number; body: string }> = []) {
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      // One post per turn of the event loop, as requests reach a server:
      // in-process, a loop of posts is all promises, and would starve the
      // backup's steps (and the child's pipes) of every turn.
      await new Promise((resolve) => setImmediate(resolve));
      const body = `A message: ${randomBytes(900).toString('base64')}`;
      const { message } = await f.postMessage(KEY, body);
      acknowledged.push({ id: message.id, body });
    }
  })();
  return {
    acknowledged,
    /** Resolves once `n` posts are acknowledged; rejects if the writer failed. */
    async until(n: number) {
      while (acknowledged.length < n) {
        await Promise.race([running, new Promise((r) => setTimeout(r, 5))]);
        if (stopped) throw new Error('the writer stopped');
      }
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}

/**
 * Checks the copy as an operator would: integrity, migrations, and its
 * messages: every one acknowledged before the backup began, and then only
 * whole messages, in the order they were acknowledged (a prefix of them).
 */
async function checkCopy(
  file: string,
  acknowledged: ReadonlyArray<{ id: number; body: string }>,
  before: number,
): Promise<number> {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  let rows: Array<{ id: number; body: string }>;
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.equal(db.pragma('journal_mode', { simple: true }), 'delete', 'one self-contained file');
    const names = db.prepare('select name from kysely_migration order by name').all();
    assert.deepEqual(
      names,
      MIGRATION_NAMES.map((name) => ({ name })),
    );
    rows = db.prepare('select id, body from messages order by id').all() as typeof rows;
  } finally {
    db.close();
  }
  assert.ok(rows.length >= before, `${rows.length} messages, ${before} acknowledged before`);
  assert.deepEqual(rows, acknowledged.slice(0, rows.length), 'whole messages, none missing');
  // The copy is a database Parley opens, and it sees the same.
  const store = await openStore(`sqlite:${file}`);
  try {
    const count = await store.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), rows.length);
  } finally {
    await store.close();
  }
  return rows.length;
}

/** A progress that remembers every update. */
function recordingProgress() {
  const updates: Array<{ done: number; total?: number | undefined }> = [];
  const progress: Progress = {
    update: (_phase, done, total) => updates.push({ done, total }),
    done() {},
  };
  return { progress, updates };
}

describe('backupSqlite', () => {
  // Bounded: a copy SQLite starts over after every write would never end.
  it('makes a sound, whole copy while another connection keeps writing between its steps', {
    timeout: 60_000,
  }, async (t) => {
    const dir = scratch(t);
    const f = await appFixture(sqlite, { rateLimit: 0 });
    t.after(() => f.close());
    const seed = writer(f);
    await seed.until(150);
    await seed.stop();
    const before = seed.acknowledged.length;
    const during = writer(f, [...seed.acknowledged]);
    const copy = join(dir, 'copy.db');
    const { progress, updates } = recordingProgress();
    // Eight pages a step: many steps, with the writer's transactions between them.
    const result = await backupSqlite(fileOf(f), copy, { progress, pagesPerStep: 8 });
    await during.stop();
    const { acknowledged } = during;
    assert.ok(acknowledged.length > before, 'the writer wrote while the copy ran');
    assert.ok(result.restarts > 0, 'a write between steps made SQLite start over');
    assert.ok(updates.length >= 3, 'progress was told of each step');
    assert.ok(updates.every((u) => u.total !== undefined && u.total > 8 && u.done <= u.total));
    const kept = await checkCopy(copy, acknowledged, before);
    assert.equal(result.messages, kept);
    assert.equal(result.threads, 1);
    assert.equal(result.size, statSync(copy).size);
    assert.deepEqual(readdirSync(dir), ['copy.db'], 'no .partial, -wal or -shm left');
  });

  it('keeps no copy whose migrations are not this version’s: neither FILE nor FILE.partial', async (t) => {
    const dir = scratch(t);
    const f = await appFixture(sqlite);
    t.after(() => f.close());
    await f.postMessage(KEY, 'kept');
    // A database a newer Parley migrated (by a connection of its own, as that server's).
    const newer = new SQLite(fileOf(f));
    newer
      .prepare('insert into kysely_migration (name, timestamp) values (?, ?)')
      .run('2099-01-01-future', new Date().toISOString());
    newer.close();
    const copy = join(dir, 'copy.db');
    await assert.rejects(backupSqlite(fileOf(f), copy, { progress: silentProgress }), {
      message: `the copy's migrations (${MIGRATION_NAMES.length + 1}) are neither this version's (${MIGRATION_NAMES.length}) nor an older version's`,
    });
    assert.deepEqual(readdirSync(dir), []);
  });

  it('stops when interrupted and leaves neither FILE nor FILE.partial', async (t) => {
    const dir = scratch(t);
    const f = await appFixture(sqlite, { rateLimit: 0 });
    t.after(() => f.close());
    const seed = writer(f);
    await seed.until(50);
    await seed.stop();
    const interrupt = new AbortController();
    const progress: Progress = {
      update: (_phase, done) => {
        if (done > 16) interrupt.abort();
      },
      done() {},
    };
    const copy = join(dir, 'copy.db');
    await assert.rejects(
      backupSqlite(fileOf(f), copy, { progress, signal: interrupt.signal, pagesPerStep: 8 }),
      { name: 'AbortError' },
    );
    assert.deepEqual(readdirSync(dir), []);
  });
});

describe('parley-server backup', () => {
  it('copies the database while a writer posts to it, and says what it copied', async (t) => {
    const dir = scratch(t);
    const f = await appFixture(sqlite, { rateLimit: 0 });
    t.after(() => f.close());
    const seed = writer(f);
    await seed.until(100);
    await seed.stop();
    const before = seed.acknowledged.length;
    const during = writer(f, [...seed.acknowledged]);
    const copy = join(dir, 'parley-backup.db');
    const child = startBinary(['backup', copy], { DATABASE_URL: f.db.url });
    const exit = await child.waitForExit();
    await during.stop();
    assert.equal(exit.code, 0, child.stderr());
    assert.ok(during.acknowledged.length > before, 'the writer wrote while the command ran');
    const kept = await checkCopy(copy, during.acknowledged, before);
    assert.match(
      child.stdout(),
      new RegExp(
        `^Backed up 1 thread and ${kept} messages to ${copy} \\(\\d+\\.\\d [KM]iB\\) in \\d+(\\.\\d)? (ms|s)\\.\\n$`,
      ),
    );
    assert.equal(child.stderr(), '', 'no progress line on a quick copy into a pipe');
    assert.deepEqual(readdirSync(dir), ['parley-backup.db']);
    // It holds readers' addresses: readable by its owner only, whatever the umask.
    assert.equal(statSync(copy).mode & 0o777, 0o600);
  });

  it('refuses a database that is not there (exit 2), creating nothing', async (t) => {
    const dir = scratch(t);
    const missing = join(dir, 'data', 'parley.db');
    const result = await runCaptured(['backup', join(dir, 'copy.db')], {
      DATABASE_URL: `sqlite:${missing}`,
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`^parley-server backup: no database at ${missing}: `));
    assert.deepEqual(readdirSync(dir), [], 'no database and no copy');
  });

  it('migrates a fresh (empty) database first, and copies it', async (t) => {
    const dir = scratch(t);
    const fresh = join(dir, 'parley.db');
    writeFileSync(fresh, '');
    const copy = join(dir, 'copy.db');
    const result = await runCaptured(['backup', copy], { DATABASE_URL: `sqlite:${fresh}` });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(await checkCopy(copy, [], 0), 0);
    assert.match(result.stdout, /^Backed up 0 threads and 0 messages to /);
  });

  it('refuses a FILE that exists (exit 2) and changes nothing', async (t) => {
    const dir = scratch(t);
    const f = await appFixture(sqlite);
    t.after(() => f.close());
    const existing = join(dir, 'keep.db');
    writeFileSync(existing, 'an older backup');
    const result = await runCaptured(['backup', existing], { DATABASE_URL: f.db.url });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `parley-server backup: ${existing} exists; name a new file (nothing is ever overwritten)\n`,
    );
    assert.equal(readFileSync(existing, 'utf8'), 'an older backup');
    assert.deepEqual(readdirSync(dir), ['keep.db']);
  });

  it('refuses a FILE whose folder is missing (exit 2), creating nothing', async (t) => {
    const dir = scratch(t);
    const result = await runCaptured(['backup', join(dir, 'no', 'such', 'b.db')], {
      DATABASE_URL: join(dir, 'parley.db'),
    });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /the folder .*\/no\/such does not exist; create it first\n$/);
    assert.deepEqual(readdirSync(dir), [], 'not even the database');
  });

  for (const dialect of dialects.filter((d) => d.name === 'postgres')) {
    it('on PostgreSQL: prints the pg_dump command for the database, never its password, and exits 1', async (t) => {
      const db = await dialect.create();
      t.after(() => db.dispose());
      const dir = scratch(t);
      const file = join(dir, 'parley.dump');
      const url = new URL(db.url);
      url.password = 'hunter2-secret';
      const result = await runToExit(['backup', file], { DATABASE_URL: url.toString() });
      assert.equal(result.code, 1, result.stderr);
      assert.equal(result.stdout, '');
      assert.ok(!result.stderr.includes('hunter2'), 'the password is never printed');
      assert.match(result.stderr, /no backup was made: on PostgreSQL, pg_dump is the tool/);
      assert.match(result.stderr, /PGPASSWORD or ~\/\.pgpass/);
      const database = url.pathname.slice(1);
      const command = result.stderr.match(/^ {2}(pg_dump .*)$/m)?.[1];
      assert.equal(
        command,
        `pg_dump --format=custom --file=${file} --host=${url.hostname} --port=${url.port} --username=postgres --schema=${db.pgSchema} --dbname=${database}`,
      );
      assert.deepEqual(readdirSync(dir), [], 'nothing was written');

      await t.test('and that command, run as printed, dumps Parley’s schema', (t) => {
        try {
          execFileSync('pg_dump', ['--version']);
        } catch {
          t.skip('pg_dump is not installed');
          return;
        }
        execFileSync('sh', ['-c', command!]);
        const listing = execFileSync('pg_restore', ['--list', file], { encoding: 'utf8' });
        assert.match(listing, new RegExp(`TABLE DATA ${db.pgSchema} messages `));
        assert.match(listing, new RegExp(`TABLE DATA ${db.pgSchema} kysely_migration `));
      });
    });
  }
});
