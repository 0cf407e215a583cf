import type { Kysely } from 'kysely';

// Every thread has a summary: one a moderator set (`manual`, it always wins)
// or one the server computes from the published messages (`automatic`).
// `summary_source` says which; null while a thread has no summary at all.
// Summaries set before this migration were all typed by a moderator.
// Like every migration it takes Kysely<any> and imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('threads').addColumn('summary_source', 'text').execute();
  await db
    .updateTable('threads')
    .set({ summary_source: 'manual' })
    .where('summary', 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('threads').dropColumn('summary_source').execute();
}
