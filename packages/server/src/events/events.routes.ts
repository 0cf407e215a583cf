import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import { invalidField, unavailable } from '../http/api-error.ts';
import { validate } from '../http/validate.ts';
import { findPublicThreadByKey } from '../threads/threads.repository.ts';
import { threadKeyParams } from '../threads/threads.schemas.ts';
import type { LiveEvents } from './live.ts';
import { runStream } from './stream.ts';

/**
 * Where a stream resumes: the `Last-Event-ID` header (EventSource sends it
 * when it reconnects), else the `lastEventId` query parameter (the page's
 * `lastEventId`), else undefined ("now").
 */
export function resumePoint(header: string | undefined, query: string | undefined) {
  const given = header ?? query;
  if (given === undefined) return undefined;
  if (!/^\d{1,15}$/.test(given))
    throw invalidField('lastEventId', 'must be a non-negative integer');
  return Number(given);
}

/** `GET /api/threads/:key/events`: the thread's live events, mounted under `/api`. */
export function eventRoutes(
  { store }: AppDeps,
  { threadView: view }: AppServices,
  live: LiveEvents,
) {
  return new Hono().get('/threads/:key/events', validate('param', threadKeyParams), async (c) => {
    const { key } = c.req.valid('param');
    const requested = resumePoint(c.req.header('Last-Event-ID'), c.req.query('lastEventId'));
    if (live.closing) throw unavailable('The server is stopping; reconnect shortly.');
    // A thread that is not public yet is followed like one that does not exist:
    // its events come once a published message makes it public.
    const thread = await findPublicThreadByKey(store.db, key);
    const after = requested ?? (thread ? Number(thread.event_seq) : 0);
    // nginx would otherwise buffer the stream (streamSSE sets Cache-Control: no-cache).
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, (sse) => runStream(c, sse, { key, thread, after }, { store, live, view }));
  });
}
