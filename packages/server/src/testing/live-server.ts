/** Test support: the app on a real HTTP server (port 0) with live events, for SSE tests. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from '../app.ts';
import { type AppConfig, type Logger, silentLogger } from '../app-deps.ts';
import { type EventBus, inProcessBus } from '../events/bus.ts';
import { createLiveEvents, type LiveEvents } from '../events/live.ts';
import { TrustedProxies } from '../http/client-address.ts';
import { ADMIN_TOKEN, BLOG_ORIGIN, threadPath } from './app-fixture.ts';
import type { TestDatabase, TestDialect } from './dialects.ts';
import { openSse, type SseClient } from './sse-client.ts';

export interface LiveServer {
  url: string;
  db: TestDatabase;
  live: LiveEvents;
  /** Opens the thread's event stream (`query` without `?`). */
  stream(key: string, query?: string, headers?: Record<string, string>): Promise<SseClient>;
  /** POSTs JSON to a path, returning the response. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** PATCHes JSON to a path. */
  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Resolves when `condition()` holds, checking every 10 ms; rejects after `timeoutMs`. */
export async function eventually(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export async function liveServer(
  dialect: TestDialect,
  options: {
    config?: Partial<AppConfig>;
    heartbeatMs?: number;
    /** A client that takes nothing for this long is dropped (default 10 s). */
    writeTimeoutMs?: number;
    bus?: EventBus;
    /** The hub's global cap on open streams (default none). */
    maxStreams?: number;
    /** Where the app logs (default: nowhere). */
    logger?: Logger;
  } = {},
): Promise<LiveServer> {
  const db = await dialect.create();
  const live = createLiveEvents({
    store: db.store,
    bus: options.bus ?? inProcessBus(),
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.writeTimeoutMs ? { writeTimeoutMs: options.writeTimeoutMs } : {}),
    ...(options.maxStreams ? { maxStreams: options.maxStreams } : {}),
  });
  const app = createApp({
    store: db.store,
    logger: options.logger ?? silentLogger,
    live,
    config: {
      origins: [BLOG_ORIGIN],
      trustedProxies: new TrustedProxies([]),
      rateLimit: 0,
      adminToken: ADMIN_TOKEN,
      ...options.config,
    },
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(s as Server),
    ) as Server;
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: SseClient[] = [];
  const send =
    (method: string) =>
    (path: string, body: unknown, headers = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
  return {
    url,
    db,
    live,
    async stream(key, query, headers) {
      const client = await openSse(
        `${url}${threadPath(key, '/events')}${query ? `?${query}` : ''}`,
        headers,
      );
      clients.push(client);
      return client;
    },
    post: send('POST'),
    patch: send('PATCH'),
    async close() {
      for (const client of clients) client.close();
      await live.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.dispose();
    },
  };
}
