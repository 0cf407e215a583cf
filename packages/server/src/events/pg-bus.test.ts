import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { silentLogger } from '../app-deps.ts';
import { dialects, type TestDatabase } from '../testing/dialects.ts';
import { eventually } from '../testing/live-server.ts';
import type { BusNote, EventBus } from './bus.ts';
import { EVENTS_CHANNEL } from './events.repository.ts';
import { postgresBus } from './pg-bus.ts';

const postgres = dialects.find((d) => d.name === 'postgres');

describe('the PostgreSQL event bus', { skip: !postgres && 'PostgreSQL unreachable' }, () => {
  let db: TestDatabase;
  let bus: EventBus;
  const notes: BusNote[] = [];

  before(async () => {
    if (!postgres) return;
    db = await postgres.create();
    bus = await postgresBus(db.url, { logger: silentLogger, minBackoffMs: 20 });
    bus.subscribe((note) => notes.push(note));
  });
  after(async () => {
    await bus?.close();
    await db?.dispose();
  });

  const notify = (payload: string) =>
    sql`select pg_notify(${EVENTS_CHANNEL}, ${payload})`.execute(db.store.db);
  const heard = (threadId: number, seq: number) =>
    notes.some((n) => 'threadId' in n && n.threadId === threadId && n.seq === seq);

  it('hears a NOTIFY from another connection, and ignores a malformed one', async () => {
    await notify('not a note');
    await notify('7:3');
    await eventually('the note', () => heard(7, 3));
    assert.deepEqual(notes, [{ threadId: 7, seq: 3 }]);
  });

  it('reconnects after losing its connection, then tells everyone to catch up', async () => {
    const killed = await sql<{ n: number }>`
      select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
      where datname = current_database() and query = ${`LISTEN ${EVENTS_CHANNEL}`}`.execute(
      db.store.db,
    );
    assert.equal(killed.rows[0]?.n, 1);
    await eventually('a resync', () => notes.some((n) => 'resync' in n));
    await notify('8:1');
    await eventually('a note after reconnecting', () => heard(8, 1));
  });
});
