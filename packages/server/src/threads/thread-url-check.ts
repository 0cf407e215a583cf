import type { Logger } from '../app-deps.ts';
import { invalidField, unavailable } from '../http/api-error.ts';

/**
 * Checks the page a new thread claims to be on (`PARLEY_VERIFY_URLS=on`):
 * resolves when its `thread.url` answers 200, throws the 400 that refuses
 * the post otherwise (`invalid_request` naming `thread.url`, saying why).
 */
export type ThreadUrlCheck = (url: string | null) => Promise<void>;

/** Options for {@link threadUrlCheck}; every limit has a default. */
export interface ThreadUrlCheckOptions {
  /** Whether a URL is on an origin this server serves (the rule a post's `thread.url` meets). */
  isAllowed: (url: string) => boolean;
  /** The whole check (every redirect and the body) must end within this many ms (default 5 s). */
  timeoutMs?: number;
  /** Redirects followed, each within the page's origin (default 3). */
  maxRedirects?: number;
  /** Largest response body read, in bytes; a larger page is refused (default 2 MiB). */
  maxBytes?: number;
  /** Checks running at once; beyond it a new thread gets 503 (default 8). */
  maxInFlight?: number;
  /** How long a failed URL is refused again without fetching it (default 60 s). */
  failureTtlMs?: number;
  /** Failed URLs remembered at most (default 1,000; the oldest are forgotten first). */
  maxRemembered?: number;
  /** A monotonic clock in ms (default `performance.now`). */
  now?: () => number;
  logger?: Logger;
}

/** Why a check failed, in words a poster can act on; null when the page answered 200. */
type Outcome = string | null;

const USER_AGENT = 'Parley (checks that a new thread is on a real page)';

/**
 * Builds the check once per app. It fetches only URLs on allowed origins, by
 * GET, follows redirects by hand and only within the same origin, reads at
 * most `maxBytes`, and gives up after `timeoutMs`. It runs outside any
 * database transaction (see `NewPost.verifyNewThread`), so a slow blog holds
 * only the post that waits for it.
 *
 * Why bounded: anyone can invent URLs on an allowed origin, and each one
 * costs the blog a request and this server a socket. Concurrent checks of one
 * URL share one fetch, at most `maxInFlight` URLs are fetched at once (more
 * get 503 with Retry-After rather than a queue that holds their sockets), and
 * a URL that failed is refused from memory for `failureTtlMs`, so replaying
 * an invented URL costs the blog nothing.
 */
export function threadUrlCheck(options: ThreadUrlCheckOptions): ThreadUrlCheck {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxRedirects = options.maxRedirects ?? 3;
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const maxInFlight = options.maxInFlight ?? 8;
  const failureTtlMs = options.failureTtlMs ?? 60_000;
  const maxRemembered = options.maxRemembered ?? 1_000;
  const now = options.now ?? (() => performance.now());
  const inFlight = new Map<string, Promise<Outcome>>();
  /** Failed URLs, oldest first (a Map keeps insertion order): why, and until when. */
  const failures = new Map<string, { reason: string; until: number }>();

  function refuse(reason: string): never {
    throw invalidField('thread.url', `must be a page on the site that answers 200: ${reason}`);
  }

  function remember(url: string, reason: string) {
    failures.delete(url);
    if (failures.size >= maxRemembered) {
      const oldest = failures.keys().next().value;
      if (oldest !== undefined) failures.delete(oldest);
    }
    failures.set(url, { reason, until: now() + failureTtlMs });
  }

  async function fetchPage(url: URL): Promise<Outcome> {
    const signal = AbortSignal.timeout(timeoutMs);
    let current = url;
    try {
      for (let redirects = 0; ; redirects++) {
        const response = await fetch(current, {
          method: 'GET',
          redirect: 'manual',
          signal,
          headers: { Accept: 'text/html, */*;q=0.5', 'User-Agent': USER_AGENT },
        });
        const location = response.headers.get('Location');
        if (response.status >= 300 && response.status < 400 && location !== null) {
          await response.body?.cancel();
          let next: URL;
          try {
            next = new URL(location, current);
          } catch {
            return `it redirects to an invalid URL (${location.slice(0, 200)})`;
          }
          // The thread would link to this origin: a hop elsewhere (another
          // host, or http to https) is not a page of this site.
          if (next.origin !== url.origin) return `it redirects off its origin, to ${next.origin}`;
          if (redirects >= maxRedirects) return `it redirects more than ${maxRedirects} times`;
          current = next;
          continue;
        }
        if (response.status !== 200) {
          await response.body?.cancel();
          return response.status === 404 || response.status === 410
            ? `it was not found (${response.status})`
            : `it answered ${response.status}`;
        }
        return await readCapped(response);
      }
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        return `it did not answer within ${Math.ceil(timeoutMs / 1000)} s`;
      }
      const code = (error as { cause?: { code?: string } }).cause?.code;
      return `it could not be fetched${code ? ` (${code})` : ''}`;
    }
  }

  /** Reads and drops the body, refusing it past `maxBytes`; keeps none of it. */
  async function readCapped(response: Response): Promise<Outcome> {
    const tooLarge = `it is larger than ${Math.round(maxBytes / 1024)} KB`;
    const declared = Number(response.headers.get('Content-Length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body?.cancel();
      return tooLarge;
    }
    if (!response.body) return null;
    const reader = response.body.getReader();
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return null;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        return tooLarge;
      }
    }
  }

  return async function checkThreadUrl(url) {
    if (url === null) {
      throw invalidField(
        'thread.url',
        'is required to start a thread: the URL of the page the thread is on',
      );
    }
    // The route checked it already; a check that fetches never trusts that.
    if (!options.isAllowed(url)) refuse('it is not on an origin listed in PARLEY_ORIGINS');
    const target = new URL(url);
    target.hash = '';
    const key = target.href;

    const failed = failures.get(key);
    if (failed && failed.until > now()) refuse(failed.reason);
    if (failed) failures.delete(key);

    let pending = inFlight.get(key);
    if (!pending) {
      if (inFlight.size >= maxInFlight) {
        throw unavailable('Too many new threads are being checked at once; try again shortly.', 5);
      }
      pending = fetchPage(target)
        .then((reason) => {
          if (reason !== null) {
            remember(key, reason);
            options.logger?.info({ msg: 'a new thread’s url check failed', url: key, reason });
          }
          return reason;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    const reason = await pending;
    if (reason !== null) refuse(reason);
  };
}
