/**
 * The admin API sends no CORS headers and refuses every preflight: /admin
 * calls it from the server's own origin, so an admin token that leaked to
 * the blog cannot be used from the blog by a browser. Owner posting (a public
 * route, with a `pok_` key, from the blog) keeps its CORS.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  BLOG_ORIGIN,
  bearer,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError, json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type { AdminMessage, CreatedOwnerKey, PostMessageResponse } from '../wire.ts';

const KEY = '/blog/post-1';
/** The origin app.request() gives the server (its listen URL in the fixture). */
const OWN_ORIGIN = 'http://localhost';

/** Every CORS response header a browser would act on. */
const CORS_HEADERS = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
  'Access-Control-Expose-Headers',
  'Access-Control-Max-Age',
];

function assertNoCors(res: Response, what: string) {
  for (const name of CORS_HEADERS) assert.equal(res.headers.get(name), null, `${what}: ${name}`);
}

for (const dialect of dialects) {
  describe(`the admin API and CORS on ${dialect.name}`, () => {
    let f: AppFixture;
    beforeEach(async () => {
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
    });
    afterEach(async () => {
      await f.close();
    });

    const preflight = (path: string, origin: string, method: string) =>
      f.app.request(path, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': method,
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      });

    it('answers an allowed blog origin with no CORS headers, reads and writes alike', async () => {
      const { message } = await f.postMessage(KEY, 'hello');
      const fromBlog = { ...ADMIN, Origin: BLOG_ORIGIN };
      const reads = [
        '/api/admin/export',
        `/api/admin/export?thread=${encodeURIComponent(KEY)}`,
        '/api/admin/messages',
        '/api/admin/threads',
        '/api/admin/owner-keys',
        // The router decodes the path: so does the guard's match.
        '/api/%61dmin/export',
      ];
      for (const path of reads) {
        const res = await f.get(path, fromBlog);
        assert.equal(res.status, 200, path);
        assertNoCors(res, path);
        assert.match(res.headers.get('Vary') ?? '', /Origin/, path);
        await res.body?.cancel();
      }
      const patch = await f.patch(
        `/api/admin/messages/${message.id}`,
        { highlighted: true },
        fromBlog,
      );
      assert.equal(patch.status, 200);
      assertNoCors(patch, 'PATCH');
    });

    it('refuses every preflight, from the blog or anywhere, with 403 and no CORS headers', async () => {
      const cases: [string, string][] = [
        ['/api/admin/export', 'GET'],
        ['/api/admin/messages', 'GET'],
        ['/api/admin/messages/bulk', 'POST'],
        ['/api/admin/messages/1', 'PATCH'],
        ['/api/admin/owner-keys', 'POST'],
        ['/api/admin/owner-keys/1', 'DELETE'],
        ['/api/admin', 'GET'],
        ['/api/%61dmin/export', 'GET'],
      ];
      for (const origin of [BLOG_ORIGIN, 'https://evil.example', OWN_ORIGIN]) {
        for (const [path, method] of cases) {
          const what = `${method} ${path} from ${origin}`;
          const res = await preflight(path, origin, method);
          await assertError(res, 403, 'forbidden');
          assertNoCors(res, what);
        }
      }
    });

    it('still refuses a foreign origin’s write, and serves /admin’s own same-origin calls', async () => {
      const { message } = await f.postMessage(KEY, 'hello');
      const evil = await f.patch(
        `/api/admin/messages/${message.id}`,
        { status: 'hidden' },
        { ...ADMIN, Origin: 'https://evil.example' },
      );
      await assertError(evil, 403, 'forbidden');
      // /admin's writes carry its own origin (browsers send Origin on same-origin writes).
      const own = await f.patch(
        `/api/admin/messages/${message.id}`,
        { status: 'hidden' },
        { ...ADMIN, Origin: OWN_ORIGIN },
      );
      assert.equal((await json<{ message: AdminMessage }>(own, 200)).message.status, 'hidden');
      assertNoCors(own, 'own origin');
    });

    it('keeps CORS for owner posting from the blog with a pok_ key', async () => {
      const created = await json<CreatedOwnerKey>(
        await f.post('/api/admin/owner-keys', { label: 'blog' }, ADMIN),
        201,
      );
      const path = threadPath(KEY, '/messages');
      const pre = await preflight(path, BLOG_ORIGIN, 'POST');
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('Access-Control-Allow-Origin'), BLOG_ORIGIN);
      assert.match(pre.headers.get('Access-Control-Allow-Headers') ?? '', /Authorization/);
      const res = await f.post(
        path,
        { author: 'Me', body: 'from the blog' },
        { ...bearer(created.token), Origin: BLOG_ORIGIN },
      );
      const body = await json<PostMessageResponse>(res, 201);
      assert.equal(body.message.author.role, 'owner');
      assert.equal(res.headers.get('Access-Control-Allow-Origin'), BLOG_ORIGIN);
    });
  });
}
