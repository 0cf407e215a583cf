import type { Kysely } from 'kysely';
import { PostgresAdapter } from 'kysely';

// Posts are limited per client (`PARLEY_RATE_LIMIT` a minute) by a log of
// their own, like reports and edits: counting the client's rows in
// `messages` let a client that deleted each post right after sending it post
// without limit (and, with notifications, mail the owner without limit).
// One row per post in the last minute, keyed by the day's client hash as the
// message is; older rows are deleted as new ones arrive. Same shape as
// `report_sends` and `edit_sends`, so one piece of code counts all three.
// Like every migration it takes Kysely<any> and imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('post_sends')
    .addColumn('id', pg ? 'serial' : 'integer', (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('sent_at', pg ? 'timestamptz' : 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('post_sends_client_idx')
    .on('post_sends')
    .columns(['client_hash', 'sent_at'])
    .execute();
  await db.schema.createIndex('post_sends_sent_idx').on('post_sends').column('sent_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('post_sends').execute();
}
