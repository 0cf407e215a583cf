/**
 * The API calls only the thread's lazily loaded parts make: reading further
 * pages of replies, posting, editing, deleting and reporting a message, the proof-of-work challenge, what the
 * server offers (`/api/features`), and the live stream's address. Apart from
 * `client.ts` so that `/widget.js`, which only reads, does not carry them.
 */
import type {
  EditMessageResponse,
  Features,
  MessagePage,
  MessagePageAt,
  PostMessageRequest,
  PostMessageResponse,
} from '@parley/server/wire';
import type { Challenge } from 'altcha-lib';
import { type PageOptions, query, request, threadUrl } from './client.js';

/**
 * `GET /api/threads/:key/events`: the address of the thread's live event
 * stream (server-sent events), replaying every event after `lastEventId`.
 * A URL, not a request: `EventSource` does the fetching (and reconnecting).
 */
export const eventsUrl = (base: string, key: string, lastEventId: number) =>
  `${threadUrl(base, key)}/events?lastEventId=${lastEventId}`;

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

/**
 * `POST /api/messages/:id/report`: flags a message for the moderators, with
 * the reader's `reason` for them when there is one.
 */
export const reportMessage = (base: string, id: number, reason: string, signal: AbortSignal) =>
  request<null>(`${messageUrl(base, id)}/report`, signal, write('POST', reason ? { reason } : {}));

/**
 * `GET /api/challenge`: an ALTCHA (v2) proof-of-work challenge for the next
 * post. 404 `not_found` when the server has proof of work off.
 */
export const getChallenge = (base: string, signal: AbortSignal) =>
  request<Challenge>(`${base}api/challenge`, signal);

/**
 * `GET /api/features`: what the server offers (public, cached by the browser
 * for five minutes). An older server answers 404 `not_found`.
 */
export const getFeatures = (base: string, signal: AbortSignal) =>
  request<Features>(`${base}api/features`, signal);

/** `GET /api/threads/:key/messages`: a further page of replies after `o.cursor`. */
export const getMessages = (base: string, key: string, o: PageOptions, signal: AbortSignal) =>
  request<MessagePage>(`${threadUrl(base, key)}/messages${query(o)}`, signal);

/**
 * `GET /api/threads/:key/messages?at=`: the page of replies that holds reply
 * `o.at`, with `before`, the number of replies listed before it. The same
 * request as {@link getMessages}, typed for its answer.
 */
export const getMessagesAt = getMessages as (
  base: string,
  key: string,
  o: PageOptions & { at: number },
  signal: AbortSignal,
) => Promise<MessagePageAt>;
