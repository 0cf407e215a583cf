import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Moderation: readers' reports, failed admin sign-ins (a rate limit shared by
// every instance), an open-report counter per message, and the indexes the
// public listing (placeholders included) and the moderation queue read.
// Like every migration it takes Kysely<any> and imports nothing from the app.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const time = pg ? 'timestamptz' : 'text';
  const id = pg ? 'serial' : 'integer';

  // Reports a moderator has not decided on yet; 0 once one has.
  await db.schema
    .alterTable('messages')
    .addColumn('report_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('reports')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('message_id', 'integer', (c) =>
      c.notNull().references('messages.id').onDelete('cascade'),
    )
    // The reader's keyed client hash: one report per reader and message.
    .addColumn('reporter_hash', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    // When a moderator decided on the message; null while the report is open.
    .addColumn('decided_at', time)
    .addUniqueConstraint('reports_reader_unique', ['message_id', 'reporter_hash'])
    .execute();

  await db.schema
    .createTable('auth_failures')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('failed_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('auth_failures_client_idx')
    .on('auth_failures')
    .columns(['client_hash', 'failed_at'])
    .execute();

  // The public listing shows published messages and the placeholders of
  // deleted ones that still have replies. A partial index keeps that listing
  // one ordered index range per thread; `status IN (...)` on the older
  // (thread_id, status, created_at, id) index would merge two ranges and sort.
  // Queries must repeat this predicate literally for the planner to use it.
  await sql`create index messages_listed_idx on messages (thread_id, created_at, id) where status in ('published', 'deleted')`.execute(
    db,
  );
  // The moderation queue: every thread's messages of one status, newest first.
  await db.schema
    .createIndex('messages_status_idx')
    .on('messages')
    .columns(['status', 'created_at', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_status_idx').execute();
  await db.schema.dropIndex('messages_listed_idx').execute();
  await db.schema.dropTable('auth_failures').execute();
  await db.schema.dropTable('reports').execute();
  await db.schema.alterTable('messages').dropColumn('report_count').execute();
}
