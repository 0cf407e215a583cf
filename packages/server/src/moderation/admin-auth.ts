import { createHash, timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import type { Logger } from '../app-deps.ts';
import { lockKey, type Store } from '../db/store.ts';
import { ApiError, rateLimited, secondsUntilFree } from '../http/api-error.ts';
import { bearerToken } from '../http/bearer.ts';
import type { ClientIdentifier } from '../http/client-identity.ts';
import { recentAuthFailures, recordAuthFailure } from './moderation.repository.ts';
import { useOwnerKey } from './owner-keys.ts';

/**
 * The start of every `/api/admin` sub-app: the admin token is checked before
 * any route runs (`verify` is `services.verifyAdmin`), and no answer is ever
 * cached, by the browser or a proxy: moderation data and new owner keys are
 * for the signed-in moderator only.
 */
export function adminApi(verify: (c: Context) => Promise<void>) {
  return new Hono()
    .use('*', async function noStore(c, next) {
      await next();
      c.header('Cache-Control', 'no-store');
    })
    .use('*', async function adminOnly(c, next) {
      await verify(c);
      await next();
    });
}

/** Options for {@link adminVerifier}. */
export interface AdminAuthOptions {
  store: Store;
  /** The configured admin token; undefined turns the admin API off. */
  token: string | undefined;
  clock: () => Date;
  identify: ClientIdentifier;
  logger: Logger;
  /**
   * Accept an owner-posting key (see `owner-keys.ts`) as well as the admin
   * token: for posting as the site owner only, never for an admin route.
   * Default false.
   */
  ownerKeys?: boolean;
}

/** Failed sign-ins one client may make per window before it is refused. */
const MAX_FAILURES = 10;
/** The window of those failures. */
const FAILURE_WINDOW_MS = 10 * 60_000;

/** Query parameters people put tokens in; refused, whatever they hold. */
const TOKEN_PARAMS = ['token', 'admin_token', 'access_token'];

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function unauthorized(message: string): ApiError {
  return new ApiError(401, 'unauthorized', message, undefined, {
    'WWW-Authenticate': 'Bearer realm="parley-admin"',
  });
}

/**
 * Checks that a request carries the admin token, or throws 401 / 429. Two
 * per app: `services.verifyAdmin` for the admin routes, and
 * `services.verifyOwner` (with `ownerKeys`) for a post that claims to be the
 * site owner's; failures live in the database, so both share one count.
 *
 * Why each rule:
 * - Only `Authorization: Bearer`: a token in a URL ends up in access logs,
 *   browser history and Referer headers, so one sent in the query string is
 *   refused even when it is right, with a message saying where it belongs.
 * - Constant time on SHA-256 digests of both sides: `===` leaks how much of a
 *   guess matched, and comparing digests leaks not even the token's length.
 * - Failures are counted per client in the database, so every instance sees
 *   them; past the limit the client is refused, right token or not, until
 *   its oldest failure leaves the window (otherwise the 429 itself would
 *   answer each further guess). One client's success clears nobody's count.
 * - Neither the token nor a guess is ever logged.
 */
export function adminVerifier(options: AdminAuthOptions): (c: Context) => Promise<void> {
  const maxFailures = MAX_FAILURES;
  const windowMs = FAILURE_WINDOW_MS;
  const expected = options.token ? digest(options.token) : undefined;
  const { store, logger, ownerKeys = false } = options;

  return async function verifyAdmin(c) {
    const query = c.req.query();
    if (TOKEN_PARAMS.some((name) => name in query)) {
      logger.info({
        msg: 'admin request refused',
        reason: 'token in query string',
        path: c.req.path,
      });
      throw unauthorized(
        'Never put the admin token in a URL: send it as an Authorization: Bearer <token> header.',
      );
    }
    if (!expected) {
      throw unauthorized(
        'The admin API is off on this server: set PARLEY_ADMIN_TOKEN (or --admin-token) to a secret of at least 16 characters and restart it.',
      );
    }
    const header = c.req.header('Authorization');
    const given = bearerToken(header);
    const now = options.clock();
    const client = (await options.identify(c, now)) ?? 'unknown';
    const since = new Date(now.getTime() - windowMs).toISOString();
    // A read first: a locked-out client's guesses never take the write lock
    // (SQLite's single writer). The transaction below counts again.
    const before = await recentAuthFailures(store.db, client, since);
    const outcome =
      before.count >= maxFailures
        ? {
            kind: 'locked' as const,
            retryAfter: secondsUntilFree(before.oldest, windowMs, now),
          }
        : await store.write(async (trx) => {
            // Parallel guesses must not all pass the count before any is recorded.
            await lockKey(trx, store.dialect, `admin:${client}`);
            const failures = await recentAuthFailures(trx, client, since);
            if (failures.count >= maxFailures) {
              return {
                kind: 'locked' as const,
                retryAfter: secondsUntilFree(failures.oldest, windowMs, now),
              };
            }
            if (given === undefined) return { kind: 'missing' as const };
            const ok = given !== null && timingSafeEqual(digest(given), expected);
            if (ok) return { kind: 'ok' as const };
            // A wrong or revoked owner key is a failed sign-in like any other guess.
            if (given && ownerKeys && (await useOwnerKey(trx, given, now.toISOString())))
              return { kind: 'ok' as const };
            await recordAuthFailure(trx, client, now.toISOString(), since);
            return { kind: 'wrong' as const };
          });
    switch (outcome.kind) {
      case 'ok':
        return;
      case 'locked':
        logger.info({
          msg: 'admin request refused',
          reason: 'too many failures',
          path: c.req.path,
        });
        throw rateLimited('Too many failed admin sign-ins from this client', outcome.retryAfter);
      case 'missing':
        throw unauthorized('This needs the admin token: send Authorization: Bearer <token>.');
      case 'wrong':
        logger.info({
          msg: 'admin request refused',
          reason: given === null ? 'not a Bearer token' : 'wrong token',
          path: c.req.path,
        });
        throw unauthorized(
          given === null
            ? 'Send the admin token as Authorization: Bearer <token>; no other scheme is accepted.'
            : ownerKeys
              ? 'The owner key is wrong or was revoked (or the admin token is wrong): create a new posting link in /admin.'
              : 'The admin token is wrong.',
        );
    }
  };
}
