import { type Kysely, PostgresAdapter } from 'kysely';

// Live events: one row per bump of a thread's `event_seq`, written in the
// same transaction, so a reader who reconnects can be sent exactly what it
// missed. Rows carry ids only: what is sent is composed from the current
// rows when it is sent. Like every migration it imports nothing from the app.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const time = pg ? 'timestamptz' : 'text';
  await db.schema
    .createTable('events')
    .addColumn('thread_id', 'integer', (c) =>
      c.notNull().references('threads.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    // No foreign key: a message deleted outright leaves its `message.removed`.
    .addColumn('message_id', 'integer')
    .addColumn('created_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('events_pkey', ['thread_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('events').execute();
}
