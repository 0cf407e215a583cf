import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Notifications: webhooks and mail, sent through an outbox.
//
// - `outbox`: one row per thing that happened (a message published, held or
//   reported, a thread closed, a reader asking for reply mail), written in
//   the same transaction as the change it reports, so a change is never
//   reported without happening nor happens unreported. It holds a snapshot
//   of the public thread and message and the moderation fields, never an
//   address. A worker turns each row into deliveries (one per configured
//   channel and recipient) and deletes it.
// - `deliveries`: one webhook call or one mail, with its retry state. Claimed
//   by one instance at a time (`locked_until`; on PostgreSQL with
//   `FOR UPDATE SKIP LOCKED`), retried with backoff for more than a day, the
//   same `webhook_id` on every attempt.
// - `reader_addresses`: a reader's email address, kept only for reply mail,
//   deleted on unsubscribe or with the reader's last message. Consent is per
//   browser, not per address: see the reader keys block at the end.
// - `messages.first_published_at`: when a message was first shown to
//   readers, so `message.created` is reported once (a hidden message that a
//   moderator restores is not new). Messages published before this
//   migration count as announced.
// Like every migration it takes Kysely<any> and imports nothing from the app.

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = pg ? 'serial' : 'integer';
  const primary = (c: any) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .createTable('reader_addresses')
    .addColumn('id', id, primary)
    // As the reader typed it (trimmed); mail goes to this.
    .addColumn('address', 'text', (c) => c.notNull())
    // Lower-cased: one row per mailbox, however it is capitalised.
    .addColumn('address_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', time, (c) => c.notNull())
    .execute();

  await db.schema.alterTable('messages').addColumn('first_published_at', time).execute();
  await sql`update messages set first_published_at = created_at where status <> 'pending' and not (status = 'hidden' and hidden_reason = 'spam')`.execute(
    db,
  );

  await db.schema
    .createTable('outbox')
    .addColumn('id', id, primary)
    .addColumn('type', 'text', (c) => c.notNull())
    // JSON: the event's snapshot (see notifications/outbox.ts).
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', time, (c) => c.notNull())
    // The message the event is about (no foreign key: the row goes in the
    // transaction that deletes the message, by this column).
    .addColumn('message_id', 'integer')
    .execute();
  await sql`create index outbox_message_idx on outbox (message_id) where message_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable('deliveries')
    .addColumn('id', id, primary)
    .addColumn('channel', 'text', (c) => c.notNull())
    // The event type, or the mail's kind for mail of the server's own.
    .addColumn('type', 'text', (c) => c.notNull())
    // `owner`, `reader`, or the webhook endpoint's origin: shown in /admin.
    .addColumn('target', 'text', (c) => c.notNull())
    // A reader's mail: to whom, looked up when sent (so an unsubscribe stops it).
    .addColumn('address_id', 'integer', (c) =>
      c.references('reader_addresses.id').onDelete('cascade'),
    )
    // Standard Webhooks' `webhook-id`, the same on every attempt; a mail's Message-ID seed.
    .addColumn('webhook_id', 'text', (c) => c.notNull().unique())
    .addColumn('payload', 'text', (c) => c.notNull())
    // The message it is about, from its event: deleting the message deletes
    // the delivery, or blanks its payload once it was delivered or failed.
    .addColumn('message_id', 'integer')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', time, (c) => c.notNull())
    // When it is next due; null once delivered or failed for good.
    .addColumn('next_attempt_at', time)
    // A claim by one instance: others leave it alone until then.
    .addColumn('locked_until', time)
    .addColumn('last_attempt_at', time)
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', time)
    .addColumn('failed_at', time)
    .execute();
  await sql`create index deliveries_due_idx on deliveries (next_attempt_at, id) where next_attempt_at is not null`.execute(
    db,
  );
  await db.schema
    .createIndex('deliveries_created_idx')
    .on('deliveries')
    .columns(['created_at', 'id'])
    .execute();
  await sql`create index deliveries_message_idx on deliveries (message_id) where message_id is not null`.execute(
    db,
  );
  // The cascade of an unsubscribe (a deleted reader_addresses row) finds its rows by this.
  await sql`create index deliveries_address_idx on deliveries (address_id) where address_id is not null`.execute(
    db,
  );

  // --- Reader keys and confirmation limits (mail2) ---
  // - `reader_keys`: consent to reply mail is given per browser, not per
  //   address: each post asking for reply mail names a key (random, kept by
  //   the reader's browser; stored here only as its SHA-256), and a key is
  //   confirmed by its own mail. Knowing a confirmed address is not enough
  //   to make Parley mail it. Messages point at their key (`notify_key_id`).
  // - `confirmation_mailboxes`: at most one confirmation mail a day per
  //   mailbox, remembered by an HMAC (server secret) of the normalised
  //   mailbox, never the address, so deleting messages, unsubscribing or
  //   making the address row again does not reset it. Rows go after a day.
  // - `confirmation_sends`: the confirmation mails one client's posts caused
  //   in the last hour (the shape of `edit_sends`).
  await db.schema
    .createTable('reader_keys')
    .addColumn('id', id, primary)
    .addColumn('address_id', 'integer', (c) =>
      c.notNull().references('reader_addresses.id').onDelete('cascade'),
    )
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', time, (c) => c.notNull())
    // Null until its confirmation link is followed: no reply mail before.
    .addColumn('confirmed_at', time)
    .execute();
  await db.schema
    .createIndex('reader_keys_address_idx')
    .on('reader_keys')
    .column('address_id')
    .execute();
  await db.schema
    .alterTable('messages')
    .addColumn('notify_key_id', 'integer', (c) =>
      c.references('reader_keys.id').onDelete('set null'),
    )
    .execute();
  await sql`create index messages_notify_key_idx on messages (notify_key_id) where notify_key_id is not null`.execute(
    db,
  );
  await db.schema
    .createTable('confirmation_mailboxes')
    .addColumn('mailbox_hash', 'text', (c) => c.primaryKey())
    .addColumn('sent_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('confirmation_sends')
    .addColumn('id', id, primary)
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('sent_at', time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('confirmation_sends_client_idx')
    .on('confirmation_sends')
    .columns(['client_hash', 'sent_at'])
    .execute();
  await db.schema
    .createIndex('confirmation_sends_sent_idx')
    .on('confirmation_sends')
    .column('sent_at')
    .execute();
  // --- end of reader keys and confirmation limits ---
}

export async function down(db: Kysely<any>): Promise<void> {
  // --- Reader keys and confirmation limits (mail2) ---
  await db.schema.dropTable('confirmation_sends').execute();
  await db.schema.dropTable('confirmation_mailboxes').execute();
  await db.schema.dropIndex('messages_notify_key_idx').execute();
  await db.schema.alterTable('messages').dropColumn('notify_key_id').execute();
  await db.schema.dropTable('reader_keys').execute();
  // --- end of reader keys and confirmation limits ---
  await db.schema.dropTable('deliveries').execute();
  await db.schema.dropTable('outbox').execute();
  await db.schema.alterTable('messages').dropColumn('first_published_at').execute();
  await db.schema.dropTable('reader_addresses').execute();
}
