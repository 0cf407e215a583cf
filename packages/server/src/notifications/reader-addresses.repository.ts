/**
 * Readers' email addresses and the keys that consent to mail them
 * (`reader_addresses`, `reader_keys`), and the one-a-day limit on
 * confirmation mail per mailbox (`confirmation_mailboxes`).
 *
 * An address is private: these functions are the only reads of the
 * `address` column, and only the mail channel sends to it. Consent is per
 * browser: a post asking for reply mail names a key its browser keeps (made
 * here on its first post), and only a key confirmed from its own mail gets
 * reply mail. Knowing a confirmed address is not enough to be mailed at it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, PostgresAdapter, sql } from 'kysely';
import type { Database, ReaderAddressRow, ReaderKeyRow } from '../db/schema.ts';
import { keyedHash } from '../http/client-identity.ts';

/** How long after a confirmation mail to a mailbox another may be sent to it. */
const CONFIRMATION_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** The key an address is stored under: one row per mailbox, however it is capitalised. */
function addressKey(address: string): string {
  return address.toLowerCase();
}

/** SHA-256 (hex) of a reader key: all the database keeps of it. */
function hashReaderKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The address row with this id, if it still exists. */
export async function findAddress(
  db: Kysely<Database>,
  id: number,
): Promise<ReaderAddressRow | undefined> {
  return db.selectFrom('reader_addresses').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The reader key with this id, if it still exists. */
export async function findReaderKey(
  db: Kysely<Database>,
  id: number,
): Promise<ReaderKeyRow | undefined> {
  return db.selectFrom('reader_keys').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The row for `address`, made when there is none. Safe when two posts race
 * to make it: the unique `address_key` decides and both get the same row.
 * The address is kept as first typed (its domain lower-cased by the post's
 * validation). The conflict is an update that changes nothing, so on
 * PostgreSQL it locks the row until the post commits: a reader deleting
 * their last message meanwhile waits for this post (see
 * {@link deleteAddressIfUnused}).
 */
export async function findOrCreateAddress(
  trx: Kysely<Database>,
  address: string,
  now: string,
): Promise<ReaderAddressRow> {
  return trx
    .insertInto('reader_addresses')
    .values({ address, address_key: addressKey(address), created_at: now })
    .onConflict((oc) =>
      oc.column('address_key').doUpdateSet({ address_key: (eb) => eb.ref('excluded.address_key') }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The key a post asking for reply mail at `addressId` uses: the one `sent`
 * names when it is a key of this address, else a new one (unconfirmed), made
 * here. Returns the row and the key itself, which the post's answer gives
 * the browser to send with its later posts; only its hash is stored.
 */
export async function useReaderKey(
  trx: Kysely<Database>,
  addressId: number,
  sent: string | undefined,
  now: string,
): Promise<{ row: ReaderKeyRow; key: string }> {
  if (sent !== undefined) {
    const row = await trx
      .selectFrom('reader_keys')
      .selectAll()
      .where('key_hash', '=', hashReaderKey(sent))
      .where('address_id', '=', addressId)
      .executeTakeFirst();
    if (row) return { row, key: sent };
  }
  const key = newReaderKey();
  const row = await trx
    .insertInto('reader_keys')
    .values({ address_id: addressId, key_hash: hashReaderKey(key), created_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { row, key };
}

/** A fresh reader key: 24 random bytes, base64url (32 characters). */
export function newReaderKey(): string {
  return randomBytes(24).toString('base64url');
}

/** Marks the key confirmed (once: a second confirmation keeps the first time). */
export async function confirmReaderKey(
  trx: Kysely<Database>,
  id: number,
  now: string,
): Promise<void> {
  await trx
    .updateTable('reader_keys')
    .set({ confirmed_at: now })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .execute();
}

/**
 * The message a key last asked for reply mail with, and its thread's url:
 * where the confirm page links back to. Undefined when none is left.
 */
export async function latestMessageOfKey(
  db: Kysely<Database>,
  keyId: number,
): Promise<{ id: number; threadUrl: string | null } | undefined> {
  return db
    .selectFrom('messages')
    .innerJoin('threads', 'threads.id', 'messages.thread_id')
    .select(['messages.id as id', 'threads.url as threadUrl'])
    .where('messages.notify_key_id', '=', keyId)
    .where('messages.status', '=', 'published')
    .orderBy('messages.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Deletes the address (an unsubscribe). The schema does the rest: its keys
 * and pending deliveries go with it, messages that pointed at its keys point
 * nowhere.
 */
export async function deleteAddress(trx: Kysely<Database>, id: number): Promise<void> {
  await trx.deleteFrom('reader_addresses').where('id', '=', id).execute();
}

/**
 * Deletes the address of this key when no message points at any of its keys
 * any more (its reader's last message was deleted): an address is kept no
 * longer than it is needed.
 *
 * On PostgreSQL the address row is locked first, in a statement of its own.
 * A post by the same reader may hold that lock (see
 * {@link findOrCreateAddress}) with its new message not yet committed; the
 * lock makes this wait for it, and the delete, a new statement, then reads
 * afresh and sees the new message. A delete that waited on the row inside
 * its own statement would still judge `not exists` by its old snapshot and
 * take the new subscription with it.
 */
export async function deleteAddressIfUnused(trx: Kysely<Database>, keyId: number): Promise<void> {
  const key = await findReaderKey(trx, keyId);
  if (!key) return;
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select id from reader_addresses where id = ${key.address_id} for update`.execute(trx);
  }
  await trx
    .deleteFrom('reader_addresses')
    .where('id', '=', key.address_id)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('messages')
            .innerJoin('reader_keys', 'reader_keys.id', 'messages.notify_key_id')
            .select('messages.id')
            .whereRef('reader_keys.address_id', '=', 'reader_addresses.id'),
        ),
      ),
    )
    .execute();
}

/**
 * A mailbox as the confirmation limit counts it: lower-cased, with a
 * `+tag` taken off the local part (`Ada+blog@Example.org` is
 * `ada@example.org`), so tags do not multiply the mail one inbox gets.
 */
function normalisedMailbox(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at).replace(/\+.*$/, '');
  return `${local}@${address.slice(at + 1)}`.toLowerCase();
}

/**
 * Records that a confirmation mail goes to this mailbox now, unless one went
 * in the last 24 hours; returns whether it may go. The mailbox is kept only
 * as an HMAC under the server secret (a copy of the database cannot tell
 * whose it is), and for a day: older rows are deleted here. Keyed by the
 * mailbox, not by a row, so deleting messages, unsubscribing or asking again
 * from a new browser does not reset it. One insert decides, so two
 * instances cannot both send.
 */
export async function claimMailboxConfirmation(
  trx: Kysely<Database>,
  secret: string,
  address: string,
  now: Date,
): Promise<boolean> {
  const cutoff = new Date(now.getTime() - CONFIRMATION_INTERVAL_MS).toISOString();
  await trx.deleteFrom('confirmation_mailboxes').where('sent_at', '<=', cutoff).execute();
  const inserted = await trx
    .insertInto('confirmation_mailboxes')
    .values({
      mailbox_hash: keyedHash(secret, 'mail-mailbox', normalisedMailbox(address)),
      sent_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column('mailbox_hash').doNothing())
    .returning('mailbox_hash')
    .executeTakeFirst();
  return inserted !== undefined;
}
