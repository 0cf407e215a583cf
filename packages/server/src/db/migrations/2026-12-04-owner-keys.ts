import { type Kysely, PostgresAdapter } from 'kysely';

// Owner-posting keys: credentials the admin page issues so the site owner can
// post as the owner from the blog without the admin token ever reaching the
// blog's storage. Only a SHA-256 of each key is kept (the key is shown once);
// a revoked key keeps its row, with `revoked_at`, so its use is refused.
// Like every migration it takes Kysely<any> and imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  await db.schema
    .createTable('owner_keys')
    .addColumn('id', pg ? 'serial' : 'integer', (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('label', 'text', (c) => c.notNull())
    // Hex SHA-256 of the key: a stolen database holds no usable key.
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('last_used_at', time)
    .addColumn('revoked_at', time)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('owner_keys').execute();
}
