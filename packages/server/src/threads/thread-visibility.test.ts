import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  BLOG_ORIGIN,
  bearer,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError, json, storedCounts, threadState } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { type LiveServer, liveServer } from '../testing/live-server.ts';
import { dataOf, type SseEvent } from '../testing/sse-client.ts';
import type {
  AdminMessageList,
  AdminThreadList,
  Counts,
  LiveEventData,
  PostMessageResponse,
  Thread,
  ThreadList,
} from '../wire.ts';

const KEY = '/blog/fresh-article';
const SPAM_TITLE = 'CASINO – this blog is for sale';
const SPAM_URL = `${BLOG_ORIGIN}/casino`;
const REAL_TITLE = 'A fresh article';
const REAL_URL = `${BLOG_ORIGIN}/blog/fresh-article`;

for (const dialect of dialects) {
  describe(`threads created by held messages on ${dialect.name}`, () => {
    let f: AppFixture;
    afterEach(async () => {
      await f?.close();
    });

    const setup = async (config: Parameters<typeof appFixture>[1] = {}) => {
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, ...config });
    };
    const first = (body: string, thread = { title: SPAM_TITLE, url: SPAM_URL }, extra = {}) =>
      f.postMessage(KEY, body, { thread, ...extra });
    const approve = async (id: number) =>
      json(await f.patch(`/api/admin/messages/${id}`, { status: 'published' }, ADMIN), 200);

    /** Asserts every public read treats the key as a thread nobody has posted to. */
    async function assertInvisible() {
      await assertError(await f.get(threadPath(KEY)), 404, 'thread_not_found');
      await assertError(await f.get(threadPath(KEY, '/messages')), 404, 'thread_not_found');
      for (const sort of ['active', 'recent']) {
        const list = await json<ThreadList>(await f.get(`/api/threads?sort=${sort}`), 200);
        assert.ok(!list.threads.some((t) => t.key === KEY), `absent from the ${sort} list`);
      }
      const counts = await json<Counts>(
        await f.get(`/api/counts?key=${encodeURIComponent(KEY)}`),
        200,
      );
      assert.deepEqual(counts.counts, { [KEY]: 0 });
      const cards = await json<ThreadList>(
        await f.get(`/api/threads?key=${encodeURIComponent(KEY)}`),
        200,
      );
      assert.deepEqual(cards.threads, [], 'absent from the batch read of cards');
    }

    const adminThread = async () =>
      (await json<AdminThreadList>(await f.get('/api/admin/threads', ADMIN), 200)).threads.find(
        (t) => t.key === KEY,
      );

    it('keeps a thread created by a pending post, title included, out of every public read', async () => {
      await setup({ moderation: 'all' });
      const held = await first('buy chips');
      assert.equal(held.status, 'pending');
      await assertInvisible();
      // Moderators see it, and the title they would make public with the message.
      const thread = await adminThread();
      assert.equal(thread?.public, false);
      assert.equal(thread?.title, SPAM_TITLE);
      const queue = await json<AdminMessageList>(
        await f.get('/api/admin/messages?status=pending', ADMIN),
        200,
      );
      assert.deepEqual(
        queue.messages.map((m) => [m.id, m.threadTitle, m.threadPublic]),
        [[held.message.id, SPAM_TITLE, false]],
      );
    });

    it('makes the thread public when a moderator approves its message', async () => {
      await setup({ moderation: 'all' });
      const held = await first('a fair question', { title: REAL_TITLE, url: REAL_URL });
      const before = await threadState(f.db.store, KEY);
      await approve(held.message.id);

      const page = await f.threadPage(KEY);
      assert.equal(page.thread.title, REAL_TITLE);
      assert.equal(page.thread.url, REAL_URL);
      assert.deepEqual(
        page.messages.map((m) => m.id),
        [held.message.id],
      );
      const list = await json<ThreadList>(await f.get('/api/threads'), 200);
      assert.deepEqual(
        list.threads.map((t) => t.key),
        [KEY],
      );
      const counts = await json<Counts>(
        await f.get(`/api/counts?key=${encodeURIComponent(KEY)}`),
        200,
      );
      assert.deepEqual(counts.counts, { [KEY]: 1 });
      assert.equal((await adminThread())?.public, true);
      // The approval's own events announce it: message.created, then thread.updated.
      assert.equal((await threadState(f.db.store, KEY)).eventSeq, before.eventSeq + 2);
      const approved = await json<AdminMessageList>(
        await f.get('/api/admin/messages?status=published', ADMIN),
        200,
      );
      assert.equal(approved.messages[0]?.threadPublic, true);
    });

    it('holds the thread of a post with a held word, and only hiding it keeps it so', async () => {
      await setup({ heldWords: ['casino'] });
      const held = await first('visit my casino');
      assert.equal(held.status, 'pending');
      await assertInvisible();
      await json(
        await f.patch(`/api/admin/messages/${held.message.id}`, { status: 'hidden' }, ADMIN),
        200,
      );
      await assertInvisible();
    });

    it('lets another, published post open the thread with its own title and url; the held title never shows', async () => {
      await setup({ heldWords: ['casino'] });
      const held = await first('visit my casino');
      const ok = await first('Lovely article.', { title: REAL_TITLE, url: REAL_URL });
      assert.equal(ok.status, 'published');

      const page = await f.threadPage(KEY);
      assert.equal(page.thread.title, REAL_TITLE);
      assert.equal(page.thread.url, REAL_URL);
      assert.equal(page.thread.messageCount, 1);
      // Approving the held message later does not bring its title back.
      await approve(held.message.id);
      const after = await f.threadPage(KEY);
      assert.equal(after.thread.title, REAL_TITLE);
      assert.equal(after.thread.url, REAL_URL);
      assert.equal(after.thread.messageCount, 2);
      // Later posts still cannot change a public thread's title.
      await first('another', { title: 'Something else', url: SPAM_URL });
      assert.equal((await f.threadPage(KEY)).thread.title, REAL_TITLE);
    });

    it('keeps the opening post first: none after held messages until they are gone', async () => {
      await setup({ moderation: 'all' });
      const held = await first('held first post');
      const opening = {
        author: 'Owner',
        body: 'the real opening',
        kind: 'opening',
        thread: { title: REAL_TITLE, url: REAL_URL },
      };
      // Approved later, the held post would be listed before it.
      await assertError(
        await f.post(threadPath(KEY, '/messages'), opening, ADMIN),
        400,
        'invalid_request',
        ['kind'],
      );
      await assertInvisible();
      assert.equal((await f.delete(`/api/admin/messages/${held.message.id}`, ADMIN)).status, 204);
      const opened = await json<PostMessageResponse>(
        await f.post(threadPath(KEY, '/messages'), opening, ADMIN),
        201,
      );
      const page = await f.threadPage(KEY);
      assert.deepEqual(
        page.messages.map((m) => [m.id, m.kind]),
        [[opened.message.id, 'opening']],
      );
      assert.equal(page.thread.title, REAL_TITLE);
    });

    it('removes a never-public thread with its last message, by a moderator or by its author', async () => {
      await setup({ moderation: 'all' });
      const a = await first('one');
      const b = await first('two');
      assert.equal((await f.delete(`/api/admin/messages/${a.message.id}`, ADMIN)).status, 204);
      assert.equal((await storedCounts(f.db.store)).threads, 1, 'a held message is still in it');
      assert.equal(
        (await f.delete(`/api/messages/${b.message.id}`, bearer(b.editToken))).status,
        204,
      );
      assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
      // A later first post starts afresh, with its own title.
      const c = await first('three', { title: REAL_TITLE, url: REAL_URL });
      await approve(c.message.id);
      assert.equal((await f.threadPage(KEY)).thread.title, REAL_TITLE);
    });

    it('keeps a public thread when its last message is deleted', async () => {
      await setup();
      const only = await first('hello', { title: REAL_TITLE, url: REAL_URL });
      assert.equal((await f.delete(`/api/admin/messages/${only.message.id}`, ADMIN)).status, 204);
      assert.equal((await storedCounts(f.db.store)).threads, 1);
      assert.equal((await f.threadPage(KEY)).thread.messageCount, 0);
    });
  });

  describe(`live events of a thread created by a held message on ${dialect.name}`, () => {
    let s: LiveServer;
    afterEach(async () => {
      await s?.close();
    });
    type Data = LiveEventData & { thread?: Thread };

    it('sends nothing while the thread is not public, then everything once it is', async () => {
      s = await liveServer(dialect, { config: { moderation: 'all' }, heartbeatMs: 50 });
      const held = await json<PostMessageResponse>(
        await s.post(threadPath(KEY, '/messages'), {
          author: 'Spammer',
          body: 'buy chips',
          thread: { title: SPAM_TITLE, url: SPAM_URL },
        }),
        201,
      );
      // A moderator's edit of the thread takes an event id while nobody can see it.
      await json(
        await s.patch(
          `/api/admin/threads/${encodeURIComponent(KEY)}`,
          { title: REAL_TITLE },
          ADMIN,
        ),
        200,
      );
      // A reader who asks for everything from the start gets nothing of it yet.
      const reader = await s.stream(KEY, 'lastEventId=0');
      assert.equal(reader.response.status, 200);
      await reader.until('a heartbeat', () => reader.comments.includes('ping'));
      assert.deepEqual(reader.events, []);
      const late = await s.stream(KEY);
      await late.until('a heartbeat', () => late.comments.includes('ping'));

      await json(
        await s.patch(`/api/admin/messages/${held.message.id}`, { status: 'published' }, ADMIN),
        200,
      );
      for (const stream of [reader, late]) {
        const events = await stream.take(3);
        assert.deepEqual(
          events.map((e) => [e.event, Number(e.id)]),
          [
            ['thread.updated', 1],
            ['message.created', 2],
            ['thread.updated', 3],
          ],
        );
        const thread = dataOf<Data>(events[0] as SseEvent).thread;
        assert.equal(thread?.title, REAL_TITLE);
        assert.equal(thread?.messageCount, 1);
      }
      assert.ok(!JSON.stringify(reader.events).includes('CASINO'));
    });
  });
}
