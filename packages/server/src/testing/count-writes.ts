import type { Store } from '../db/store.ts';

/**
 * Counts the write transactions `store` starts from now on (each takes
 * SQLite's single write lock), by wrapping its `write` in place, so the app
 * already holding the store is counted too.
 */
export function countWrites(store: Store): { readonly count: number } {
  const write = store.write.bind(store);
  const counter = { count: 0 };
  (store as { write: Store['write'] }).write = (fn) => {
    counter.count++;
    return write(fn);
  };
  return counter;
}
