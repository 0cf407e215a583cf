/** Test support: a Parley app on a fresh database, called in-process. */
import assert from 'node:assert/strict';
import type { Context } from 'hono';
import { createApp } from '../app.ts';
import { type AppConfig, silentLogger } from '../app-deps.ts';
import { TrustedProxies } from '../http/client-address.ts';
import type { Message, MessagePage, PostMessageResponse, ThreadPage } from '../wire.ts';
import { json } from './assertions.ts';
import type { TestDatabase, TestDialect } from './dialects.ts';

/** Everything a test needs: the app, its database and a settable clock. */
export interface AppFixture {
  app: ReturnType<typeof createApp>;
  db: TestDatabase;
  /** The time the app sees; tests move it forward. */
  now: Date;
  /** The client address the app sees for the next requests. */
  peer: string;
  /** `app.request` with JSON: sets the content type and stringifies the body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** `PATCH` with a JSON body. */
  patch(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** `DELETE` without a body. */
  delete(path: string, headers?: Record<string, string>): Promise<Response>;
  /**
   * Posts `body` as "Reader" to the thread `key`, one second after the
   * previous post (so every message has its own time), and expects 201.
   */
  postMessage(
    key: string,
    body: string,
    extra?: Record<string, unknown>,
  ): Promise<PostMessageResponse>;
  /** The thread's first page, as readers get it. */
  threadPage(key: string): Promise<ThreadPage>;
  /** What readers see of a thread: its first page, checked to agree with the messages listing. */
  publicMessages(key: string): Promise<Message[]>;
  close(): Promise<void>;
}

/** Origin the tests treat as the blog (allowed in PARLEY_ORIGINS by default). */
export const BLOG_ORIGIN = 'https://blog.example';

/** Builds an app on a fresh database of `dialect`. */
export async function appFixture(
  dialect: TestDialect,
  config: Partial<AppConfig> = {},
): Promise<AppFixture> {
  const db = await dialect.create();
  const sendJson = (method: string, path: string, body: unknown, headers = {}) =>
    Promise.resolve(
      fixture.app.request(path, {
        method,
        headers: { 'Content-Type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  const fixture: AppFixture = {
    db,
    now: new Date('2026-03-01T12:00:00.000Z'),
    peer: '203.0.113.7',
    app: createApp({
      store: db.store,
      logger: silentLogger,
      clock: () => new Date(fixture.now),
      peerAddress: (_c: Context) => fixture.peer,
      config: {
        origins: [BLOG_ORIGIN],
        // The URL app.request() uses when given a bare path.
        listenUrl: 'http://localhost',
        trustedProxies: new TrustedProxies([]),
        rateLimit: 0,
        ...config,
      },
    }),
    post: (path, body, headers) => sendJson('POST', path, body, headers),
    get: (path, headers = {}) => Promise.resolve(fixture.app.request(path, { headers })),
    patch: (path, body, headers) => sendJson('PATCH', path, body, headers),
    delete: (path, headers = {}) =>
      Promise.resolve(fixture.app.request(path, { method: 'DELETE', headers })),
    async postMessage(key, body, extra = {}) {
      fixture.now = new Date(fixture.now.getTime() + 1000);
      const res = await fixture.post(threadPath(key, '/messages'), {
        author: 'Reader',
        body,
        ...extra,
      });
      return json<PostMessageResponse>(res, 201);
    },
    threadPage: async (key) => json<ThreadPage>(await fixture.get(threadPath(key)), 200),
    async publicMessages(key) {
      const first = (await fixture.threadPage(key)).messages;
      const listed = await json<MessagePage>(await fixture.get(threadPath(key, '/messages')), 200);
      assert.deepEqual(listed.messages, first, 'the first page and the listing agree');
      return first;
    },
    close: () => db.dispose(),
  };
  return fixture;
}

/** `/api/threads/<encoded key>` plus a suffix. */
export function threadPath(key: string, suffix = ''): string {
  return `/api/threads/${encodeURIComponent(key)}${suffix}`;
}

/** An admin token the tests configure: random, as `parley-server` requires (16+ characters, not words). */
export const ADMIN_TOKEN = 'tT9-vQ2xWm4rLp7Zk8Nc';

/** The header that proves the admin token. */
export const ADMIN = { Authorization: `Bearer ${ADMIN_TOKEN}` } as const;

/** The header that proves a message's edit token. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
