/**
 * One client cannot exhaust live streams: at most 16 open per client (429 for
 * the 17th), a global cap per instance (503), and a place frees the moment
 * its stream ends. Real streams over real sockets; clients told apart by
 * `X-Forwarded-For` from a trusted proxy on loopback.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { TrustedProxies } from '../http/client-address.ts';
import { assertError } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { eventually, type LiveServer, liveServer } from '../testing/live-server.ts';
import type { SseClient } from '../testing/sse-client.ts';
import {
  defaultMaxStreams,
  FALLBACK_FILE_LIMIT,
  MAX_STREAMS_PER_CLIENT,
  openFileLimit,
} from './stream-limits.ts';

const KEY = '/blog/busy';
const behindProxy = { trustedProxies: new TrustedProxies(['127.0.0.1']) };
const as = (address: string) => ({ 'X-Forwarded-For': address });

/** Opens `n` streams as `address`, each checked open (200, first comment in). */
async function openMany(s: LiveServer, n: number, address: string, key = KEY) {
  const streams: SseClient[] = [];
  for (let i = 0; i < n; i++) {
    const stream = await s.stream(`${key}/${i}`, undefined, as(address));
    assert.equal(stream.response.status, 200, `stream ${i + 1} of ${address}`);
    await stream.until('the opening comment', () => stream.comments.includes('connected'));
    streams.push(stream);
  }
  return streams;
}

for (const dialect of dialects) {
  describe(`live stream limits on ${dialect.name}`, () => {
    let s: LiveServer;
    afterEach(async () => {
      await s?.close();
    });

    it('answers HEAD without opening a stream or holding a place', async () => {
      s = await liveServer(dialect, { config: behindProxy });
      const url = `${s.url}/api/threads/${encodeURIComponent(KEY)}/events`;
      for (let i = 0; i <= MAX_STREAMS_PER_CLIENT; i++) {
        const head = await fetch(url, { method: 'HEAD', headers: as('198.51.100.9') });
        assert.equal(head.status, 200, `HEAD ${i + 1}`);
        assert.match(head.headers.get('Content-Type') ?? '', /^text\/event-stream/);
      }
      assert.equal(s.live.reserved, 0);
      const stream = await s.stream(KEY, undefined, as('198.51.100.9'));
      assert.equal(stream.response.status, 200);
    });

    it(`lets a client hold ${MAX_STREAMS_PER_CLIENT} streams and answers the next with 429 rate_limited and Retry-After`, async () => {
      s = await liveServer(dialect, { config: behindProxy });
      const held = await openMany(s, MAX_STREAMS_PER_CLIENT, '198.51.100.7');
      const refused = await s.stream(KEY, undefined, as('198.51.100.7'));
      assert.ok(Number(refused.response.headers.get('Retry-After')) >= 1);
      await assertError(refused.response, 429, 'rate_limited');
      // Another client is not affected.
      const other = await s.stream(KEY, undefined, as('198.51.100.8'));
      assert.equal(other.response.status, 200);
      assert.equal(s.live.reserved, MAX_STREAMS_PER_CLIENT + 1);
      assert.equal(
        held.every((stream) => !stream.ended),
        true,
        'the held streams stay open',
      );
    });

    it('frees a place the moment a stream ends', async () => {
      s = await liveServer(dialect, { config: behindProxy });
      const held = await openMany(s, MAX_STREAMS_PER_CLIENT, '198.51.100.7');
      held[0]?.close();
      await eventually('the closed stream released', () => s.live.reserved === held.length - 1);
      const again = await s.stream(KEY, undefined, as('198.51.100.7'));
      assert.equal(again.response.status, 200);
      await assertError(
        (await s.stream(KEY, undefined, as('198.51.100.7'))).response,
        429,
        'rate_limited',
      );
    });

    it('caps open streams on the instance: past maxStreams, 503 unavailable with Retry-After, for every client', async () => {
      s = await liveServer(dialect, { config: behindProxy, maxStreams: 20 });
      const a = await openMany(s, 12, '198.51.100.1');
      await openMany(s, 8, '198.51.100.2');
      const refused = await s.stream(KEY, undefined, as('198.51.100.3'));
      assert.ok(Number(refused.response.headers.get('Retry-After')) >= 1);
      await assertError(refused.response, 503, 'unavailable');
      a[0]?.close();
      await eventually('a place freed', () => s.live.reserved === 19);
      assert.equal((await s.stream(KEY, undefined, as('198.51.100.3'))).response.status, 200);
    });

    it('counts a client that is not behind a trusted proxy by its own address', async () => {
      s = await liveServer(dialect);
      // X-Forwarded-For from an untrusted peer names no one: all are 127.0.0.1.
      for (let i = 0; i < MAX_STREAMS_PER_CLIENT; i++) {
        const stream = await s.stream(`${KEY}/${i}`, undefined, as(`198.51.100.${i + 1}`));
        assert.equal(stream.response.status, 200);
      }
      const refused = await s.stream(KEY, undefined, as('198.51.100.200'));
      await assertError(refused.response, 429, 'rate_limited');
    });
  });
}

describe('the default global cap', () => {
  const limits = (soft: string, hard = soft) =>
    `Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \nMax open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files     \n`;

  it('reads the soft open-file limit from /proc/self/limits', () => {
    assert.equal(
      openFileLimit(() => limits('1024', '4096')),
      1024,
    );
    assert.equal(
      openFileLimit(() => limits('unlimited')),
      1_048_576,
    );
    assert.equal(
      openFileLimit(() => 'nothing here'),
      undefined,
    );
    assert.equal(
      openFileLimit(() => {
        throw new Error('ENOENT');
      }),
      undefined,
    );
  });

  it('keeps a quarter of the files, at least 256, for everything but streams', () => {
    assert.equal(defaultMaxStreams(1024), 768);
    assert.equal(defaultMaxStreams(20_000), 15_000);
    assert.equal(defaultMaxStreams(65_536), 49_152);
    assert.equal(defaultMaxStreams(300), 44);
    assert.equal(defaultMaxStreams(100), 1);
    assert.equal(defaultMaxStreams(FALLBACK_FILE_LIMIT), 768);
  });

  it("reads this process's real limit on Linux", { skip: process.platform !== 'linux' }, () => {
    const limit = openFileLimit();
    assert.ok(limit !== undefined && limit > 0);
    assert.equal(defaultMaxStreams(), defaultMaxStreams(limit));
  });
});
