import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createApp } from '../app.ts';
import type { LogFields, Logger } from '../app-deps.ts';
import { TrustedProxies } from '../http/client-address.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError, json, storedCounts } from '../testing/assertions.ts';
import { countWrites } from '../testing/count-writes.ts';
import { dialects, type TestDatabase } from '../testing/dialects.ts';
import type { AdminMessageList, PostMessageResponse, ThreadPage } from '../wire.ts';

const KEY = '/blog/post-1';

for (const dialect of dialects) {
  describe(`admin authentication on ${dialect.name}`, () => {
    let f: AppFixture;
    afterEach(async () => {
      await f?.close();
    });

    async function failures() {
      const rows = await f.db.store.db.selectFrom('auth_failures').select('id').execute();
      return rows.length;
    }

    describe('refusals', () => {
      const wrong: Array<[string, Record<string, string>]> = [
        ['no Authorization header', {}],
        ['a wrong token', { Authorization: 'Bearer wrong-token-wrong-token' }],
        ['the right token with the Basic scheme', { Authorization: `Basic ${ADMIN_TOKEN}` }],
        [
          'the right token base64-encoded as Basic',
          { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
        ],
        ['the token with a trailing extra word', { Authorization: `Bearer ${ADMIN_TOKEN} x` }],
        ['a prefix of the token', { Authorization: `Bearer ${ADMIN_TOKEN.slice(0, -1)}` }],
        ['the token plus a character', { Authorization: `Bearer ${ADMIN_TOKEN}x` }],
        ['an empty bearer', { Authorization: 'Bearer ' }],
      ];
      for (const [what, headers] of wrong) {
        it(`returns 401 unauthorized for ${what}`, async () => {
          f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
          const res = await f.get('/api/admin/messages', headers);
          await assertError(res, 401, 'unauthorized');
          assert.match(res.headers.get('WWW-Authenticate') ?? '', /^Bearer/);
        });
      }

      for (const param of ['token', 'admin_token', 'access_token']) {
        it(`returns 401 for the right token in ?${param}=, even with the header too, saying to use the header`, async () => {
          f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
          const res = await f.get(`/api/admin/messages?${param}=${ADMIN_TOKEN}`, ADMIN);
          const body = await assertError(res, 401, 'unauthorized');
          assert.match(body.error.message, /Authorization: Bearer/);
          const alone = await f.get(`/api/admin/messages?${param}=${ADMIN_TOKEN}`);
          await assertError(alone, 401, 'unauthorized');
        });
      }

      it('returns 401 with a message saying how to turn the admin API on when no token is configured', async () => {
        f = await appFixture(dialect);
        const res = await f.get('/api/admin/threads', {
          Authorization: 'Bearer anything-at-all-here',
        });
        const body = await assertError(res, 401, 'unauthorized');
        assert.match(body.error.message, /PARLEY_ADMIN_TOKEN/);
        assert.match(body.error.message, /16 characters/);
      });

      it('refuses every admin route without the token, changing nothing', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        const posted = await json<PostMessageResponse>(
          await f.post(threadPath(KEY, '/messages'), { author: 'A', body: 'b' }),
          201,
        );
        const id = posted.message.id;
        const key = encodeURIComponent(KEY);
        const bad = { Authorization: 'Bearer not-the-admin-token' };
        await assertError(await f.get('/api/admin/messages', bad), 401, 'unauthorized');
        await assertError(await f.get('/api/admin/threads', bad), 401, 'unauthorized');
        await assertError(
          await f.patch(`/api/admin/messages/${id}`, { status: 'hidden' }, bad),
          401,
          'unauthorized',
        );
        await assertError(await f.delete(`/api/admin/messages/${id}`, bad), 401, 'unauthorized');
        await assertError(
          await f.patch(`/api/admin/threads/${key}`, { status: 'closed' }, bad),
          401,
          'unauthorized',
        );
        const page = await json<ThreadPage>(await f.get(threadPath(KEY)), 200);
        assert.equal(page.thread.status, 'open');
        assert.deepEqual(
          page.messages.map((m) => m.id),
          [id],
        );
      });

      it('lets the right token through', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        const res = await f.get('/api/admin/messages', ADMIN);
        assert.deepEqual(await json<AdminMessageList>(res, 200), {
          messages: [],
          nextCursor: null,
        });
        const lower = await f.get('/api/admin/messages', {
          Authorization: `bearer ${ADMIN_TOKEN}`,
        });
        assert.equal(lower.status, 200, 'the scheme name is case-insensitive (RFC 9110)');
      });
    });

    describe('failure rate limit (kept in the database)', () => {
      const bad = { Authorization: 'Bearer guess-guess-guess-guess' };

      it('answers 429 rate_limited with Retry-After after 10 failures, to the right token too', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        for (let i = 0; i < 10; i++) {
          await assertError(await f.get('/api/admin/messages', bad), 401, 'unauthorized');
          f.now = new Date(f.now.getTime() + 1000);
        }
        assert.equal(await failures(), 10);
        const limited = await f.get('/api/admin/messages', bad);
        await assertError(limited, 429, 'rate_limited');
        // The oldest failure was 10 s ago; it leaves the 10-minute window in 590 s.
        assert.equal(limited.headers.get('Retry-After'), '590');
        // Otherwise the 429 would itself tell right from wrong.
        await assertError(await f.get('/api/admin/messages', ADMIN), 429, 'rate_limited');
        // Posts as the owner share the count.
        await assertError(
          await f.post(threadPath(KEY, '/messages'), { author: 'A', body: 'b' }, ADMIN),
          429,
          'rate_limited',
        );
        assert.equal(await failures(), 10, 'refused attempts are not counted again');
        assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
      });

      it('refuses a locked-out client with a read: its 429s take no write lock', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        for (let i = 0; i < 10; i++) {
          await assertError(await f.get('/api/admin/messages', bad), 401, 'unauthorized');
        }
        const writes = countWrites(f.db.store);
        await assertError(await f.get('/api/admin/messages', bad), 429, 'rate_limited');
        await assertError(await f.get('/api/admin/messages', ADMIN), 429, 'rate_limited');
        assert.equal(writes.count, 0);
        f.peer = '198.51.100.77';
        await assertError(await f.get('/api/admin/messages', bad), 401, 'unauthorized');
        assert.equal(writes.count, 1, 'a client not locked out is counted in a write');
      });

      it('does not limit another client, and one client’s success clears nobody’s count', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        f.peer = '198.51.100.66';
        for (let i = 0; i < 10; i++) await f.get('/api/admin/messages', bad);
        f.peer = '198.51.100.7';
        assert.equal((await f.get('/api/admin/messages', ADMIN)).status, 200);
        f.peer = '198.51.100.66';
        await assertError(await f.get('/api/admin/messages', ADMIN), 429, 'rate_limited');
      });

      it('counts one IPv6 /64 as one client: its other addresses are locked too, the next /64 is not', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        for (let i = 0; i < 10; i++) {
          f.peer = `2001:db8:1:2::${(i + 1).toString(16)}`;
          await assertError(await f.get('/api/admin/messages', bad), 401, 'unauthorized');
        }
        f.peer = '2001:db8:1:2:abcd:ef01:2345:6789';
        const locked = await f.get('/api/admin/messages', ADMIN);
        await assertError(locked, 429, 'rate_limited');
        // A lockout lasts minutes, never hours: at most the 10-minute window.
        assert.ok(Number(locked.headers.get('Retry-After')) <= 600);
        f.peer = '2001:db8:1:3::1';
        assert.equal((await f.get('/api/admin/messages', ADMIN)).status, 200);
      });

      it('lets the client in again once its failures leave the window', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        for (let i = 0; i < 10; i++) await f.get('/api/admin/messages', bad);
        await assertError(await f.get('/api/admin/messages', ADMIN), 429, 'rate_limited');
        f.now = new Date(f.now.getTime() + 10 * 60_000 + 1000);
        assert.equal((await f.get('/api/admin/messages', ADMIN)).status, 200);
      });

      it('counts failures from parallel requests: no more than 10 guesses get checked', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        const responses = await Promise.all(
          Array.from({ length: 25 }, () => f.get('/api/admin/messages', bad)),
        );
        const statuses = responses.map((r) => r.status);
        assert.equal(statuses.filter((s) => s === 401).length, 10);
        assert.equal(statuses.filter((s) => s === 429).length, 15);
      });
    });

    describe('the owner role', () => {
      it('makes a post sent with the admin token the owner’s: role owner, published even under moderation', async () => {
        f = await appFixture(dialect, {
          adminToken: ADMIN_TOKEN,
          moderation: 'all',
          heldWords: ['spam'],
        });
        const res = await f.post(
          threadPath(KEY, '/messages'),
          { author: 'The Author', body: 'about spam' },
          ADMIN,
        );
        const created = await json<PostMessageResponse>(res, 201);
        assert.equal(created.status, 'published');
        assert.deepEqual(created.message.author, { name: 'The Author', role: 'owner' });
        const page = await json<ThreadPage>(await f.get(threadPath(KEY)), 200);
        assert.deepEqual(page.messages[0]?.author, { name: 'The Author', role: 'owner' });
        assert.equal(page.thread.messageCount, 1);
      });

      it('never gives the role to a reader who asks for it in the body', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        for (const extra of [
          { role: 'owner' },
          { author_role: 'owner' },
          { authorRole: 'owner' },
          { owner: true },
        ]) {
          const created = await json<PostMessageResponse>(
            // A body of its own each time: the same body again would be a duplicate.
            await f.post(threadPath(KEY, '/messages'), {
              author: 'Sly',
              body: `hi ${Object.keys(extra)[0]}`,
              ...extra,
            }),
            201,
          );
          assert.deepEqual(created.message.author, { name: 'Sly' });
        }
        // An author object claiming the role is not a valid author at all.
        await assertError(
          await f.post(threadPath(KEY, '/messages'), {
            author: { name: 'Sly', role: 'owner' },
            body: 'hi',
          }),
          400,
          'invalid_request',
          ['author'],
        );
        const roles = await f.db.store.db.selectFrom('messages').select('author_role').execute();
        assert.ok(roles.every((r) => r.author_role === null));
      });

      for (const [what, headers] of [
        ['a wrong bearer', { Authorization: 'Bearer not-the-admin-token' }],
        ['an edit token as bearer', { Authorization: 'Bearer edit-token-of-someone-else' }],
        ['a Basic header', { Authorization: `Basic ${ADMIN_TOKEN}` }],
      ] as const) {
        it(`answers a post with ${what} 401 and stores nothing (never posts it as a reader)`, async () => {
          f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
          const res = await f.post(
            threadPath(KEY, '/messages'),
            { author: 'A', body: 'b' },
            headers,
          );
          await assertError(res, 401, 'unauthorized');
          assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
        });
      }

      it('answers a post with a bearer 401 when no admin token is configured', async () => {
        f = await appFixture(dialect);
        const res = await f.post(
          threadPath(KEY, '/messages'),
          { author: 'A', body: 'b' },
          { Authorization: `Bearer ${ADMIN_TOKEN}` },
        );
        await assertError(res, 401, 'unauthorized');
        assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
      });
    });

    describe('logs', () => {
      let db: TestDatabase | undefined;
      afterEach(async () => {
        await db?.dispose();
        db = undefined;
      });

      it('never log the admin token or a guess, on start, success or failure', async () => {
        f = await appFixture(dialect); // only for afterEach symmetry
        db = await dialect.create();
        const lines: string[] = [];
        const spy: Logger = {
          info: (fields: LogFields) => lines.push(JSON.stringify(fields)),
          error: (fields: LogFields) => lines.push(JSON.stringify(fields)),
        };
        const guess = 'a-guess-that-must-not-leak';
        const app = createApp({
          store: db.store,
          logger: spy,
          peerAddress: () => '203.0.113.9',
          config: {
            origins: [],
            trustedProxies: new TrustedProxies([]),
            rateLimit: 0,
            adminToken: ADMIN_TOKEN,
          },
        });
        await app.request('/api/admin/messages', { headers: ADMIN });
        await app.request('/api/admin/messages', { headers: { Authorization: `Bearer ${guess}` } });
        await app.request('/api/admin/messages', { headers: { Authorization: `Basic ${guess}` } });
        await app.request(`/api/admin/messages?token=${ADMIN_TOKEN}`);
        await app.request(`/api/admin/threads?access_token=${guess}`);
        await app.request('/api/threads/%2Fx/messages', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${guess}` },
          body: JSON.stringify({ author: 'A', body: 'b' }),
        });
        for (let i = 0; i < 12; i++) {
          await app.request('/api/admin/threads', {
            headers: { Authorization: `Bearer ${guess}` },
          });
        }
        assert.ok(
          lines.some((l) => l.includes('admin API on')),
          'the start is logged',
        );
        assert.ok(
          lines.some((l) => l.includes('wrong token')),
          'failures are logged',
        );
        assert.ok(
          lines.some((l) => l.includes('too many failures')),
          'lockouts are logged',
        );
        for (const line of lines) {
          assert.ok(!line.includes(ADMIN_TOKEN), `the token leaked into: ${line}`);
          assert.ok(!line.includes(guess), `a guess leaked into: ${line}`);
        }
      });

      it('say at start how to turn the admin API on when no token is set', async () => {
        f = await appFixture(dialect);
        db = await dialect.create();
        const lines: string[] = [];
        createApp({
          store: db.store,
          logger: { info: (l) => lines.push(l.msg), error: (l) => lines.push(l.msg) },
          config: { origins: [], trustedProxies: new TrustedProxies([]), rateLimit: 0 },
        });
        assert.ok(
          lines.some((l) => l.includes('PARLEY_ADMIN_TOKEN')),
          lines.join('\n'),
        );
      });
    });
  });
}
