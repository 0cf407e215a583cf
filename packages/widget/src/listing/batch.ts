/**
 * Batching of the index elements' reads: every badge or card on a page asks
 * for its own key, and the keys asked for in the same task (the elements a
 * page's parser or the chunk's `customElements.define` upgrades connect in one
 * task) go out together, at most {@link MAX_KEYS} per request, one set of
 * requests per server. So a post list of 30 badges costs one `GET
 * /api/counts`, and 250 badges three.
 */
import { MAX_KEYS } from '../api/index-client.js';

/** Reads the values of up to {@link MAX_KEYS} keys from the server at `base`, in one request. */
export type ReadMany<T> = (
  base: string,
  keys: string[],
  signal: AbortSignal,
) => Promise<Map<string, T>>;

interface Waiter<T> {
  resolve: (v: T | undefined) => void;
  reject: (e: unknown) => void;
}

/**
 * A `read(base, key)` that batches: it answers the key's value (undefined
 * when the server has none) once the batch it joined is read. A key asked for
 * twice in one batch is read once. A failed request fails every read in it.
 */
export function batched<T>(readMany: ReadMany<T>) {
  let pending: Map<string, Map<string, Waiter<T>[]>> | undefined;
  const flush = (batch: NonNullable<typeof pending>) => {
    pending = undefined;
    // Shared by the elements of the batch: none of them alone may cancel it
    // (each ignores an answer it no longer wants); the client's timeout bounds it.
    const signal = new AbortController().signal;
    for (const [base, waiters] of batch) {
      const keys = [...waiters.keys()];
      for (let i = 0; i < keys.length; i += MAX_KEYS) {
        const part = keys.slice(i, i + MAX_KEYS);
        readMany(base, part, signal).then(
          (values) => {
            for (const key of part) for (const w of waiters.get(key)!) w.resolve(values.get(key));
          },
          (e) => {
            for (const key of part) for (const w of waiters.get(key)!) w.reject(e);
          },
        );
      }
    }
  };
  return (base: string, key: string) =>
    new Promise<T | undefined>((resolve, reject) => {
      if (!pending) {
        const batch = new Map<string, Map<string, Waiter<T>[]>>();
        pending = batch;
        // A task, not a microtask: elements that connect in this task render
        // in microtasks after it, each asking then.
        setTimeout(() => flush(batch));
      }
      const waiters = pending.get(base) ?? new Map<string, Waiter<T>[]>();
      pending.set(base, waiters);
      waiters.set(key, [...(waiters.get(key) ?? []), { resolve, reject }]);
    });
}
