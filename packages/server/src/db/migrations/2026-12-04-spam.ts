import { type Kysely, PostgresAdapter } from 'kysely';

// Proof of work: each solved challenge is good for one post. The challenges
// used so far are kept here, in the database rather than in memory, so every
// instance of a scaled-out deployment refuses a replay another one accepted.
// A row is needed only until its challenge expires (an expired challenge is
// refused anyway), so rows are pruned by `expires_at`.
//
// Duplicates (the same body from the same client within 10 minutes) need no
// index of their own: they are looked up among the client's recent messages
// through `messages_client_idx` (ip_hash, created_at), as the rate limit is.
// Like every migration it imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  // Times as everywhere else: timestamptz on PostgreSQL, ISO 8601 text on SQLite.
  const time = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text';
  await db.schema
    .createTable('used_challenges')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('expires_at', time, (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('used_challenges_expiry_idx')
    .on('used_challenges')
    .column('expires_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('used_challenges').execute();
}
