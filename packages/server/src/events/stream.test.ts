import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { threadPath } from '../testing/app-fixture.ts';
import { json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { eventually, type LiveServer, liveServer } from '../testing/live-server.ts';
import type { PostMessageResponse } from '../wire.ts';

const sqlite = dialects[0];
const KEY = '/blog/slow';
const statusClock = () => ({ now: new Date(), autoCloseDays: undefined });

/**
 * The hub's side of a stream: the response body the server would read from.
 * A client that does not read leaves its bytes queued on that body (the
 * server stops reading it when the socket stops draining), so these tests
 * hold the body and choose whether to read it.
 */
describe('a live stream whose client does not read', () => {
  let s: LiveServer | undefined;
  afterEach(async () => {
    await s?.close();
  });

  async function open(server: LiveServer) {
    const posted = await json<PostMessageResponse>(
      await server.post(threadPath(KEY, '/messages'), { author: 'Ada', body: 'first' }),
      201,
    );
    const row = await server.db.store.db
      .selectFrom('threads')
      .select(['id', 'event_seq'])
      .where('key', '=', KEY)
      .executeTakeFirstOrThrow();
    const start = (onEnd: () => void) =>
      server.live.openBody({
        key: KEY,
        thread: { id: row.id, seq: Number(row.event_seq) },
        after: Number(row.event_seq),
        statusClock,
        onEnd,
      });
    return { posted, start };
  }

  it('is dropped once it has taken nothing for writeTimeoutMs: forgotten, place released, body errored', async () => {
    assert.ok(sqlite);
    s = await liveServer(sqlite, { writeTimeoutMs: 100 });
    const { start } = await open(s);
    let ended = 0;
    const stalled = start(() => ended++);
    // A reader that keeps up, beside it, is left alone.
    const healthy = start(() => {});
    const reader = healthy.getReader();
    const received: string[] = [];
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        received.push(Buffer.from(value as Uint8Array).toString());
      }
    })();
    assert.equal(s.live.size, 2);
    await eventually('the stalled stream to be dropped', () => s?.live.size === 1);
    assert.equal(ended, 1);
    await assert.rejects(stalled.getReader().read(), /does not read/);

    await s.post(threadPath(KEY, '/messages'), { author: 'Ada', body: 'second' });
    await eventually('the healthy stream to have the message', () =>
      received.join('').includes('second'),
    );
    assert.equal(s.live.size, 1);
  });

  it('is kept while it reads, however slowly, with something always waiting', async () => {
    assert.ok(sqlite);
    s = await liveServer(sqlite, { writeTimeoutMs: 100, config: { rateLimit: 0 } });
    const server = s;
    const { start } = await open(server);
    let ended = 0;
    const reader = start(() => ended++).getReader();
    // ~18 KB of events every 40 ms, read a chunk every 60 ms: something waits
    // for well over writeTimeoutMs, yet the client keeps taking some.
    const posting = (async () => {
      for (let i = 0; i < 20; i++) {
        await server.post(threadPath(KEY, '/messages'), {
          author: 'Ada',
          body: `${i} ${'x'.repeat(9_000)}`,
        });
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    let text = '';
    while (!text.includes('<p>19 ')) {
      const { done, value } = await reader.read();
      if (done) break;
      text += Buffer.from(value as Uint8Array).toString();
      await new Promise((r) => setTimeout(r, 60));
    }
    await posting;
    assert.equal(ended, 0);
    assert.equal(server.live.size, 1);
  });

  it('is dropped at once when more than 256 KiB wait for it, whatever the timeout', async () => {
    assert.ok(sqlite);
    s = await liveServer(sqlite);
    const { start } = await open(s);
    let ended = 0;
    start(() => ended++);
    // Each post queues its message and the thread's update: ~2 × 10 KB.
    const body = 'x'.repeat(9_000);
    for (let i = 0; i < 40 && ended === 0; i++) {
      await s.post(threadPath(KEY, '/messages'), { author: 'Ada', body: `${i} ${body}` });
      await new Promise((r) => setTimeout(r, 5));
    }
    await eventually('the stream to be dropped', () => ended === 1);
    assert.equal(s.live.size, 0);
  });
});
