import { type Kysely, sql } from 'kysely';

// The highlights view (`GET /api/threads/:key/messages?highlighted=true`)
// lists a thread's published, highlighted messages in time order. Without an
// index of its own it reads every listed message of the thread to find the
// few highlighted ones; this partial index holds only those, so a page is one
// ordered range however long the thread. Queries repeat the predicate
// literally for both planners to use it. `status` and `highlighted` are
// columns too, though constant in it: SQLite without statistics picks the
// index matching the most equalities, and would otherwise prefer
// `messages_thread_idx` (thread_id, status, ...) and read every published
// message. Like every migration it imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index messages_highlighted_idx on messages (thread_id, status, highlighted, created_at, id) where status = 'published' and highlighted = 1`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_highlighted_idx').execute();
}
