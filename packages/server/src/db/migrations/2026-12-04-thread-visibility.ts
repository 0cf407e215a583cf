import type { Kysely } from 'kysely';

// Whether readers can see a thread: 1 once a published message is in it, 0
// while the only messages in it are held (pending, or kept as spam). A thread
// created by a held message stays out of every public read until a moderator
// approves a message in it, so its title cannot go public ahead of its post.
// Every thread that exists now was public already. 0/1 rather than a boolean:
// SQLite has none and one representation serves both dialects.
// Like every migration it imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('threads')
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('threads').dropColumn('public').execute();
}
