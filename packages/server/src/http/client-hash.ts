import { createHmac } from 'node:crypto';
import { takeDaySalt } from '../db/ip-salts.repository.ts';
import type { Store } from '../db/store.ts';

/**
 * Keyed hashes of clients. The raw address is never stored: each message
 * keeps HMAC-SHA256(day key, client), where the day key is
 * HMAC-SHA256(server secret, salt of the day). That is enough to rate-limit a
 * client today, but not to correlate it once the salt has rotated, and not to
 * recover its address from a copy of the database: the salts live in the
 * database (so every instance hashes alike), the secret never does, and
 * without it trying every address of a range finds nothing.
 * Never call `hash` inside a `Store.write`: a new day's salt is a write of
 * its own, and SQLite has one writer.
 */
export class ClientHasher {
  readonly #store: Store;
  readonly #secret: string;
  #day = '';
  #salt: Promise<string> | undefined;

  /** `secret`: the server secret (`PARLEY_SECRET` or the key file), never stored. */
  constructor(store: Store, secret: string) {
    this.#store = store;
    this.#secret = secret;
  }

  /** The keyed hash of `client` under the server secret and the salt of `now`'s UTC day. */
  async hash(client: string, now: Date): Promise<string> {
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
    return clientHash(this.#secret, salt, client);
  }

  /** The day's salt, created by whichever instance needs it first. */
  #loadSalt(day: string): Promise<string> {
    return this.#store.write((trx) => takeDaySalt(trx, day));
  }
}

/** HMAC-SHA256(HMAC-SHA256(secret, salt), client): needs both the secret and the day's salt. */
export function clientHash(secret: string, salt: string, client: string): string {
  const dayKey = createHmac('sha256', secret).update(`client-hash:${salt}`).digest();
  return createHmac('sha256', dayKey).update(client).digest('base64url');
}
