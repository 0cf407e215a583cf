/**
 * The fake Parley server behind `window.fetch` that every browser test uses:
 * the elements' only seam to the network. Install it once per test file with
 * `useFakeServer()`; each test then starts with no routes and no calls.
 */
import type { Delivery, Features } from '@parley/server/wire';
import type { DeliveryState } from '../admin/admin-client.js';
import { clientSettings } from '../api/client.js';

export type Handler = (req: Request) => Response | Promise<Response>;
export const SERVER = 'https://parley.test/';
/** The tests' "now": `Date.now` answers it while a test runs. */
export const NOW = Date.parse('2025-06-01T12:00:00Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const ago = (ms: number) => new Date(NOW - ms).toISOString();

/** Routes of the current test, by `METHOD /path` (the query is not part of the key). */
export let routes = new Map<string, Handler>();
/** Every request the current test made, in order (copies, so their bodies can be read). */
export let calls: Request[] = [];

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

/** The server's error envelope: `{error: {code, message, issues?}}`. */
export const apiError = (
  status: number,
  code: string,
  details: {
    message?: string;
    issues?: { path: string; message: string }[];
    headers?: Record<string, string>;
  } = {},
) =>
  json(
    {
      error: {
        code,
        message: details.message ?? `${code} (from the server)`,
        ...(details.issues ? { issues: details.issues } : {}),
      },
    },
    status,
    details.headers,
  );

/** A response that never comes; it fails with an AbortError when the request is aborted. */
export const hang: Handler = (req) =>
  new Promise((_, reject) =>
    req.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
  );

/** Answers `METHOD path` with `handler`, or with `handler` as JSON when it is a value. */
export function route(method: string, path: string, handler: Handler | object) {
  routes.set(
    `${method} ${path}`,
    typeof handler === 'function' ? (handler as Handler) : () => json(handler),
  );
}

/** The last request made with `method`. */
export const lastCall = (method: string) => calls.filter((c) => c.method === method).at(-1)!;

/** A response the test decides when to send. */
export function deferred() {
  let resolve!: (r: Response) => void;
  const promise = new Promise<Response>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Installs the fake for every test of the calling file: fresh routes and
 * calls, `Date.now` fixed at `NOW`, empty web storage and the client's usual
 * timeout; an unrouted request gets the server's 404. Restores the real
 * `fetch` and `Date.now` after each test.
 */
export function useFakeServer() {
  const realFetch = window.fetch;
  const realNow = Date.now;
  beforeEach(() => {
    routes = new Map();
    calls = [];
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input, init);
      // A copy for the test to read; the handler may consume the original's body.
      calls.push(req.clone());
      const handler = routes.get(`${req.method} ${new URL(req.url).pathname}`);
      return handler ? handler(req) : apiError(404, 'not_found');
    };
    Date.now = () => NOW;
    localStorage.clear();
    sessionStorage.clear();
    clientSettings.timeoutMs = 10_000;
  });
  afterEach(() => {
    window.fetch = realFetch;
    Date.now = realNow;
    localStorage.clear();
    sessionStorage.clear();
  });
}

/** Serves `GET /api/features` (public, cached five minutes, as the server does) with `features`. */
export function serveFeatures(features: Partial<Features> = {}) {
  route('GET', '/api/features', () =>
    json({ replyMail: false, proofOfWork: false, ...features }, 200, {
      'Cache-Control': 'public, max-age=300',
    }),
  );
}

/** The state a delivery is in, as `GET /api/admin/deliveries?state=` filters. */
const deliveryState = (d: Delivery): DeliveryState =>
  d.deliveredAt ? 'delivered' : d.failedAt ? 'failed' : 'pending';

/**
 * Serves the admin deliveries routes over `deliveries`, an in-memory outbox
 * the test can read and change: `GET /api/admin/deliveries?state=&cursor=&limit=`
 * lists one state newest first (`createdAt`, then `id`), in pages of `limit`
 * (default `pageSize`) with an opaque cursor; `POST /api/admin/deliveries/:id/retry`
 * schedules it again now (404 `not_found` once it is gone). Both want the
 * admin `token`.
 */
export function serveDeliveries(deliveries: Delivery[], token: string, pageSize = 50) {
  const authorized = (req: Request) => req.headers.get('Authorization') === `Bearer ${token}`;
  const refused = () => apiError(401, 'unauthorized', { message: 'Wrong admin token.' });
  route('GET', '/api/admin/deliveries', (req) => {
    if (!authorized(req)) return refused();
    const params = new URL(req.url).searchParams;
    const state = params.get('state');
    if (state !== 'failed' && state !== 'pending' && state !== 'delivered')
      return apiError(400, 'invalid_request', {
        issues: [{ path: 'state', message: 'Invalid option' }],
      });
    const limit = Number(params.get('limit') ?? pageSize);
    const after = Number(params.get('cursor') ?? 0);
    const listed = deliveries
      .filter((d) => deliveryState(d) === state)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
    const page = listed.slice(after, after + limit);
    const next = after + limit < listed.length ? String(after + limit) : null;
    return json({ deliveries: page, nextCursor: next });
  });
  for (const d of deliveries)
    route('POST', `/api/admin/deliveries/${d.id}/retry`, (req) => {
      if (!authorized(req)) return refused();
      const at = deliveries.findIndex((x) => x.id === d.id);
      const found = deliveries[at];
      if (!found) return apiError(404, 'not_found');
      const now = new Date(Date.now()).toISOString();
      const delivery = { ...found, failedAt: null, nextAttemptAt: now };
      deliveries[at] = delivery;
      return json({ delivery });
    });
  return deliveries;
}
