import type { StoredTime } from '../db/schema.ts';
import type { ThreadStatus } from '../wire.ts';

const DAY = 86_400_000;

/**
 * A thread's status as readers and writers see it at `now`.
 *
 * Why computed, not stored: with `PARLEY_AUTO_CLOSE_DAYS`, a thread closes by
 * the passing of time alone. Storing that would take a write nobody asked for
 * (a timer on every instance, or a refused post that still writes, breaking
 * "a refused request stores nothing"). Instead the close is derived from
 * `last_activity_at` wherever status matters: the post and edit checks (inside
 * their transactions), the JSON, and the first-page cache key. A moderator who
 * reopens such a thread records activity, which starts a new period.
 */
export function effectiveStatus(
  thread: { status: ThreadStatus; last_activity_at: StoredTime },
  now: Date,
  autoCloseDays: number | undefined,
): ThreadStatus {
  if (thread.status === 'closed') return 'closed';
  return isIdle(thread.last_activity_at, now, autoCloseDays) ? 'closed' : 'open';
}

/** Whether a thread last active at `lastActivity` has been idle long enough to close. */
export function isIdle(
  lastActivity: StoredTime,
  now: Date,
  autoCloseDays: number | undefined,
): boolean {
  if (!autoCloseDays) return false;
  return now.getTime() - Date.parse(lastActivity) >= autoCloseDays * DAY;
}
