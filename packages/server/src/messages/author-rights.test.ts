import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { parseCommandLine } from '../config.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  bearer,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError, json, storedCounts, threadState } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type {
  AdminMessageList,
  EditMessageResponse,
  MaxReasonLength,
  PostMessageResponse,
  ThreadList,
  ThreadPage,
} from '../wire.ts';

const KEY = '/blog/post-1';
/** The wire's limit, as the widget declares its copy: the schema must enforce it. */
const MAX_REASON: MaxReasonLength = 500;

for (const dialect of dialects) {
  describe(`readers' rights on ${dialect.name}`, () => {
    let f: AppFixture;
    async function setup(config: Parameters<typeof appFixture>[1] = {}) {
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, ...config });
    }
    afterEach(async () => {
      await f?.close();
    });

    const post = (body: string, extra: Record<string, unknown> = {}, key = KEY) =>
      f.postMessage(key, body, extra);
    const page = (key = KEY) => f.threadPage(key);
    const publicMessages = (key = KEY) => f.publicMessages(key);
    async function row(id: number) {
      return f.db.store.db
        .selectFrom('messages')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
    }
    const edit = (id: number, body: unknown, headers: Record<string, string> = {}) =>
      f.patch(`/api/messages/${id}`, body, headers);

    describe('PATCH /api/messages/:id', () => {
      it('re-renders the markdown, sets editedAt, and readers see the edit at once', async () => {
        await setup();
        const m = await post('first *draft*');
        await page();
        const s0 = await threadState(f.db.store, KEY);
        f.now = new Date(f.now.getTime() + 60_000);
        const res = await edit(m.message.id, { body: 'final **text**' }, bearer(m.editToken));
        const edited = await json<EditMessageResponse>(res, 200);
        assert.equal(edited.status, 'published');
        assert.equal(edited.message.html, '<p>final <strong>text</strong></p>');
        assert.equal(edited.message.editedAt, f.now.toISOString());
        assert.equal(edited.message.createdAt, m.message.createdAt);
        const s1 = await threadState(f.db.store, KEY);
        assert.equal(s1.eventSeq, s0.eventSeq + 1);
        assert.equal(s1.messageCount, 1);
        assert.deepEqual(await publicMessages(), [edited.message]);
        assert.equal((await row(m.message.id))?.body, 'final **text**');
      });

      const refusals: Array<
        [string, (m: PostMessageResponse, o: PostMessageResponse) => Record<string, string>]
      > = [
        ['no token', () => ({})],
        ['a wrong token', () => bearer('not-the-right-token-at-all-0000')],
        ['another message’s token', (_m, other) => bearer(other.editToken)],
        ['the admin token', () => ADMIN],
        ['the token with the Basic scheme', (m) => ({ Authorization: `Basic ${m.editToken}` })],
      ];
      for (const [what, headers] of refusals) {
        it(`returns 403 forbidden with ${what}, leaving the row unchanged`, async () => {
          await setup();
          const m = await post('original');
          const other = await post('other');
          const before = await row(m.message.id);
          const res = await edit(m.message.id, { body: 'hijacked' }, headers(m, other));
          await assertError(res, 403, 'forbidden');
          assert.deepEqual(await row(m.message.id), before);
          const del = await f.delete(`/api/messages/${m.message.id}`, headers(m, other));
          await assertError(del, 403, 'forbidden');
          assert.deepEqual(await row(m.message.id), before);
        });
      }

      it('answers 429 rate_limited with Retry-After past PARLEY_RATE_LIMIT edits a minute per client, changing nothing', async () => {
        await setup({ rateLimit: 3 });
        const m = await post('v0');
        const start = f.now.getTime();
        for (let i = 1; i <= 3; i++) {
          await json<EditMessageResponse>(
            await edit(m.message.id, { body: `v${i}` }, bearer(m.editToken)),
            200,
          );
          f.now = new Date(f.now.getTime() + 10_000);
        }
        const before = await row(m.message.id);
        const s0 = await threadState(f.db.store, KEY);
        const limited = await edit(m.message.id, { body: 'v4' }, bearer(m.editToken));
        await assertError(limited, 429, 'rate_limited');
        // The first edit was 30 s ago: it leaves the minute in 30 s.
        assert.equal(limited.headers.get('Retry-After'), '30');
        assert.deepEqual(await row(m.message.id), before);
        assert.equal((await threadState(f.db.store, KEY)).eventSeq, s0.eventSeq, 'no event sent');
        // Counted apart from posts: the same client may still post.
        await post('a new message');
        // Per client: another address with the token may edit.
        f.peer = '198.51.100.9';
        await json<EditMessageResponse>(
          await edit(m.message.id, { body: 'v4' }, bearer(m.editToken)),
          200,
        );
        // Once the first edit leaves the minute, the client may edit again.
        f.peer = '203.0.113.7';
        f.now = new Date(start + 60_001);
        await json<EditMessageResponse>(
          await edit(m.message.id, { body: 'v5' }, bearer(m.editToken)),
          200,
        );
      });

      it('lets no more than PARLEY_RATE_LIMIT of parallel edits through', async () => {
        await setup({ rateLimit: 3 });
        const m = await post('v0');
        const statuses = await Promise.all(
          Array.from(
            { length: 8 },
            async (_, i) =>
              (await edit(m.message.id, { body: `p${i}` }, bearer(m.editToken))).status,
          ),
        );
        assert.deepEqual(statuses.sort(), [200, 200, 200, 429, 429, 429, 429, 429]);
      });

      it('returns 403 forbidden after the edit window, leaving the row unchanged', async () => {
        await setup({ editWindowMinutes: 15 });
        const m = await post('original');
        f.now = new Date(f.now.getTime() + 15 * 60_000);
        assert.equal(
          (await edit(m.message.id, { body: 'just in time' }, bearer(m.editToken))).status,
          200,
        );
        f.now = new Date(f.now.getTime() + 1);
        const before = await row(m.message.id);
        const res = await edit(m.message.id, { body: 'too late' }, bearer(m.editToken));
        const body = await assertError(res, 403, 'forbidden');
        assert.match(body.error.message, /15 minutes/);
        assert.deepEqual(await row(m.message.id), before);
      });

      it('returns 403 forbidden at once when PARLEY_EDIT_WINDOW is 0, leaving the row unchanged', async () => {
        await setup({ editWindowMinutes: 0 });
        const m = await post('original');
        const before = await row(m.message.id);
        // The same instant as the post: no window at all, not a window of 0 ms.
        const res = await edit(m.message.id, { body: 'changed' }, bearer(m.editToken));
        const body = await assertError(res, 403, 'forbidden');
        assert.match(body.error.message, /turned off/);
        assert.deepEqual(await row(m.message.id), before);
        // Deleting stays open: an author can always take their words back.
        assert.equal(
          (await f.delete(`/api/messages/${m.message.id}`, bearer(m.editToken))).status,
          204,
        );
      });

      it('returns 409 thread_closed in a closed thread, leaving the row unchanged', async () => {
        await setup();
        const m = await post('original');
        await json(
          await f.patch(
            `/api/admin/threads/${encodeURIComponent(KEY)}`,
            { status: 'closed' },
            ADMIN,
          ),
          200,
        );
        const before = await row(m.message.id);
        await assertError(
          await edit(m.message.id, { body: 'changed' }, bearer(m.editToken)),
          409,
          'thread_closed',
        );
        assert.deepEqual(await row(m.message.id), before);
      });

      it('returns 404 message_not_found for an unknown message and 400 for a bad body', async () => {
        await setup();
        const m = await post('original');
        await assertError(
          await edit(999_999, { body: 'x' }, bearer(m.editToken)),
          404,
          'message_not_found',
        );
        await assertError(
          await edit(m.message.id, { body: '   ' }, bearer(m.editToken)),
          400,
          'invalid_request',
          ['body'],
        );
        await assertError(
          await edit(m.message.id, { body: 'x'.repeat(10_001) }, bearer(m.editToken)),
          400,
          'invalid_request',
          ['body'],
        );
        assert.equal((await row(m.message.id))?.body, 'original');
      });

      it('sends an edit back to pending under moderation: it leaves the public view and the counts', async () => {
        await setup({ moderation: 'all' });
        const m = await json<PostMessageResponse>(
          await f.post(
            threadPath(KEY, '/messages'),
            { author: 'Owner', body: 'by the owner' },
            ADMIN,
          ),
          201,
        );
        // The owner's edits never wait.
        const ownerEdit = await json<EditMessageResponse>(
          await edit(m.message.id, { body: 'owner edit' }, bearer(m.editToken)),
          200,
        );
        assert.equal(ownerEdit.status, 'published');
        const r = await post('reader text');
        assert.equal(r.status, 'pending');
        await json(
          await f.patch(
            `/api/admin/messages/${r.message.id}`,
            { status: 'published', highlighted: true },
            ADMIN,
          ),
          200,
        );
        assert.deepEqual((await threadState(f.db.store, KEY)).messageCount, 2);
        await page();
        const s0 = await threadState(f.db.store, KEY);
        const edited = await json<EditMessageResponse>(
          await edit(r.message.id, { body: 'sneaky new text' }, bearer(r.editToken)),
          200,
        );
        assert.equal(edited.status, 'pending');
        assert.equal(edited.message.html, '<p>sneaky new text</p>');
        const s1 = await threadState(f.db.store, KEY);
        assert.deepEqual([s1.messageCount, s1.highlightCount], [1, 0]);
        // message.removed, then thread.updated (the counts)
        assert.equal(s1.eventSeq, s0.eventSeq + 2);
        assert.deepEqual(
          (await publicMessages()).map((x) => x.id),
          [m.message.id],
        );
        const queue = await json<AdminMessageList>(
          await f.get('/api/admin/messages?status=pending', ADMIN),
          200,
        );
        assert.deepEqual(
          queue.messages.map((x) => [x.id, x.body]),
          [[r.message.id, 'sneaky new text']],
        );
      });

      it('holds an edit that adds a held word, whatever the mode', async () => {
        await setup({ heldWords: ['casino'] });
        const m = await post('innocent');
        const res = await edit(m.message.id, { body: 'visit my CASINO' }, bearer(m.editToken));
        assert.equal((await json<EditMessageResponse>(res, 200)).status, 'pending');
        assert.deepEqual(await publicMessages(), []);
        assert.equal((await threadState(f.db.store, KEY)).messageCount, 0);
      });
    });

    describe('DELETE /api/messages/:id', () => {
      it('removes a message without replies from every listing and the counts', async () => {
        await setup();
        const a = await post('a');
        const b = await post('b');
        await json(
          await f.patch(`/api/admin/messages/${b.message.id}`, { highlighted: true }, ADMIN),
          200,
        );
        await page();
        const s0 = await threadState(f.db.store, KEY);
        f.now = new Date(f.now.getTime() + 86_400_000); // any time later
        const res = await f.delete(`/api/messages/${b.message.id}`, bearer(b.editToken));
        assert.equal(res.status, 204);
        assert.equal(await res.text(), '');
        assert.deepEqual(
          (await publicMessages()).map((m) => m.id),
          [a.message.id],
        );
        const s1 = await threadState(f.db.store, KEY);
        assert.deepEqual(
          [s1.messageCount, s1.highlightCount, s1.eventSeq],
          [1, 0, s0.eventSeq + 2], // message.removed, thread.updated
        );
        assert.equal(await row(b.message.id), undefined);
        // Deleting again: the message is gone.
        await assertError(
          await f.delete(`/api/messages/${b.message.id}`, bearer(b.editToken)),
          404,
          'message_not_found',
        );
      });

      it('still counts a deleted post against PARLEY_RATE_LIMIT: post-and-delete cannot get round it', async () => {
        await setup({ rateLimit: 3 });
        for (const body of ['one', 'two', 'three']) {
          const { message, editToken } = await post(body);
          assert.equal(
            (await f.delete(`/api/messages/${message.id}`, bearer(editToken))).status,
            204,
          );
        }
        f.now = new Date(f.now.getTime() + 1000);
        const refused = await f.post(threadPath(KEY, '/messages'), {
          author: 'Reader',
          body: 'four',
        });
        await assertError(refused, 429, 'rate_limited');
        assert.ok(Number(refused.headers.get('Retry-After')) > 0);
        assert.equal(
          await f.db.store.db.selectFrom('messages').select('id').executeTakeFirst(),
          undefined,
        );
        // A minute after the first, the client may post again.
        f.now = new Date(f.now.getTime() + 60_000);
        await post('five');
      });

      it('removes an opening post without replies, and the thread has no opening any more', async () => {
        await setup();
        const opening = await post('opening', { kind: 'opening' });
        const reply = await post('top-level reply');
        assert.equal(
          (await f.delete(`/api/messages/${opening.message.id}`, bearer(opening.editToken))).status,
          204,
        );
        assert.deepEqual(
          (await publicMessages()).map((m) => m.id),
          [reply.message.id],
        );
        assert.equal((await page()).thread.messageCount, 1);
      });

      it('leaves a blank placeholder in place of a message with replies, blanked in the database', async () => {
        await setup();
        const parent = await post('my secret text', { author: 'Private Name' });
        const child = await post('a reply', { parentId: parent.message.id });
        const grandchild = await post('deeper', { parentId: child.message.id });
        await page();
        const s0 = await threadState(f.db.store, KEY);
        assert.equal(
          (await f.delete(`/api/messages/${parent.message.id}`, bearer(parent.editToken))).status,
          204,
        );
        const listed = await publicMessages();
        assert.deepEqual(
          listed.map((m) => [m.id, m.parentId]),
          [
            [parent.message.id, null],
            [child.message.id, parent.message.id],
            [grandchild.message.id, child.message.id],
          ],
        );
        assert.deepEqual(listed[0], {
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
        const s1 = await threadState(f.db.store, KEY);
        // message.updated (the placeholder), thread.updated
        assert.deepEqual([s1.messageCount, s1.eventSeq], [2, s0.eventSeq + 2]);
        const stored = await row(parent.message.id);
        assert.ok(stored);
        assert.equal(stored.status, 'deleted');
        assert.equal(stored.body, '');
        assert.equal(stored.html, '');
        assert.equal(stored.author_name, '');
        assert.equal(stored.ip_hash, null);
        assert.equal(stored.edit_token_hash, '');
        const dump = JSON.stringify(
          await f.db.store.db.selectFrom('messages').selectAll().execute(),
        );
        assert.ok(!dump.includes('my secret text') && !dump.includes('Private Name'));
        // Replying to a placeholder is not possible.
        await assertError(
          await f.post(threadPath(KEY, '/messages'), {
            author: 'A',
            body: 'b',
            parentId: parent.message.id,
          }),
          400,
          'invalid_request',
          ['parentId'],
        );
      });

      it('removes a placeholder once its last reply is deleted', async () => {
        await setup();
        const parent = await post('parent');
        const child = await post('child', { parentId: parent.message.id });
        await f.delete(`/api/messages/${parent.message.id}`, bearer(parent.editToken));
        assert.equal((await publicMessages()).length, 2);
        assert.equal(
          (await f.delete(`/api/messages/${child.message.id}`, bearer(child.editToken))).status,
          204,
        );
        assert.deepEqual(await publicMessages(), []);
        assert.deepEqual(await storedCounts(f.db.store), { threads: 1, messages: 0 });
        assert.equal((await threadState(f.db.store, KEY)).messageCount, 0);
      });

      it('deletes in a closed thread too', async () => {
        await setup();
        const m = await post('regret');
        await json(
          await f.patch(
            `/api/admin/threads/${encodeURIComponent(KEY)}`,
            { status: 'closed' },
            ADMIN,
          ),
          200,
        );
        assert.equal(
          (await f.delete(`/api/messages/${m.message.id}`, bearer(m.editToken))).status,
          204,
        );
        assert.deepEqual(await publicMessages(), []);
      });

      it('deletes a pending message without touching counts or the thread version', async () => {
        await setup({ moderation: 'all' });
        // The owner's post makes the thread public: it stays when the pending one goes.
        await json(
          await f.post(threadPath(KEY, '/messages'), { author: 'O', body: 'hi' }, ADMIN),
          201,
        );
        const m = await post('never mind');
        const s0 = await threadState(f.db.store, KEY);
        assert.equal(
          (await f.delete(`/api/messages/${m.message.id}`, bearer(m.editToken))).status,
          204,
        );
        assert.deepEqual(await threadState(f.db.store, KEY), s0);
        assert.equal(await row(m.message.id), undefined);
      });
    });

    describe('POST /api/messages/:id/report', () => {
      it('answers 202 and counts one report per reader', async () => {
        await setup({ reportThreshold: 3 });
        const m = await post('hmm');
        for (let i = 0; i < 3; i++) {
          const res = await f.post(`/api/messages/${m.message.id}/report`, { reason: 'spam' });
          assert.equal(res.status, 202);
        }
        const stored = await f.db.store.db.selectFrom('reports').selectAll().execute();
        assert.equal(stored.length, 1);
        assert.equal(stored[0]?.reason, 'spam');
        assert.equal(Number((await row(m.message.id))?.report_count), 1);
        assert.equal((await publicMessages()).length, 1, 'one reader cannot hide a message');
      });

      it('hides a message at the threshold: counts drop and readers see it at once', async () => {
        await setup({ reportThreshold: 3 });
        const m = await post('awful');
        await json(
          await f.patch(`/api/admin/messages/${m.message.id}`, { highlighted: true }, ADMIN),
          200,
        );
        await page();
        const s0 = await threadState(f.db.store, KEY);
        // Three networks (reports count by IPv4 /24 or IPv6 /48).
        for (const [i, peer] of ['198.51.100.1', '203.0.113.2', '192.0.2.3'].entries()) {
          f.peer = peer;
          assert.equal((await f.post(`/api/messages/${m.message.id}/report`, {})).status, 202);
          const s = await threadState(f.db.store, KEY);
          // Hiding: message.removed, thread.updated
          assert.equal(s.eventSeq, i < 2 ? s0.eventSeq : s0.eventSeq + 2, 'only hiding bumps');
        }
        assert.deepEqual(await publicMessages(), []);
        const s1 = await threadState(f.db.store, KEY);
        assert.deepEqual([s1.messageCount, s1.highlightCount], [0, 0]);
        assert.equal((await row(m.message.id))?.status, 'hidden');
      });

      it('never hides with threshold 0', async () => {
        await setup({ reportThreshold: 0 });
        const m = await post('x');
        for (let i = 0; i < 5; i++) {
          f.peer = `198.51.100.${i + 1}`;
          await f.post(`/api/messages/${m.message.id}/report`, {});
        }
        assert.equal((await publicMessages()).length, 1);
        assert.equal(Number((await row(m.message.id))?.report_count), 5);
      });

      it('returns 404 message_not_found for unknown, pending, hidden or deleted messages', async () => {
        await setup({ heldWords: ['held'] });
        const pending = await post('held text');
        const hidden = await post('to hide');
        await json(
          await f.patch(`/api/admin/messages/${hidden.message.id}`, { status: 'hidden' }, ADMIN),
          200,
        );
        const parent = await post('parent');
        await post('child', { parentId: parent.message.id });
        await f.delete(`/api/messages/${parent.message.id}`, bearer(parent.editToken));
        for (const id of [999_999, pending.message.id, hidden.message.id, parent.message.id]) {
          await assertError(
            await f.post(`/api/messages/${id}/report`, {}),
            404,
            'message_not_found',
          );
        }
        assert.equal((await f.db.store.db.selectFrom('reports').select('id').execute()).length, 0);
      });

      it('returns 400 for a reason over MaxReasonLength (500) characters, storing nothing', async () => {
        await setup();
        const m = await post('x');
        await assertError(
          await f.post(`/api/messages/${m.message.id}/report`, {
            reason: 'r'.repeat(MAX_REASON + 1),
          }),
          400,
          'invalid_request',
          ['reason'],
        );
        assert.equal(
          (
            await f.post(`/api/messages/${m.message.id}/report`, {
              reason: '😀'.repeat(MAX_REASON),
            })
          ).status,
          202,
        );
      });
    });

    describe('moderation mode all', () => {
      it('holds new messages: 201 pending, not listed, not counted, no version bump', async () => {
        await setup({ moderation: 'all' });
        const first = await post('visible later');
        const s0 = await threadState(f.db.store, KEY);
        const res = await f.post(threadPath(KEY, '/messages'), { author: 'R', body: 'second' });
        const created = await json<PostMessageResponse>(res, 201);
        assert.equal(created.status, 'pending');
        assert.equal(created.message.html, '<p>second</p>');
        assert.ok(created.editToken);
        assert.deepEqual(await threadState(f.db.store, KEY), s0);
        // Only held messages in it: readers do not see the thread at all yet.
        await assertError(await f.get(threadPath(KEY)), 404, 'thread_not_found');
        await json(
          await f.patch(`/api/admin/messages/${first.message.id}`, { status: 'published' }, ADMIN),
          200,
        );
        assert.deepEqual(
          (await publicMessages()).map((m) => m.id),
          [first.message.id],
        );
        assert.equal((await page()).thread.messageCount, 1);
      });

      it('answers published when moderation is none', async () => {
        await setup();
        assert.equal((await post('plain')).status, 'published');
      });
    });

    describe('held words', () => {
      it('holds a message whose body or author has a held word, as a whole word, in any case', async () => {
        await setup({ heldWords: ['viagra', 'buy now'] });
        assert.equal((await post('cheap VIAGRA here')).status, 'pending');
        assert.equal((await post('please BUY   now!')).status, 'pending');
        assert.equal((await post('hello', { author: 'Viagra Seller' })).status, 'pending');
        assert.equal((await post('viagras are not whole words')).status, 'published');
        assert.equal((await post('buy nowhere')).status, 'published');
        assert.equal((await threadState(f.db.store, KEY)).messageCount, 2);
      });

      it('reads held words from a file given as @path', async (t) => {
        const dir = mkdtempSync(join(tmpdir(), 'parley-held-'));
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        const file = join(dir, 'held.txt');
        writeFileSync(file, '# one per line\ncasino\n\nfree money\n');
        const command = parseCommandLine([], { PARLEY_HELD_WORDS: `@${file}` });
        assert.equal(command.kind, 'serve');
        if (command.kind !== 'serve') return;
        await setup({ heldWords: command.config.PARLEY_HELD_WORDS });
        assert.equal((await post('Free Money inside')).status, 'pending');
        assert.equal((await post('the Casino')).status, 'pending');
        assert.equal((await post('one per line')).status, 'published', 'comments are not words');
      });
    });

    describe('auto-close', () => {
      it('closes a thread after N idle days: reads show closed, posts get 409 and store nothing', async () => {
        await setup({ autoCloseDays: 7 });
        await post('hello');
        f.now = new Date(f.now.getTime() + 7 * 86_400_000 - 2000);
        await post('still open');
        const open = await f.get(threadPath(KEY));
        const etag = open.headers.get('ETag') as string;
        assert.equal((await json<ThreadPage>(open, 200)).thread.status, 'open');
        f.now = new Date(f.now.getTime() + 7 * 86_400_000);
        const cached = await f.get(threadPath(KEY), { 'If-None-Match': etag });
        assert.equal(cached.status, 200, 'the cached open page is not served once closed');
        assert.equal((await json<ThreadPage>(cached, 200)).thread.status, 'closed');
        const list = await json<ThreadList>(await f.get('/api/threads'), 200);
        assert.equal(list.threads[0]?.status, 'closed');
        const before = await storedCounts(f.db.store);
        const s0 = await threadState(f.db.store, KEY);
        await assertError(
          await f.post(threadPath(KEY, '/messages'), { author: 'A', body: 'late' }),
          409,
          'thread_closed',
        );
        assert.deepEqual(await storedCounts(f.db.store), before);
        assert.deepEqual(await threadState(f.db.store, KEY), s0);
      });

      it('reopens for another period when a moderator reopens the thread', async () => {
        await setup({ autoCloseDays: 1 });
        await post('hello');
        f.now = new Date(f.now.getTime() + 2 * 86_400_000);
        assert.equal((await page()).thread.status, 'closed');
        const res = await f.patch(
          `/api/admin/threads/${encodeURIComponent(KEY)}`,
          { status: 'open' },
          ADMIN,
        );
        assert.equal((await json<{ thread: { status: string } }>(res, 200)).thread.status, 'open');
        assert.equal((await page()).thread.status, 'open');
        await post('back again');
      });
    });

    describe('privacy of public JSON after every action', () => {
      it('never carries an address, hash, token, markdown source or status', async () => {
        await setup({ reportThreshold: 2, heldWords: ['held'] });
        const a = await post('**source** text', { kind: 'opening' });
        const b = await post('reply', { parentId: a.message.id });
        await post('held one');
        await edit(b.message.id, { body: 'edited *md*' }, bearer(b.editToken));
        await f.post(`/api/messages/${b.message.id}/report`, { reason: 'private reason' });
        await json(
          await f.patch(`/api/admin/messages/${b.message.id}`, { highlighted: true }, ADMIN),
          200,
        );
        await f.delete(`/api/messages/${a.message.id}`, bearer(a.editToken));
        const rows = await f.db.store.db.selectFrom('messages').selectAll().execute();
        const secrets = rows
          .flatMap((r) => [r.ip_hash, r.edit_token_hash])
          .filter((s): s is string => !!s);
        const bodies = [
          await (await f.get(threadPath(KEY))).text(),
          await (await f.get(threadPath(KEY, '/messages'))).text(),
          await (await f.get('/api/threads')).text(),
        ];
        for (const text of bodies) {
          for (const secret of [
            ...secrets,
            a.editToken,
            b.editToken,
            'private reason',
            '**source**',
            'edited *md*',
          ]) {
            assert.ok(!text.includes(secret), `public JSON carries ${secret}`);
          }
          for (const field of [
            '"status"',
            'ip',
            'hash',
            'token',
            '"body"',
            'report',
            'pending',
            'hidden',
          ]) {
            const keys = JSON.stringify(collectKeys(JSON.parse(text)));
            assert.ok(!keys.includes(field), `public JSON has a ${field} field: ${keys}`);
          }
        }
      });
    });
  });
}

/** Every object key in a JSON value, except the thread's own status field. */
function collectKeys(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => collectKeys(v, path));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const here = `${path}.${k}`;
      const own = /^\.(thread|threads)\.status$/.test(here) ? [] : [k];
      return [...own, ...collectKeys(v, here)];
    });
  }
  return [];
}
