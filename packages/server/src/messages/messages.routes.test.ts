import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { changeThread, moderateMessage } from '../moderation/moderate.ts';
import { type AppFixture, appFixture, BLOG_ORIGIN, threadPath } from '../testing/app-fixture.ts';
import { assertError, json, storedCounts } from '../testing/assertions.ts';
import { dialects, type TestDatabase } from '../testing/dialects.ts';
import type { MessagePage, PostMessageResponse, ThreadPage } from '../wire.ts';
import { hashToken } from './post-message.ts';

const KEY = '/blog/post-1';

/**
 * Records the SQL each database driver is handed until `restore()`:
 * better-sqlite3 as it prepares a statement (the store prepares each text
 * once), node-postgres as a pooled client runs a query.
 */
function recordDriverQueries() {
  const queries: Array<{ driver: 'sqlite' | 'postgres'; sql: string }> = [];
  const prepare = SQLite.prototype.prepare;
  const query = pg.Client.prototype.query;
  SQLite.prototype.prepare = function (this: SQLite.Database, source: string) {
    queries.push({ driver: 'sqlite', sql: source });
    return prepare.call(this, source);
  } as typeof prepare;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
    if (text) queries.push({ driver: 'postgres', sql: text });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return {
    queries,
    restore() {
      SQLite.prototype.prepare = prepare;
      pg.Client.prototype.query = query;
    },
  };
}

/** A message's stored body, read by the dialect's own driver on a connection of its own. */
async function bodyByDriver(db: TestDatabase, id: number): Promise<string | undefined> {
  if (db.store.dialect === 'sqlite') {
    const file = new SQLite(db.url.slice('sqlite:'.length), { readonly: true });
    try {
      const row = file.prepare('select body from messages where id = ?').get(id) as
        | { body: string }
        | undefined;
      return row?.body;
    } finally {
      file.close();
    }
  }
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const result = await client.query<{ body: string }>('select body from messages where id = $1', [
      id,
    ]);
    return result.rows[0]?.body;
  } finally {
    await client.end();
  }
}

for (const dialect of dialects) {
  describe(`messages API on ${dialect.name}`, () => {
    let f: AppFixture;
    beforeEach(async () => {
      f = await appFixture(dialect);
    });
    afterEach(async () => {
      await f.close();
    });

    /** Posts a reply one second after the previous one and returns it. */
    const reply = (body: string, extra: Record<string, unknown> = {}, key = KEY) =>
      f.postMessage(key, body, extra);

    describe('POST /api/threads/:key/messages', () => {
      it('creates the thread on the first post, taking its title and url', async () => {
        const res = await f.post(threadPath(KEY, '/messages'), {
          author: '  Ada  ',
          body: 'Hello **world**',
          kind: 'opening',
          thread: { title: 'The Efficiency Wars', url: `${BLOG_ORIGIN}/blog/post-1` },
        });
        const created = await json<PostMessageResponse>(res, 201);
        assert.equal(created.message.kind, 'opening');
        assert.deepEqual(created.message.author, { name: 'Ada' });
        assert.equal(created.message.html, '<p>Hello <strong>world</strong></p>');
        assert.equal(created.message.parentId, null);
        assert.equal(created.message.editedAt, null);
        assert.equal(created.message.highlighted, false);
        assert.equal(created.message.createdAt, f.now.toISOString());
        assert.match(created.editToken, /^[\w-]{32}$/);

        const page = await json<ThreadPage>(await f.get(threadPath(KEY)), 200);
        assert.equal(page.thread.key, KEY);
        assert.equal(page.thread.title, 'The Efficiency Wars');
        assert.equal(page.thread.url, `${BLOG_ORIGIN}/blog/post-1`);
        assert.equal(page.thread.summary, null);
        assert.equal(page.thread.status, 'open');
        assert.equal(page.thread.messageCount, 1);
        assert.equal(page.thread.highlightCount, 0);
        assert.equal(page.thread.createdAt, f.now.toISOString());
      });

      it('ignores title and url on later posts: only the first post sets them', async () => {
        await reply('first', { thread: { title: 'Original', url: `${BLOG_ORIGIN}/a` } });
        await reply('second', { thread: { title: 'Hijacked', url: `${BLOG_ORIGIN}/b` } });
        const page = await json<ThreadPage>(await f.get(threadPath(KEY)), 200);
        assert.equal(page.thread.title, 'Original');
        assert.equal(page.thread.url, `${BLOG_ORIGIN}/a`);
      });

      it('keeps counts, last activity and the event sequence on the thread row', async () => {
        await reply('one');
        const second = await reply('two');
        const page = await json<ThreadPage>(await f.get(threadPath(KEY)), 200);
        assert.equal(page.thread.messageCount, 2);
        assert.equal(page.thread.lastActivityAt, second.message.createdAt);
        const row = await f.db.store.db
          .selectFrom('threads')
          .select('event_seq')
          .executeTakeFirstOrThrow();
        // Each post: message.created, then thread.updated.
        assert.equal(Number(row.event_seq), 4);
        // The page says which live event it reflects, to resume the stream from.
        assert.equal(page.lastEventId, 4);
      });

      it('stores the edit token only as a hash', async () => {
        const { message, editToken } = await reply('mine');
        const row = await f.db.store.db
          .selectFrom('messages')
          .selectAll()
          .where('id', '=', message.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.edit_token_hash, hashToken(editToken));
        assert.ok(!JSON.stringify(row).includes(editToken));
      });

      it('keeps the markdown source and stores the rendered html', async () => {
        const { message } = await reply('a [link](https://example.com)\nnext line');
        const row = await f.db.store.db
          .selectFrom('messages')
          .select(['body', 'html'])
          .where('id', '=', message.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.body, 'a [link](https://example.com)\nnext line');
        assert.equal(
          row.html,
          '<p>a <a href="https://example.com" rel="nofollow ugc noopener noreferrer">link</a><br />\nnext line</p>',
        );
        assert.equal(message.html, row.html);
      });

      it('accepts a reply to a message of the same thread', async () => {
        const parent = await reply('parent');
        const child = await reply('child', { parentId: parent.message.id });
        assert.equal(child.message.parentId, parent.message.id);
      });

      it('returns 400 invalid_request naming parentId when the parent does not exist', async () => {
        await reply('first');
        const before = await storedCounts(f.db.store);
        const res = await f.post(threadPath(KEY, '/messages'), {
          author: 'A',
          body: 'b',
          parentId: 999_999,
        });
        await assertError(res, 400, 'invalid_request', ['parentId']);
        assert.deepEqual(await storedCounts(f.db.store), before);
      });

      it('returns 400 invalid_request naming parentId when the parent is in another thread', async () => {
        const other = await reply('elsewhere', {}, '/blog/other');
        const res = await f.post(threadPath(KEY, '/messages'), {
          author: 'A',
          body: 'b',
          parentId: other.message.id,
        });
        await assertError(res, 400, 'invalid_request', ['parentId']);
        // Nothing stored: not the message, and not the thread it would have created.
        assert.deepEqual(await storedCounts(f.db.store), { threads: 1, messages: 1 });
      });

      it('returns 400 invalid_request naming kind when a later post claims to be the opening post', async () => {
        await reply('first');
        const res = await f.post(threadPath(KEY, '/messages'), {
          author: 'A',
          body: 'b',
          kind: 'opening',
        });
        await assertError(res, 400, 'invalid_request', ['kind']);
        assert.deepEqual(await storedCounts(f.db.store), { threads: 1, messages: 1 });
      });

      it('returns 400 invalid_request naming thread.url when the url is on a foreign origin', async () => {
        const res = await f.post(threadPath(KEY, '/messages'), {
          author: 'A',
          body: 'b',
          thread: { url: 'https://evil.example/phish' },
        });
        await assertError(res, 400, 'invalid_request', ['thread.url']);
        assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
      });

      it('returns 400 invalid_request naming every bad field at once', async () => {
        const res = await f.post(threadPath(KEY, '/messages'), {
          author: '',
          body: 42,
          kind: 'sermon',
          thread: { url: 'javascript:alert(1)' },
        });
        const body = await assertError(res, 400, 'invalid_request');
        assert.deepEqual(body.error.issues?.map((i) => i.path).sort(), [
          'author',
          'body',
          'kind',
          'thread.url',
        ]);
        assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
      });

      it('returns 400 invalid_request for a JSON body that is not an object', async () => {
        await assertError(
          await f.post(threadPath(KEY, '/messages'), '[1,2]'),
          400,
          'invalid_request',
        );
        await assertError(
          await f.post(threadPath(KEY, '/messages'), 'null'),
          400,
          'invalid_request',
        );
        assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
      });

      it('returns 400 invalid_request naming key for a key with control characters', async () => {
        const res = await f.post(threadPath('bad\u0000key', '/messages'), {
          author: 'A',
          body: 'b',
        });
        await assertError(res, 400, 'invalid_request', ['key']);
      });

      it('returns 409 thread_closed for a closed thread and stores nothing', async () => {
        await reply('first');
        await changeThread(f.db.store, {
          key: KEY,
          status: 'closed',
          now: f.now,
          autoCloseDays: undefined,
        });
        const res = await f.post(threadPath(KEY, '/messages'), { author: 'A', body: 'late' });
        await assertError(res, 409, 'thread_closed');
        assert.deepEqual(await storedCounts(f.db.store), { threads: 1, messages: 1 });
        const page = await json<ThreadPage>(await f.get(threadPath(KEY)), 200);
        assert.equal(page.thread.messageCount, 1);
      });

      it('answers concurrent first posts to one key with one thread', async () => {
        const responses = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            f.post(threadPath('/race', '/messages'), { author: `R${i}`, body: `post ${i}` }),
          ),
        );
        for (const res of responses) assert.equal(res.status, 201);
        const page = await json<ThreadPage>(await f.get(threadPath('/race')), 200);
        assert.equal(page.thread.messageCount, 8);
        assert.deepEqual(await storedCounts(f.db.store), { threads: 1, messages: 8 });
      });
    });

    describe('GET /api/threads/:key/messages', () => {
      it('returns 404 thread_not_found for a thread nobody has posted to', async () => {
        await assertError(await f.get(threadPath('/nobody', '/messages')), 404, 'thread_not_found');
      });

      it('pages through every reply once, in order, under both sorts', async () => {
        await reply('opening', { kind: 'opening' });
        const ids: number[] = [];
        for (let i = 0; i < 23; i++) {
          // Every third reply shares its timestamp with the previous one: the
          // id breaks the tie, so no row may be skipped or repeated.
          if (i % 3 === 2) f.now = new Date(f.now.getTime() - 1000);
          ids.push((await reply(`reply ${i}`)).message.id);
        }
        for (const sort of ['oldest', 'newest'] as const) {
          const seen: number[] = [];
          let cursor: string | null = null;
          let pages = 0;
          do {
            const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
            const page: MessagePage = await json<MessagePage>(
              await f.get(threadPath(KEY, `/messages?limit=5&sort=${sort}${query}`)),
              200,
            );
            if (pages === 0) {
              assert.equal(page.messages[0]?.kind, 'opening', `opening post first under ${sort}`);
              page.messages.shift();
            } else {
              assert.ok(page.messages.every((m) => m.kind === 'reply'));
            }
            assert.ok(page.messages.length <= 5);
            seen.push(...page.messages.map((m) => m.id));
            cursor = page.nextCursor;
            pages++;
          } while (cursor);
          assert.equal(pages, 5);
          assert.deepEqual(seen, sort === 'oldest' ? ids : [...ids].reverse());
        }
      });

      it('returns 400 invalid_request naming cursor for a forged or foreign cursor', async () => {
        await reply('a');
        await reply('b');
        const first = await json<MessagePage>(
          await f.get(threadPath(KEY, '/messages?limit=1&sort=oldest')),
          200,
        );
        assert.ok(first.nextCursor);
        const foreign = await f.get(
          threadPath(KEY, `/messages?sort=newest&cursor=${encodeURIComponent(first.nextCursor)}`),
        );
        await assertError(foreign, 400, 'invalid_request', ['cursor']);
        await assertError(
          await f.get(threadPath(KEY, '/messages?cursor=garbage')),
          400,
          'invalid_request',
          ['cursor'],
        );
        const forged = Buffer.from('["messages:oldest","not a date",1]').toString('base64url');
        await assertError(
          await f.get(threadPath(KEY, `/messages?cursor=${forged}`)),
          400,
          'invalid_request',
          ['cursor'],
        );
      });

      it('never lists messages that are not published', async () => {
        const kept = await reply('kept');
        const gone = await reply('gone');
        await moderateMessage(f.db.store, { id: gone.message.id, status: 'hidden', now: f.now });
        const page = await json<MessagePage>(await f.get(threadPath(KEY, '/messages')), 200);
        assert.deepEqual(
          page.messages.map((m) => m.id),
          [kept.message.id],
        );
        assert.equal(
          (await f.threadPage(KEY)).thread.messageCount,
          1,
          'the count agrees with the list',
        );
      });
    });

    it('runs every query of a post and a read on the driver of the dialect under test', async () => {
      const seen = recordDriverQueries();
      let id: number;
      try {
        id = (await reply('Through the driver.')).message.id;
        await f.threadPage(KEY);
        await f.get(threadPath(KEY, '/messages'));
      } finally {
        seen.restore();
      }
      const other = dialect.name === 'sqlite' ? 'postgres' : 'sqlite';
      assert.deepEqual(
        seen.queries.filter((q) => q.driver === other).map((q) => q.sql),
        [],
        `no query ran on ${other}`,
      );
      const ran = seen.queries.filter((q) => q.driver === dialect.name).map((q) => q.sql);
      for (const query of [
        /^insert into "messages"/,
        /^update "threads"/,
        /^insert into "events"/,
        /^select .* from "threads"/,
        /^select .* from "messages"/,
      ]) {
        assert.ok(
          ran.some((sql) => query.test(sql)),
          `${query} ran on ${dialect.name}: ${ran.join('\n')}`,
        );
      }
      // And the row is in that database, as its own driver reads it outside the store.
      assert.equal(await bodyByDriver(f.db, id), 'Through the driver.');
    });
  });
}
