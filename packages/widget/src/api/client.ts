/**
 * The HTTP API v1 client: one small function per endpoint, each taking an
 * `AbortSignal`, and one fetch helper that turns error envelopes into an
 * {@link ApiError}. Only types come from the server package, so no validation
 * code reaches the bundle.
 */
import type {
  ErrorBody,
  FieldIssue,
  MessagePage,
  PostMessageRequest,
  PostMessageResponse,
  SortOrder,
  ThreadPage,
} from '@parley/server/wire';

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
  ) {
    super(message);
  }
}

/** Options shared by the reading endpoints. */
export interface PageOptions {
  limit: number;
  sort: SortOrder;
  cursor?: string;
}

async function request<T>(url: string, signal: AbortSignal, init?: RequestInit): Promise<T> {
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
    if (res.ok && body) return body;
    const error = body?.error;
    throw new ApiError(
      res.status,
      error?.code ?? 'bad_response',
      error?.message ?? `HTTP ${res.status}`,
      error?.issues,
    );
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const code = signal.aborted ? 'aborted' : timedOut ? 'timeout' : 'network';
    throw new ApiError(0, code, String(e));
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  }
}

const threadUrl = (base: string, key: string) => `${base}api/threads/${encodeURIComponent(key)}`;

const query = (o: PageOptions) =>
  `?${new URLSearchParams({ ...(o.cursor ? { cursor: o.cursor } : {}), limit: `${o.limit}`, sort: o.sort })}`;

/** `GET /api/threads/:key`: the thread and its first page (opening post first). */
export const getThread = (base: string, key: string, o: PageOptions, signal: AbortSignal) =>
  request<ThreadPage>(threadUrl(base, key) + query(o), signal);

/** `GET /api/threads/:key/messages`: a further page of replies after `o.cursor`. */
export const getMessages = (base: string, key: string, o: PageOptions, signal: AbortSignal) =>
  request<MessagePage>(`${threadUrl(base, key)}/messages${query(o)}`, signal);

/** `POST /api/threads/:key/messages`: posts a message; the first post creates the thread. */
export const postMessage = (
  base: string,
  key: string,
  body: PostMessageRequest,
  signal: AbortSignal,
) =>
  request<PostMessageResponse>(`${threadUrl(base, key)}/messages`, signal, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
