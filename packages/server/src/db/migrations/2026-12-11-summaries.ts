import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Every thread has a summary: one a moderator set (`manual`, it always wins)
// or one the server computes from the published messages (`automatic`).
// `summary_source` says which; null while a thread has no summary at all.
// Summaries set before this migration were all typed by a moderator.
//
// The automatic one is computed off the write path by a worker in every
// instance (summaries/summary-worker.ts), so its schedule lives on the row:
// - `summary_due_at`: when the automatic summary is to be computed next (a
//   change readers can see made it stale, or a failed try backs off); null
//   while it is up to date, and always null under a manual summary;
// - `summary_at`: when the last computation began, for the "at most once
//   every few seconds per thread" rule;
// - `summary_claimed_until`: an instance's lease on the computation, so two
//   instances never compute one thread at once; one that dies lets it run out.
// A partial index holds only the threads that are due, so finding them is
// one short range however many threads there are.
//
// Public threads without a summary are due at once: after the upgrade every
// thread gets one. Like every migration it takes Kysely<any> and imports
// nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  await db.schema.alterTable('threads').addColumn('summary_source', 'text').execute();
  await db.schema.alterTable('threads').addColumn('summary_due_at', time).execute();
  await db.schema.alterTable('threads').addColumn('summary_at', time).execute();
  await db.schema.alterTable('threads').addColumn('summary_claimed_until', time).execute();
  await db
    .updateTable('threads')
    .set({ summary_source: 'manual' })
    .where('summary', 'is not', null)
    .execute();
  await db
    .updateTable('threads')
    .set({ summary_due_at: new Date().toISOString() })
    .where('summary', 'is', null)
    .where('public', '=', 1)
    .execute();
  await sql`create index threads_summary_due_idx on threads (summary_due_at, id) where summary_due_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('threads_summary_due_idx').execute();
  for (const column of ['summary_claimed_until', 'summary_at', 'summary_due_at', 'summary_source'])
    await db.schema.alterTable('threads').dropColumn(column).execute();
}
