import type { Kysely } from 'kysely';

// Why a hidden message is hidden: a moderator hid it, readers' reports
// reached the threshold, or the server kept it as spam (a filled honeypot).
// Spam is a kind of hidden, not a status of its own: it behaves exactly like
// a hidden message (never listed, never counted) and the CHECK constraint on
// `status` stays as released (SQLite cannot alter a constraint in place).
// Like every migration it imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('hidden_reason', 'text').execute();
  // Rows hidden before this migration keep null: which of a moderator or
  // reports hid them was not recorded.
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('hidden_reason').execute();
}
