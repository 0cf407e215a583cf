/**
 * A client cannot hold a connection open by sending its request slowly: the
 * real server (`startServer`, real sockets) closes a request whose headers or
 * body have not all arrived within the request timeout (10 s by default),
 * while a live stream, a response that never ends, runs on past it.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from './app-deps.ts';
import { parseCommandLine, type ServerConfig } from './config.ts';
import { REQUEST_TIMEOUT_MS, type RunningServer, startServer } from './main.ts';
import { threadPath } from './testing/app-fixture.ts';
import { assertPostArrives, openSse } from './testing/sse-client.ts';

/** The timeout the short-timeout server runs with. */
const SHORT_MS = 1_000;

function configFor(dir: string, name: string): ServerConfig {
  const command = parseCommandLine([], {
    DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
    PORT: '0',
    PARLEY_RATE_LIMIT: '0',
    // Its threads are on no page: this is about timeouts, not urls.
    PARLEY_VERIFY_URLS: 'off',
  });
  assert.equal(command.kind, 'serve');
  return command.config;
}

/**
 * Opens a raw connection, sends `head`, then one more `drip` every 100 ms
 * (so the connection is never idle: only the request timeout can end it).
 * Resolves when the server closes it (or after `giveUpMs`), with how long
 * that took and what it said.
 */
async function slowRequest(
  url: string,
  head: string,
  drip: string,
  giveUpMs = 20_000,
): Promise<{ ms: number; reply: string }> {
  const { hostname, port } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  await once(socket, 'connect');
  let reply = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    reply += chunk;
  });
  socket.on('error', () => {});
  const started = performance.now();
  socket.write(head);
  const dripping = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(drip);
  }, 100);
  // A server that never closes it fails the test in bounded time.
  const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
  try {
    await once(socket, 'close');
  } finally {
    clearInterval(dripping);
    clearTimeout(giveUp);
  }
  return { ms: performance.now() - started, reply };
}

const SLOW_HEADERS = ['GET /healthz HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: 1\r\n'] as const;
const SLOW_BODY = [
  `POST ${threadPath('/blog/slow', '/messages')} HTTP/1.1\r\nHost: localhost\r\n` +
    'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"author":"Slow","body":"',
  'x',
] as const;

describe('request timeouts on a real server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-timeouts-'));
  let short: RunningServer;

  before(async () => {
    short = await startServer(configFor(dir, 'short'), {
      logger: silentLogger,
      requestTimeoutMs: SHORT_MS,
    });
  });
  after(async () => {
    await short?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes a connection whose headers have not all arrived in time, with 408', async () => {
    const { ms, reply } = await slowRequest(short.url, ...SLOW_HEADERS);
    assert.ok(ms >= SHORT_MS * 0.9, `closed after ${ms} ms, before the timeout`);
    assert.ok(ms < SHORT_MS * 3, `closed only after ${ms} ms`);
    assert.match(reply, /^HTTP\/1\.1 408 /);
  });

  it('closes a connection whose body has not all arrived in time, storing nothing', async () => {
    const { ms } = await slowRequest(short.url, ...SLOW_BODY);
    assert.ok(ms >= SHORT_MS * 0.9, `closed after ${ms} ms, before the timeout`);
    assert.ok(ms < SHORT_MS * 3, `closed only after ${ms} ms`);
    const thread = await fetch(`${short.url}${threadPath('/blog/slow')}`);
    assert.equal(thread.status, 404);
  });

  it('lets a live stream run on well past the timeout, delivering events', async () => {
    const reader = await openSse(`${short.url}${threadPath('/blog/long', '/events')}`);
    assert.equal(reader.response.status, 200);
    await reader.until('the opening comment', () => reader.comments.includes('connected'));
    // Nothing to wait on here but time itself: the stream must outlive the timeout.
    await new Promise((resolve) => setTimeout(resolve, SHORT_MS * 3));
    assert.equal(reader.ended, false, 'the stream is still open');
    await assertPostArrives(short.url, '/blog/long', reader);
    reader.close();
  });

  it(`closes a slow body after ${REQUEST_TIMEOUT_MS / 1000} s by default`, async () => {
    const running = await startServer(configFor(dir, 'default'), { logger: silentLogger });
    try {
      const { ms } = await slowRequest(running.url, ...SLOW_BODY);
      assert.ok(ms >= REQUEST_TIMEOUT_MS * 0.9, `closed after ${ms} ms, before the timeout`);
      assert.ok(ms < REQUEST_TIMEOUT_MS + 3_000, `closed only after ${ms} ms`);
    } finally {
      await running.stop();
    }
  });
});
