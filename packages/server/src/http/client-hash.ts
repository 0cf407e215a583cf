import { createHmac, randomBytes } from 'node:crypto';
import type { Store } from '../db/store.ts';

/**
 * Keyed hashes of client addresses. The raw address is never stored: each
 * message keeps HMAC-SHA256(salt of the day, address), enough to rate-limit a
 * client today but not to recover or correlate its address once the salt has
 * rotated. Salts live in the database so every instance hashes alike.
 * Never call `hash` inside a `Store.write`: a new day's salt is a write of
 * its own, and SQLite has one writer.
 */
export class ClientHasher {
  readonly #store: Store;
  #day = '';
  #salt: Promise<string> | undefined;

  constructor(store: Store) {
    this.#store = store;
  }

  /** The keyed hash of `address` under the salt of `now`'s UTC day. */
  async hash(address: string, now: Date): Promise<string> {
    const day = now.toISOString().slice(0, 10);
    if (day !== this.#day || !this.#salt) {
      this.#day = day;
      this.#salt = this.#loadSalt(day);
      // A failed load must not stick: the next request tries again.
      this.#salt.catch(() => {
        if (this.#day === day) this.#salt = undefined;
      });
    }
    const salt = await this.#salt;
    return createHmac('sha256', salt).update(address).digest('base64url');
  }

  /** The day's salt, created by whichever instance needs it first. */
  #loadSalt(day: string): Promise<string> {
    return this.#store.write(async (trx) => {
      await trx
        .insertInto('ip_salts')
        .values({ day, salt: randomBytes(32).toString('base64url') })
        .onConflict((oc) => oc.column('day').doNothing())
        .execute();
      const row = await trx
        .selectFrom('ip_salts')
        .select('salt')
        .where('day', '=', day)
        .executeTakeFirstOrThrow();
      // Older salts serve no one any more; dropping them makes old hashes unlinkable.
      await trx.deleteFrom('ip_salts').where('day', '<', day).execute();
      return row.salt;
    });
  }
}
