/**
 * Live updates of the index elements: one shared timer re-reads what every
 * live badge, card and index shows, every {@link POLL_MS} while the page is
 * visible, and at once when it becomes visible again. Not one event stream
 * per element: the server allows a client 16 streams, and a post list may
 * hold a hundred badges. A poll's reads are batched like the first ones (see
 * `batch.ts`), so a page's live badges cost one request a minute in all.
 */

/** How often live index elements re-read, in ms. A setting object so tests can shorten it. */
export const pollSettings = { ms: 60_000 };

const subscribers = new Set<() => void>();

/** How many elements follow the polls now (tests check that one not live adds none). */
export const following = () => subscribers.size;
let timer: ReturnType<typeof setInterval> | undefined;

const poll = () => {
  for (const s of subscribers)
    try {
      s();
    } catch (e) {
      // One element's failure must not stop every element after it from
      // re-reading; it is still reported, as an uncaught error would be.
      console.error(e);
    }
};

/** Starts or stops the timer: it runs only while someone follows and the page is visible. */
function schedule() {
  const run = subscribers.size > 0 && document.visibilityState === 'visible';
  if (run && !timer) timer = setInterval(poll, pollSettings.ms);
  if (!run && timer) {
    clearInterval(timer);
    timer = undefined;
  }
}

function onVisibility() {
  // Back on a page hidden for a while: what it shows may be old, so read at once.
  if (document.visibilityState === 'visible') poll();
  schedule();
}

/** Calls `refresh` on each poll until the returned function is called. */
export function follow(refresh: () => void): () => void {
  if (subscribers.size === 0) document.addEventListener('visibilitychange', onVisibility);
  subscribers.add(refresh);
  schedule();
  return () => {
    subscribers.delete(refresh);
    if (subscribers.size === 0) document.removeEventListener('visibilitychange', onVisibility);
    schedule();
  };
}
