import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { dialects, type TestDatabase } from '../../testing/dialects.ts';
import * as reportsByNetwork from './2026-12-04-reports-by-network.ts';

for (const dialect of dialects) {
  describe(`migration 2026-12-04-reports-by-network on ${dialect.name}`, () => {
    let db: TestDatabase;
    afterEach(async () => {
      await db?.dispose();
    });

    it('gives each report made before it a network of its own, so the count it had stands', async () => {
      db = await dialect.create();
      const raw = db.store.db as unknown as Kysely<any>;
      await reportsByNetwork.down(raw);
      const now = new Date().toISOString();
      const thread = await raw
        .insertInto('threads')
        .values({
          key: '/t',
          status: 'open',
          last_activity_at: now,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const message = await raw
        .insertInto('messages')
        .values({
          thread_id: thread.id,
          parent_id: null,
          kind: 'reply',
          author_name: 'A',
          author_role: null,
          body: 'b',
          html: '<p>b</p>',
          status: 'published',
          ip_hash: null,
          edit_token_hash: 'x',
          created_at: now,
          edited_at: null,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const reporter of ['old-a', 'old-b']) {
        await raw
          .insertInto('reports')
          .values({
            message_id: message.id,
            reporter_hash: reporter,
            reason: null,
            created_at: now,
          })
          .execute();
      }
      await reportsByNetwork.up(raw);
      const rows = await raw
        .selectFrom('reports')
        .select(['reporter_hash', 'network_hash'])
        .orderBy('reporter_hash')
        .execute();
      assert.deepEqual(rows, [
        { reporter_hash: 'old-a', network_hash: 'old-a' },
        { reporter_hash: 'old-b', network_hash: 'old-b' },
      ]);
      assert.deepEqual(await raw.selectFrom('report_sends').selectAll().execute(), []);
    });
  });
}
