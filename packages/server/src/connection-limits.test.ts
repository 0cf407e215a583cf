/**
 * One client cannot hold the server's memory or sockets: on a real server
 * (`startServer`, real sockets) a connection that makes no progress for the
 * idle bound is destroyed, with the pages queued for it; one address holds at
 * most 64 connections (a trusted proxy is exempt); a live stream, which
 * writes a heartbeat, outlives the bound.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from './app-deps.ts';
import { parseCommandLine, type ServerConfig } from './config.ts';
import { MAX_CONNECTIONS_PER_CLIENT, MAX_PIPELINED } from './http/connection-limits.ts';
import { type RunningServer, startServer } from './main.ts';
import { threadPath } from './testing/app-fixture.ts';
import { assertPostArrives, openSse } from './testing/sse-client.ts';

/** The idle bound the test servers run with, and their heartbeat, well below it. */
const IDLE_MS = 1_000;
const HEARTBEAT_MS = 250;

const dir = mkdtempSync(join(tmpdir(), 'parley-connections-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function configFor(name: string, env: Record<string, string> = {}): ServerConfig {
  const command = parseCommandLine([], {
    DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
    PORT: '0',
    HOST: '127.0.0.1',
    PARLEY_RATE_LIMIT: '0',
    PARLEY_VERIFY_URLS: 'off',
    ...env,
  });
  assert.equal(command.kind, 'serve');
  return command.config;
}

/**
 * Runs `test` against a server with the short idle bound, or (`idle: false`)
 * the default one, so that connections held on purpose stay open.
 */
async function withServer(
  name: string,
  env: Record<string, string>,
  test: (server: RunningServer) => Promise<void>,
  idle = true,
): Promise<void> {
  const server = await startServer(configFor(name, env), {
    logger: silentLogger,
    ...(idle ? { idleSocketMs: IDLE_MS, heartbeatMs: HEARTBEAT_MS } : {}),
  });
  try {
    await test(server);
  } finally {
    await server.stop();
  }
}

/** Resolves when `condition()` holds, polling; fails after `timeoutMs`. */
async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A raw connection to `url`, from `localAddress` if given. */
async function open(url: string, localAddress?: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect({
    port: Number(port),
    host: hostname,
    ...(localAddress ? { localAddress } : {}),
  });
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Whether the server closes `socket` within `timeoutMs`. */
async function closedWithin(socket: Socket, timeoutMs: number): Promise<boolean> {
  socket.resume();
  if (socket.destroyed) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([once(socket, 'close').then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Sends a GET on `socket` and resolves with the status line of the answer. */
async function statusOf(socket: Socket, path = '/healthz'): Promise<string> {
  if (socket.destroyed) throw new Error('already closed');
  socket.setEncoding('utf8');
  let reply = '';
  const done = new Promise<string>((resolve, reject) => {
    socket.on('data', (chunk: string) => {
      reply += chunk;
      const line = reply.indexOf('\r\n');
      if (line >= 0) resolve(reply.slice(0, line));
    });
    socket.once('close', () => reject(new Error(`closed before an answer: ${reply}`)));
  });
  socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
  return done;
}

describe('connection limits on a real server', () => {
  it('destroys a client that sends pipelined requests and reads nothing, after the idle bound', async () => {
    await withServer('idle', {}, async (server) => {
      // Pages of about 800 KB: 16 of them (as many as may wait) cannot all fit the socket buffers.
      for (let i = 0; i < 40; i++) {
        const posted = await fetch(`${server.url}${threadPath('/big', '/messages')}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ author: 'Big', body: `page ${i} ${'word '.repeat(1_900)}` }),
        });
        assert.equal(posted.status, 201);
      }
      // Fetch's own keep-alive connections close once idle.
      await until('no open connection', async () => (await server.connections()) === 0, 15_000);
      const socket = await open(server.url);
      socket.pause();
      const page = threadPath('/big', '?limit=100');
      socket.write(`GET ${page} HTTP/1.1\r\nHost: localhost\r\n\r\n`.repeat(MAX_PIPELINED));
      const started = performance.now();
      await until(
        'the server to drop the connection',
        async () => (await server.connections()) === 0,
      );
      const ms = performance.now() - started;
      assert.ok(ms >= IDLE_MS * 0.9, `dropped after ${ms} ms, before the bound`);
      // Node postpones the timeout once if a write was still draining: 2x at most.
      assert.ok(ms < IDLE_MS * 3, `dropped only after ${ms} ms`);
      socket.destroy();
    });
  });

  it(`closes a connection with more than ${MAX_PIPELINED} requests waiting, long before the idle bound`, async () => {
    await withServer(
      'pipelined',
      {},
      async (server) => {
        for (let i = 0; i < 20; i++) {
          const posted = await fetch(`${server.url}${threadPath('/big', '/messages')}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ author: 'Big', body: `page ${i} ${'word '.repeat(1_900)}` }),
          });
          assert.equal(posted.status, 201);
        }
        const socket = await open(server.url);
        socket.pause();
        const page = threadPath('/big', '?limit=100');
        // One write: Node reads them all in one chunk and runs each.
        socket.write(`GET ${page} HTTP/1.1\r\nHost: localhost\r\n\r\n`.repeat(200));
        // The default idle bound (30 s) is far off: only the pipelining bound can close it this soon.
        assert.equal(await closedWithin(socket, 5_000), true, 'the connection is closed');
        // A browser-like client is served.
        const served = await open(server.url);
        assert.match(await statusOf(served), /^HTTP\/1\.1 200 /);
        served.destroy();
      },
      false,
    );
  });

  it(`closes the connection of one address over ${MAX_CONNECTIONS_PER_CLIENT} at once, and serves others`, async () => {
    await withServer(
      'cap',
      {},
      async (server) => {
        const held: Socket[] = [];
        try {
          for (let i = 0; i < MAX_CONNECTIONS_PER_CLIENT; i++) held.push(await open(server.url));
          const over = await open(server.url);
          held.push(over);
          assert.equal(
            await closedWithin(over, 1_000),
            true,
            'the connection over the cap is closed',
          );
          // The ones under the cap, and another address, are served.
          assert.match(await statusOf(held[0]!), /^HTTP\/1\.1 200 /);
          const other = await open(server.url, '127.0.0.2');
          held.push(other);
          assert.match(await statusOf(other), /^HTTP\/1\.1 200 /);
          // A place freed is a place again.
          held[1]!.destroy();
          await until(
            'the server to see it close',
            async () => (await server.connections()) === MAX_CONNECTIONS_PER_CLIENT,
          );
          const again = await open(server.url);
          held.push(again);
          assert.match(await statusOf(again), /^HTTP\/1\.1 200 /);
        } finally {
          for (const socket of held) socket.destroy();
        }
      },
      false,
    );
  });

  it('does not cap the connections of a trusted proxy', async () => {
    await withServer(
      'proxy',
      { PARLEY_TRUSTED_PROXIES: '127.0.0.1' },
      async (server) => {
        const held: Socket[] = [];
        try {
          for (let i = 0; i < MAX_CONNECTIONS_PER_CLIENT + 6; i++)
            held.push(await open(server.url));
          const statuses = await Promise.all(held.map((socket) => statusOf(socket)));
          for (const status of statuses) assert.match(status, /^HTTP\/1\.1 200 /);
        } finally {
          for (const socket of held) socket.destroy();
        }
      },
      false,
    );
  });

  it('lets a live stream outlive the idle bound and still deliver a post', async () => {
    await withServer('live', {}, async (server) => {
      const reader = await openSse(`${server.url}${threadPath('/blog/long', '/events')}`);
      assert.equal(reader.response.status, 200);
      // Heartbeats spanning three idle bounds.
      const pings = Math.ceil((IDLE_MS * 3) / HEARTBEAT_MS);
      await reader.until(
        `${pings} heartbeats`,
        () => reader.comments.filter((c) => c === 'ping').length >= pings,
      );
      assert.equal(reader.ended, false, 'the stream is still open');
      await assertPostArrives(server.url, '/blog/long', reader);
      reader.close();
    });
  });
});
