import type { MiddlewareHandler } from 'hono';

/**
 * `Referrer-Policy` on every response: `no-referrer`. Parley's own pages
 * (`/admin`, thread pages) have no reason to tell another site which page a
 * reader or a moderator came from (an admin URL, a thread key), and the API
 * and scripts make no requests of their own. A route that wants another
 * policy sets it itself; this one only fills the gap.
 */
export const REFERRER_POLICY = 'no-referrer';

/**
 * CSP for JSON and event streams: they are data, never documents. Should a
 * browser ever render one (opened directly, sniffed), it may load and run
 * nothing.
 */
export const DATA_CSP = "default-src 'none'";

/** Content types that are data: JSON (and `+json` types) and server-sent events. */
const DATA_TYPE = /^\s*(application\/([\w.-]+\+)?json|text\/event-stream)\s*(;|$)/i;

/**
 * Headers every response gets, registered first so that errors, 404s, scripts,
 * pages and streams all pass through it: `X-Content-Type-Options: nosniff`
 * (a JSON answer or an upload never runs as a script or a page),
 * {@link REFERRER_POLICY}, and {@link DATA_CSP} on JSON and event streams.
 * Headers a route set itself (the `/admin` page's CSP) are kept.
 */
export function securityHeaders(): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next();
    addSecurityHeaders(c.res.headers);
  };
}

/**
 * The headers of {@link securityHeaders}, added to `headers`: for a response
 * a route writes to Node's response itself (the live streams), which the
 * middleware never sees.
 */
export function addSecurityHeaders(headers: Headers): Headers {
  headers.set('X-Content-Type-Options', 'nosniff');
  if (!headers.has('Referrer-Policy')) headers.set('Referrer-Policy', REFERRER_POLICY);
  if (!headers.has('Content-Security-Policy') && DATA_TYPE.test(headers.get('Content-Type') ?? ''))
    headers.set('Content-Security-Policy', DATA_CSP);
  return headers;
}
