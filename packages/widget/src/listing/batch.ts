/**
 * Batching of the index elements' reads: every badge or card on a page asks
 * for its own key, and the keys asked for in the same task (the elements a
 * page's parser or the chunk's `customElements.define` upgrades connect in one
 * task) go out together, at most {@link MAX_KEYS} per request and
 * {@link MAX_QUERY} characters of query, one set of requests per server. So a
 * post list of 30 badges costs one `GET /api/counts`, and 250 badges three.
 *
 * One element's bad key must not cost the page every badge: the server refuses
 * a whole request for one key it cannot take (400), so a key it would refuse
 * (the rules of its `threadKey` field) fails its own elements at once and
 * never joins a request; and no request grows longer than Node's 16 KB header
 * limit (a 431 without CORS headers reads as a network failure).
 */
import { ApiError } from '../api/client.js';
import { MAX_KEYS } from '../api/index-client.js';

/**
 * The most characters of encoded keys one request carries: 100 keys of up to
 * 512 characters would make a 51 KB URL, and Node refuses a request line over
 * 16 KB (proxies often over 8 KB).
 */
export const MAX_QUERY = 6_000;

/**
 * Why the server would refuse `key` (its `threadKey` rules: 1 to 512
 * characters, no control, lone surrogate or bidirectional override
 * characters), or null.
 */
export function keyProblem(key: string): string | null {
  if (!key) return 'must not be empty';
  if ([...key].length > 512) return 'must be at most 512 characters';
  // The server's own patterns (`http/fields.ts`): \p{Cs} in a `u` regex is a lone surrogate.
  if (/\p{Cc}|\p{Cs}/u.test(key)) return 'must not contain control characters';
  if (/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u.test(key))
    return 'must not contain bidirectional override characters';
  return null;
}

/** `keys` in requests of at most {@link MAX_KEYS} keys and {@link MAX_QUERY} encoded characters. */
export function requestsOf(keys: string[]): string[][] {
  const parts: string[][] = [];
  let part: string[] = [];
  let length = 0;
  for (const key of keys) {
    const size = encodeURIComponent(key).length + 5; // `&key=`
    if (part.length && (part.length === MAX_KEYS || length + size > MAX_QUERY)) {
      parts.push(part);
      part = [];
      length = 0;
    }
    part.push(key);
    length += size;
  }
  if (part.length) parts.push(part);
  return parts;
}

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
      const keys = [...waiters.keys()].filter((key) => {
        const problem = keyProblem(key);
        if (problem) {
          const error = new ApiError(400, 'invalid_request', `thread key ${problem}`);
          for (const w of waiters.get(key)!) w.reject(error);
        }
        return !problem;
      });
      for (const part of requestsOf(keys)) {
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
