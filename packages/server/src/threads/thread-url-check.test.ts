import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ApiError } from '../http/api-error.ts';
import { type BlogServer, blogServer, ok, redirect, status } from '../testing/blog-server.ts';
import { type ThreadUrlCheckOptions, threadUrlCheck } from './thread-url-check.ts';

describe('threadUrlCheck', () => {
  let blog: BlogServer;
  beforeEach(async () => {
    blog = await blogServer();
  });
  afterEach(async () => {
    await blog.close();
  });

  const check = (options: Partial<ThreadUrlCheckOptions> = {}) =>
    threadUrlCheck({ isAllowed: (url) => url.startsWith(`${blog.origin}/`), ...options });

  /** Asserts the check refuses `url` with a 400 naming thread.url whose message matches `why`. */
  async function assertRefused(run: Promise<void>, why: RegExp) {
    await assert.rejects(run, (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 400);
      assert.equal(error.code, 'invalid_request');
      assert.deepEqual(
        error.issues?.map((i) => i.path),
        ['thread.url'],
      );
      assert.match(error.message, why);
      return true;
    });
  }

  it('accepts a page that answers 200, fetching it once by GET without its fragment', async () => {
    let method = '';
    blog.page('/post?id=1', (req, res) => {
      method = req.method ?? '';
      ok(req, res);
    });
    await check()(`${blog.origin}/post?id=1#comments`);
    assert.deepEqual(blog.requests, ['/post?id=1']);
    assert.equal(method, 'GET');
  });

  for (const [code, why] of [
    [404, /not found \(404\)/],
    [410, /not found \(410\)/],
    [500, /answered 500/],
    [204, /answered 204/],
  ] as const) {
    it(`refuses a page that answers ${code}`, async () => {
      blog.page('/p', status(code));
      await assertRefused(check()(`${blog.origin}/p`), why);
    });
  }

  it('refuses a page that does not answer in time', async () => {
    blog.page('/slow', () => {});
    await assertRefused(
      check({ timeoutMs: 200 })(`${blog.origin}/slow`),
      /did not answer within 1 s/,
    );
  });

  it('refuses a host that refuses the connection', async () => {
    const origin = blog.origin;
    await blog.close();
    await assertRefused(check()(`${origin}/gone`), /could not be fetched \(ECONNREFUSED\)/);
    blog = await blogServer();
  });

  it('follows redirects within the origin, by hand', async () => {
    blog.page('/old', redirect('/older', 301));
    blog.page('/older', redirect(`${blog.origin}/new`, 308));
    blog.page('/new', ok);
    await check()(`${blog.origin}/old`);
    assert.deepEqual(blog.requests, ['/old', '/older', '/new']);
  });

  it('refuses a redirect off the origin without following it', async () => {
    const elsewhere = await blogServer();
    try {
      elsewhere.page('/phish', ok);
      blog.page('/r', redirect(`${elsewhere.origin}/phish`));
      await assertRefused(check()(`${blog.origin}/r`), /redirects off its origin/);
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      await elsewhere.close();
    }
  });

  it('refuses more redirects than allowed', async () => {
    for (let i = 0; i < 5; i++) blog.page(`/hop${i}`, redirect(`/hop${i + 1}`));
    blog.page('/hop5', ok);
    await assertRefused(check({ maxRedirects: 3 })(`${blog.origin}/hop0`), /more than 3 times/);
    assert.equal(blog.requests.length, 4);
  });

  it('refuses a page larger than the cap, declared or streamed', async () => {
    const big = 'x'.repeat(3000);
    // Declared too large: refused at once, before a body that never ends.
    blog.page('/declared', (_req, res) => {
      res.writeHead(200, { 'Content-Length': String(10 * 1024 * 1024) }).write('x');
    });
    blog.page('/chunked', (_req, res) => {
      res.writeHead(200);
      for (let i = 0; i < 3; i++) res.write(big);
      res.end();
    });
    blog.page('/small', (_req, res) => {
      res.writeHead(200).end('x'.repeat(1000));
    });
    const capped = check({ maxBytes: 2048, timeoutMs: 2_000 });
    await assertRefused(capped(`${blog.origin}/declared`), /larger than 2 KB/);
    await assertRefused(capped(`${blog.origin}/chunked`), /larger than 2 KB/);
    await capped(`${blog.origin}/small`);
  });

  it('requires a url, and never fetches one off the allowed origins', async () => {
    await assertRefused(check()(null), /required to start a thread/);
    const elsewhere = await blogServer();
    try {
      elsewhere.page('/x', ok);
      await assertRefused(check()(`${elsewhere.origin}/x`), /PARLEY_ORIGINS/);
      assert.equal(elsewhere.requests.length, 0);
    } finally {
      await elsewhere.close();
    }
  });

  it('remembers a failed url for a while instead of fetching it again', async () => {
    let clock = 0;
    const remembering = check({ failureTtlMs: 60_000, now: () => clock });
    const url = `${blog.origin}/invented`;
    await assertRefused(remembering(url), /not found/);
    await assertRefused(remembering(url), /not found/);
    assert.equal(blog.hits('/invented'), 1);
    clock = 60_001;
    blog.page('/invented', ok);
    await remembering(url);
    assert.equal(blog.hits('/invented'), 2);
  });

  it('shares one fetch among concurrent checks of a url, and bounds the urls in flight', async () => {
    const held: Array<() => void> = [];
    let bothArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      bothArrived = resolve;
    });
    const hold = (path: string) =>
      blog.page(path, (req, res) => {
        held.push(() => ok(req, res));
        if (held.length === 2) bothArrived();
      });
    hold('/a');
    hold('/b');
    const bounded = check({ maxInFlight: 2, maxPerClient: 10 });
    const a1 = bounded(`${blog.origin}/a`);
    const a2 = bounded(`${blog.origin}/a`);
    const b = bounded(`${blog.origin}/b`);
    await arrived;
    await assert.rejects(bounded(`${blog.origin}/c`), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 503);
      assert.equal(error.headers?.['Retry-After'], '5');
      return true;
    });
    for (const release of held) release();
    await Promise.all([a1, a2, b]);
    assert.equal(blog.hits('/a'), 1);
    assert.equal(blog.hits('/c'), 0);
  });
});
