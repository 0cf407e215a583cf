import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN,
  type AppFixture,
  appFixture,
  BLOG_ORIGIN,
  threadPath,
} from '../testing/app-fixture.ts';
import { dialects } from '../testing/dialects.ts';
import { type LiveServer, liveServer } from '../testing/live-server.ts';
import { DATA_CSP, REFERRER_POLICY } from './security-headers.ts';

/** Asserts the headers every response carries, and the data CSP when `data`. */
async function assertHeaders(
  what: string,
  res: Response,
  expect: { status: number; data: boolean },
) {
  if (res.status !== expect.status)
    assert.fail(`${what}: expected ${expect.status}, got ${res.status} ${await res.text()}`);
  assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff', what);
  assert.equal(res.headers.get('Referrer-Policy'), REFERRER_POLICY, what);
  if (expect.data) assert.equal(res.headers.get('Content-Security-Policy'), DATA_CSP, what);
}

// One dialect is enough: the headers do not depend on storage.
const dialect = dialects[0]!;

describe('security headers on every response', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-headers-'));
  let f: AppFixture;
  let s: LiveServer;

  before(async () => {
    writeFileSync(join(dir, 'widget.js'), 'export const w = 1;\n');
    writeFileSync(join(dir, 'admin.js'), 'export const a = 1;\n');
    mkdirSync(join(dir, 'widget'));
    writeFileSync(join(dir, 'widget', 'thread-actions-abc123.js'), 'export const t = 1;\n');
    f = await appFixture(dialect, { widgetDir: dir, adminToken: ADMIN.Authorization.slice(7) });
    s = await liveServer(dialect);
  });
  after(async () => {
    await f.close();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('API JSON, success and errors, has nosniff, the referrer policy and a CSP of default-src none', async () => {
    const posted = await f.post(threadPath('/blog/h', '/messages'), { author: 'Ada', body: 'hi' });
    await assertHeaders('201 post', posted, { status: 201, data: true });
    await assertHeaders('200 thread', await f.get(threadPath('/blog/h')), {
      status: 200,
      data: true,
    });
    await assertHeaders('400 invalid', await f.get(threadPath('/blog/h', '?limit=0')), {
      status: 400,
      data: true,
    });
    await assertHeaders('404 thread', await f.get(threadPath('/blog/none')), {
      status: 404,
      data: true,
    });
    await assertHeaders('401 admin', await f.get('/api/admin/messages'), {
      status: 401,
      data: true,
    });
    await assertHeaders('200 admin', await f.get('/api/admin/messages', ADMIN), {
      status: 200,
      data: true,
    });
    await assertHeaders(
      '415 write',
      await f.app.request(threadPath('/blog/h', '/messages'), { method: 'POST', body: 'x' }),
      { status: 415, data: true },
    );
    await assertHeaders(
      '400 malformed JSON',
      await f.app.request(threadPath('/blog/h', '/messages'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{',
      }),
      { status: 400, data: true },
    );
    await assertHeaders(
      '204 preflight',
      await f.app.request(threadPath('/blog/h', '/messages'), {
        method: 'OPTIONS',
        headers: { Origin: BLOG_ORIGIN, 'Access-Control-Request-Method': 'POST' },
      }),
      { status: 204, data: false },
    );
  });

  it('the 404 for an unknown route and /healthz have them too', async () => {
    await assertHeaders('404 route', await f.get('/nowhere'), { status: 404, data: true });
    await assertHeaders('healthz', await f.get('/healthz'), { status: 200, data: true });
  });

  it('scripts have nosniff and the referrer policy (and no CSP they would not use)', async () => {
    for (const path of ['/widget.js', '/widget/thread-actions-abc123.js', '/admin.js']) {
      const res = await f.get(path, { 'Accept-Encoding': 'br' });
      await assertHeaders(path, res, { status: 200, data: false });
      assert.match(res.headers.get('Content-Type') ?? '', /^text\/javascript/);
      const etag = res.headers.get('ETag') ?? '';
      const again = await f.get(path, { 'Accept-Encoding': 'br', 'If-None-Match': etag });
      await assertHeaders(`${path} 304`, again, { status: 304, data: false });
    }
    await assertHeaders('404 chunk', await f.get('/widget/missing.js'), {
      status: 404,
      data: true,
    });
  });

  it('/admin keeps its own CSP, with base-uri and form-action none', async () => {
    const res = await f.get('/admin');
    await assertHeaders('/admin', res, { status: 200, data: false });
    const csp = res.headers.get('Content-Security-Policy') ?? '';
    assert.match(csp, /(^|; )default-src 'self'(;|$)/);
    assert.match(csp, /(^|; )base-uri 'none'(;|$)/);
    assert.match(csp, /(^|; )form-action 'none'(;|$)/);
    assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/);
  });

  it('an event stream over a real socket has them, with a CSP of default-src none', async () => {
    const reader = await s.stream('/blog/h');
    await assertHeaders('stream', reader.response, { status: 200, data: true });
    assert.equal(reader.response.headers.get('Content-Type'), 'text/event-stream');
    reader.close();
  });
});
