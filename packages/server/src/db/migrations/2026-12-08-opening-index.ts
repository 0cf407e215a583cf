import { type Kysely, sql } from 'kysely';

// A thread's opening post is the message of kind `opening`, wherever it
// falls in time: an import may bring in replies older than it (comments a
// blog had before the thread's opening post was written here). This partial
// index holds only the listed opening posts, one per thread at most, so
// finding a thread's opening post is one seek however long the thread,
// instead of taking the thread's earliest listed message. Queries repeat the
// predicate literally for both planners to use it. Like every migration it
// imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index messages_opening_idx on messages (thread_id, kind, created_at, id) where kind = 'opening' and status in ('published', 'deleted')`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_opening_idx').execute();
}
