/** Bytes, or anything that says how many bytes it holds (bodies kept in several encodings). */
interface Sized {
  readonly byteLength: number;
}

/** The memory a cached value holds: UTF-16 units x 2 for a string, its bytes for bytes. */
function sizeOf(value: string | Sized): number {
  return typeof value === 'string' ? value.length * 2 : value.byteLength;
}

/**
 * A least-recently-used cache of strings (or, for large answers, their
 * encoded bytes: a large string with characters beyond Latin-1 costs
 * milliseconds to encode on every send), bounded by total size, whose loads
 * are shared: concurrent misses for one key run the loader once.
 */
export class LruCache<V extends string | Sized = string> {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, V>();
  readonly #loading = new Map<string, Promise<V>>();
  #bytes = 0;

  /** @param maxBytes - Upper bound of the cached values' total size (see `sizeOf`). */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** The cached value for `key`, or the value `load` produces (then cached). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
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

  /** Forgets `key` (a load in progress for it still completes and is kept). */
  delete(key: string): void {
    const old = this.#entries.get(key);
    if (old === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= sizeOf(old);
  }

  /** Number of cached entries. */
  get size(): number {
    return this.#entries.size;
  }

  #set(key: string, value: V) {
    const bytes = sizeOf(value);
    if (bytes > this.#maxBytes) return;
    const old = this.#entries.get(key);
    if (old !== undefined) this.#bytes -= sizeOf(old);
    this.#entries.set(key, value);
    this.#bytes += bytes;
    for (const [oldest, v] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= sizeOf(v);
    }
  }
}
