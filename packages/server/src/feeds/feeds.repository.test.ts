import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery as Compiled,
  type CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
} from 'kysely';
import pg from 'pg';
import type { Database } from '../db/schema.ts';
import { dialects, type TestDatabase } from '../testing/dialects.ts';
import {
  latestPublicActivity,
  newestSiteMessages,
  newestThreadMessages,
} from './feeds.repository.ts';
import { FEED_ENTRIES } from './feeds.routes.ts';

/**
 * A second connection to the test database that records every query it
 * runs, so a test can ask the planner about the repository's own SQL (not a
 * copy of it).
 */
function recordingDb(test: TestDatabase, dialect: string) {
  const queries: CompiledQuery[] = [];
  const log = (event: { query: CompiledQuery }) => {
    queries.push(event.query);
  };
  const db =
    dialect === 'sqlite'
      ? new Kysely<Database>({
          dialect: new SqliteDialect({ database: new SQLite(test.url.slice('sqlite:'.length)) }),
          log,
        })
      : new Kysely<Database>({
          // One connection: the planner setting below holds for the EXPLAIN.
          dialect: new PostgresDialect({
            pool: new pg.Pool({ connectionString: test.url, max: 1 }),
          }),
          log,
        });
  return { db, queries };
}

/** The plan of `query`, one line per step. */
async function plan(db: Kysely<Database>, dialect: string, query: CompiledQuery): Promise<string> {
  if (dialect === 'sqlite') {
    const rows = await db.executeQuery<{ detail: string }>(
      Compiled.raw(`explain query plan ${query.sql}`, [...query.parameters]),
    );
    return rows.rows.map((r) => r.detail).join('\n');
  }
  // The test tables are tiny, where a sequential scan is the right plan;
  // with it off, PostgreSQL still takes one when no index can serve.
  await db.executeQuery(Compiled.raw('set enable_seqscan = off'));
  const rows = await db.executeQuery<{ 'QUERY PLAN': string }>(
    Compiled.raw(`explain ${query.sql}`, [...query.parameters]),
  );
  return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
}

for (const dialect of dialects) {
  describe(`feed queries on ${dialect.name}`, () => {
    let test: TestDatabase;
    let recording: ReturnType<typeof recordingDb> | undefined;
    afterEach(async () => {
      await recording?.db.destroy();
      await test?.dispose();
    });

    it('read an ordered index range, never every message, and never sort', async () => {
      test = await dialect.create();
      recording = recordingDb(test, dialect.name);
      const { db, queries } = recording;
      await newestSiteMessages(db, FEED_ENTRIES);
      await newestThreadMessages(db, 1, FEED_ENTRIES);
      await latestPublicActivity(db);
      // Copied: the log records the EXPLAINs below too.
      const recorded = [...queries];
      assert.equal(recorded.length, 3);
      const plans: string[] = [];
      for (const query of recorded) plans.push(await plan(db, dialect.name, query));
      const [site, thread, activity] = plans;
      if (dialect.name === 'sqlite') {
        assert.match(site ?? '', /SEARCH messages USING INDEX messages_status_idx/);
        assert.match(thread ?? '', /SEARCH messages USING INDEX messages_thread_idx/);
        assert.match(activity ?? '', /threads USING INDEX threads_activity_idx/);
        for (const p of [site, thread, activity]) {
          assert.doesNotMatch(p ?? '', /TEMP B-TREE|SCAN messages\b(?! USING)/, p);
        }
      } else {
        assert.match(site ?? '', /Index Scan Backward using messages_status_idx on messages/);
        // On an empty table messages_listed_idx (thread_id, created_at, id)
        // filtered on status costs the same; with rows, messages_thread_idx.
        assert.match(thread ?? '', /Scan Backward using messages_(thread|listed)_idx on messages/);
        assert.match(activity ?? '', /Index Scan Backward using threads_activity_idx on threads/);
        for (const p of [site, thread, activity]) {
          assert.doesNotMatch(p ?? '', /Seq Scan|Sort/, p);
        }
      }
    });
  });
}
