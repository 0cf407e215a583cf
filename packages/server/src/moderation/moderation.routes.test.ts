import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  BLOG_ORIGIN,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError, json, storedCounts, threadState } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type {
  AdminMessage,
  AdminMessageList,
  AdminThread,
  AdminThreadList,
  ThreadPage,
} from '../wire.ts';

const KEY = '/blog/post-1';

for (const dialect of dialects) {
  describe(`moderation API on ${dialect.name}`, () => {
    let f: AppFixture;
    async function setup(config: Parameters<typeof appFixture>[1] = {}) {
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, ...config });
      return f;
    }
    afterEach(async () => {
      await f?.close();
    });

    const post = (body: string, extra: Record<string, unknown> = {}, key = KEY) =>
      f.postMessage(key, body, extra);
    /** The thread as readers get it (the cached first page). */
    const page = (key = KEY) => f.threadPage(key);
    /** The ids readers see, on the first page and through the messages listing. */
    const publicIds = async (key = KEY) => (await f.publicMessages(key)).map((m) => m.id);

    async function moderate(id: number, body: unknown) {
      return json<{ message: AdminMessage }>(
        await f.patch(`/api/admin/messages/${id}`, body, ADMIN),
        200,
      );
    }

    async function adminList(query = '') {
      return json<AdminMessageList>(await f.get(`/api/admin/messages${query}`, ADMIN), 200);
    }

    describe('GET /api/admin/messages', () => {
      it('lists every message newest first with status, thread, markdown and report count', async () => {
        await setup();
        const a = await post('first *one*');
        const b = await post('second', {}, '/blog/other');
        const res = await f.get('/api/admin/messages', ADMIN);
        const list = await json<AdminMessageList>(res, 200);
        assert.deepEqual(
          list.messages.map((m) => m.id),
          [b.message.id, a.message.id],
        );
        const first = list.messages[1] as AdminMessage;
        assert.equal(first.status, 'published');
        assert.equal(first.threadKey, KEY);
        assert.equal(first.body, 'first *one*');
        assert.equal(first.html, '<p>first <em>one</em></p>');
        assert.equal(first.reportCount, 0);
        assert.equal(list.nextCursor, null);
        // Moderators see status and source; never the client hash or token hash.
        const text = JSON.stringify(list);
        assert.ok(!text.includes('ip_hash') && !text.includes('token'));
      });

      it('filters by status and by thread', async () => {
        await setup({ heldWords: ['spam'] });
        const held = await post('buy spam now');
        const ok = await post('fine');
        const other = await post('fine too', {}, '/blog/other');
        assert.deepEqual(
          (await adminList('?status=pending')).messages.map((m) => m.id),
          [held.message.id],
        );
        assert.deepEqual(
          (await adminList('?status=published')).messages.map((m) => m.id),
          [other.message.id, ok.message.id],
        );
        assert.deepEqual(
          (await adminList(`?thread=${encodeURIComponent(KEY)}`)).messages.map((m) => m.id),
          [ok.message.id, held.message.id],
        );
        assert.deepEqual((await adminList('?status=hidden')).messages, []);
      });

      it('pages with a keyset cursor, every message exactly once', async () => {
        await setup();
        const ids: number[] = [];
        for (let i = 0; i < 7; i++) {
          if (i === 3) f.now = new Date(f.now.getTime() - 1000); // a tie on created_at
          ids.push((await post(`m${i}`)).message.id);
        }
        const seen: number[] = [];
        let cursor: string | null = null;
        do {
          const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
          const list: AdminMessageList = await adminList(`?limit=3${q}`);
          assert.ok(list.messages.length <= 3);
          seen.push(...list.messages.map((m) => m.id));
          cursor = list.nextCursor;
        } while (cursor);
        const expected = await f.db.store.db
          .selectFrom('messages')
          .select('id')
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .execute();
        assert.deepEqual(
          seen,
          expected.map((r) => r.id),
        );
        assert.equal(seen.length, 7);
      });

      it('returns 400 invalid_request naming status for an unknown status, and 404 for an unknown thread', async () => {
        await setup();
        await assertError(
          await f.get('/api/admin/messages?status=deleted', ADMIN),
          400,
          'invalid_request',
          ['status'],
        );
        await assertError(
          await f.get('/api/admin/messages?thread=%2Fnope', ADMIN),
          404,
          'thread_not_found',
        );
      });
    });

    describe('PATCH /api/admin/messages/:id', () => {
      it('approves a pending message: listed, counted, thread version bumped', async () => {
        await setup({ moderation: 'all' });
        // Approving the first makes the thread public (see 'threads created by held messages').
        await moderate((await post('the first, approved')).message.id, { status: 'published' });
        const pending = await post('wait for me too');
        assert.equal(pending.status, 'pending');
        const before = await threadState(f.db.store, KEY);
        const cached = await f.get(threadPath(KEY));
        const etag = cached.headers.get('ETag') as string;
        const shown = (await json<ThreadPage>(cached, 200)).messages.map((m) => m.id);
        assert.ok(!shown.includes(pending.message.id));

        const { message } = await moderate(pending.message.id, { status: 'published' });
        assert.equal(message.status, 'published');

        const after = await threadState(f.db.store, KEY);
        assert.equal(after.messageCount, before.messageCount + 1);
        // message.created, then thread.updated (the counts)
        assert.equal(after.eventSeq, before.eventSeq + 2);
        const revalidated = await f.get(threadPath(KEY), { 'If-None-Match': etag });
        const fresh = await json<ThreadPage>(revalidated, 200);
        assert.deepEqual(fresh.messages.map((m) => m.id).slice(-1), [pending.message.id]);
        assert.equal(fresh.thread.messageCount, after.messageCount);
        assert.deepEqual((await publicIds()).slice(-1), [pending.message.id]);
      });

      it('hides and restores a published, highlighted message, keeping both counts exact', async () => {
        await setup();
        const a = await post('keep');
        const b = await post('trouble');
        await moderate(b.message.id, { highlighted: true });
        assert.equal((await page()).thread.highlightCount, 1);
        const s0 = await threadState(f.db.store, KEY);

        const hidden = await moderate(b.message.id, { status: 'hidden' });
        assert.equal(hidden.message.status, 'hidden');
        assert.equal(hidden.message.highlighted, true);
        const s1 = await threadState(f.db.store, KEY);
        assert.deepEqual([s1.messageCount, s1.highlightCount], [1, 0]);
        assert.equal(s1.eventSeq, s0.eventSeq + 2); // message.removed, thread.updated
        assert.deepEqual(await publicIds(), [a.message.id]);
        const thread = (await page()).thread;
        assert.deepEqual([thread.messageCount, thread.highlightCount], [1, 0]);

        await moderate(b.message.id, { status: 'published' });
        const s2 = await threadState(f.db.store, KEY);
        assert.deepEqual([s2.messageCount, s2.highlightCount], [2, 1]);
        assert.equal(s2.eventSeq, s1.eventSeq + 2); // message.created, thread.updated
        assert.deepEqual(await publicIds(), [a.message.id, b.message.id]);
        assert.equal((await page()).messages[1]?.highlighted, true);
      });

      it('highlights and unhighlights, and readers see it at once', async () => {
        await setup();
        const a = await post('good point');
        await page(); // caches the first page
        const s0 = await threadState(f.db.store, KEY);
        await moderate(a.message.id, { highlighted: true });
        let p = await page();
        assert.equal(p.messages[0]?.highlighted, true);
        assert.equal(p.thread.highlightCount, 1);
        // message.updated, then thread.updated (the highlight count)
        assert.equal((await threadState(f.db.store, KEY)).eventSeq, s0.eventSeq + 2);
        await moderate(a.message.id, { highlighted: false });
        p = await page();
        assert.equal(p.messages[0]?.highlighted, false);
        assert.equal(p.thread.highlightCount, 0);
        assert.equal((await threadState(f.db.store, KEY)).eventSeq, s0.eventSeq + 4);
      });

      it('does not count a pending message’s highlight until it is approved', async () => {
        await setup({ moderation: 'all' });
        const m = await post('pending star');
        const s0 = await threadState(f.db.store, KEY);
        await moderate(m.message.id, { highlighted: true });
        const s1 = await threadState(f.db.store, KEY);
        assert.deepEqual([s1.highlightCount, s1.eventSeq], [0, s0.eventSeq]);
        await moderate(m.message.id, { status: 'published' });
        const s2 = await threadState(f.db.store, KEY);
        assert.deepEqual([s2.messageCount, s2.highlightCount], [1, 1]);
      });

      it('is idempotent: the same request twice leaves the same state and bumps nothing the second time', async () => {
        await setup();
        const m = await post('x');
        const first = await moderate(m.message.id, { status: 'hidden', highlighted: true });
        const s1 = await threadState(f.db.store, KEY);
        const second = await moderate(m.message.id, { status: 'hidden', highlighted: true });
        const s2 = await threadState(f.db.store, KEY);
        assert.deepEqual(second.message, first.message);
        assert.deepEqual(s2, s1);
      });

      it('returns 404 message_not_found for an unknown or deleted message', async () => {
        await setup();
        await assertError(
          await f.patch('/api/admin/messages/999999', { status: 'hidden' }, ADMIN),
          404,
          'message_not_found',
        );
        const m = await post('gone');
        assert.equal((await f.delete(`/api/admin/messages/${m.message.id}`, ADMIN)).status, 204);
        await assertError(
          await f.patch(`/api/admin/messages/${m.message.id}`, { highlighted: true }, ADMIN),
          404,
          'message_not_found',
        );
      });

      it('returns 400 invalid_request for an empty change, an unknown status or a bad id, changing nothing', async () => {
        await setup();
        const m = await post('x');
        const before = await threadState(f.db.store, KEY);
        await assertError(
          await f.patch(`/api/admin/messages/${m.message.id}`, {}, ADMIN),
          400,
          'invalid_request',
          ['(body)'],
        );
        for (const status of ['pending', 'deleted', 'PUBLISHED']) {
          await assertError(
            await f.patch(`/api/admin/messages/${m.message.id}`, { status }, ADMIN),
            400,
            'invalid_request',
            ['status'],
          );
        }
        await assertError(
          await f.patch(`/api/admin/messages/${m.message.id}`, { highlighted: 'yes' }, ADMIN),
          400,
          'invalid_request',
          ['highlighted'],
        );
        await assertError(
          await f.patch('/api/admin/messages/abc', { highlighted: true }, ADMIN),
          400,
          'invalid_request',
          ['id'],
        );
        assert.deepEqual(await threadState(f.db.store, KEY), before);
      });

      it('accepts only JSON, like every write', async () => {
        await setup();
        const m = await post('x');
        const res = await f.app.request(`/api/admin/messages/${m.message.id}`, {
          method: 'PATCH',
          headers: { ...ADMIN, 'Content-Type': 'text/plain' },
          body: JSON.stringify({ status: 'hidden' }),
        });
        await assertError(res, 415, 'unsupported_media_type');
        assert.deepEqual(await publicIds(), [m.message.id]);
      });

      it('refuses a write from a foreign Origin even with the token', async () => {
        await setup();
        const m = await post('x');
        const res = await f.patch(
          `/api/admin/messages/${m.message.id}`,
          { status: 'hidden' },
          { ...ADMIN, Origin: 'https://evil.example' },
        );
        await assertError(res, 403, 'forbidden');
        assert.deepEqual(await publicIds(), [m.message.id]);
      });
    });

    describe('reports and the reported queue', () => {
      it('lists reported messages with their report count; a decision clears the queue', async () => {
        await setup({ reportThreshold: 5 });
        const m = await post('questionable');
        await post('fine');
        for (const peer of ['198.51.100.1', '198.51.100.2']) {
          f.peer = peer;
          const res = await f.post(`/api/messages/${m.message.id}/report`, { reason: 'rude' });
          assert.equal(res.status, 202);
        }
        const queue = await adminList('?status=reported');
        assert.deepEqual(
          queue.messages.map((x) => [x.id, x.reportCount, x.status]),
          [[m.message.id, 2, 'published']],
        );
        const threads = await json<AdminThreadList>(await f.get('/api/admin/threads', ADMIN), 200);
        assert.equal(threads.threads[0]?.reportedCount, 1);

        const s0 = await threadState(f.db.store, KEY);
        // Keeping it published is a decision too: the reports are settled.
        const kept = await moderate(m.message.id, { status: 'published' });
        assert.equal(kept.message.reportCount, 0);
        assert.deepEqual((await adminList('?status=reported')).messages, []);
        // Nothing readers see changed, so their cached page stays valid.
        assert.equal((await threadState(f.db.store, KEY)).eventSeq, s0.eventSeq);
        const open = await f.db.store.db
          .selectFrom('reports')
          .select('id')
          .where('decided_at', 'is', null)
          .execute();
        assert.equal(open.length, 0);
      });

      it('hides a message at the threshold until a moderator restores it', async () => {
        await setup({ reportThreshold: 2 });
        const m = await post('awful');
        const other = await post('fine');
        await page();
        f.peer = '198.51.100.1';
        assert.equal((await f.post(`/api/messages/${m.message.id}/report`, {})).status, 202);
        assert.deepEqual(await publicIds(), [m.message.id, other.message.id]);
        // Another network: reports count by IPv4 /24 or IPv6 /48.
        f.peer = '203.0.113.2';
        assert.equal((await f.post(`/api/messages/${m.message.id}/report`, {})).status, 202);
        assert.deepEqual(await publicIds(), [other.message.id]);
        assert.equal((await page()).thread.messageCount, 1);
        const queue = await adminList('?status=reported');
        assert.deepEqual(
          queue.messages.map((x) => [x.status, x.reportCount]),
          [['hidden', 2]],
        );
        await moderate(m.message.id, { status: 'published' });
        assert.deepEqual(await publicIds(), [m.message.id, other.message.id]);
        assert.equal((await page()).thread.messageCount, 2);
        assert.deepEqual((await adminList('?status=reported')).messages, []);
      });
    });

    describe('DELETE /api/admin/messages/:id', () => {
      it('removes a message without replies from every listing; deleting it again is 404', async () => {
        await setup();
        const a = await post('a');
        const b = await post('b');
        await moderate(b.message.id, { highlighted: true });
        await page();
        const s0 = await threadState(f.db.store, KEY);
        const res = await f.delete(`/api/admin/messages/${b.message.id}`, ADMIN);
        assert.equal(res.status, 204);
        assert.deepEqual(await publicIds(), [a.message.id]);
        const s1 = await threadState(f.db.store, KEY);
        assert.deepEqual([s1.messageCount, s1.highlightCount], [1, 0]);
        assert.equal(s1.eventSeq, s0.eventSeq + 2); // message.removed, thread.updated
        assert.deepEqual(
          (await adminList()).messages.map((m) => m.id),
          [a.message.id],
        );
        await assertError(
          await f.delete(`/api/admin/messages/${b.message.id}`, ADMIN),
          404,
          'message_not_found',
        );
        assert.deepEqual(await threadState(f.db.store, KEY), s1);
      });

      it('leaves a blank placeholder in place when the message has replies', async () => {
        await setup();
        const parent = await post('parent text', { author: 'Parent Author' });
        const child = await post('child', { parentId: parent.message.id });
        assert.equal(
          (await f.delete(`/api/admin/messages/${parent.message.id}`, ADMIN)).status,
          204,
        );
        const p = await page();
        assert.deepEqual(
          p.messages.map((m) => m.id),
          [parent.message.id, child.message.id],
        );
        assert.deepEqual(p.messages[0], {
          id: parent.message.id,
          parentId: null,
          kind: 'reply',
          author: { name: '' },
          html: '',
          createdAt: parent.message.createdAt,
          editedAt: null,
          highlighted: false,
          deleted: true,
        });
        assert.equal(p.thread.messageCount, 1);
        await threadState(f.db.store, KEY);
        const row = await f.db.store.db
          .selectFrom('messages')
          .selectAll()
          .where('id', '=', parent.message.id)
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          [row.status, row.body, row.html, row.author_name, row.ip_hash, row.edit_token_hash],
          ['deleted', '', '', '', null, ''],
        );
        await assertError(
          await f.delete(`/api/admin/messages/${parent.message.id}`, ADMIN),
          404,
          'message_not_found',
        );
      });
    });

    describe('threads', () => {
      it('GET /api/admin/threads lists threads most recently active first, with pending and reported counts', async () => {
        await setup({ heldWords: ['spam'] });
        await post('old', {}, '/a');
        await post('spam here', {}, '/b');
        await post('newest', {}, '/c');
        const list = await json<AdminThreadList>(await f.get('/api/admin/threads', ADMIN), 200);
        assert.deepEqual(
          list.threads.map((t) => [t.key, t.messageCount, t.pendingCount, t.reportedCount]),
          [
            ['/c', 1, 0, 0],
            ['/b', 0, 1, 0],
            ['/a', 1, 0, 0],
          ],
        );
        const first = await json<AdminThreadList>(
          await f.get('/api/admin/threads?limit=2', ADMIN),
          200,
        );
        assert.ok(first.nextCursor);
        const second = await json<AdminThreadList>(
          await f.get(
            `/api/admin/threads?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`,
            ADMIN,
          ),
          200,
        );
        assert.deepEqual(
          [...first.threads, ...second.threads].map((t) => t.key),
          ['/c', '/b', '/a'],
        );
        assert.equal(second.nextCursor, null);
      });

      it('PATCH /api/admin/threads/:key sets title, summary and url, and readers see them at once', async () => {
        await setup();
        await post('x', { thread: { title: 'Old title' } });
        await page();
        const s0 = await threadState(f.db.store, KEY);
        const res = await f.patch(
          threadPath(KEY).replace('/api/', '/api/admin/'),
          {
            title: 'New title',
            summary: 'What this\nis about.',
            url: `${BLOG_ORIGIN}/blog/post-1`,
          },
          ADMIN,
        );
        const { thread } = await json<{ thread: AdminThread }>(res, 200);
        assert.equal(thread.title, 'New title');
        assert.equal(thread.summary, 'What this is about.');
        assert.equal(thread.summarySource, 'manual', 'a summary the admin sets is manual');
        assert.equal(thread.url, `${BLOG_ORIGIN}/blog/post-1`);
        assert.equal(thread.pendingCount, 0);
        assert.equal((await threadState(f.db.store, KEY)).eventSeq, s0.eventSeq + 1);
        const p = await page();
        assert.equal(p.thread.title, 'New title');
        assert.equal(p.thread.summary, 'What this is about.');

        const cleared = await json<{ thread: AdminThread }>(
          await f.patch(`/api/admin/threads/${encodeURIComponent(KEY)}`, { summary: null }, ADMIN),
          200,
        );
        assert.equal(cleared.thread.summary, null);
        assert.equal(cleared.thread.summarySource, null, 'back to automatic, not computed yet');
        // The same change again (or a blank summary, which means the same)
        // changes nothing and bumps nothing.
        const s1 = await threadState(f.db.store, KEY);
        await json(
          await f.patch(`/api/admin/threads/${encodeURIComponent(KEY)}`, { summary: null }, ADMIN),
          200,
        );
        await json(
          await f.patch(
            `/api/admin/threads/${encodeURIComponent(KEY)}`,
            { summary: ' \n ' },
            ADMIN,
          ),
          200,
        );
        assert.deepEqual(await threadState(f.db.store, KEY), s1);

        // A title can be cleared too: readers then see the page's own title.
        const untitled = await json<{ thread: AdminThread }>(
          await f.patch(`/api/admin/threads/${encodeURIComponent(KEY)}`, { title: null }, ADMIN),
          200,
        );
        assert.equal(untitled.thread.title, null);
        assert.equal((await page()).thread.title, null);
      });

      it('never lets a moderation answer be cached', async () => {
        await setup();
        await post('x');
        for (const path of ['/api/admin/messages', '/api/admin/threads']) {
          const res = await f.get(path, ADMIN);
          assert.equal(res.status, 200);
          assert.equal(res.headers.get('Cache-Control'), 'no-store', path);
        }
        const refused = await f.get('/api/admin/threads');
        assert.equal(refused.status, 401);
        assert.equal(refused.headers.get('Cache-Control'), 'no-store');
      });

      it('validates thread fields like posts do, changing nothing', async () => {
        await setup();
        await post('x', { thread: { title: 'Kept' } });
        const path = `/api/admin/threads/${encodeURIComponent(KEY)}`;
        const before = await threadState(f.db.store, KEY);
        const bad: Array<[unknown, string]> = [
          [{ title: 'x'.repeat(201) }, 'title'],
          [{ title: '   ' }, 'title'],
          [{ title: 'bad\u0007bell' }, 'title'],
          [{ title: 'evil\u202Eeman' }, 'title'],
          [{ summary: 's'.repeat(1001) }, 'summary'],
          [{ summary: 42 }, 'summary'],
          [{ summary: 'bad\u0007bell' }, 'summary'],
          [{ url: 'javascript:alert(1)' }, 'url'],
          [{ url: 'https://evil.example/x' }, 'url'],
          [{ status: 'archived' }, 'status'],
          [{}, '(body)'],
        ];
        for (const [body, field] of bad) {
          await assertError(await f.patch(path, body, ADMIN), 400, 'invalid_request', [field]);
        }
        assert.deepEqual(await threadState(f.db.store, KEY), before);
        assert.equal((await page()).thread.title, 'Kept');
        // 1000 code points of emoji are fine: lengths are code points.
        await json(await f.patch(path, { summary: '😀'.repeat(1000) }, ADMIN), 200);
      });

      it('returns 404 thread_not_found for an unknown thread', async () => {
        await setup();
        await assertError(
          await f.patch('/api/admin/threads/%2Fnope', { status: 'closed' }, ADMIN),
          404,
          'thread_not_found',
        );
        assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
      });

      it('closes a thread (posts get 409, nothing stored) and reopens it', async () => {
        await setup();
        await post('first');
        await page();
        const path = `/api/admin/threads/${encodeURIComponent(KEY)}`;
        const closed = await json<{ thread: AdminThread }>(
          await f.patch(path, { status: 'closed' }, ADMIN),
          200,
        );
        assert.equal(closed.thread.status, 'closed');
        assert.equal((await page()).thread.status, 'closed');
        const before = await storedCounts(f.db.store);
        await assertError(
          await f.post(threadPath(KEY, '/messages'), { author: 'A', body: 'late' }),
          409,
          'thread_closed',
        );
        assert.deepEqual(await storedCounts(f.db.store), before);

        await json(await f.patch(path, { status: 'open' }, ADMIN), 200);
        assert.equal((await page()).thread.status, 'open');
        await post('welcome back');
        assert.equal((await page()).thread.messageCount, 2);
      });
    });
  });
}
