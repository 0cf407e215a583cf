/**
 * A least-recently-used cache of strings, bounded by total size, whose loads
 * are shared: concurrent misses for one key run the loader once.
 */
export class LruCache {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, string>();
  readonly #loading = new Map<string, Promise<string>>();
  #bytes = 0;

  /** @param maxBytes - Upper bound of the cached strings' total length (UTF-16 units x 2). */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The cached value for `key`, or the value `load` produces (then cached). */
  async get(key: string, load: () => Promise<string>): Promise<string> {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      // Re-insert to mark it most recently used (Map keeps insertion order).
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    let pending = this.#loading.get(key);
    if (!pending) {
      pending = load().finally(() => this.#loading.delete(key));
      this.#loading.set(key, pending);
      pending.then((value) => this.#set(key, value)).catch(() => {});
    }
    return pending;
  }

  /** Number of cached entries. */
  get size(): number {
    return this.#entries.size;
  }

  #set(key: string, value: string) {
    const bytes = value.length * 2;
    if (bytes > this.#maxBytes) return;
    const old = this.#entries.get(key);
    if (old !== undefined) this.#bytes -= old.length * 2;
    this.#entries.set(key, value);
    this.#bytes += bytes;
    for (const [oldest, v] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= v.length * 2;
    }
  }
}
