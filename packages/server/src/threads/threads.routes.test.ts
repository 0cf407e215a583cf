import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type AppFixture, appFixture, threadPath } from '../testing/app-fixture.ts';
import { assertError, json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { SERVER_VERSION } from '../version.ts';
import type { Counts, ThreadList, ThreadPage } from '../wire.ts';

for (const dialect of dialects) {
  describe(`threads API on ${dialect.name}`, () => {
    let f: AppFixture;
    beforeEach(async () => {
      f = await appFixture(dialect);
    });
    afterEach(async () => {
      await f.close();
    });

    const post = (key: string, body: string, extra: Record<string, unknown> = {}) =>
      f.postMessage(key, body, extra);

    describe('GET /api/threads/:key', () => {
      it('returns 404 thread_not_found for a key nobody has posted to', async () => {
        await assertError(await f.get(threadPath('/blog/new-post')), 404, 'thread_not_found');
      });

      it('finds a key with slashes and unicode sent percent-encoded', async () => {
        const key = '/blog/über café/ünïcode';
        await post(key, 'hi');
        const page = await json<ThreadPage>(await f.get(threadPath(key)), 200);
        assert.equal(page.thread.key, key);
        assert.equal(page.messages.length, 1);
      });

      it('lists the opening post first under both sorts, then replies in order', async () => {
        const opening = await post('/t', 'opening', { kind: 'opening' });
        const a = await post('/t', 'a');
        const b = await post('/t', 'b');
        const oldest = await json<ThreadPage>(await f.get(threadPath('/t', '?sort=oldest')), 200);
        assert.deepEqual(
          oldest.messages.map((m) => m.id),
          [opening.message.id, a.message.id, b.message.id],
        );
        const newest = await json<ThreadPage>(await f.get(threadPath('/t', '?sort=newest')), 200);
        assert.deepEqual(
          newest.messages.map((m) => m.id),
          [opening.message.id, b.message.id, a.message.id],
        );
      });

      it('counts every published message, the opening post included', async () => {
        await post('/t', 'opening', { kind: 'opening' });
        for (let i = 0; i < 4; i++) await post('/t', `reply ${i}`);
        const page = await json<ThreadPage>(await f.get(threadPath('/t')), 200);
        assert.equal(page.thread.messageCount, 5);
        assert.equal(page.thread.highlightCount, 0);
      });

      it('returns `limit` replies after the opening post and a cursor for the rest', async () => {
        await post('/t', 'opening', { kind: 'opening' });
        for (let i = 0; i < 3; i++) await post('/t', `reply ${i}`);
        const page = await json<ThreadPage>(await f.get(threadPath('/t', '?limit=2')), 200);
        assert.deepEqual(
          page.messages.map((m) => m.kind),
          ['opening', 'reply', 'reply'],
        );
        assert.equal(typeof page.nextCursor, 'string');
        const all = await json<ThreadPage>(await f.get(threadPath('/t', '?limit=3')), 200);
        assert.equal(all.nextCursor, null);
      });

      it('answers a matching If-None-Match with 304 until the thread changes', async () => {
        await post('/t', 'first');
        const first = await f.get(threadPath('/t'));
        assert.equal(first.status, 200);
        const etag = first.headers.get('ETag');
        assert.ok(etag, 'an ETag is sent');
        assert.equal(first.headers.get('Cache-Control'), 'no-cache');
        const again = await f.get(threadPath('/t'), { 'If-None-Match': etag });
        assert.equal(again.status, 304);
        assert.equal(await again.text(), '');
        const listed = await f.get(threadPath('/t'), { 'If-None-Match': `"other", ${etag}` });
        assert.equal(listed.status, 304);

        // Another page shape is another representation.
        const other = await f.get(threadPath('/t', '?limit=5'), { 'If-None-Match': etag });
        assert.equal(other.status, 200);
        assert.notEqual(other.headers.get('ETag'), etag);

        await post('/t', 'second');
        const changed = await f.get(threadPath('/t'), { 'If-None-Match': etag });
        assert.equal(changed.status, 200);
        assert.notEqual(changed.headers.get('ETag'), etag);
        const page = (await changed.json()) as ThreadPage;
        assert.equal(page.thread.messageCount, 2);
        assert.equal(page.messages.length, 2);
      });

      it('serves the same first page from memory until a write changes it', async () => {
        await post('/t', 'first');
        const a = await json<ThreadPage>(await f.get(threadPath('/t')), 200);
        const b = await json<ThreadPage>(await f.get(threadPath('/t')), 200);
        assert.deepEqual(a, b);
        const second = await post('/t', 'second');
        const c = await json<ThreadPage>(await f.get(threadPath('/t')), 200);
        assert.equal(c.messages.at(-1)?.id, second.message.id);
        assert.equal(c.thread.lastActivityAt, second.message.createdAt);
      });

      for (const [query, path] of [
        ['limit=0', 'limit'],
        ['limit=101', 'limit'],
        ['limit=abc', 'limit'],
        ['limit=-1', 'limit'],
        ['sort=random', 'sort'],
      ] as const) {
        it(`returns 400 invalid_request naming ${path} for ${query}`, async () => {
          await post('/t', 'x');
          await assertError(await f.get(threadPath('/t', `?${query}`)), 400, 'invalid_request', [
            path,
          ]);
        });
      }
    });

    describe('GET /api/counts', () => {
      it('returns the published count per key, 0 for unknown keys', async () => {
        await post('/a', 'one');
        await post('/a', 'two');
        await post('/b', 'three');
        const body = await json<Counts>(await f.get('/api/counts?key=/a&key=/b&key=/nope'), 200);
        assert.deepEqual(body.counts, { '/a': 2, '/b': 1, '/nope': 0 });
      });

      it('answers keys named like Object.prototype members as any other key', async () => {
        const res = await f.get('/api/counts?key=__proto__&key=constructor&key=toString');
        assert.equal(res.status, 200);
        // The raw text: JSON.parse would drop a "__proto__" member from the parsed object too.
        assert.equal(await res.text(), '{"counts":{"__proto__":0,"constructor":0,"toString":0}}');
      });

      it('returns 400 invalid_request naming key without keys or with over 100', async () => {
        await assertError(await f.get('/api/counts'), 400, 'invalid_request', ['key']);
        const many = Array.from({ length: 101 }, (_, i) => `key=/p${i}`).join('&');
        await assertError(await f.get(`/api/counts?${many}`), 400, 'invalid_request', ['key']);
      });

      it('answers 100 keys', async () => {
        const keys = Array.from({ length: 100 }, (_, i) => `/p${i}`);
        const body = await json<Counts>(
          await f.get(`/api/counts?${keys.map((k) => `key=${encodeURIComponent(k)}`).join('&')}`),
          200,
        );
        assert.equal(Object.keys(body.counts).length, 100);
      });
    });

    describe('GET /api/threads', () => {
      it('lists threads by last activity (active) or creation (recent), paginated', async () => {
        await post('/first', 'x1');
        await post('/second', 'x2');
        await post('/third', 'x3');
        await post('/first', 'bump');
        const active = await json<ThreadList>(await f.get('/api/threads?sort=active'), 200);
        assert.deepEqual(
          active.threads.map((t) => t.key),
          ['/first', '/third', '/second'],
        );
        const recent = await json<ThreadList>(await f.get('/api/threads?sort=recent'), 200);
        assert.deepEqual(
          recent.threads.map((t) => t.key),
          ['/third', '/second', '/first'],
        );
        const defaultSort = await json<ThreadList>(await f.get('/api/threads'), 200);
        assert.deepEqual(defaultSort.threads, active.threads);

        const keys: string[] = [];
        let cursor: string | null = null;
        do {
          const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
          const page: ThreadList = await json<ThreadList>(
            await f.get(`/api/threads?sort=recent&limit=2${query}`),
            200,
          );
          keys.push(...page.threads.map((t) => t.key));
          cursor = page.nextCursor;
        } while (cursor);
        assert.deepEqual(keys, ['/third', '/second', '/first']);
      });

      it('returns 400 invalid_request naming sort for an unknown sort', async () => {
        await assertError(await f.get('/api/threads?sort=popular'), 400, 'invalid_request', [
          'sort',
        ]);
      });
    });

    describe('GET /api/threads?key=a&key=b (the batch read of cards)', () => {
      const keysQuery = (keys: string[]) =>
        keys.map((k) => `key=${encodeURIComponent(k)}`).join('&');

      it('returns the public threads in the order of the keys, each once, unknown keys left out', async () => {
        await post('/a', 'one', { thread: { title: 'A' } });
        await post('/b', 'two');
        await post('/b', 'three');
        const body = await json<ThreadList>(
          await f.get(`/api/threads?${keysQuery(['/a', '/nope', '/b', '/a'])}`),
          200,
        );
        assert.deepEqual(
          body.threads.map((t) => [t.key, t.messageCount]),
          [
            ['/a', 1],
            ['/b', 2],
          ],
        );
        assert.equal(body.nextCursor, null);
        // The same wire object as the single read's, from the one mapping.
        const single = await f.threadPage('/a');
        assert.deepEqual(body.threads[0], single.thread);
      });

      it('answers 100 keys, and 400 invalid_request naming key for 101', async () => {
        const keys = Array.from({ length: 101 }, (_, i) => `/p${i}`);
        await post('/p99', 'x');
        const body = await json<ThreadList>(
          await f.get(`/api/threads?${keysQuery(keys.slice(0, 100))}`),
          200,
        );
        assert.deepEqual(
          body.threads.map((t) => t.key),
          ['/p99'],
        );
        await assertError(await f.get(`/api/threads?${keysQuery(keys)}`), 400, 'invalid_request', [
          'key',
        ]);
      });

      it('returns 400 invalid_request naming cursor when a cursor comes with keys', async () => {
        await assertError(await f.get('/api/threads?key=/a&cursor=abc'), 400, 'invalid_request', [
          'cursor',
        ]);
      });

      for (const field of ['sort', 'limit'])
        it(`returns 400 invalid_request naming ${field} when it comes with keys`, async () => {
          const value = field === 'sort' ? 'recent' : '5';
          await assertError(
            await f.get(`/api/threads?key=/a&${field}=${value}`),
            400,
            'invalid_request',
            [field],
          );
        });

      it('returns 400 invalid_request naming the empty key', async () => {
        await assertError(await f.get('/api/threads?key=/a&key='), 400, 'invalid_request', [
          'key.1',
        ]);
      });
    });

    describe('GET /healthz', () => {
      it('answers 200 while the database answers', async () => {
        assert.deepEqual(await json(await f.get('/healthz'), 200), {
          status: 'ok',
          version: SERVER_VERSION,
          database: 'ok',
        });
      });
    });

    describe('unknown routes', () => {
      it('returns 404 not_found in the error envelope', async () => {
        await assertError(await f.get('/api/nothing-here'), 404, 'not_found');
      });
    });
  });
}
