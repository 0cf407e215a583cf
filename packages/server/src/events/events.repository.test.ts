import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { dialects, type TestDatabase } from '../testing/dialects.ts';
import { findOrCreateThread, recordChange } from '../threads/threads.repository.ts';
import { EVENTS_KEPT, eventsAfter, type NewEvent } from './events.repository.ts';

const NOW = '2026-03-01T12:00:00.000Z';

for (const dialect of dialects) {
  describe(`events table on ${dialect.name}`, () => {
    let db: TestDatabase;
    afterEach(async () => {
      await db?.dispose();
    });

    it('stores one event per bump, numbered in order, and tells listeners only after commit', async () => {
      db = await dialect.create();
      const told: Array<[number, number]> = [];
      db.store.onEvents((threadId, seq) => told.push([threadId, seq]));
      const threadId = await db.store.write(async (trx) => {
        const { thread } = await findOrCreateThread(trx, {
          key: 'k',
          title: null,
          url: null,
          now: NOW,
        });
        await recordChange(trx, thread.id, { messages: 0, highlights: 0, now: NOW }, [
          { type: 'message.updated', messageId: 7 },
          { type: 'thread.updated', messageId: null },
        ]);
        assert.deepEqual(told, [], 'not before the commit');
        return thread.id;
      });
      assert.deepEqual(told, [[threadId, 2]]);
      const events = await eventsAfter(db.store.db, threadId, 0, 10);
      assert.deepEqual(
        events.map((e) => [e.seq, e.type, e.message_id]),
        [
          [1, 'message.updated', 7],
          [2, 'thread.updated', null],
        ],
      );

      // A write that fails stores no event and tells no one.
      await assert.rejects(
        db.store.write(async (trx) => {
          await recordChange(trx, threadId, { messages: 0, highlights: 0, now: NOW }, [
            { type: 'thread.updated', messageId: null },
          ]);
          throw new Error('refused');
        }),
        /refused/,
      );
      assert.deepEqual(told, [[threadId, 2]]);
      assert.equal((await eventsAfter(db.store.db, threadId, 0, 10)).length, 2);
    });

    it(`keeps the last ${EVENTS_KEPT} events of a thread`, async () => {
      db = await dialect.create();
      const many: NewEvent[] = Array.from({ length: EVENTS_KEPT + 150 }, () => ({
        type: 'thread.updated',
        messageId: null,
      }));
      const threadId = await db.store.write(async (trx) => {
        const { thread } = await findOrCreateThread(trx, {
          key: 'k',
          title: null,
          url: null,
          now: NOW,
        });
        await recordChange(trx, thread.id, { messages: 0, highlights: 0, now: NOW }, many);
        return thread.id;
      });
      const kept = await eventsAfter(db.store.db, threadId, 0, 10_000);
      assert.equal(kept.length, EVENTS_KEPT);
      assert.equal(kept[0]?.seq, 151);
      assert.equal(kept.at(-1)?.seq, EVENTS_KEPT + 150);
    });
  });
}
