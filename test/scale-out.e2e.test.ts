/**
 * Scale-out, for real: two `parley-server` processes on one PostgreSQL
 * database, behind an nginx started from the configuration the README
 * documents. A reader's live stream through the balancer receives what was
 * posted through the balancer to the other instance (PostgreSQL
 * LISTEN/NOTIFY between instances), round-robin posts arrive on one stream
 * exactly once and in order, and the rate limit is shared by both instances
 * and keyed by the client address nginx forwards (posts come from distinct
 * loopback addresses, so that address is real, not a header the test made up).
 *
 * Needs nginx and PostgreSQL. Outside CI either one missing skips this file
 * with a loud message; in CI (`CI` set) it is a failure.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { dialects, type TestDatabase } from '@parley/server/testing/dialects';
import { type ListeningServer, startListening } from '@parley/server/testing/server-process';
import { openSse, type SseClient, type SseEvent } from '@parley/server/testing/sse-client';
import type { LiveEventData, Message } from '@parley/server/wire';
import { nginxPath, type RunningNginx, startNginx } from './support/nginx.ts';

/** How long a live event may take to cross instances before the test fails: generous on purpose. */
const DELIVERY_BOUND_MS = 10_000;

const postgres = dialects.find((d) => d.name === 'postgres');
const nginx = nginxPath();

function skipReason(): string | undefined {
  const missing = [
    nginx ? '' : 'nginx (Debian: apt-get install -y nginx, or set NGINX_PATH)',
    // dialects.ts has already failed the run in CI, and warned outside it.
    postgres ? '' : 'PostgreSQL',
  ].filter(Boolean);
  if (missing.length === 0) return undefined;
  const message = `the scale-out test needs ${missing.join(' and ')}: it is SKIPPED.`;
  if (process.env.CI) throw new Error(`${message} CI runs every suite.`);
  console.warn(`\n!!! ${message}\n`);
  return message;
}
const skip = skipReason();

/** A fresh thread key, percent-encoded as it travels in paths. */
function freshKey(): string {
  return encodeURIComponent(`/scale-out/${randomBytes(4).toString('hex')}`);
}

function isCreated(event: SseEvent): boolean {
  return event.event === 'message.created';
}

/** Resolves with the `message.created` event of message `id` on `reader`, once it is there. */
async function createdEvent(reader: SseClient, id: number): Promise<SseEvent> {
  const find = () => reader.events.find((e) => isCreated(e) && messageOf(e).id === id);
  await reader.until(`message.created for ${id}`, () => find() !== undefined, DELIVERY_BOUND_MS);
  return find()!;
}

function messageOf(event: SseEvent): Message {
  const data = JSON.parse(event.data) as LiveEventData;
  assert.equal(data.type, 'message.created');
  assert.ok('message' in data);
  return data.message;
}

describe('scale-out: two instances behind nginx on one PostgreSQL database', { skip }, () => {
  let database: TestDatabase;
  let a: ListeningServer;
  let b: ListeningServer;
  let balancer: RunningNginx;
  const streams: SseClient[] = [];

  before(async () => {
    database = await postgres!.create();
    const env = {
      DATABASE_URL: database.url,
      // Instances on one PostgreSQL must share the secret that keys address hashes.
      PARLEY_SECRET: randomBytes(32).toString('base64url'),
      PARLEY_TRUSTED_PROXIES: '127.0.0.1',
      PARLEY_RATE_LIMIT: '10',
      PARLEY_ORIGINS: '',
      // Its threads are on no page: this suite is about instances, not urls.
      PARLEY_VERIFY_URLS: 'off',
    };
    // One after the other: the first migrates (already done here) and the second finds it done.
    a = await startListening(env);
    b = await startListening(env);
    balancer = await startNginx(nginx!, { a: a.address, b: b.address });
  });

  after(async () => {
    for (const stream of streams) stream.close();
    const steps = [
      () => balancer?.stop(),
      // Open event streams may hold a graceful shutdown for its full 10 s: do not wait that long.
      () => a?.stop(3_000),
      () => b?.stop(3_000),
      () => database?.dispose(),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        console.error('scale-out cleanup:', error);
      }
    }
  });

  /** Opens a thread's event stream through nginx, optionally pinned to one instance. */
  async function stream(key: string, instance?: 'a' | 'b'): Promise<SseClient> {
    const opened = await openSse(
      `${balancer.url}/api/threads/${key}/events`,
      instance ? { 'x-parley-instance': instance } : {},
    );
    streams.push(opened);
    const { status } = opened.response;
    if (status !== 200)
      assert.fail(`the stream answered ${status}: ${await opened.response.text()}`);
    return opened;
  }

  /**
   * Posts through nginx from the loopback address `from` (any of 127/8 on
   * Linux): nginx sees it as the client and forwards it in X-Forwarded-For,
   * which Parley believes because nginx (127.0.0.1) is a trusted proxy.
   */
  function post(key: string, body: string, from: string, instance?: 'a' | 'b') {
    const payload = JSON.stringify({ author: 'Scale Tester', body });
    return new Promise<{
      status: number;
      upstream: string | undefined;
      json: { message?: Message };
    }>((resolve, reject) => {
      const req = request(
        `${balancer.url}/api/threads/${key}/messages`,
        {
          method: 'POST',
          localAddress: from,
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...(instance ? { 'x-parley-instance': instance } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => {
            try {
              resolve({
                status: res.statusCode ?? 0,
                upstream: res.headers['x-upstream'] as string | undefined,
                json: JSON.parse(text),
              });
            } catch (error) {
              reject(new Error(`${res.statusCode} and no JSON: ${text} (${error})`));
            }
          });
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error('the post timed out')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  it('delivers a post made through nginx to instance B on a stream through nginx from instance A', async (t) => {
    const key = freshKey();
    // The thread does not exist yet: a stream may be opened before its first post.
    const reader = await stream(key, 'a');
    assert.equal(reader.response.headers.get('x-upstream'), a.address, 'the stream is served by A');
    assert.match(reader.response.headers.get('content-type') ?? '', /^text\/event-stream/);

    const posted = await post(key, 'Hello from the other instance.', '127.0.1.1', 'b');
    assert.equal(posted.status, 201, JSON.stringify(posted.json));
    assert.equal(posted.upstream, b.address, 'the post is served by B');
    const acknowledged = performance.now();

    const event = await createdEvent(reader, posted.json.message!.id);
    const ms = performance.now() - acknowledged;
    t.diagnostic(`message.created reached A's stream ${ms.toFixed(1)} ms after B's 201`);
    assert.equal(messageOf(event).author.name, 'Scale Tester');
    assert.ok(event.id && Number(event.id) > 0, 'the event carries its sequence number as id');
  });

  it('puts 20 round-robin posts on one stream exactly once, in order', async (t) => {
    const key = freshKey();
    const reader = await stream(key);
    const ids: number[] = [];
    const upstreams = new Set<string | undefined>();
    const started = performance.now();
    for (let i = 0; i < 20; i++) {
      const posted = await post(key, `Round-robin post ${i + 1}.`, `127.0.2.${i + 1}`);
      assert.equal(posted.status, 201, JSON.stringify(posted.json));
      ids.push(posted.json.message!.id);
      upstreams.add(posted.upstream);
    }
    assert.deepEqual(
      [...upstreams].sort(),
      [a.address, b.address].sort(),
      'nginx spread the posts over both instances',
    );
    // A last post marks the end: once it is on the stream, any duplicate of the 20 would be too.
    const sentinel = await post(key, 'The end.', '127.0.2.99');
    assert.equal(sentinel.status, 201);
    await createdEvent(reader, sentinel.json.message!.id);
    t.diagnostic(`21 posts and their events in ${(performance.now() - started).toFixed(0)} ms`);

    const created = reader.events.filter(isCreated).map((e) => messageOf(e).id);
    assert.deepEqual(created, [...ids, sentinel.json.message!.id]);
    const sequence = reader.events.map((e) => Number(e.id));
    assert.ok(
      sequence.every((n, i) => Number.isSafeInteger(n) && (i === 0 || n > sequence[i - 1]!)),
      `event ids increase strictly: ${sequence.join(' ')}`,
    );
  });

  it('shares the rate limit between instances, keyed by the client address nginx forwards', async () => {
    const key = freshKey();
    // Concurrent and round-robin: both instances count one client in one table.
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) => post(key, `Burst ${i + 1}.`, '127.0.3.1')),
    );
    const statuses = replies.map((r) => r.status).sort();
    assert.deepEqual(statuses, [...Array(10).fill(201), 429, 429]);
    assert.equal(new Set(replies.map((r) => r.upstream)).size, 2, 'both instances answered');
    // Another client is not limited by the first one's posts: Parley saw the
    // address nginx put in X-Forwarded-For, not nginx's own.
    assert.equal((await post(key, 'Someone else.', '127.0.3.2')).status, 201);
  });
});
