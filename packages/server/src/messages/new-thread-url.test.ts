import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ADMIN_TOKEN, type AppFixture, appFixture, threadPath } from '../testing/app-fixture.ts';
import { assertError, json, storedCounts } from '../testing/assertions.ts';
import { type BlogServer, blogServer, ok } from '../testing/blog-server.ts';
import { dialects } from '../testing/dialects.ts';
import type { PostMessageResponse, ThreadPage } from '../wire.ts';

const KEY = '/blog/new-article';

for (const dialect of dialects) {
  describe(`PARLEY_VERIFY_URLS=on: a new thread's url must answer 200, on ${dialect.name}`, () => {
    let f: AppFixture;
    let blog: BlogServer;
    const others: BlogServer[] = [];
    afterEach(async () => {
      await f?.close();
      await blog?.close();
      for (const other of others.splice(0)) await other.close();
    });

    async function setup(config: Parameters<typeof appFixture>[1] = {}) {
      blog = await blogServer();
      f = await appFixture(dialect, { origins: [blog.origin], verifyUrls: true, ...config });
    }
    const send = (body: string, url: string | undefined, key = KEY, headers = {}) =>
      f.post(
        threadPath(key, '/messages'),
        { author: 'Ada', body, ...(url === undefined ? {} : { thread: { title: 'T', url } }) },
        headers,
      );

    it('creates the thread when its page answers 200, fetching it once; later posts fetch nothing', async () => {
      await setup();
      blog.page('/blog/new-article', ok);
      await json<PostMessageResponse>(await send('first', `${blog.origin}/blog/new-article`), 201);
      await json<PostMessageResponse>(await send('second', `${blog.origin}/blog/new-article`), 201);
      await json<PostMessageResponse>(await send('third', undefined), 201);
      assert.deepEqual(blog.requests, ['/blog/new-article']);
      const page = await json<ThreadPage>(await f.get(threadPath(KEY)), 200);
      assert.equal(page.thread.url, `${blog.origin}/blog/new-article`);
      assert.equal(page.messages.length, 3);
    });

    it('refuses with 400 naming thread.url, saying why, when the page is not found; stores nothing', async () => {
      await setup();
      const body = await assertError(
        await send('first', `${blog.origin}/invented`, '/invented'),
        400,
        'invalid_request',
        ['thread.url'],
      );
      assert.match(body.error.message, /not found \(404\)/);
      assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
      await assertError(await f.get(threadPath('/invented')), 404, 'thread_not_found');
    });

    it('refuses a post that would create a thread without thread.url, fetching nothing', async () => {
      await setup();
      await assertError(await send('first', undefined), 400, 'invalid_request', ['thread.url']);
      assert.equal(blog.requests.length, 0);
      assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
    });

    it('never fetches a url on an origin that is not allowed', async () => {
      await setup();
      const elsewhere = await blogServer();
      others.push(elsewhere);
      elsewhere.page('/x', ok);
      await assertError(await send('first', `${elsewhere.origin}/x`), 400, 'invalid_request', [
        'thread.url',
      ]);
      assert.equal(elsewhere.requests.length, 0);
    });

    it('checks the url a published post brings to a thread that is not public yet', async () => {
      await setup({ heldWords: ['casino'], adminToken: ADMIN_TOKEN });
      blog.page('/casino', ok);
      blog.page('/blog/new-article', ok);
      // A custom key (not a path) may go with any verified page of the blog.
      const custom = 'article-42';
      const held = await json<PostMessageResponse>(
        await send('casino!', `${blog.origin}/casino`, custom),
        201,
      );
      assert.equal(held.status, 'pending');
      await assertError(
        await send('hello', `${blog.origin}/nope`, custom),
        400,
        'invalid_request',
        ['thread.url'],
      );
      await json<PostMessageResponse>(
        await send('hello', `${blog.origin}/blog/new-article`, custom),
        201,
      );
      assert.deepEqual(blog.requests, ['/casino', '/nope', '/blog/new-article']);
      const page = await json<ThreadPage>(await f.get(threadPath(custom)), 200);
      assert.equal(page.thread.url, `${blog.origin}/blog/new-article`);
    });

    // Bounded: without a check the blog is never asked, and the test must fail, not hang.
    it('never blocks other writes while it waits for the blog', { timeout: 10_000 }, async () => {
      await setup();
      blog.page('/old', ok);
      await json(await send('existing thread', `${blog.origin}/old`, '/old'), 201);
      let release: () => void = () => {};
      let arrived: () => void = () => {};
      const asked = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      blog.page('/slow', (req, res) => {
        release = () => ok(req, res);
        arrived();
      });
      const slow = send('new thread', `${blog.origin}/slow`, '/slow');
      await asked;
      // The check holds only its own post: another thread takes writes meanwhile.
      await json(await send('meanwhile', undefined, '/old'), 201);
      release();
      await json(await slow, 201);
      assert.equal(blog.hits('/slow'), 1);
    });

    it('refuses the server’s own address, and its /api/ paths, without fetching them', async () => {
      // A real server playing the Parley server's own listen address.
      const own = await blogServer();
      others.push(own);
      await setup({ listenUrl: own.origin });
      const events = `${own.origin}/api/threads/zz/events?n=1`;
      for (const [url, key] of [
        [events, '/api/threads/zz/events'],
        [`${own.origin}/t`, '/t'],
      ] as const) {
        await assertError(await send('first', url, key), 400, 'invalid_request', ['thread.url']);
      }
      assert.deepEqual(own.requests, []);
      assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
    });

    it('takes threads on PARLEY_PUBLIC_URL’s origin, never under its /api/', async () => {
      const own = await blogServer();
      others.push(own);
      await setup({ publicUrl: `${own.origin}/comments/` });
      own.page('/about', ok);
      for (const path of ['/comments/api/threads/zz/events', '/%61pi/threads/zz/events']) {
        await assertError(await send(path, `${own.origin}${path}`, path), 400, 'invalid_request', [
          'thread.url',
        ]);
      }
      assert.deepEqual(own.requests, []);
      await json(await send('about', `${own.origin}/about`, '/about'), 201);
      assert.deepEqual(own.requests, ['/about']);
    });

    it('lets one client hold at most 2 checks at once; another client’s check goes through', {
      timeout: 10_000,
    }, async () => {
      await setup();
      const held: Array<() => void> = [];
      let bothArrived: () => void = () => {};
      const arrived = new Promise<void>((resolve) => {
        bothArrived = resolve;
      });
      for (const path of ['/slow1', '/slow2', '/slow3']) {
        blog.page(path, (req, res) => {
          held.push(() => ok(req, res));
          if (held.length === 2) bothArrived();
        });
      }
      blog.page('/fast', ok);
      const first = f.peer;
      const slow = [
        send('one', `${blog.origin}/slow1`, '/slow1'),
        send('two', `${blog.origin}/slow2`, '/slow2'),
      ];
      await arrived;
      const third = await assertError(
        await send('three', `${blog.origin}/slow3`, '/slow3'),
        429,
        'rate_limited',
      );
      assert.match(third.error.message, /already has 2 new threads being checked/);
      f.peer = '198.51.100.9';
      await json(await send('other client', `${blog.origin}/fast`, '/fast'), 201);
      f.peer = first;
      for (const release of held) release();
      for (const res of slow) await json(await res, 201);
      assert.equal(blog.hits('/slow3'), 0);
    });

    it('answers 429 once a client’s failed checks reach the post rate limit, fetching no more', async () => {
      await setup({ rateLimit: 3 });
      for (const n of [1, 2, 3]) {
        await assertError(
          await send(`try ${n}`, `${blog.origin}/invented${n}`, `/invented${n}`),
          400,
          'invalid_request',
          ['thread.url'],
        );
      }
      const res = await send('try 4', `${blog.origin}/invented4`, '/invented4');
      await assertError(res, 429, 'rate_limited');
      assert.ok(Number(res.headers.get('Retry-After')) > 0);
      assert.deepEqual(blog.requests, ['/invented1', '/invented2', '/invented3']);
      // Another client's budget is its own.
      f.peer = '198.51.100.9';
      blog.page('/blog/new-article', ok);
      await json(await send('fine', `${blog.origin}/blog/new-article`), 201);
    });

    it('refuses a path key that is not the url’s path (400 naming thread.url), fetching nothing', async () => {
      await setup();
      blog.page('/blog/real-article', ok);
      const real = `${blog.origin}/blog/real-article`;
      for (const key of [
        '/totally-invented/casino',
        '/blog/x/../real-article',
        '/blog/%72eal-article',
        '/blog/real-article?casino',
        '/blog/real-article/',
      ]) {
        const body = await assertError(
          await f.post(threadPath(key, '/messages'), {
            author: 'Mallory',
            body: 'for sale',
            thread: { title: 'THIS BLOG IS FOR SALE', url: real },
          }),
          400,
          'invalid_request',
          ['thread.url'],
        );
        assert.match(body.error.message, /path is the thread key/, key);
      }
      assert.deepEqual(blog.requests, []);
      assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
      await json(await send('real', real, '/blog/real-article'), 201);
    });

    it('matches a path key as the widget sends it, or as typed; custom keys name any page', async () => {
      await setup();
      blog.page('/caf%C3%A9', ok);
      blog.page('/na%C3%AFve', ok);
      blog.page('/blog/new-article', ok);
      // The widget's default key is location.pathname, percent-encoded as in the url.
      await json(await send('encoded', `${blog.origin}/na%C3%AFve`, '/na%C3%AFve'), 201);
      // A blogger's thread="/café" is the same path, typed.
      await json(await send('typed', `${blog.origin}/caf%C3%A9`, '/café'), 201);
      // A key not starting with / is the blogger's own: any verified page.
      await json(await send('custom', `${blog.origin}/blog/new-article`, 'newsletter-7'), 201);
      const page = await json<ThreadPage>(await f.get(threadPath('newsletter-7')), 200);
      assert.equal(page.thread.url, `${blog.origin}/blog/new-article`);
    });

    it('stores the thread url without its fragment', async () => {
      await setup();
      blog.page('/blog/new-article', ok);
      await json(await send('first', `${blog.origin}/blog/new-article#%3Cscript%3E-PHISH`), 201);
      const page = await json<ThreadPage>(await f.get(threadPath(KEY)), 200);
      assert.equal(page.thread.url, `${blog.origin}/blog/new-article`);
      assert.deepEqual(blog.requests, ['/blog/new-article']);
    });

    it('fetches nothing when PARLEY_ORIGINS is *', async () => {
      await setup({ origins: '*' });
      await json(await send('first', `${blog.origin}/invented`), 201);
      assert.equal(blog.requests.length, 0);
    });
  });
}
