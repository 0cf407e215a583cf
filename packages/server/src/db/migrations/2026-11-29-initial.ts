import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Migrations take Kysely<any> and import nothing from the app: they must keep
// producing the same schema after the app's types have moved on.

function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  // Times: timestamptz on PostgreSQL; fixed-width ISO 8601 text on SQLite, whose
  // lexical order is time order, so keyset pagination works on both.
  const time = pg ? 'timestamptz' : 'text';
  const id = pg ? 'serial' : 'integer';

  await db.schema
    .createTable('threads')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text')
    .addColumn('summary', 'text')
    .addColumn('url', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('highlight_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_activity_at', time, (c) => c.notNull())
    .addColumn('event_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addCheckConstraint('threads_status_check', sql`status in ('open', 'closed')`)
    .execute();
  await db.schema
    .createIndex('threads_activity_idx')
    .on('threads')
    .columns(['last_activity_at', 'id'])
    .execute();
  await db.schema
    .createIndex('threads_created_idx')
    .on('threads')
    .columns(['created_at', 'id'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', id, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('thread_id', 'integer', (c) =>
      c.notNull().references('threads.id').onDelete('cascade'),
    )
    .addColumn('parent_id', 'integer', (c) => c.references('messages.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('author_role', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('highlighted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ip_hash', 'text')
    .addColumn('edit_token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('edited_at', time)
    .addColumn('updated_at', time, (c) => c.notNull())
    .addCheckConstraint('messages_kind_check', sql`kind in ('opening', 'reply')`)
    .addCheckConstraint(
      'messages_status_check',
      sql`status in ('published', 'pending', 'hidden', 'deleted')`,
    )
    .execute();
  // The reader's hot path: one thread's visible messages in time order.
  await db.schema
    .createIndex('messages_thread_idx')
    .on('messages')
    .columns(['thread_id', 'status', 'created_at', 'id'])
    .execute();
  await db.schema.createIndex('messages_parent_idx').on('messages').column('parent_id').execute();
  // Per-client rate limits count a client's recent posts.
  await db.schema
    .createIndex('messages_client_idx')
    .on('messages')
    .columns(['ip_hash', 'created_at'])
    .execute();

  await db.schema
    .createTable('ip_salts')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('salt', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ip_salts').execute();
  await db.schema.dropTable('messages').execute();
  await db.schema.dropTable('threads').execute();
}
