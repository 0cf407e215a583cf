/**
 * The HTTP API v1 client: one small function per endpoint, each taking an
 * `AbortSignal`, and one fetch helper that turns error envelopes into an
 * {@link ApiError}. Only types come from the server package, so no validation
 * code reaches the bundle.
 */
import type {
  EditMessageResponse,
  ErrorBody,
  FieldIssue,
  MessagePage,
  PostMessageRequest,
  PostMessageResponse,
  SortOrder,
  ThreadPage,
} from '@parley/server/wire';
import type { Challenge } from 'altcha-lib';

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
    /** Seconds the server asked to wait (`Retry-After` on 429 and 503), or null. */
    readonly retryAfter: number | null = null,
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
  cursor?: string;
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
    const error = body?.error;
    throw new ApiError(
      res.status,
      error?.code ?? 'bad_response',
      error?.message ?? `HTTP ${res.status}`,
      error?.issues,
      // Parley sends whole seconds; anything else reads as "no hint".
      Number(res.headers.get('Retry-After')) || null,
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

/**
 * `GET /api/threads/:key/events`: the address of the thread's live event
 * stream (server-sent events), replaying every event after `lastEventId`.
 * A URL, not a request: `EventSource` does the fetching (and reconnecting).
 */
export const eventsUrl = (base: string, key: string, lastEventId: number) =>
  `${threadUrl(base, key)}/events?lastEventId=${lastEventId}`;

/** `GET /api/threads/:key/messages`: a further page of replies after `o.cursor`. */
export const getMessages = (base: string, key: string, o: PageOptions, signal: AbortSignal) =>
  request<MessagePage>(`${threadUrl(base, key)}/messages${query(o)}`, signal);

/** A JSON write, with `Authorization: Bearer <token>` when a token is given. */
const write = (method: string, body: unknown, token?: string): RequestInit => ({
  method,
  headers: {
    'Content-Type': 'application/json',
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
  },
  body: JSON.stringify(body),
});

const messageUrl = (base: string, id: number) => `${base}api/messages/${id}`;

/**
 * `POST /api/threads/:key/messages`: posts a message; the first post creates
 * the thread. With the site owner's admin `token` the post is the owner's.
 */
export const postMessage = (
  base: string,
  key: string,
  body: PostMessageRequest,
  signal: AbortSignal,
  token?: string,
) =>
  request<PostMessageResponse>(
    `${threadUrl(base, key)}/messages`,
    signal,
    write('POST', body, token),
  );

/** `PATCH /api/messages/:id`: the author's edit, with the message's edit token. */
export const editMessage = (
  base: string,
  id: number,
  body: string,
  token: string,
  signal: AbortSignal,
) => request<EditMessageResponse>(messageUrl(base, id), signal, write('PATCH', { body }, token));

/** `DELETE /api/messages/:id`: the author deletes their message, with its edit token. */
export const deleteMessage = (base: string, id: number, token: string, signal: AbortSignal) =>
  request<null>(messageUrl(base, id), signal, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${token}` },
  });

/** `POST /api/messages/:id/report`: flags a message for the moderators. */
export const reportMessage = (base: string, id: number, signal: AbortSignal) =>
  request<null>(`${messageUrl(base, id)}/report`, signal, write('POST', {}));

/**
 * `GET /api/challenge`: an ALTCHA (v2) proof-of-work challenge for the next
 * post. 404 `not_found` when the server has proof of work off.
 */
export const getChallenge = (base: string, signal: AbortSignal) =>
  request<Challenge>(`${base}api/challenge`, signal);
