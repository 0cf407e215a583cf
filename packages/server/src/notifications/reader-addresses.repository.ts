/**
 * Readers' email addresses, kept only to mail them replies
 * (`reader_addresses`). An address is private: these functions are the only
 * reads of the `address` column, and only the mail channel sends to it.
 */
import type { Kysely } from 'kysely';
import type { Database, ReaderAddressRow } from '../db/schema.ts';

/** How long after a confirmation mail another may be sent to the same address. */
const CONFIRMATION_INTERVAL_MS = 24 * 60 * 60 * 1000;

/** The key an address is stored under: one row per mailbox, however it is capitalised. */
function addressKey(address: string): string {
  return address.toLowerCase();
}

/** The address row with this id, if it still exists. */
export async function findAddress(
  db: Kysely<Database>,
  id: number,
): Promise<ReaderAddressRow | undefined> {
  return db.selectFrom('reader_addresses').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The row for `address`, made (unconfirmed) when there is none. Safe when two
 * posts race to make it: the unique `address_key` decides and both get the
 * same row. The address is kept as first typed. The conflict is an update
 * that changes nothing, so on PostgreSQL it locks the row until the post
 * commits: a reader deleting their last message meanwhile cannot delete the
 * address under the new message that points at it.
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
 * Marks that a confirmation mail goes to this address now, unless it is
 * confirmed already or one went in the last 24 hours; returns whether it
 * should go. One conditional update, so two instances cannot both decide to
 * send (PostgreSQL re-checks the condition on the row the other one changed).
 * Why at most one a day: anyone can type anyone's address into a form, and
 * Parley must not become a way to flood a stranger's mailbox.
 */
export async function claimConfirmation(
  trx: Kysely<Database>,
  id: number,
  now: Date,
): Promise<boolean> {
  const cutoff = new Date(now.getTime() - CONFIRMATION_INTERVAL_MS).toISOString();
  const updated = await trx
    .updateTable('reader_addresses')
    .set({ confirmation_sent_at: now.toISOString() })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .where((eb) =>
      eb.or([eb('confirmation_sent_at', 'is', null), eb('confirmation_sent_at', '<=', cutoff)]),
    )
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/** Marks the address confirmed (once: a second click keeps the first time). */
export async function confirmAddress(
  trx: Kysely<Database>,
  id: number,
  now: string,
): Promise<void> {
  await trx
    .updateTable('reader_addresses')
    .set({ confirmed_at: now })
    .where('id', '=', id)
    .where('confirmed_at', 'is', null)
    .execute();
}

/**
 * Deletes the address (an unsubscribe). The schema does the rest: its
 * pending deliveries go with it, messages that pointed at it point nowhere.
 */
export async function deleteAddress(trx: Kysely<Database>, id: number): Promise<void> {
  await trx.deleteFrom('reader_addresses').where('id', '=', id).execute();
}

/**
 * Deletes the address when no message points at it any more (its reader's
 * last message was deleted): an address is kept no longer than it is needed.
 */
export async function deleteAddressIfUnused(trx: Kysely<Database>, id: number): Promise<void> {
  await trx
    .deleteFrom('reader_addresses')
    .where('id', '=', id)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('messages')
            .select('messages.id')
            .whereRef('messages.notify_address_id', '=', 'reader_addresses.id'),
        ),
      ),
    )
    .execute();
}
