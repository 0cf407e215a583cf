import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Reports weigh by network, and a client's reports are limited per hour.
// - `reports.network_hash`: a keyed hash of the reporter's network (an IPv4
//   /24 or an IPv6 /48) for this message; the threshold counts distinct ones.
//   Reports made before it keep their reporter's hash there: each counts as
//   a network of its own, as it did.
// - `report_sends`: one row per report a client sent in the last hour, keyed
//   by a hash that does not rotate at midnight; rows older than an hour are
//   deleted as new ones arrive.
// Like every migration it takes Kysely<any> and imports nothing from the app.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await db.schema
    .alterTable('reports')
    .addColumn('network_hash', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`update reports set network_hash = reporter_hash`.execute(db);

  await db.schema
    .createTable('report_sends')
    .addColumn('id', pg ? 'serial' : 'integer', (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('sent_at', pg ? 'timestamptz' : 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('report_sends_client_idx')
    .on('report_sends')
    .columns(['client_hash', 'sent_at'])
    .execute();
  await db.schema
    .createIndex('report_sends_sent_idx')
    .on('report_sends')
    .column('sent_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('report_sends').execute();
  await db.schema.alterTable('reports').dropColumn('network_hash').execute();
}
