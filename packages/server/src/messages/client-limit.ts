import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { lockKey, type Store } from '../db/store.ts';
import { rateLimited, secondsUntilFree } from '../http/api-error.ts';
import { recentSends, recordSend, type SendLog } from './messages.repository.ts';

/**
 * One per-client limit, counted in the database so every instance shares it:
 * at most `max` actions per `windowMs`, the next refused with 429
 * `rate_limited` and a Retry-After saying when the oldest leaves the window.
 * Each kind logs its actions in a send log of its own (`post_sends`,
 * `report_sends`, `edit_sends`, `confirmation_sends`), which deleting what was
 * sent does not empty.
 */
export interface ClientLimit {
  /** Where the client's actions are logged. */
  log: SendLog;
  /** Keyed hash of the client. */
  clientHash: string;
  /** Actions allowed per window; 0 means no limit. */
  max: number;
  windowMs: number;
  /** What happened too often, for the 429's message. */
  what: string;
}

/** Throws 429 when `recent.count` reached `max` (see {@link ClientLimit}). */
function refuseOverLimit(
  recent: { count: number; oldest: string | null },
  limit: Pick<ClientLimit, 'max' | 'windowMs' | 'what'>,
  now: Date,
): void {
  if (limit.max <= 0 || recent.count < limit.max) return;
  throw rateLimited(limit.what, secondsUntilFree(recent.oldest, limit.windowMs, now));
}

function windowStart(limit: Pick<ClientLimit, 'windowMs'>, now: Date): string {
  return new Date(now.getTime() - limit.windowMs).toISOString();
}

/**
 * The read-only check, before `store.write`: a client already past its limit
 * is refused without taking the write lock (SQLite's single writer) and
 * before any expensive work. It may be stale; {@link spendLimit} is the authority.
 */
export async function checkLimit(db: Kysely<Database>, limit: ClientLimit, now: Date) {
  if (limit.max <= 0) return;
  refuseOverLimit(
    await recentSends(db, limit.log, limit.clientHash, windowStart(limit, now)),
    limit,
    now,
  );
}

/**
 * Inside the write transaction: counts again under a per-client lock (two
 * instances could both count before either records) and records this action,
 * or throws 429. Rolled back with the transaction if the action fails later.
 */
export async function spendLimit(
  trx: Kysely<Database>,
  dialect: Store['dialect'],
  limit: ClientLimit,
  now: Date,
): Promise<void> {
  if (limit.max <= 0) return;
  await lockKey(trx, dialect, `${limit.log}:${limit.clientHash}`);
  const since = windowStart(limit, now);
  refuseOverLimit(await recentSends(trx, limit.log, limit.clientHash, since), limit, now);
  await recordSend(trx, limit.log, limit.clientHash, now.toISOString(), since);
}

/**
 * Like {@link spendLimit}, for an action that is skipped rather than refused
 * over the limit: records the action and returns true while the client is
 * under it, returns false (recording nothing) once it is not. Used where a
 * 429 would tell the client more than it should (a confirmation mail its
 * post would cause).
 */
export async function spendIfUnder(
  trx: Kysely<Database>,
  dialect: Store['dialect'],
  limit: Omit<ClientLimit, 'what'>,
  now: Date,
): Promise<boolean> {
  if (limit.max <= 0) return true;
  await lockKey(trx, dialect, `${limit.log}:${limit.clientHash}`);
  const since = windowStart(limit, now);
  const recent = await recentSends(trx, limit.log, limit.clientHash, since);
  if (recent.count >= limit.max) return false;
  await recordSend(trx, limit.log, limit.clientHash, now.toISOString(), since);
  return true;
}
