import type { Kysely } from 'kysely';

// The duplicate check compares what a message says, not its bytes: each
// message keeps a hash of its body's comparable form (NFKC, case folded,
// format characters removed, whitespace collapsed), so "the same body from
// this client in the last 10 minutes" is one lookup on `messages_client_idx`
// (ip_hash, created_at) instead of normalising every recent body per post.
// Older rows keep null: they are past the window. Like every migration it
// imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('body_fingerprint', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('body_fingerprint').execute();
}
