/**
 * The admin search (`GET /api/admin/messages?q=`), the thread url on every
 * admin message, and bulk decisions (`POST /api/admin/messages/bulk`), on
 * every dialect.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
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
  AdminBulkResponse,
  AdminMessage,
  AdminMessageList,
  CreatedOwnerKey,
  MaxBulkIds,
  MaxSearchLength,
  ThreadPage,
} from '../wire.ts';
import { listAdminMessages } from './moderation.repository.ts';

const KEY = '/blog/post-1';
// The wire's limits, as the admin page declares its copies: the schemas must enforce these.
const MAX_SEARCH: MaxSearchLength = 200;
const MAX_IDS: MaxBulkIds = 100;

for (const dialect of dialects) {
  describe(`admin search and bulk decisions on ${dialect.name}`, () => {
    let f: AppFixture;
    beforeEach(async () => {
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, heldWords: ['casino'] });
    });
    afterEach(async () => {
      await f.close();
    });

    const post = (body: string, extra: Record<string, unknown> = {}, key = KEY) =>
      f.postMessage(key, body, extra);
    const search = async (query: string) =>
      json<AdminMessageList>(await f.get(`/api/admin/messages?${query}`, ADMIN), 200);
    const ids = (list: { messages: { id: number }[] }) => list.messages.map((m) => m.id);
    const bulk = (body: unknown, headers: Record<string, string> = ADMIN) =>
      f.post('/api/admin/messages/bulk', body, headers);

    describe('GET /api/admin/messages?q=', () => {
      it('finds messages whose body or author name contains the text, in any case, newest first', async () => {
        const a = await post('I love **Parley** a lot');
        await post('nothing to see');
        const c = await post('hello', { author: 'PARLEYfan' });
        const d = await post('ÉCOLE and Straße', { author: 'Zoë' });
        assert.deepEqual(ids(await search('q=parley')), [c.message.id, a.message.id]);
        assert.deepEqual(ids(await search('q=PaRlEy')), [c.message.id, a.message.id]);
        // Beyond ASCII: SQLite's own lower() would miss these.
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('école')}`)), [d.message.id]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('ZOË')}`)), [d.message.id]);
        // The markdown is searched, as written.
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('**parley**')}`)), [
          a.message.id,
        ]);
        assert.deepEqual(ids(await search('q=absent')), []);
      });

      it('matches %, _ and \\ literally, never as wildcards', async () => {
        const percent = await post('100% sure');
        const underscore = await post('snake_case name');
        const backslash = await post('C:\\temp path');
        await post('100 percent sure, snakeXcase, C:temp');
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('100%')}`)), [
          percent.message.id,
        ]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('%')}`)), [percent.message.id]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('e_c')}`)), [
          underscore.message.id,
        ]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('_')}`)), [
          underscore.message.id,
        ]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent(':\\t')}`)), [
          backslash.message.id,
        ]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('\\')}`)), [
          backslash.message.id,
        ]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent("'; drop table x; --")}`)), []);
      });

      it('matches the escape character ! literally, and needs no backslash escapes from PostgreSQL', async () => {
        const bang = await post('wow!% great');
        const slash = await post('a\\%b');
        await post('wow great, wow% great, a%b');
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('!')}`)), [bang.message.id]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('w!%')}`)), [bang.message.id]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('!%')}`)), [bang.message.id]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('\\%')}`)), [slash.message.id]);
        // With standard_conforming_strings off, PostgreSQL reads a backslash
        // in SQL text as an escape: the search must still run and match.
        const found = await f.db.store.write(async (trx) => {
          if (dialect.name === 'postgres') {
            await sql`set local standard_conforming_strings = off`.execute(trx);
          }
          return listAdminMessages(trx, {
            filter: undefined,
            search: { text: '\\%', dialect: dialect.name },
            limit: 10,
          });
        });
        assert.deepEqual(
          found.map((row) => row.id),
          [slash.message.id],
        );
      });

      it('finds a composed letter by its decomposed form and the reverse (NFC and NFD)', async () => {
        const decomposed = await post('Joyeux Noe\u0308l', { author: 'Pe\u0301ter' });
        const composed = await post('Merci, Chlo\u00e9');
        await post('Joyeux Noel, merci Chloe');
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('No\u00ebl')}`)), [
          decomposed.message.id,
        ]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('P\u00c9TER')}`)), [
          decomposed.message.id,
        ]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('Chloe\u0301')}`)), [
          composed.message.id,
        ]);
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('noe\u0308l')}`)), [
          decomposed.message.id,
        ]);
      });

      it('combines with status, thread and the cursor', async () => {
        const held = await post('casino offer one');
        const published = await post('an offer to read');
        const other = await post('another offer', {}, '/blog/other');
        const hidden = await post('hidden offer');
        await f.patch(`/api/admin/messages/${hidden.message.id}`, { status: 'hidden' }, ADMIN);
        assert.deepEqual(ids(await search('q=offer&status=pending')), [held.message.id]);
        assert.deepEqual(ids(await search('q=offer&status=hidden')), [hidden.message.id]);
        assert.deepEqual(ids(await search(`q=offer&thread=${encodeURIComponent('/blog/other')}`)), [
          other.message.id,
        ]);
        const seen: number[] = [];
        let cursor: string | null = null;
        do {
          const page: AdminMessageList = await search(
            `q=OFFER&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          assert.ok(page.messages.length <= 1);
          seen.push(...ids(page));
          cursor = page.nextCursor;
        } while (cursor);
        assert.deepEqual(seen, [
          hidden.message.id,
          other.message.id,
          published.message.id,
          held.message.id,
        ]);
      });

      it('returns 400 invalid_request naming q when it is empty, blank, over 200 characters or has control characters', async () => {
        await post('x');
        for (const bad of ['', '   ', 'a'.repeat(MAX_SEARCH + 1), 'a\u0000b', 'line\nbreak']) {
          await assertError(
            await f.get(`/api/admin/messages?q=${encodeURIComponent(bad)}`, ADMIN),
            400,
            'invalid_request',
            ['q'],
          );
        }
        // 200 code points, emoji counted as one each.
        assert.deepEqual(ids(await search(`q=${encodeURIComponent('😀'.repeat(MAX_SEARCH))}`)), []);
        await assertError(await f.get('/api/admin/messages?q=x'), 401, 'unauthorized');
      });

      it('gives every admin message its thread url, so /admin can link to its place on the blog', async () => {
        const first = await post('first', { thread: { url: `${BLOG_ORIGIN}/blog/post-1` } });
        const noUrl = await post('elsewhere', {}, '/blog/no-url');
        const list = await search('');
        const byId = new Map(list.messages.map((m) => [m.id, m]));
        assert.equal(byId.get(first.message.id)?.threadUrl, `${BLOG_ORIGIN}/blog/post-1`);
        assert.equal(byId.get(noUrl.message.id)?.threadUrl, null);
        const patched = await json<{ message: AdminMessage }>(
          await f.patch(`/api/admin/messages/${first.message.id}`, { highlighted: true }, ADMIN),
          200,
        );
        assert.equal(patched.message.threadUrl, `${BLOG_ORIGIN}/blog/post-1`);
      });
    });

    describe('POST /api/admin/messages/bulk', () => {
      it('publishes held messages in one go, making a held thread public, and reports missing ids', async () => {
        const heldThread = await post('casino night', {}, '/blog/held');
        await post('readable');
        const held = await post('casino two');
        await assertError(await f.get(threadPath('/blog/held')), 404, 'thread_not_found');
        const res = await bulk({
          ids: [held.message.id, 999_999, heldThread.message.id],
          action: 'publish',
        });
        const body = await json<AdminBulkResponse>(res, 200);
        assert.deepEqual(ids(body), [held.message.id, heldThread.message.id]);
        assert.ok(body.messages.every((m) => m.status === 'published'));
        assert.deepEqual(body.deleted, []);
        assert.deepEqual(body.missing, [999_999]);
        const page = await json<ThreadPage>(await f.get(threadPath('/blog/held')), 200);
        assert.deepEqual(
          page.messages.map((m) => m.id),
          [heldThread.message.id],
        );
        assert.equal((await threadState(f.db.store, KEY)).messageCount, 2);
        assert.equal((await threadState(f.db.store, '/blog/held')).messageCount, 1);
      });

      it('hides messages and settles their reports, exactly as the single PATCH would', async () => {
        const a = await post('one');
        const b = await post('two', { parentId: a.message.id });
        f.peer = '198.51.100.9';
        await f.post(`/api/messages/${a.message.id}/report`, { reason: 'rude' });
        const before = await threadState(f.db.store, KEY);
        const body = await json<AdminBulkResponse>(
          await bulk({ ids: [a.message.id, b.message.id], action: 'hide' }),
          200,
        );
        assert.deepEqual(
          body.messages.map((m) => [m.id, m.status, m.hiddenReason, m.reportCount]),
          [
            [a.message.id, 'hidden', 'moderator', 0],
            [b.message.id, 'hidden', 'moderator', 0],
          ],
        );
        const after = await threadState(f.db.store, KEY);
        assert.equal(after.messageCount, before.messageCount - 2);
        // One event per message and one for the thread each: as two PATCHes.
        assert.equal(after.eventSeq, before.eventSeq + 4);
        assert.deepEqual(await f.publicMessages(KEY), []);
        const reported = await json<AdminMessageList>(
          await f.get('/api/admin/messages?status=reported', ADMIN),
          200,
        );
        assert.deepEqual(reported.messages, []);
        // The same request again changes nothing and moves no event.
        const again = await json<AdminBulkResponse>(
          await bulk({ ids: [a.message.id, b.message.id], action: 'hide' }),
          200,
        );
        assert.equal(again.messages.length, 2);
        assert.equal((await threadState(f.db.store, KEY)).eventSeq, after.eventSeq);
      });

      it('deletes messages as DELETE would: placeholders for replies, none left once the replies go', async () => {
        const parent = await post('parent');
        const child = await post('child', { parentId: parent.message.id });
        const lone = await post('lone');
        const keep = await post('keep');
        const body = await json<AdminBulkResponse>(
          await bulk({ ids: [parent.message.id, lone.message.id], action: 'delete' }),
          200,
        );
        assert.deepEqual(body, {
          messages: [],
          deleted: [parent.message.id, lone.message.id],
          missing: [],
        });
        const shown = await f.publicMessages(KEY);
        assert.deepEqual(
          shown.map((m) => [m.id, m.deleted ?? false]),
          [
            [parent.message.id, true],
            [child.message.id, false],
            [keep.message.id, false],
          ],
        );
        // A placeholder is nothing to moderate: missing, as DELETE answers 404.
        const second = await json<AdminBulkResponse>(
          await bulk({ ids: [child.message.id, parent.message.id], action: 'delete' }),
          200,
        );
        assert.deepEqual(second.deleted, [child.message.id]);
        assert.deepEqual(second.missing, [parent.message.id]);
        assert.deepEqual(
          (await f.publicMessages(KEY)).map((m) => m.id),
          [keep.message.id],
        );
        assert.equal((await threadState(f.db.store, KEY)).messageCount, 1);
      });

      it('changes nothing when a later step fails: one transaction', async () => {
        const a = await post('one');
        const b = await post('two');
        const before = await threadState(f.db.store, KEY);
        // The database refuses any change to the second message, as a real
        // failure mid-way would (a trigger, so no code is faked).
        const refuse =
          dialect.name === 'sqlite'
            ? [
                `create trigger refuse_change before update on messages when new.id = ${b.message.id} begin select raise(abort, 'refused'); end`,
              ]
            : [
                "create function refuse_change() returns trigger as $$ begin raise exception 'refused'; end $$ language plpgsql",
                `create trigger refuse_change before update on messages for each row when (new.id = ${b.message.id}) execute function refuse_change()`,
              ];
        for (const statement of refuse) await sql.raw(statement).execute(f.db.store.db);
        const res = await bulk({ ids: [a.message.id, b.message.id], action: 'hide' });
        await assertError(res, 500, 'internal_error');
        assert.deepEqual(
          (await f.publicMessages(KEY)).map((m) => m.id),
          [a.message.id, b.message.id],
          'the first message was not hidden either',
        );
        assert.deepEqual(await threadState(f.db.store, KEY), before);
      });

      it('returns 400 invalid_request naming the field for repeated, too many, no or bad ids, or an unknown action', async () => {
        const a = await post('one');
        const before = await storedCounts(f.db.store);
        const cases: [unknown, string][] = [
          [{ ids: [a.message.id, a.message.id], action: 'hide' }, 'ids'],
          [{ ids: Array.from({ length: MAX_IDS + 1 }, (_, i) => i + 1), action: 'hide' }, 'ids'],
          [{ ids: [], action: 'hide' }, 'ids'],
          [{ ids: 'all', action: 'hide' }, 'ids'],
          [{ action: 'hide' }, 'ids'],
          [{ ids: [0], action: 'hide' }, 'ids.0'],
          [{ ids: [1.5], action: 'hide' }, 'ids.0'],
          [{ ids: [2 ** 31], action: 'hide' }, 'ids.0'],
          [{ ids: ['1'], action: 'hide' }, 'ids.0'],
          [{ ids: [a.message.id], action: 'highlight' }, 'action'],
          [{ ids: [a.message.id] }, 'action'],
        ];
        for (const [body, path] of cases) {
          await assertError(await bulk(body), 400, 'invalid_request', [path]);
        }
        assert.deepEqual(await storedCounts(f.db.store), before);
        assert.equal((await f.publicMessages(KEY)).length, 1);
        // 100 distinct ids is the most, and fine.
        const hundred = await json<AdminBulkResponse>(
          await bulk({ ids: Array.from({ length: MAX_IDS }, (_, i) => 1000 + i), action: 'hide' }),
          200,
        );
        assert.equal(hundred.missing.length, MAX_IDS);
      });

      it('takes only the admin token: none, a wrong one or an owner-posting key is 401, and nothing changes', async () => {
        const a = await post('one');
        const created = await json<CreatedOwnerKey>(
          await f.post('/api/admin/owner-keys', { label: 'laptop' }, ADMIN),
          201,
        );
        for (const headers of [
          {} as Record<string, string>,
          { Authorization: 'Bearer wrong-token-wrong-token' },
          { Authorization: `Bearer ${created.token}` },
        ]) {
          await assertError(
            await bulk({ ids: [a.message.id], action: 'delete' }, headers),
            401,
            'unauthorized',
          );
        }
        assert.equal((await f.publicMessages(KEY)).length, 1);
      });

      it('accepts only JSON, like every write', async () => {
        const res = await f.app.request('/api/admin/messages/bulk', {
          method: 'POST',
          headers: { ...ADMIN, 'Content-Type': 'text/plain' },
          body: JSON.stringify({ ids: [1], action: 'hide' }),
        });
        await assertError(res, 415, 'unsupported_media_type');
      });
    });
  });
}
