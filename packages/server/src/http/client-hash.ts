import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Keyed hashes of client addresses. The raw address is never stored: each
 * message keeps HMAC-SHA256(salt of the day, address), enough to rate-limit a
 * client today but not to recover or correlate its address once the salt has
 * rotated. Salts live in the database so every instance hashes alike.
 */
export class ClientHasher {
  readonly #db: Kysely<Database>;
  #day = '';
  #salt: Promise<string> | undefined;

  constructor(db: Kysely<Database>) {
    this.#db = db;
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

  async #loadSalt(day: string): Promise<string> {
    await this.#db
      .insertInto('ip_salts')
      .values({ day, salt: randomBytes(32).toString('base64url') })
      .onConflict((oc) => oc.column('day').doNothing())
      .execute();
    const row = await this.#db
      .selectFrom('ip_salts')
      .select('salt')
      .where('day', '=', day)
      .executeTakeFirstOrThrow();
    // Older salts serve no one any more; dropping them makes old hashes unlinkable.
    await this.#db.deleteFrom('ip_salts').where('day', '<', day).execute();
    return row.salt;
  }
}
