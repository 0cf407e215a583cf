/**
 * How long a refused request asked to wait, read where a wait is shown (the
 * reply form, the report step, the moderation page's sign-in).
 */
import type { ApiError } from './client.js';

/**
 * Seconds to wait from `error`'s `Retry-After`: seconds (as Parley sends it)
 * or an HTTP-date (as a proxy may), at least 1; null for anything else or no
 * header ("no hint").
 */
export function retryAfter(error: ApiError): number | null {
  const after = String(error.retryAfterHeader);
  return Math.max(1, Math.ceil(+after || (Date.parse(after) - Date.now()) / 1000)) || null;
}
