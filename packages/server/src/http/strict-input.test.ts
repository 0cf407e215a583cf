/**
 * Input PostgreSQL would choke on is refused at the edge, alike on both
 * dialects: 400 `invalid_request` naming the field, never a 500 from the
 * driver. Cursors carry a time the server itself wrote or nothing; ids fit the
 * 32-bit `serial` columns; thread keys carry no bidi controls; thread urls no
 * control characters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN, type AppFixture, appFixture, threadPath } from '../testing/app-fixture.ts';
import { assertError, json, storedCounts } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type { ThreadPage } from '../wire.ts';
import { encodeCursor } from './cursor.ts';

const KEY = '/blog/strict';
const TOO_BIG = 2 ** 31;

/** A cursor in the server's own envelope with a chosen time and id. */
const forged = (scope: string, at: string, id: number) =>
  encodeURIComponent(encodeCursor(scope, { at, id }));

/** Every paginated listing: its path with `?…&cursor=`, its scope, and its headers. */
const LISTINGS = [
  { path: `${threadPath(KEY, '/messages')}?cursor=`, scope: 'messages:oldest', headers: {} },
  {
    path: `${threadPath(KEY, '/messages')}?sort=newest&cursor=`,
    scope: 'messages:newest',
    headers: {},
  },
  {
    path: `${threadPath(KEY, '/messages')}?highlighted=true&cursor=`,
    scope: 'messages-highlighted:oldest',
    headers: {},
  },
  {
    path: `${threadPath(KEY, '/messages')}?highlighted=true&sort=newest&cursor=`,
    scope: 'messages-highlighted:newest',
    headers: {},
  },
  { path: '/api/threads?cursor=', scope: 'threads:active', headers: {} },
  { path: '/api/threads?sort=recent&cursor=', scope: 'threads:recent', headers: {} },
  { path: '/api/admin/messages?cursor=', scope: 'admin-messages:all', headers: ADMIN },
  {
    path: '/api/admin/messages?status=pending&cursor=',
    scope: 'admin-messages:pending',
    headers: ADMIN,
  },
  { path: '/api/admin/messages?q=first&cursor=', scope: 'admin-messages:all', headers: ADMIN },
  { path: '/api/admin/threads?cursor=', scope: 'admin-threads', headers: ADMIN },
];

/** Times that are not exactly the form the server writes. */
const BAD_TIMES = [
  '2020',
  'junk',
  '',
  '2026-03-01',
  '2026-03-01T12:00:00Z',
  '2026-03-01T12:00:00.000+00:00',
  '2026-02-30T12:00:00.000Z',
  '+012026-03-01T12:00:00.000Z',
  // The server's form, but PostgreSQL has no year 0 (it answered 500).
  '0000-01-01T00:00:00.000Z',
  '0000-12-31T23:59:59.999Z',
  '2026-03-01T12:00:00.000Z; drop table messages',
];

for (const dialect of dialects) {
  describe(`strict input on ${dialect.name}`, () => {
    let f: AppFixture;
    let id: number;
    before(async () => {
      f = await appFixture(dialect, { adminToken: ADMIN.Authorization.slice(7) });
      id = (await f.postMessage(KEY, 'first')).message.id;
      await f.postMessage(KEY, 'second');
    });
    after(() => f.close());

    it('accepts a cursor with the exact time form it wrote', async () => {
      for (const listing of LISTINGS) {
        const res = await f.get(
          listing.path + forged(listing.scope, '2026-03-01T12:00:00.000Z', id),
          listing.headers,
        );
        assert.equal(res.status, 200, `${listing.path}: ${await res.text()}`);
      }
    });

    it('returns 400 invalid_request naming cursor for a time not in the server form, in every listing', async () => {
      for (const listing of LISTINGS) {
        for (const at of BAD_TIMES) {
          const res = await f.get(listing.path + forged(listing.scope, at, id), listing.headers);
          await assertError(res, 400, 'invalid_request', ['cursor']);
        }
      }
    });

    it('returns 400 invalid_request naming cursor for an id outside 1..2^31-1, in every listing', async () => {
      for (const listing of LISTINGS) {
        for (const bad of [TOO_BIG, 2 ** 40, 0, -1]) {
          const res = await f.get(
            listing.path + forged(listing.scope, '2026-03-01T12:00:00.000Z', bad),
            listing.headers,
          );
          await assertError(res, 400, 'invalid_request', ['cursor']);
        }
      }
    });

    it('returns 400 invalid_request naming id for a path id of 2^31 and above, on every route', async () => {
      for (const bad of [TOO_BIG, 2 ** 40, 999_999_999_999_999]) {
        const routes: [string, string, unknown, Record<string, string>][] = [
          ['PATCH', `/api/messages/${bad}`, { body: 'x' }, { Authorization: 'Bearer nope' }],
          ['DELETE', `/api/messages/${bad}`, undefined, { Authorization: 'Bearer nope' }],
          ['POST', `/api/messages/${bad}/report`, {}, {}],
          ['PATCH', `/api/admin/messages/${bad}`, { highlighted: true }, ADMIN],
          ['DELETE', `/api/admin/messages/${bad}`, undefined, ADMIN],
        ];
        for (const [method, path, body, headers] of routes) {
          const res = await f.app.request(path, {
            method,
            headers: { 'Content-Type': 'application/json', ...headers },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          await assertError(res, 400, 'invalid_request', ['id']);
        }
      }
    });

    it('answers hostile at, q and ids with a 4xx naming the field, never a 5xx', async () => {
      const hostile = [
        '',
        ' ',
        '0',
        '-1',
        '1.5',
        '1e9',
        '0x10',
        String(TOO_BIG),
        '9'.repeat(400),
        "1' or '1'='1",
        '1; drop table messages',
        '%00',
        '\u0000',
        '[1]',
        '{"a":1}',
        '\u202E1',
      ];
      for (const value of hostile) {
        const at = await f.get(`${threadPath(KEY, '/messages')}?at=${encodeURIComponent(value)}`);
        assert.ok(at.status < 500, `at=${value}: ${at.status}`);
        if (at.status !== 200) await assertError(at, 400, 'invalid_request', ['at']);
        const q = await f.get(`/api/admin/messages?q=${encodeURIComponent(value)}`, ADMIN);
        assert.ok(q.status < 500, `q=${value}: ${q.status}`);
        if (q.status !== 200) await assertError(q, 400, 'invalid_request', ['q']);
      }
      // Bytes that are not UTF-8 (a lone surrogate's, a stray 0xFF), sent as they are.
      for (const raw of ['%ED%A0%80', '%FF', '%C0%AF', '%', '%%32']) {
        const at = await f.get(`${threadPath(KEY, '/messages')}?at=${raw}`);
        assert.ok(at.status >= 400 && at.status < 500, `at=${raw}: ${at.status}`);
        const q = await f.get(`/api/admin/messages?q=${raw}`, ADMIN);
        assert.ok(q.status < 500, `q=${raw}: ${q.status}`);
      }
      // q: what a LIKE pattern or SQL might choke on is just text.
      for (const value of [
        '%',
        '_',
        '\\',
        '%_%\\',
        "' or 1=1 --",
        'x'.repeat(200),
        '😀'.repeat(200),
      ]) {
        const res = await f.get(`/api/admin/messages?q=${encodeURIComponent(value)}`, ADMIN);
        assert.equal(res.status, 200, `q=${value}: ${await res.text()}`);
      }
      const before = await storedCounts(f.db.store);
      const bodies: [unknown, string][] = [
        [{ ids: [TOO_BIG], action: 'hide' }, 'ids.0'],
        [{ ids: [-1], action: 'hide' }, 'ids.0'],
        [{ ids: [null], action: 'hide' }, 'ids.0'],
        [{ ids: [{}], action: 'hide' }, 'ids.0'],
        [{ ids: [Number.MAX_VALUE], action: 'hide' }, 'ids.0'],
        [{ ids: { 0: 1, length: 1 }, action: 'hide' }, 'ids'],
        [{ ids: [1], action: { toString: 'hide' } }, 'action'],
        [{ ids: [1], action: '__proto__' }, 'action'],
        [{ ids: Array.from({ length: 10_000 }, (_, i) => i + 1), action: 'delete' }, 'ids'],
      ];
      for (const [body, path] of bodies) {
        const res = await f.post('/api/admin/messages/bulk', body, ADMIN);
        const error = await assertError(res, 400, 'invalid_request');
        assert.deepEqual(new Set(error.error.issues?.map((i) => i.path)), new Set([path]));
      }
      for (const raw of [
        '[1,2]',
        '"ids"',
        'null',
        '{"ids": [1], "action": "hide"',
        '{"ids":[1e400],"action":"hide"}',
      ]) {
        const res = await f.post('/api/admin/messages/bulk', raw, ADMIN);
        assert.equal(res.status, 400, `${raw}: ${await res.text()}`);
      }
      assert.deepEqual(await storedCounts(f.db.store), before);
    });

    it('still answers 404 for the largest id that fits', async () => {
      const res = await f.get('/api/admin/messages?limit=1', ADMIN);
      assert.equal(res.status, 200);
      await assertError(
        await f.patch(`/api/admin/messages/${TOO_BIG - 1}`, { highlighted: true }, ADMIN),
        404,
        'message_not_found',
      );
    });

    it('returns 400 invalid_request naming parentId for 2^31 and above, storing nothing', async () => {
      const before = await storedCounts(f.db.store);
      for (const parentId of [TOO_BIG, 2 ** 53 - 1, 1.5]) {
        const res = await f.post(threadPath(KEY, '/messages'), {
          author: 'Ada',
          body: 'a reply',
          parentId,
        });
        await assertError(res, 400, 'invalid_request', ['parentId']);
      }
      assert.deepEqual(await storedCounts(f.db.store), before);
    });

    it('returns 400 invalid_request naming url for a thread url with a NUL or a lone surrogate, changing nothing', async () => {
      // The URL parser takes a NUL in a path; PostgreSQL cannot store one (it answered 500).
      const urlOf = async () =>
        (await json<ThreadPage>(await f.get(threadPath(KEY)), 200)).thread.url;
      const before = await urlOf();
      for (const url of [
        'https://blog.example/a\u0000b',
        'https://blog.example/a\u0001b',
        'https://blog.example/\ud800',
      ]) {
        await assertError(
          await f.patch(`/api/admin/threads/${encodeURIComponent(KEY)}`, { url }, ADMIN),
          400,
          'invalid_request',
          ['url'],
        );
        await assertError(
          await f.post(threadPath('/blog/strict-url', '/messages'), {
            author: 'Ada',
            body: 'hi',
            thread: { url },
          }),
          400,
          'invalid_request',
          ['thread.url'],
        );
      }
      assert.equal(await urlOf(), before);
      await assertError(await f.get(threadPath('/blog/strict-url')), 404, 'thread_not_found');
    });

    it('returns 400 invalid_request naming thread.title for a title of invisible characters or of two lines, storing nothing', async () => {
      const before = await storedCounts(f.db.store);
      for (const title of ['\u200b\u2060\ufeff', ' \u200b ', 'one\u2028two', 'one\u2029two']) {
        await assertError(
          await f.post(threadPath('/blog/invisible-title', '/messages'), {
            author: 'Ada',
            body: 'hi',
            thread: { title, url: 'https://blog.example/blog/invisible-title' },
          }),
          400,
          'invalid_request',
          ['thread.title'],
        );
      }
      assert.deepEqual(await storedCounts(f.db.store), before);
    });

    it('returns 400 invalid_request naming key for a thread key with bidi controls', async () => {
      const before = await storedCounts(f.db.store);
      for (const control of ['\u202E', '\u2066', '\u200F', '\u061C']) {
        const key = `/blog/${control}evil`;
        await assertError(await f.get(threadPath(key)), 400, 'invalid_request', ['key']);
        await assertError(
          await f.post(threadPath(key, '/messages'), { author: 'Ada', body: 'hi' }),
          400,
          'invalid_request',
          ['key'],
        );
        await assertError(
          await f.get(`/api/counts?key=${encodeURIComponent(key)}`),
          400,
          'invalid_request',
        );
      }
      assert.deepEqual(await storedCounts(f.db.store), before);
    });
  });
}
