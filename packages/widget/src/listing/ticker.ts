/**
 * The clock of the index elements that show relative times ("3 minutes
 * ago": `<parley-card>`, `<parley-threads>`): one shared interval re-renders
 * them all, not one timer per element (a page of cards would hold dozens),
 * and it runs only while one of them is connected. `<parley-count>` shows
 * no time and does not tick.
 */

/**
 * How often the times are refreshed, in ms. Default 30 000: relative times
 * are coarse, so a half-minute keeps them true (as the thread does). A
 * setting object so tests can shorten it (read when the clock starts).
 */
export const tickSettings = { ms: 30_000 };

const subscribers = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

/** Calls `update` on each tick until the returned function is called. */
export function tick(update: () => void): () => void {
  subscribers.add(update);
  timer ??= setInterval(() => {
    for (const s of subscribers) s();
  }, tickSettings.ms);
  return () => {
    subscribers.delete(update);
    if (subscribers.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
