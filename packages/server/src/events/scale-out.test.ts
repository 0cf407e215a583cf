/**
 * Many instances on one PostgreSQL, as an operator runs them: two real
 * `parley-server` processes sharing one database, real signals.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { MIGRATION_NAMES } from '../db/migrate.ts';
import { threadPath } from '../testing/app-fixture.ts';
import { dialects, type TestDatabase } from '../testing/dialects.ts';
import { freePort } from '../testing/free-port.ts';
import {
  postDuringStop,
  type ServerProcess,
  startBinary,
  TEST_SECRET,
  waitUntilHealthy,
} from '../testing/server-process.ts';
import { openSse, type SseClient, type SseEvent } from '../testing/sse-client.ts';
import type { PostMessageResponse, ThreadPage } from '../wire.ts';

const postgres = dialects.find((d) => d.name === 'postgres');
const KEY = '/blog/scale-out';

/** Bound for anything crossing instances: generous, it only stops a hung test. */
const CROSS_INSTANCE_MS = 10_000;

interface Instance {
  url: string;
  server: ServerProcess;
}

async function post(instance: Instance, body: string): Promise<Response> {
  return fetch(`${instance.url}${threadPath(KEY, '/messages')}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ author: 'Ada', body }),
  });
}

async function posted(instance: Instance, body: string): Promise<PostMessageResponse> {
  const res = await post(instance, body);
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return JSON.parse(text) as PostMessageResponse;
}

const ids = (events: SseEvent[]) => events.map((e) => Number(e.id));

describe('two instances on one PostgreSQL', { skip: !postgres && 'PostgreSQL unreachable' }, () => {
  let db: TestDatabase;
  let schema: string;
  let a: Instance;
  let b: Instance;
  const readers: SseClient[] = [];

  before(async () => {
    if (!postgres) return;
    // A migrated schema gives this process its database; the instances get
    // an empty schema of their own in it, to migrate side by side.
    db = await postgres.create();
    schema = `scale_${randomBytes(4).toString('hex')}`;
    await sql`create schema ${sql.id(schema)}`.execute(db.store.db);
    const url = new URL(db.url);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const start = async () => {
      const port = await freePort();
      const server = startBinary(['--port', String(port)], {
        DATABASE_URL: url.toString(),
        PARLEY_RATE_LIMIT: '0',
        // Its threads are on no page: this suite is about instances, not urls.
        PARLEY_VERIFY_URLS: 'off',
        PARLEY_SECRET: TEST_SECRET,
      });
      return { url: `http://127.0.0.1:${port}`, server };
    };
    [a, b] = await Promise.all([start(), start()]);
  });

  after(async () => {
    for (const reader of readers) reader.close();
    for (const instance of [a, b]) {
      if (!instance) continue;
      const { child } = instance.server;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await instance.server.exited;
    }
    if (db) {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db.store.db);
      await db.dispose();
    }
  });

  it('both start at once on an empty schema: each migration is applied once', async () => {
    for (const instance of [a, b]) {
      const res = await waitUntilHealthy(instance.server, instance.url);
      assert.equal(res.status, 200, instance.server.stderr());
    }
    const applied = await sql<{
      name: string;
    }>`select name from ${sql.id(schema, 'kysely_migration')} order by name`.execute(db.store.db);
    assert.deepEqual(
      applied.rows.map((r) => r.name),
      [...MIGRATION_NAMES],
    );
  });

  it('a reader on A sees a message posted to B', async () => {
    const reader = await openSse(`${a.url}${threadPath(KEY, '/events')}`);
    readers.push(reader);
    await reader.until('the opening comment', () => reader.comments.includes('connected'));
    const sent = await posted(b, 'from B');
    const [created] = await reader.take(2, CROSS_INSTANCE_MS);
    assert.equal(created?.event, 'message.created');
    assert.equal(JSON.parse(created?.data ?? '{}').message.id, sent.message.id);
    reader.close();
  });

  it('a reader cut off and back with Last-Event-ID has every missed event once, in order', async () => {
    const reader = await openSse(`${a.url}${threadPath(KEY, '/events')}`);
    readers.push(reader);
    await reader.until('the opening comment', () => reader.comments.includes('connected'));
    await posted(b, 'seen');
    const seen = await reader.take(2, CROSS_INSTANCE_MS);
    const last = Number(seen.at(-1)?.id);
    reader.close();
    await posted(b, 'missed 1');
    await posted(a, 'missed 2');
    await posted(b, 'missed 3');
    const back = await openSse(`${a.url}${threadPath(KEY, '/events')}`, {
      'Last-Event-ID': String(last),
    });
    readers.push(back);
    const missed = await back.take(6, CROSS_INSTANCE_MS);
    assert.deepEqual(
      ids(missed),
      [1, 2, 3, 4, 5, 6].map((i) => last + i),
    );
    assert.deepEqual(
      missed
        .filter((e) => e.event === 'message.created')
        .map((e) => JSON.parse(e.data).message.html),
      ['<p>missed 1</p>', '<p>missed 2</p>', '<p>missed 3</p>'],
    );
    await posted(b, 'live again');
    const next = await back.take(8, CROSS_INSTANCE_MS);
    assert.deepEqual(ids(next.slice(6)), [last + 7, last + 8]);
    back.close();
  });

  it('loses no acknowledged message when an instance is killed during posts', async () => {
    const acknowledged: number[] = [];
    let killed = false;
    const writer = async (n: number) => {
      for (let i = 0; i < 20; i++) {
        let res: Response;
        try {
          res = await post(b, `burst ${n}.${i}`);
        } catch {
          return; // the connection died with the instance
        }
        if (res.status === 201) {
          acknowledged.push(((await res.json()) as PostMessageResponse).message.id);
          if (acknowledged.length === 10 && !killed) {
            killed = true;
            b.server.child.kill('SIGKILL');
          }
        } else {
          await res.body?.cancel();
        }
      }
    };
    await Promise.all([writer(1), writer(2), writer(3)]);
    assert.ok(killed, 'the instance was killed mid-burst');
    assert.equal((await b.server.exited).signal, 'SIGKILL');
    const page = await fetch(`${a.url}${threadPath(KEY)}?limit=100`);
    const body = (await page.json()) as ThreadPage;
    const stored = new Set(body.messages.map((m) => m.id));
    for (const id of acknowledged) assert.ok(stored.has(id), `message ${id} was acknowledged`);
  });

  it('SIGTERM: in-flight write stored, live streams get a final frame and end, exit 0', async () => {
    const reader = await openSse(`${a.url}${threadPath(KEY, '/events')}`);
    readers.push(reader);
    await reader.until('the opening comment', () => reader.comments.includes('connected'));
    const port = Number(new URL(a.url).port);
    const response = await postDuringStop(a.server, port, threadPath(KEY, '/messages'));
    assert.equal(response.status, 201, response.body);
    const id = (JSON.parse(response.body) as PostMessageResponse).message.id;
    await reader.until('the end of the stream', () => reader.ended, CROSS_INSTANCE_MS);
    assert.ok(reader.comments.includes('server shutting down'));
    assert.equal(reader.retry, 1000);
    const exit = await a.server.waitForExit();
    assert.deepEqual(exit, { code: 0, signal: null }, a.server.stderr());
    const row = await sql<{
      id: number;
    }>`select id from ${sql.id(schema, 'messages')} where id = ${id}`.execute(db.store.db);
    assert.equal(row.rows.length, 1, 'the acknowledged write is stored');
  });
});
