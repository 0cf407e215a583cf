import type { Logger } from '../app-deps.ts';
import { invalidField, rateLimited, unavailable } from '../http/api-error.ts';
import { safeDecode } from '../http/origin-policy.ts';

/**
 * Checks the page a new thread claims to be on (`PARLEY_VERIFY_URLS=on`):
 * resolves when its `thread.url` answers 200, throws the 400 that refuses
 * the post otherwise (`invalid_request` naming `thread.url`, saying why).
 */
export type ThreadUrlCheck = (url: string | null, post?: ThreadUrlPost) => Promise<void>;

/** What the check knows of the post besides its url. */
export interface ThreadUrlPost {
  /** The thread key: one that is a path (starts with `/`) must be the url's path. */
  key?: string;
  /** The client's keyed hash (`services.identify`); null (unknown) is one shared client. */
  client?: string | null;
}

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
  /** Checks one client may have running at once; beyond it, 429 (default 2). */
  maxPerClient?: number;
  /**
   * Failed checks one client may have per minute; beyond it, 429 like a post
   * past the rate limit (`PARLEY_RATE_LIMIT`; default 10; 0: no limit).
   */
  failureBudget?: number;
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
 * an invented URL costs the blog nothing. One client starts at most
 * `maxPerClient` of those fetches at once (429 past it), so a few clients are
 * needed to hold every slot; and a failed check costs the client like a post:
 * past `failureBudget` failures a minute it gets 429 before any fetch, as
 * failed checks store nothing for the post rate limit to count.
 *
 * Why in memory, per instance: what these limits protect (this instance's
 * sockets and slots, and the blog from this instance's fetches) is per
 * instance too; behind N instances a client gets at most N times the budget,
 * and a restart forgets only a minute of it.
 */
export function threadUrlCheck(options: ThreadUrlCheckOptions): ThreadUrlCheck {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxRedirects = options.maxRedirects ?? 3;
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const maxInFlight = options.maxInFlight ?? 8;
  const failureTtlMs = options.failureTtlMs ?? 60_000;
  const maxRemembered = options.maxRemembered ?? 1_000;
  const maxPerClient = options.maxPerClient ?? 2;
  const failureBudget = options.failureBudget ?? 10;
  const now = options.now ?? (() => performance.now());
  const inFlight = new Map<string, Promise<Outcome>>();
  /** Fetches each client started that are still running. */
  const heldByClient = new Map<string, number>();
  /** Each client's failed checks in the last minute (times, oldest first). */
  const failuresByClient = new Map<string, number[]>();
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

  /** The client's failures in the last minute, pruned; refuses with 429 once it has spent its budget. */
  function refuseOverBudget(client: string) {
    if (failureBudget <= 0) return;
    const recent = (failuresByClient.get(client) ?? []).filter((t) => t > now() - MINUTE);
    if (recent.length === 0) failuresByClient.delete(client);
    else failuresByClient.set(client, recent);
    const oldest = recent[0];
    if (oldest !== undefined && recent.length >= failureBudget) {
      const wait = Math.max(1, Math.ceil((oldest + MINUTE - now()) / 1000));
      throw rateLimited('Too many new threads from this client were on pages that failed', wait);
    }
  }

  function noteFailure(client: string) {
    if (failureBudget <= 0) return;
    const times = failuresByClient.get(client) ?? [];
    failuresByClient.delete(client);
    if (failuresByClient.size >= maxRemembered) {
      const oldest = failuresByClient.keys().next().value;
      if (oldest !== undefined) failuresByClient.delete(oldest);
    }
    failuresByClient.set(client, [...times, now()]);
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
          // Within the origin, still never to the server's own API (its event stream).
          if (!options.isAllowed(next.href)) return 'it redirects to a URL a thread cannot be on';
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

  return async function checkThreadUrl(url, post = {}) {
    if (url === null) {
      throw invalidField(
        'thread.url',
        'is required to start a thread: the URL of the page the thread is on',
      );
    }
    // The route checked it already; a check that fetches never trusts that.
    if (!options.isAllowed(url)) {
      refuse('it is not on an origin listed in PARLEY_ORIGINS (or PARLEY_PUBLIC_URL)');
    }
    const target = new URL(url);
    target.hash = '';
    const key = target.href;
    if (post.key !== undefined && !keyIsUrlPath(post.key, target)) {
      throw invalidField(
        'thread.url',
        `must be the page whose path is the thread key (${post.key.slice(0, 100)}); a key not starting with / may name any page`,
      );
    }
    const client = post.client ?? '';
    refuseOverBudget(client);

    const failed = failures.get(key);
    if (failed && failed.until > now()) {
      noteFailure(client);
      refuse(failed.reason);
    }
    if (failed) failures.delete(key);

    let pending = inFlight.get(key);
    if (!pending) {
      const held = heldByClient.get(client) ?? 0;
      if (held >= maxPerClient) {
        throw rateLimited(
          `This client already has ${maxPerClient} new threads being checked`,
          Math.ceil(timeoutMs / 1000),
        );
      }
      if (inFlight.size >= maxInFlight) {
        throw unavailable('Too many new threads are being checked at once; try again shortly.', 5);
      }
      heldByClient.set(client, held + 1);
      pending = fetchPage(target)
        .then((reason) => {
          if (reason !== null) {
            remember(key, reason);
            options.logger?.info({ msg: 'a new thread’s url check failed', url: key, reason });
          }
          return reason;
        })
        .finally(() => {
          inFlight.delete(key);
          const left = (heldByClient.get(client) ?? 1) - 1;
          if (left > 0) heldByClient.set(client, left);
          else heldByClient.delete(client);
        });
      inFlight.set(key, pending);
    }
    const reason = await pending;
    if (reason !== null) {
      noteFailure(client);
      refuse(reason);
    }
  };
}

const MINUTE = 60_000;

/**
 * Whether a thread key may go with this url: a key that is a path (starts
 * with `/`, as the widget's default `location.pathname` is) must be the url's
 * path; any other key is the blogger's own and may name any verified page.
 * The key matches when, written as a URL path, it is the url's path (so
 * `/café` as typed matches `/caf%C3%A9`), and also reads the same once both
 * are percent-decoded (so `/a/../b`, `/%61` or `/a?b` never stand for `/b`,
 * `/a` or `/a`).
 */
function keyIsUrlPath(key: string, url: URL): boolean {
  if (!key.startsWith('/')) return true;
  let asPath: string;
  try {
    asPath = new URL(`http://key${key}`).pathname;
  } catch {
    return false;
  }
  return asPath === url.pathname && safeDecode(key) === safeDecode(url.pathname);
}
