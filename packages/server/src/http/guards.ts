import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppConfig } from '../app-deps.ts';
import { ApiError } from './api-error.ts';
import { isAllowedOrigin } from './origin-policy.ts';

/** Largest request body the API reads, in bytes (design.md: 64 KB). */
const MAX_BODY_BYTES = 64 * 1024;

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What {@link originGuard} answers besides the origin check. */
export interface OriginGuardOptions {
  /**
   * Whether allowed origins get CORS headers (default true). The admin API
   * says false: its one page, /admin, is served by this server and calls it
   * from the same origin, which needs no CORS. With CORS, an admin token that
   * leaked to the blog (any script there reads its storage) could be used
   * from the blog by a visitor's browser; without it, the browser refuses.
   */
  cors?: boolean;
}

/**
 * CORS and the origin check for `/api/*`.
 *
 * Why: a page on a foreign origin must not be able to post in a reader's
 * name, so a write whose `Origin` is present and not allowed gets 403 before
 * its body is read. Only allowed origins are ever echoed in
 * `Access-Control-Allow-Origin` (never a blanket reflection), so foreign
 * pages cannot read responses either. Requests without `Origin` come from
 * non-browser clients and are served under the same limits. With
 * `cors: false` no origin gets CORS headers and every preflight is refused
 * (a same-origin request never sends one).
 */
export function originGuard(
  config: AppConfig,
  options: OriginGuardOptions = {},
): MiddlewareHandler {
  const cors = options.cors ?? true;
  return async function originGuard(c, next) {
    c.header('Vary', 'Origin', { append: true });
    const origin = c.req.header('Origin');
    if (origin === undefined) return next();
    const allowed = isAllowedOrigin(origin, config);
    const method = c.req.method;
    if (!cors && method === 'OPTIONS') {
      throw new ApiError(
        403,
        'forbidden',
        'The admin API answers only its own page, /admin on this server: no other site may call it.',
      );
    }
    if (!allowed && (method === 'OPTIONS' || WRITE_METHODS.has(method))) {
      throw new ApiError(
        403,
        'forbidden',
        `Origin ${origin} may not write to this Parley server: add it to PARLEY_ORIGINS if it is a blog embedding the thread, or set PARLEY_PUBLIC_URL if it is this server's own public address (for /admin).`,
      );
    }
    if (!cors) return next();
    if (allowed) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', 'Retry-After, ETag');
    }
    if (method === 'OPTIONS') {
      c.header('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE');
      c.header('Access-Control-Allow-Headers', 'Content-Type, Authorization, Last-Event-ID');
      c.header('Access-Control-Max-Age', '600');
      return c.body(null, 204);
    }
    return next();
  };
}

/**
 * Writes that carry a body must be `application/json` and at most 64 KB.
 *
 * Why JSON only: an HTML form can post `text/plain` or urlencoded bodies
 * cross-site without a preflight; insisting on JSON means only scripts that
 * passed CORS can write. The size limit counts bytes as they arrive, so a
 * chunked body without `Content-Length` is refused just the same.
 */
export function jsonBodyGuard(): MiddlewareHandler {
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', 'The request body is larger than 64 KB.');
    },
  });
  return async function jsonBodyGuard(c, next) {
    const method = c.req.method;
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return next();
    const type = c.req.header('Content-Type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new ApiError(
        415,
        'unsupported_media_type',
        'Send the request body as JSON with Content-Type: application/json.',
      );
    }
    return limit(c, next);
  };
}
