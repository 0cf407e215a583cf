/**
 * The admin half of HTTP API v1: one small function per endpoint, each taking
 * the session (server base and admin token) and an `AbortSignal`. Only types
 * come from the server package, so no validation code reaches `/admin.js`.
 */
import type {
  AdminBulkRequest,
  AdminBulkResponse,
  AdminMessage,
  AdminMessageList,
  AdminThread,
  AdminThreadList,
  CreatedOwnerKey,
  DeliveryList,
  OwnerKeyList,
  RetriedDelivery,
} from '@parley/server/wire';
import { ApiError, apiErrorOf, request } from '../api/client.js';

/** Where the admin API is and the token that opens it. */
export interface AdminSession {
  /** Base URL of the Parley server, ending in `/`. */
  base: string;
  /** The admin token, sent as `Authorization: Bearer` and nowhere else. */
  token: string;
}

/** The `status` filter of `GET /api/admin/messages`; `reported` means "has undecided reports". */
type MessageFilter = 'pending' | 'published' | 'hidden' | 'spam' | 'reported';

/** `PATCH /api/admin/messages/:id` request body. */
export interface MessagePatch {
  status?: 'published' | 'hidden';
  highlighted?: boolean;
}

/** `PATCH /api/admin/threads/:key` request body; `null` clears a field. */
export interface ThreadPatch {
  title?: string | null;
  summary?: string | null;
  url?: string | null;
  status?: 'open' | 'closed';
}

/** Why these options: see {@link call}. */
const adminInit = (session: AdminSession, method: string, json: boolean): RequestInit => ({
  method,
  headers: {
    Authorization: `Bearer ${session.token}`,
    Accept: 'application/json',
    ...(json ? { 'Content-Type': 'application/json' } : {}),
  },
  credentials: 'omit',
  cache: 'no-store',
});

/** One admin call: the token only in the Authorization header, JSON in and out. */
function call<T>(
  session: AdminSession,
  path: string,
  signal: AbortSignal,
  method = 'GET',
  body?: unknown,
): Promise<T> {
  // Why these options: the token goes only in the Authorization header (a
  // URL would end up in logs and history); no cookies are needed or sent;
  // moderation data must not sit in the HTTP cache of a shared computer.
  return request<T>(`${session.base}api/admin/${path}`, signal, {
    ...adminInit(session, method, body !== undefined),
    body: body === undefined ? null : JSON.stringify(body),
  });
}

const query = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') search.set(name, `${value}`);
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** The filters of `GET /api/admin/messages`: `q` finds text in the body or the author's name. */
export type MessageFilters = {
  status: MessageFilter;
  thread?: string;
  q?: string;
  cursor?: string | undefined;
  limit?: number;
};

/** `GET /api/admin/messages`: one page of messages, newest first. */
export const listMessages = (session: AdminSession, filters: MessageFilters, signal: AbortSignal) =>
  call<AdminMessageList>(session, `messages${query(filters)}`, signal);

/** `PATCH /api/admin/messages/:id`: approve, hide, restore, highlight or unhighlight. */
export const updateMessage = (
  session: AdminSession,
  id: number,
  patch: MessagePatch,
  signal: AbortSignal,
) => call<{ message: AdminMessage }>(session, `messages/${id}`, signal, 'PATCH', patch);

/** `POST /api/admin/messages/bulk`: one action on up to 100 messages, in one transaction. */
export const bulkMessages = (session: AdminSession, body: AdminBulkRequest, signal: AbortSignal) =>
  call<AdminBulkResponse>(session, 'messages/bulk', signal, 'POST', body);

/** `DELETE /api/admin/messages/:id`: deletes a message for good (204). */
export const deleteMessage = (session: AdminSession, id: number, signal: AbortSignal) =>
  call<void>(session, `messages/${id}`, signal, 'DELETE');

/** `GET /api/admin/threads`: threads, most recently active first. Also checks the token. */
export const listThreads = (
  session: AdminSession,
  page: { cursor?: string },
  signal: AbortSignal,
) => call<AdminThreadList>(session, `threads${query(page)}`, signal);

/** `PATCH /api/admin/threads/:key`: edit title, summary or url, or close and reopen. */
export const updateThread = (
  session: AdminSession,
  key: string,
  patch: ThreadPatch,
  signal: AbortSignal,
) =>
  call<{ thread: AdminThread }>(
    session,
    `threads/${encodeURIComponent(key)}`,
    signal,
    'PATCH',
    patch,
  );

/** `GET /api/admin/owner-keys`: the owner-posting keys that are not revoked, newest first. */
export const listOwnerKeys = (session: AdminSession, signal: AbortSignal) =>
  call<OwnerKeyList>(session, 'owner-keys', signal);

/** `POST /api/admin/owner-keys`: a new owner-posting key; its secret is in this answer only. */
export const createOwnerKey = (session: AdminSession, label: string, signal: AbortSignal) =>
  call<CreatedOwnerKey>(session, 'owner-keys', signal, 'POST', label ? { label } : {});

/** `DELETE /api/admin/owner-keys/:id`: revokes a key at once (204). */
export const revokeOwnerKey = (session: AdminSession, id: number, signal: AbortSignal) =>
  call<void>(session, `owner-keys/${id}`, signal, 'DELETE');

/** The `state` filter of `GET /api/admin/deliveries`. */
export type DeliveryState = 'failed' | 'pending' | 'delivered';

/**
 * `GET /api/admin/deliveries?state=`: deliveries in one state, newest first.
 * An older server (no notifications) answers 404 `not_found`.
 */
export const listDeliveries = (
  session: AdminSession,
  filters: { state: DeliveryState; cursor?: string | undefined },
  signal: AbortSignal,
) => call<DeliveryList>(session, `deliveries${query(filters)}`, signal);

/** `POST /api/admin/deliveries/:id/retry`: a failed delivery is scheduled again, now. */
export const retryDelivery = (session: AdminSession, id: number, signal: AbortSignal) =>
  call<RetriedDelivery>(session, `deliveries/${id}/retry`, signal, 'POST', {});

/** A downloaded export: its body and the file name the server gave it. */
export interface ExportFile {
  blob: Blob;
  filename: string;
}

/** The `filename` of a `Content-Disposition` header, kept to a plain, safe file name. */
function dispositionName(header: string | null, fallback: string): string {
  const name = /filename="?([^";]+)"?/i.exec(header ?? '')?.[1] ?? '';
  // Only what a server-made name holds: a name with a path or odd characters is not used.
  return /^[\w.-]+$/.test(name) ? name : fallback;
}

/**
 * `GET /api/admin/export[?thread=KEY]`: the versioned JSON export, read whole.
 * Not through {@link request}: its answer is a file, streamed, and may take
 * longer than the client's timeout; only the session's `signal` ends it.
 */
export async function downloadExport(
  session: AdminSession,
  thread: string | undefined,
  signal: AbortSignal,
): Promise<ExportFile> {
  let res: Response;
  try {
    res = await fetch(`${session.base}api/admin/export${query({ thread })}`, {
      ...adminInit(session, 'GET', false),
      signal,
    });
    if (res.ok) {
      const filename = dispositionName(
        res.headers.get('Content-Disposition'),
        'parley-export.json',
      );
      return { blob: await res.blob(), filename };
    }
  } catch (e) {
    throw new ApiError(0, signal.aborted ? 'aborted' : 'network', String(e));
  }
  throw apiErrorOf(res, await res.json().catch(() => null));
}
