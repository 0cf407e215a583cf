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
        await send('first', `${blog.origin}/invented`),
        400,
        'invalid_request',
        ['thread.url'],
      );
      assert.match(body.error.message, /not found \(404\)/);
      assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
      await assertError(await f.get(threadPath(KEY)), 404, 'thread_not_found');
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
      const held = await json<PostMessageResponse>(
        await send('casino!', `${blog.origin}/casino`),
        201,
      );
      assert.equal(held.status, 'pending');
      await assertError(await send('hello', `${blog.origin}/nope`), 400, 'invalid_request', [
        'thread.url',
      ]);
      await json<PostMessageResponse>(await send('hello', `${blog.origin}/blog/new-article`), 201);
      assert.deepEqual(blog.requests, ['/casino', '/nope', '/blog/new-article']);
      const page = await json<ThreadPage>(await f.get(threadPath(KEY)), 200);
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

    it('fetches nothing when PARLEY_ORIGINS is *', async () => {
      await setup({ origins: '*' });
      await json(await send('first', `${blog.origin}/invented`), 201);
      assert.equal(blog.requests.length, 0);
    });
  });
}
