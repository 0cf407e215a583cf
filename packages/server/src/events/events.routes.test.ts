import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { ADMIN, BLOG_ORIGIN, threadPath } from '../testing/app-fixture.ts';
import { assertError, json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { eventually, type LiveServer, liveServer } from '../testing/live-server.ts';
import { dataOf, type SseEvent } from '../testing/sse-client.ts';
import type { LiveEventData, Message, PostMessageResponse, Thread, ThreadPage } from '../wire.ts';
import { REPLAY_BYTES, REPLAY_EVENTS, ROUND_BYTES } from './stream.ts';

const KEY = '/blog/live';

type Data = LiveEventData & { message?: Message; thread?: Thread; id?: number };

/** A TCP connection to the server at `url`, for requests no HTTP client sends: all it has received, and its close. */
function rawConnection(url: string, encoding: BufferEncoding) {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  const raw = { socket, text: '', closed: new Promise((resolve) => socket.on('close', resolve)) };
  socket.setEncoding(encoding);
  socket.on('data', (text: string) => {
    raw.text += text;
  });
  return raw;
}

/** `[event, id]` of each event, for order and numbering at a glance. */
const names = (events: SseEvent[]) => events.map((e) => [e.event, Number(e.id)]);

for (const dialect of dialects) {
  describe(`live events on ${dialect.name}`, () => {
    let s: LiveServer;
    afterEach(async () => {
      await s?.close();
    });

    async function post(body: string, headers: Record<string, string> = {}) {
      return json<PostMessageResponse>(
        await s.post(threadPath(KEY, '/messages'), { author: 'Ada', body }, headers),
        201,
      );
    }
    const moderate = async (id: number, body: unknown) =>
      json(await s.patch(`/api/admin/messages/${id}`, body, ADMIN), 200);

    it('opens at once with stream headers and CORS, before the thread exists; its first post arrives', async () => {
      s = await liveServer(dialect);
      const reader = await s.stream(KEY, undefined, { Origin: BLOG_ORIGIN });
      assert.equal(reader.response.status, 200);
      assert.equal(reader.response.headers.get('Content-Type'), 'text/event-stream');
      assert.match(reader.response.headers.get('Cache-Control') ?? '', /no-cache/);
      assert.equal(reader.response.headers.get('X-Accel-Buffering'), 'no');
      assert.equal(reader.response.headers.get('Access-Control-Allow-Origin'), BLOG_ORIGIN);
      await reader.until('the opening comment', () => reader.comments.includes('connected'));

      const first = await post('first!');
      const events = await reader.take(2);
      assert.deepEqual(names(events), [
        ['message.created', 1],
        ['thread.updated', 2],
      ]);
      const created = dataOf<Data>(events[0] as SseEvent);
      assert.deepEqual(created, { type: 'message.created', message: first.message });
      const updated = dataOf<Data>(events[1] as SseEvent);
      assert.equal(updated.type, 'thread.updated');
      assert.equal(updated.thread?.key, KEY);
      assert.equal(updated.thread?.messageCount, 1);

      await post('second');
      assert.deepEqual(names(await reader.take(4)).slice(2), [
        ['message.created', 3],
        ['thread.updated', 4],
      ]);
      // The page names the event it reflects: the stream's ids continue from it.
      const page = await json<ThreadPage>(await fetch(`${s.url}${threadPath(KEY)}`), 200);
      assert.equal(page.lastEventId, 4);
    });

    it('sends nothing for a held post; an owner’s post after it is the first event', async () => {
      s = await liveServer(dialect, { config: { moderation: 'all' } });
      const reader = await s.stream(KEY);
      const held = await post('wait for a moderator');
      assert.equal(held.status, 'pending');
      const owner = await post('from the owner', ADMIN);
      assert.equal(owner.status, 'published');
      const events = await reader.take(2);
      assert.deepEqual(names(events), [
        ['message.created', 1],
        ['thread.updated', 2],
      ]);
      assert.equal(dataOf<Data>(events[0] as SseEvent).message?.id, owner.message.id);
      assert.ok(!JSON.stringify(reader.events).includes('wait for a moderator'));
    });

    it('hide sends message.removed; highlight sends message.updated and thread.updated', async () => {
      s = await liveServer(dialect);
      const a = await post('a');
      const b = await post('b');
      const reader = await s.stream(KEY);
      await reader.until('the opening comment', () => reader.comments.includes('connected'));
      await moderate(a.message.id, { highlighted: true });
      await moderate(b.message.id, { status: 'hidden' });
      const events = await reader.take(4);
      assert.deepEqual(names(events), [
        ['message.updated', 5],
        ['thread.updated', 6],
        ['message.removed', 7],
        ['thread.updated', 8],
      ]);
      const [highlighted, counts, removed, after] = events.map((e) => dataOf<Data>(e));
      assert.equal(highlighted?.message?.highlighted, true);
      assert.equal(counts?.thread?.highlightCount, 1);
      assert.deepEqual(removed, { type: 'message.removed', id: b.message.id });
      assert.equal(after?.thread?.messageCount, 1);
    });

    it('replays what a reconnecting reader missed, exactly once and in order (Last-Event-ID)', async () => {
      s = await liveServer(dialect);
      const reader = await s.stream(KEY);
      await post('one');
      const seen = await reader.take(2);
      reader.close();
      await eventually('the first stream to be removed', () => s.live.size === 0);
      const missed = [await post('two'), await post('three')];
      await moderate(missed[0]?.message.id as number, { highlighted: true });

      const lastId = (seen.at(-1) as SseEvent).id as string;
      // The header wins over the query parameter (EventSource keeps the URL it started with).
      const again = await s.stream(KEY, 'lastEventId=0', { 'Last-Event-ID': lastId });
      await post('four');
      const events = await again.take(8);
      assert.deepEqual(names(events), [
        ['message.created', 3],
        ['thread.updated', 4],
        ['message.created', 5],
        ['thread.updated', 6],
        ['message.updated', 7],
        ['thread.updated', 8],
        ['message.created', 9],
        ['thread.updated', 10],
      ]);
      const bodies = events
        .map((e) => dataOf<Data>(e))
        .filter((d) => d.type === 'message.created')
        .map((d) => d.message?.html);
      assert.deepEqual(bodies, ['<p>two</p>', '<p>three</p>', '<p>four</p>']);
      // Nothing repeated: the next event after these is the next new one.
      await post('five');
      assert.deepEqual(names(await again.take(10)).slice(8), [
        ['message.created', 11],
        ['thread.updated', 12],
      ]);

      // From the query parameter, all of it.
      const all = await s.stream(KEY, 'lastEventId=0');
      assert.deepEqual(
        names(await all.take(12)).map(([, id]) => id),
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      );
    });

    it('composes data when sending: a message hidden since it was posted goes out as removed', async () => {
      s = await liveServer(dialect);
      const m = await post('regrettable');
      await moderate(m.message.id, { status: 'hidden' });
      const reader = await s.stream(KEY, 'lastEventId=0');
      const events = await reader.take(4);
      assert.deepEqual(names(events), [
        ['message.removed', 1],
        ['thread.updated', 2],
        ['message.removed', 3],
        ['thread.updated', 4],
      ]);
      assert.ok(!JSON.stringify(reader.events).includes('regrettable'));
      assert.deepEqual(dataOf(events[0] as SseEvent), {
        type: 'message.removed',
        id: m.message.id,
      });
    });

    it('sends reload when the last event id is older than what is kept', async () => {
      s = await liveServer(dialect);
      await post('one');
      await post('two');
      // As pruning would: only the newest events are kept.
      await s.db.store.db.deleteFrom('events').where('seq', '<=', 2).execute();
      const reader = await s.stream(KEY, 'lastEventId=1');
      const [reload] = await reader.take(1);
      assert.deepEqual([reload?.event, reload?.id], ['reload', '4']);
      assert.deepEqual(dataOf(reload as SseEvent), { type: 'reload' });
      await post('three');
      assert.deepEqual(names(await reader.take(3)).slice(1), [
        ['message.created', 5],
        ['thread.updated', 6],
      ]);
      // Still in range: replayed as usual.
      const recent = await s.stream(KEY, 'lastEventId=2');
      assert.deepEqual(
        names(await recent.take(4)).map(([, id]) => id),
        [3, 4, 5, 6],
      );
    });

    it('refuses a bad lastEventId with 400 naming it', async () => {
      s = await liveServer(dialect);
      for (const query of [
        'lastEventId=abc',
        'lastEventId=-1',
        'lastEventId=1.5',
        'lastEventId=',
      ]) {
        const res = await fetch(`${s.url}${threadPath(KEY, '/events')}?${query}`);
        await assertError(res, 400, 'invalid_request', ['lastEventId']);
      }
      const res = await fetch(`${s.url}${threadPath(KEY, '/events')}`, {
        headers: { 'Last-Event-ID': 'x' },
      });
      await assertError(res, 400, 'invalid_request', ['lastEventId']);
      assert.equal(s.live.size, 0);
    });

    it('gives every reader every event once, in order, however it joins a burst', async () => {
      s = await liveServer(dialect, { config: { rateLimit: 0 } });
      await post('opening');
      // A fixed sequence of choices, so a failure replays the same way.
      let seed = 7;
      const random = () => {
        seed = (seed * 48271) % 2147483647;
        return seed / 2147483647;
      };
      const readers: { from?: number; reader: Awaited<ReturnType<LiveServer['stream']>> }[] = [];
      let seq = 2;
      for (let i = 0; i < 30; i++) {
        const burst = post(`burst ${i}`);
        // Readers join between posts: some from now, some from an earlier
        // event (behind the others: they read on their own, then join them).
        // (At most 16 streams per client: these readers are all one client.)
        if (readers.length < 16 && random() < 0.7) {
          const from = random() < 0.5 ? Math.floor(random() * seq) : undefined;
          readers.push({
            ...(from === undefined ? {} : { from }),
            reader: await s.stream(KEY, from === undefined ? undefined : `lastEventId=${from}`),
          });
        }
        await burst;
        seq += 2;
      }
      for (const { reader } of readers)
        await reader.until('the last event', () => reader.events.at(-1)?.id === String(seq));
      for (const { from, reader } of readers) {
        const ids = reader.events.map((e) => Number(e.id));
        const first = from === undefined ? (ids[0] as number) : from + 1;
        assert.deepEqual(
          ids,
          Array.from({ length: seq - first + 1 }, (_, i) => first + i),
        );
      }
      assert.equal(readers.length, 16);
    });

    it('streams to an HTTP/1.0 client too, unchunked, and ends it on shutdown', async () => {
      s = await liveServer(dialect);
      await post('first');
      const raw = rawConnection(s.url, 'utf8');
      raw.socket.write(`GET ${threadPath(KEY, '/events')} HTTP/1.0\r\nHost: x\r\n\r\n`);
      await eventually('the stream to open', () => raw.text.includes(': connected'));
      await post('second');
      await eventually('the event', () => raw.text.includes('event: thread.updated'));
      await s.live.shutdown();
      await raw.closed;
      const [head, body] = raw.text.split('\r\n\r\n') as [string, string];
      assert.match(head, /^HTTP\/1\.1 200 OK\r\n/);
      assert.doesNotMatch(head, /transfer-encoding/i);
      // The body is the frames themselves, with no chunk framing between them.
      assert.match(
        body,
        /^: connected\n\nevent: message\.created\nid: 3\ndata: \{.*\}\n\nevent: thread\.updated\nid: 4\n/,
      );
      assert.match(body, /: server shutting down\nretry: 1000\n\n$/);
    });

    it('streams behind a pipelined request on the same connection, in valid chunks', async () => {
      s = await liveServer(dialect);
      await post('first');
      const raw = rawConnection(s.url, 'latin1');
      // Both requests at once: the stream's response waits for the thread's.
      raw.socket.write(
        `GET ${threadPath(KEY)} HTTP/1.1\r\nHost: x\r\n\r\n` +
          `GET ${threadPath(KEY, '/events')}?lastEventId=0 HTTP/1.1\r\nHost: x\r\n\r\n`,
      );
      await eventually('the replayed events', () => raw.text.includes('id: 2\n'));
      await post('second');
      await eventually('the new events', () => raw.text.includes('id: 4\n'));
      raw.socket.destroy();
      const text = raw.text;
      const second = text.indexOf('HTTP/1.1 200', 1);
      const [head, chunked] = [
        text.slice(second, text.indexOf('\r\n\r\n', second)),
        text.slice(text.indexOf('\r\n\r\n', second) + 4),
      ];
      assert.match(head, /content-type: text\/event-stream/i);
      assert.match(head, /transfer-encoding: chunked/i);
      // Decoded chunk by chunk, the body is whole frames, in order.
      let body = '';
      let rest = chunked;
      while (rest.length > 0) {
        const eol = rest.indexOf('\r\n');
        const size = Number.parseInt(rest.slice(0, eol), 16);
        assert.ok(Number.isFinite(size), `a chunk size, not ${JSON.stringify(rest.slice(0, 20))}`);
        body += rest.slice(eol + 2, eol + 2 + size);
        assert.equal(rest.slice(eol + 2 + size, eol + 4 + size), '\r\n');
        rest = rest.slice(eol + 4 + size);
      }
      assert.deepEqual(
        [...body.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])),
        [1, 2, 3, 4],
      );
    });

    it('replays a long backlog at the reader’s pace up to REPLAY_BYTES, then sends reload at the head', async () => {
      s = await liveServer(dialect, { config: { rateLimit: 0 } });
      // Eight long messages of characters HTML and JSON both escape: ~370 KB
      // of events, more than a replay sends (and than a stream may leave waiting).
      for (let i = 0; i < 8; i++) await post(`${i} ${'<&>"'.repeat(2_490)}`);
      for (let attempt = 0; attempt < 2; attempt++) {
        const reader = await s.stream(KEY, 'lastEventId=0');
        await eventually('the reload', () => reader.events.some((e) => e.event === 'reload'));
        const events = [...reader.events];
        const replayed = events.slice(0, -1);
        // In order from the first, then the reload numbered with the head: nothing skipped silently.
        assert.deepEqual(
          replayed.map((e) => Number(e.id)),
          Array.from({ length: replayed.length }, (_, i) => i + 1),
        );
        assert.ok(replayed.length >= 4 && replayed.length < 16, `${replayed.length} replayed`);
        const bytes = replayed.reduce((sum, e) => sum + Buffer.byteLength(e.data ?? ''), 0);
        assert.ok(bytes <= REPLAY_BYTES + ROUND_BYTES, `${bytes} bytes replayed`);
        // The head: 16 events, and each attempt's post after them.
        assert.deepEqual(
          [events.at(-1)?.event, events.at(-1)?.id],
          ['reload', String(16 + attempt * 2)],
        );
        // Live from the head on.
        await post(`after ${attempt}`);
        const next = await reader.take(events.length + 2);
        assert.deepEqual(names(next.slice(events.length)), [
          ['message.created', 17 + attempt * 2],
          ['thread.updated', 18 + attempt * 2],
        ]);
        reader.close();
      }
    });

    it('sends reload at once to a reader more than REPLAY_EVENTS behind, and replays one that is not', async () => {
      s = await liveServer(dialect);
      await post('one');
      // As 600 moderation changes would leave it: thread.updated events 3..602.
      const { id } = await s.db.store.db
        .selectFrom('threads')
        .select('id')
        .where('key', '=', KEY)
        .executeTakeFirstOrThrow();
      const head = 2 + 600;
      const now = new Date().toISOString();
      await s.db.store.db
        .insertInto('events')
        .values(
          Array.from({ length: 600 }, (_, i) => ({
            thread_id: id,
            seq: 3 + i,
            type: 'thread.updated' as const,
            message_id: null,
            created_at: now,
          })),
        )
        .execute();
      await s.db.store.db
        .updateTable('threads')
        .set({ event_seq: head })
        .where('id', '=', id)
        .execute();
      const far = await s.stream(KEY, 'lastEventId=1');
      const [reload] = await far.take(1);
      assert.deepEqual([reload?.event, reload?.id], ['reload', String(head)]);
      const near = await s.stream(KEY, `lastEventId=${head - REPLAY_EVENTS}`);
      assert.deepEqual(
        names(await near.take(3)),
        [1, 2, 3].map((i) => ['thread.updated', head - REPLAY_EVENTS + i]),
      );
    });

    it('frees the place of a client gone before its stream opened', async () => {
      s = await liveServer(dialect);
      await post('first');
      const port = Number(new URL(s.url).port);
      // Each asks and hangs up at once: often before the route has read the thread.
      for (let i = 0; i < 40; i++) {
        const socket = connect(port, '127.0.0.1', () => {
          socket.write(`GET ${threadPath(KEY, '/events')} HTTP/1.1\r\nHost: x\r\n\r\n`);
          setImmediate(() => socket.resetAndDestroy());
        });
        socket.on('error', () => {});
      }
      await eventually('every place freed', () => s.live.reserved === 0 && s.live.size === 0);
    });

    it('sends a heartbeat comment on an idle stream', async () => {
      s = await liveServer(dialect, { heartbeatMs: 50 });
      const reader = await s.stream(KEY);
      await reader.until(
        'two pings',
        () => reader.comments.filter((c) => c === 'ping').length >= 2,
      );
      assert.equal(reader.events.length, 0);
    });

    it('forgets a reader that goes away, and ends streams with a reconnect hint on shutdown', async () => {
      s = await liveServer(dialect);
      const leaving = await s.stream(KEY);
      const staying = await s.stream(KEY);
      await eventually('two streams', () => s.live.size === 2);
      leaving.close();
      await eventually('the stream of the reader who left to be removed', () => s.live.size === 1);
      await s.live.shutdown();
      await staying.until('the end of the stream', () => staying.ended);
      assert.ok(staying.comments.includes('server shutting down'));
      assert.equal(staying.retry, 1000);
      assert.equal(s.live.size, 0);
      const refused = await fetch(`${s.url}${threadPath(KEY, '/events')}`);
      await assertError(refused, 503, 'unavailable');
    });
  });
}
