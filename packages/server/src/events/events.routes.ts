import type { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import { invalidField, rateLimited, unavailable } from '../http/api-error.ts';
import { addSecurityHeaders } from '../http/security-headers.ts';
import { validate } from '../http/validate.ts';
import { findPublicThreadByKey } from '../threads/threads.repository.ts';
import { threadKeyParams } from '../threads/threads.schemas.ts';
import { type LiveEvents, ResponseSink } from './live.ts';
import {
  CLIENT_LIMIT_RETRY_SECONDS,
  MAX_STREAMS_PER_CLIENT,
  SERVER_LIMIT_RETRY_SECONDS,
} from './stream-limits.ts';

/**
 * Where a stream resumes: the `Last-Event-ID` header (EventSource sends it
 * when it reconnects), else the `lastEventId` query parameter (the page's
 * `lastEventId`), else undefined ("now").
 */
function resumePoint(header: string | undefined, query: string | undefined) {
  const given = header ?? query;
  if (given === undefined) return undefined;
  if (!/^\d{1,15}$/.test(given))
    throw invalidField('lastEventId', 'must be a non-negative integer');
  return Number(given);
}

/**
 * `GET /api/threads/:key/events`: the thread's live events, mounted under
 * `/api`. Each stream holds a socket for as long as it is open, so each
 * takes a place first: at most 16 per client (429) and `maxStreams` on this
 * instance (503), released the moment the stream ends. Both count this
 * process's streams only: behind a load balancer, each instance counts its own.
 */
export function eventRoutes(
  { store }: AppDeps,
  { statusClock, identify, clock }: AppServices,
  live: LiveEvents,
) {
  return new Hono().get('/threads/:key/events', validate('param', threadKeyParams), async (c) => {
    const { key } = c.req.valid('param');
    const requested = resumePoint(c.req.header('Last-Event-ID'), c.req.query('lastEventId'));
    if (live.closing) throw unavailable('The server is stopping; reconnect shortly.');
    // HEAD (a link checker, a monitor) learns what the URL is without a stream to
    // wait on: answered here, it never takes one of the client's stream places.
    if (c.req.method === 'HEAD')
      return c.body(null, 200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
      });
    const client = (await identify(c, clock())) ?? 'unknown';
    const place = live.reserve(client);
    if (!place.ok) {
      if (place.limit === 'client')
        throw rateLimited(
          `At most ${MAX_STREAMS_PER_CLIENT} live streams are open per client; close one`,
          CLIENT_LIMIT_RETRY_SECONDS,
        );
      throw unavailable(
        'The server holds as many live streams as it can; reconnect shortly.',
        SERVER_LIMIT_RETRY_SECONDS,
      );
    }
    let thread: Awaited<ReturnType<typeof findPublicThreadByKey>>;
    try {
      // A thread that is not public yet is followed like one that does not exist:
      // its events come once a published message makes it public.
      thread = await findPublicThreadByKey(store.db, key);
    } catch (error) {
      place.release();
      throw error;
    }
    const seq = thread ? Number(thread.event_seq) : 0;
    const start = {
      key,
      thread: thread ? { id: thread.id, seq } : undefined,
      after: requested ?? seq,
      statusClock,
      onEnd: place.release,
    };
    // The route's own headers and CORS's, as any response of the app has them.
    const head = c.body(null, 200, STREAM_HEADERS);
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    if (!outgoing) return new Response(live.openBody(start), head);
    // On Node, frames go straight to the response: no web stream between,
    // and nothing of the request's handling stays in memory but the stream.
    const headers: Record<string, string> = {};
    addSecurityHeaders(head.headers).forEach((value, name) => {
      headers[name] = value;
    });
    outgoing.writeHead(200, headers);
    const stream = live.open(start, new ResponseSink(outgoing));
    outgoing.once('close', stream.close);
    // Gone while the thread was read: its `close` has been and gone.
    if (outgoing.destroyed) stream.close();
    return RESPONSE_ALREADY_SENT;
  });
}

/** A live stream's headers (nginx would otherwise buffer the stream). */
const STREAM_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
};
