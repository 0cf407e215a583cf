import type { Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';

// Author edits are limited per client, like reports: `edit_sends` keeps one
// row per edit a client made in the last minute, keyed by the day's client
// hash (as posts are); older rows are deleted as new ones arrive. Same
// shape as `report_sends`, so one piece of code counts both.
// Named after 2026-12-04-thread-visibility so it sorts after every released one.
// Like every migration it takes Kysely<any> and imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('edit_sends')
    .addColumn('id', pg ? 'serial' : 'integer', (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('sent_at', pg ? 'timestamptz' : 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('edit_sends_client_idx')
    .on('edit_sends')
    .columns(['client_hash', 'sent_at'])
    .execute();
  await db.schema.createIndex('edit_sends_sent_idx').on('edit_sends').column('sent_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('edit_sends').execute();
}
