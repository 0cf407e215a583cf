/**
 * `GET /api/threads/:key/messages?at=ID` (the page that holds a reply, with
 * how many replies come before it) and `?highlighted=true` (the highlights
 * view), on every dialect.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { moderateMessage } from '../moderation/moderate.ts';
import {
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  bearer,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError, json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type { MessagePage, MessagePageAt, SortOrder, ThreadPage } from '../wire.ts';

const KEY = '/blog/long';
const SORTS: readonly SortOrder[] = ['oldest', 'newest'];

for (const dialect of dialects) {
  describe(`GET /api/threads/:key/messages?at= and ?highlighted= on ${dialect.name}`, () => {
    let f: AppFixture;
    beforeEach(async () => {
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, heldWords: ['casino'] });
    });
    afterEach(async () => {
      await f.close();
    });

    const reply = (body: string, extra: Record<string, unknown> = {}, key = KEY) =>
      f.postMessage(key, body, extra);
    const messagesPath = (query: string, key = KEY) => threadPath(key, `/messages?${query}`);
    const pageAt = async (query: string, key = KEY) =>
      json<MessagePageAt>(await f.get(messagesPath(query, key)), 200);

    it('keeps the opening post first when replies older than it were imported', async () => {
      const opening = await reply('The opening post', { kind: 'opening' });
      const later = await reply('a reply');
      // An import brings in comments the blog had before the opening post was written here.
      await f.db.store.db
        .updateTable('messages')
        .set({ created_at: '2015-06-01T10:00:00.000Z' })
        .where('id', '=', later.message.id)
        .execute();
      for (const sort of SORTS) {
        const page = await json<ThreadPage>(await f.get(`${threadPath(KEY)}?sort=${sort}`), 200);
        assert.deepEqual(
          page.messages.map((m) => m.id),
          [opening.message.id, later.message.id],
          sort,
        );
        assert.equal(page.thread.messageCount, 2);
      }
    });

    /** Follows `nextCursor` from `cursor` to the end; the ids of every page after it. */
    async function rest(sort: SortOrder, limit: number, cursor: string | null, extra = '') {
      const ids: number[] = [];
      while (cursor) {
        const page: MessagePage = await json<MessagePage>(
          await f.get(
            messagesPath(
              `limit=${limit}&sort=${sort}${extra}&cursor=${encodeURIComponent(cursor)}`,
            ),
          ),
          200,
        );
        assert.ok(page.messages.length <= limit);
        ids.push(...page.messages.map((m) => m.id));
        cursor = page.nextCursor;
      }
      return ids;
    }

    /** An opening post and `n` replies, every third sharing its time with the one before. */
    async function longThread(n: number): Promise<{ opening: number; replies: number[] }> {
      const opening = (await reply('opening', { kind: 'opening' })).message.id;
      const replies: number[] = [];
      for (let i = 0; i < n; i++) {
        // Equal times: the id breaks the tie, in the page, the context and the count.
        if (i % 3 === 2) f.now = new Date(f.now.getTime() - 1000);
        replies.push((await reply(`reply ${i}`)).message.id);
      }
      return { opening, replies };
    }

    describe('?at=ID', () => {
      it('returns the page holding the reply, a quarter of it before, and walks on to every later reply once', async () => {
        const { opening, replies } = await longThread(23);
        for (const sort of SORTS) {
          const listed = sort === 'oldest' ? replies : [...replies].reverse();
          for (const limit of [1, 3, 4, 5, 8, 50]) {
            for (const index of [0, 1, 2, 3, 11, 21, 22]) {
              const target = listed[index]!;
              const what = `${sort}, limit ${limit}, reply #${index}`;
              const page = await pageAt(`at=${target}&limit=${limit}&sort=${sort}`);
              const start = index - Math.min(Math.floor(limit / 4), index);
              assert.deepEqual(
                page.messages.map((m) => m.id),
                listed.slice(start, start + limit),
                what,
              );
              assert.equal(page.before, start, `before: ${what}`);
              assert.ok(!page.messages.some((m) => m.id === opening), `no opening post: ${what}`);
              assert.equal(page.nextCursor === null, start + limit >= listed.length, what);
              // The cursor continues exactly like a normal page's.
              const after = await rest(sort, limit, page.nextCursor);
              assert.deepEqual(after, listed.slice(start + limit), `the rest: ${what}`);
            }
          }
        }
      });

      it('answers the same page a normal walk shows, with the cursor a normal page would give', async () => {
        const { replies } = await longThread(9);
        // limit 4: a quarter is one reply of context; reply #5 opens with #4.
        const normal = await json<ThreadPage>(await f.get(threadPath(KEY, '?limit=4')), 200);
        const second = await json<MessagePage>(
          await f.get(messagesPath(`limit=4&cursor=${encodeURIComponent(normal.nextCursor!)}`)),
          200,
        );
        const at = await pageAt(`at=${replies[5]}&limit=4`);
        assert.deepEqual(at.messages, second.messages);
        assert.equal(at.nextCursor, second.nextCursor);
        assert.equal(at.before, 4);
      });

      it('counts deleted placeholders as listed, and never pending, hidden or spam replies', async () => {
        const { replies } = await longThread(3);
        // A reply with an answer, deleted by its author: its placeholder stays listed.
        const deleted = await reply('deleted later');
        await reply('an answer', { parentId: deleted.message.id });
        assert.equal(
          (await f.delete(`/api/messages/${deleted.message.id}`, bearer(deleted.editToken))).status,
          204,
        );
        const hidden = await reply('hidden');
        await moderateMessage(f.db.store, { id: hidden.message.id, status: 'hidden', now: f.now });
        await reply('spam', { website: 'https://spam.example' });
        const target = await reply('target');
        const all = await json<MessagePage>(await f.get(messagesPath('limit=100')), 200);
        const listed = all.messages.filter((m) => m.kind === 'reply').map((m) => m.id);
        assert.ok(listed.includes(deleted.message.id));
        assert.ok(!listed.includes(hidden.message.id));

        const page = await pageAt(`at=${target.message.id}&limit=1`);
        assert.deepEqual(
          page.messages.map((m) => m.id),
          [target.message.id],
        );
        assert.equal(page.before, listed.indexOf(target.message.id));
        assert.equal(page.before, replies.length + 2, 'three replies, the placeholder, its answer');

        const newest = await pageAt(`at=${deleted.message.id}&limit=1&sort=newest`);
        assert.equal(newest.messages[0]?.deleted, true, 'a placeholder is a page of its own');
        assert.equal(newest.before, 2, 'target and the answer come first when newest');
      });

      it('returns 404 message_not_found for a pending, hidden, spam, removed, opening, other thread’s or unknown id', async () => {
        const { opening, replies } = await longThread(2);
        const hidden = await reply('hidden');
        await moderateMessage(f.db.store, { id: hidden.message.id, status: 'hidden', now: f.now });
        const spam = await reply('spam', { website: 'x' });
        const removed = await reply('removed');
        await f.delete(`/api/messages/${removed.message.id}`, bearer(removed.editToken));
        const other = await reply('elsewhere', {}, '/blog/other');
        const pending = await f.post(threadPath(KEY, '/messages'), {
          author: 'Reader',
          body: 'casino',
        });
        const posted = await json<{ message: { id: number }; status: string }>(pending, 201);
        assert.equal(posted.status, 'pending');
        const held = posted.message.id;
        for (const id of [
          opening,
          hidden.message.id,
          spam.message.id,
          removed.message.id,
          other.message.id,
          held,
          2 ** 31 - 1,
        ]) {
          await assertError(await f.get(messagesPath(`at=${id}`)), 404, 'message_not_found');
        }
        // The other thread's reply is found under its own key.
        assert.equal((await pageAt(`at=${other.message.id}`, '/blog/other')).before, 0);
        assert.equal((await pageAt(`at=${replies[1]}`)).before, 0);
      });

      it('returns 404 thread_not_found for an unknown thread or one readers cannot see yet', async () => {
        await assertError(await f.get(messagesPath('at=1', '/nobody')), 404, 'thread_not_found');
        const held = await f.post(threadPath('/held', '/messages'), {
          author: 'Reader',
          body: 'casino',
        });
        const { message } = await json<{ message: { id: number } }>(held, 201);
        await assertError(
          await f.get(messagesPath(`at=${message.id}`, '/held')),
          404,
          'thread_not_found',
        );
      });

      it('returns 400 invalid_request naming the field for at with a cursor or highlighted, or a bad at', async () => {
        const { replies } = await longThread(3);
        const first = await json<MessagePage>(await f.get(messagesPath('limit=1')), 200);
        const cursor = encodeURIComponent(first.nextCursor!);
        await assertError(
          await f.get(messagesPath(`at=${replies[1]}&cursor=${cursor}`)),
          400,
          'invalid_request',
          ['cursor'],
        );
        await assertError(
          await f.get(messagesPath(`at=${replies[1]}&highlighted=true`)),
          400,
          'invalid_request',
          ['highlighted'],
        );
        for (const bad of ['0', '-1', 'abc', '1.5', '', '2147483648', '99999999999', '1e3', ' 1']) {
          await assertError(
            await f.get(messagesPath(`at=${encodeURIComponent(bad)}`)),
            400,
            'invalid_request',
            ['at'],
          );
        }
        await assertError(
          await f.get(messagesPath(`at=${replies[0]}&at=${replies[1]}`)),
          400,
          'invalid_request',
          ['at'],
        );
        // highlighted=false is the normal listing, so it goes with at.
        const page = await pageAt(`at=${replies[1]}&highlighted=false`);
        assert.equal(page.before, 0);
      });

      it('is never served from the first page’s cache or its ETag: every request reads the rows as they are', async () => {
        const { replies } = await longThread(6);
        const first = await f.get(threadPath(KEY, '?limit=2'));
        const etag = first.headers.get('ETag')!;
        const res = await f.get(messagesPath(`at=${replies[4]}&limit=2`), {
          'If-None-Match': etag,
        });
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('ETag'), null);
        const before = (await res.json()) as MessagePageAt;
        assert.equal(before.before, 4);
        await moderateMessage(f.db.store, { id: replies[0]!, status: 'hidden', now: f.now });
        await moderateMessage(f.db.store, { id: replies[4]!, highlighted: true, now: f.now });
        const after = await pageAt(`at=${replies[4]}&limit=2`);
        assert.equal(after.before, 3, 'a hidden reply ahead of the page no longer counts');
        assert.equal(after.messages[0]?.highlighted, true, 'the change shows at once');
      });
    });

    it('sends Cache-Control: no-cache on every page (cursor, at, highlighted) and on its 404, as the first page does', async () => {
      const { replies } = await longThread(4);
      await moderateMessage(f.db.store, { id: replies[1]!, highlighted: true, now: f.now });
      const first = await json<ThreadPage>(await f.get(threadPath(KEY, '?limit=1')), 200);
      const queries = [
        'limit=1',
        `limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`,
        `at=${replies[2]}&limit=1`,
        'highlighted=true&limit=1',
      ];
      for (const query of queries) {
        const res = await f.get(messagesPath(query));
        assert.equal(res.status, 200, query);
        // A page changes with every write: never reused without asking.
        assert.equal(res.headers.get('Cache-Control'), 'no-cache', query);
      }
      // A 404 is cacheable by default; this one ends when the thread gets a post.
      const missing = await f.get(messagesPath('limit=1', '/blog/none-yet'));
      assert.equal(missing.status, 404);
      assert.equal(missing.headers.get('Cache-Control'), 'no-cache');
    });

    describe('?highlighted=true', () => {
      it('lists only published highlighted messages, the opening post first, each once, under both sorts', async () => {
        const { opening, replies } = await longThread(12);
        const chosen = [replies[1]!, replies[2]!, replies[5]!, replies[6]!, replies[11]!];
        for (const id of [opening, ...chosen]) {
          await moderateMessage(f.db.store, { id, highlighted: true, now: f.now });
        }
        // Highlighted, then hidden: readers see it nowhere.
        await moderateMessage(f.db.store, { id: replies[6]!, status: 'hidden', now: f.now });
        const shown = chosen.filter((id) => id !== replies[6]);
        for (const sort of SORTS) {
          const page = await json<MessagePage>(
            await f.get(messagesPath(`highlighted=true&limit=2&sort=${sort}`)),
            200,
          );
          assert.equal(page.messages[0]?.id, opening, `opening post first under ${sort}`);
          assert.ok(page.messages.every((m) => m.highlighted));
          const ids = [
            ...page.messages.slice(1).map((m) => m.id),
            ...(await rest(sort, 2, page.nextCursor, '&highlighted=true')),
          ];
          assert.deepEqual(ids, sort === 'oldest' ? shown : [...shown].reverse(), sort);
        }
      });

      it('leaves out an opening post that is not highlighted, and answers an empty list without a cursor', async () => {
        const { replies } = await longThread(3);
        const none = await json<MessagePage>(await f.get(messagesPath('highlighted=true')), 200);
        assert.deepEqual(none, { messages: [], nextCursor: null });
        await moderateMessage(f.db.store, { id: replies[2]!, highlighted: true, now: f.now });
        const one = await json<MessagePage>(
          await f.get(messagesPath('highlighted=true&limit=1')),
          200,
        );
        assert.deepEqual(
          one.messages.map((m) => m.id),
          [replies[2]],
        );
        assert.equal(one.nextCursor, null, 'no cursor that leads to nothing');
      });

      it('keeps its own cursor: a normal cursor is refused there, and its cursor in the normal listing', async () => {
        const { replies } = await longThread(4);
        for (const id of replies)
          await moderateMessage(f.db.store, { id, highlighted: true, now: f.now });
        const normal = await json<MessagePage>(await f.get(messagesPath('limit=1')), 200);
        const highlighted = await json<MessagePage>(
          await f.get(messagesPath('highlighted=true&limit=1')),
          200,
        );
        await assertError(
          await f.get(
            messagesPath(`highlighted=true&cursor=${encodeURIComponent(normal.nextCursor!)}`),
          ),
          400,
          'invalid_request',
          ['cursor'],
        );
        await assertError(
          await f.get(messagesPath(`cursor=${encodeURIComponent(highlighted.nextCursor!)}`)),
          400,
          'invalid_request',
          ['cursor'],
        );
      });

      it('lists as before with highlighted=false, and names highlighted for any other value', async () => {
        await longThread(3);
        const plain = await json<MessagePage>(await f.get(messagesPath('limit=2')), 200);
        const off = await json<MessagePage>(
          await f.get(messagesPath('limit=2&highlighted=false')),
          200,
        );
        assert.deepEqual(off, plain);
        for (const bad of ['yes', '1', 'TRUE', '']) {
          await assertError(
            await f.get(messagesPath(`highlighted=${bad}`)),
            400,
            'invalid_request',
            ['highlighted'],
          );
        }
      });
    });
  });
}
