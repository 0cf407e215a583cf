/**
 * Migration 2026-12-07-import-sources on a database that already holds
 * discussions: its messages get no source id (they were posted here), the
 * site gets one id, and an export then names them `parley:<site id>:<id>`.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { exportDocument } from '../../data/export.ts';
import { dialects, type TestDatabase } from '../../testing/dialects.ts';
import type { ExportDocument } from '../../wire.ts';
import * as importSources from './2026-12-07-import-sources.ts';

for (const dialect of dialects) {
  describe(`migration 2026-12-07-import-sources on ${dialect.name}`, () => {
    let db: TestDatabase;
    afterEach(async () => {
      await db?.dispose();
    });

    it('leaves posted messages without a source id and gives the site one id, which exports use', async () => {
      db = await dialect.create();
      const raw = db.store.db as unknown as Kysely<any>;
      await importSources.down(raw);
      const now = new Date('2026-12-01T10:00:00.000Z').toISOString();
      const thread = await raw
        .insertInto('threads')
        .values({
          key: '/t',
          status: 'open',
          public: 1,
          last_activity_at: now,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const ids: number[] = [];
      for (const body of ['first', 'second']) {
        const row = await raw
          .insertInto('messages')
          .values({
            thread_id: thread.id,
            parent_id: ids.at(-1) ?? null,
            kind: 'reply',
            author_name: 'A',
            author_role: null,
            body,
            html: `<p>${body}</p>`,
            status: 'published',
            ip_hash: null,
            edit_token_hash: 'x',
            created_at: now,
            edited_at: null,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(row.id);
      }
      await importSources.up(raw);
      const rows = await raw.selectFrom('messages').select('source_id').execute();
      assert.deepEqual(
        rows.map((r) => r.source_id),
        [null, null],
      );
      const meta = await raw.selectFrom('site_meta').selectAll().execute();
      assert.equal(meta.length, 1);
      const site = meta[0]!;
      assert.equal(site.name, 'site_id');
      assert.match(
        site.value,
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      let text = '';
      for await (const chunk of exportDocument(db.store.db, { now: new Date() })) text += chunk;
      const doc = JSON.parse(text) as ExportDocument;
      assert.deepEqual(
        doc.messages.map((m) => m.sourceId),
        ids.map((id) => `parley:${site.value}:${id}`),
      );
    });
  });
}
