/**
 * The HTTP API v1 client: one small function per endpoint, each taking an
 * `AbortSignal`, and one fetch helper that turns error envelopes into an
 * {@link ApiError}. This module holds what reading a thread needs (it is in
 * `/widget.js`); the calls only the thread's lazy parts make are in
 * `interactive.ts`, so they travel with those chunks. Only types come from the server package, so no validation
 * code reaches the bundle.
 */
import type { ErrorBody, FieldIssue, SortOrder, ThreadPage } from '@parley/server/wire';

/**
 * Client settings. `timeoutMs` (default 10,000) bounds every request so a
 * hanging server turns into a quiet "unavailable" state; tests lower it.
 */
export const clientSettings = { timeoutMs: 10_000 };

/**
 * A failed request. `code` is the API's error code, or `network`, `timeout`,
 * `aborted` or `bad_response` when no error envelope came back; `status` is 0
 * then.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
    /** The answer's `Retry-After` header (on 429 and 503) as sent, or null: `retryAfter()` reads it. */
    readonly retryAfterHeader: string | null = null,
  ) {
    super(message);
  }
}

/**
 * The base URL (ending in `/`) of the Parley server an element talks to: its
 * `server` attribute, resolved against the page, else the folder the script
 * was loaded from (`scriptUrl`, the caller's `import.meta.url`).
 */
export function serverBase(server: string | undefined, scriptUrl: string): string {
  const base = new URL(server || '.', server ? location.href : scriptUrl).href;
  return base.endsWith('/') ? base : `${base}/`;
}

/** Options shared by the reading endpoints. */
export interface PageOptions {
  limit: number;
  sort: SortOrder;
  cursor?: string | undefined;
  /** Only the highlighted messages, with a cursor of their own. */
  highlighted?: boolean;
  /** The page that holds this reply (not with `cursor` or `highlighted`). */
  at?: number;
}

/**
 * The {@link ApiError} of a failed answer `res` whose JSON was `body` (null
 * when it had none): the envelope's code, message and field issues, and its
 * `Retry-After` header (read by `retry-after.ts`, where a wait is shown: its
 * bytes stay out of `/widget.js`).
 */
export function apiErrorOf(res: Response, body: Partial<ErrorBody> | null): ApiError {
  const error = body?.error;
  return new ApiError(
    res.status,
    error?.code ?? 'bad_response',
    error?.message ?? `HTTP ${res.status}`,
    error?.issues,
    res.headers.get('Retry-After'),
  );
}

/**
 * The one fetch of both the widget and the moderation page: bounded by
 * `clientSettings.timeoutMs`, and every failure (error envelope, network,
 * timeout) becomes an {@link ApiError}.
 */
export async function request<T>(url: string, signal: AbortSignal, init?: RequestInit): Promise<T> {
  // One controller per request so the caller's signal and our timeout both
  // abort it without AbortSignal.any (Safari < 17.4 lacks it).
  const ctl = new AbortController();
  const abort = () => ctl.abort();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    abort();
  }, clientSettings.timeoutMs);
  signal.addEventListener('abort', abort);
  try {
    // `fetch` is looked up at call time, so tests (and polyfills) can replace it.
    const res = await fetch(url, { ...init, signal: ctl.signal });
    const body = (await res.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
    // 202 and 204 (report, delete) may come with no body at all.
    if (res.ok && (body || res.status > 201)) return body as T;
    throw apiErrorOf(res, body);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const code = signal.aborted ? 'aborted' : timedOut ? 'timeout' : 'network';
    throw new ApiError(0, code, String(e));
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  }
}

/** The address of the thread `key` on the server at `base`. */
export const threadUrl = (base: string, key: string) =>
  `${base}api/threads/${encodeURIComponent(key)}`;

/** Every option that is set, as a query string (URLSearchParams turns numbers and booleans into text). */
export const query = (o: PageOptions) =>
  `?${new URLSearchParams(Object.entries(o).filter(([, v]) => v != null) as string[][])}`;

/** `GET /api/threads/:key`: the thread and its first page (opening post first). */
export const getThread = (base: string, key: string, o: PageOptions, signal: AbortSignal) =>
  request<ThreadPage>(threadUrl(base, key) + query(o), signal);
