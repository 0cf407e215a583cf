import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  bearer,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError, json, storedCounts } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type { CreatedOwnerKey, OwnerKeyList, PostMessageResponse, ThreadPage } from '../wire.ts';

const KEY = '/blog/post-1';
const KEYS = '/api/admin/owner-keys';

for (const dialect of dialects) {
  describe(`owner-posting keys on ${dialect.name}`, () => {
    let f: AppFixture;
    afterEach(async () => {
      await f?.close();
    });

    const create = async (body: unknown = {}) =>
      json<CreatedOwnerKey>(await f.post(KEYS, body, ADMIN), 201);
    const list = async () => (await json<OwnerKeyList>(await f.get(KEYS, ADMIN), 200)).ownerKeys;
    const postAs = (headers: Record<string, string>, body = 'From the owner') =>
      f.post(threadPath(KEY, '/messages'), { author: 'The Author', body }, headers);
    const failures = async () =>
      (await f.db.store.db.selectFrom('auth_failures').select('id').execute()).length;

    describe('POST /api/admin/owner-keys', () => {
      it('returns 201 with a pok_ key shown this once, and stores only its SHA-256', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        const res = await f.post(KEYS, { label: 'My laptop' }, ADMIN);
        assert.equal(res.headers.get('Cache-Control'), 'no-store');
        const created = await json<CreatedOwnerKey>(res, 201);
        assert.match(created.token, /^pok_[A-Za-z0-9_-]{43}$/);
        assert.deepEqual(created.ownerKey, {
          id: created.ownerKey.id,
          label: 'My laptop',
          createdAt: f.now.toISOString(),
          lastUsedAt: null,
        });
        const rows = await f.db.store.db.selectFrom('owner_keys').selectAll().execute();
        assert.equal(rows.length, 1);
        assert.equal(rows[0]?.key_hash, createHash('sha256').update(created.token).digest('hex'));
        assert.ok(!JSON.stringify(rows).includes(created.token), 'the key itself is not stored');
        const second = await create();
        assert.notEqual(second.token, created.token);
      });

      it('labels a key "Posting link" when no label or an empty one is given', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        assert.equal((await create()).ownerKey.label, 'Posting link');
        assert.equal((await create({ label: '' })).ownerKey.label, 'Posting link');
        assert.equal((await create({ label: '  Phone  ' })).ownerKey.label, 'Phone');
      });

      for (const [what, label] of [
        ['too long', 'x'.repeat(81)],
        ['with a control character', 'a\u0007b'],
        ['with a bidi override', 'a\u202Eb'],
        ['not a string', 42],
      ] as const) {
        it(`returns 400 naming label for a label ${what}, and stores nothing`, async () => {
          f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
          await assertError(await f.post(KEYS, { label }, ADMIN), 400, 'invalid_request', [
            'label',
          ]);
          assert.deepEqual(await list(), []);
        });
      }
    });

    describe('GET /api/admin/owner-keys', () => {
      it('lists keys that are not revoked, newest first, never with the key or its hash', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        assert.deepEqual(await list(), []);
        const a = await create({ label: 'A' });
        f.now = new Date(f.now.getTime() + 60_000);
        const b = await create({ label: 'B' });
        f.now = new Date(f.now.getTime() + 60_000);
        const c = await create({ label: 'C' });
        assert.equal((await f.delete(`${KEYS}/${b.ownerKey.id}`, ADMIN)).status, 204);
        const res = await f.get(KEYS, ADMIN);
        assert.equal(res.headers.get('Cache-Control'), 'no-store');
        const body = await json<OwnerKeyList>(res, 200);
        assert.deepEqual(body, { ownerKeys: [c.ownerKey, a.ownerKey] });
      });
    });

    describe('posting with an owner key', () => {
      it('makes the post the owner’s (published under moderation) and records when the key was used', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, moderation: 'all' });
        const { token, ownerKey } = await create({ label: 'Blog' });
        f.now = new Date(f.now.getTime() + 5 * 60_000);
        const created = await json<PostMessageResponse>(await postAs(bearer(token)), 201);
        assert.equal(created.status, 'published');
        assert.deepEqual(created.message.author, { name: 'The Author', role: 'owner' });
        const page = await json<ThreadPage>(await f.get(threadPath(KEY)), 200);
        assert.deepEqual(page.messages[0]?.author, { name: 'The Author', role: 'owner' });
        assert.deepEqual(await list(), [{ ...ownerKey, lastUsedAt: f.now.toISOString() }]);
        assert.equal(await failures(), 0);
      });

      it('still takes the admin token from API clients', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        const created = await json<PostMessageResponse>(await postAs(ADMIN), 201);
        assert.deepEqual(created.message.author, { name: 'The Author', role: 'owner' });
      });

      it('refuses a revoked key at once: 401, counted as a failed sign-in, nothing stored', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        const keep = await create({ label: 'Keep' });
        const { token, ownerKey } = await create({ label: 'Gone' });
        assert.equal((await postAs(bearer(token), 'before')).status, 201);
        const del = await f.delete(`${KEYS}/${ownerKey.id}`, ADMIN);
        assert.equal(del.status, 204);
        const refused = await postAs(bearer(token), 'after');
        const body = await assertError(refused, 401, 'unauthorized');
        assert.match(body.error.message, /revoked/);
        assert.equal(await failures(), 1);
        assert.deepEqual(await storedCounts(f.db.store), { threads: 1, messages: 1 });
        // The other key is untouched.
        assert.equal((await postAs(bearer(keep.token), 'kept')).status, 201);
        // Revoking twice, or a key that never was: 404.
        await assertError(await f.delete(`${KEYS}/${ownerKey.id}`, ADMIN), 404, 'not_found');
        await assertError(await f.delete(`${KEYS}/999999`, ADMIN), 404, 'not_found');
      });

      for (const [what, value] of [
        ['a made-up pok_ key', `pok_${'A'.repeat(43)}`],
        ['a key with one character changed', 'CHANGED'],
        ['the hash of a key', 'HASH'],
      ] as const) {
        it(`answers ${what} 401 and counts it as a failed sign-in`, async () => {
          f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
          const { token } = await create();
          const guess =
            value === 'CHANGED'
              ? `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
              : value === 'HASH'
                ? createHash('sha256').update(token).digest('hex')
                : value;
          await assertError(await postAs(bearer(guess)), 401, 'unauthorized');
          assert.equal(await failures(), 1);
          assert.deepEqual(await storedCounts(f.db.store), { threads: 0, messages: 0 });
        });
      }

      it('shares the admin sign-in lockout: after 10 failures even a good key gets 429', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        const { token } = await create();
        for (let i = 0; i < 10; i++) {
          const guess = i % 2 ? `pok_guess${i}` : `admin-guess-${i}-guess-guess`;
          const res =
            i % 3 ? await postAs(bearer(guess)) : await f.get('/api/admin/messages', bearer(guess));
          await assertError(res, 401, 'unauthorized');
        }
        await assertError(await postAs(bearer(token)), 429, 'rate_limited');
        await assertError(await f.get(KEYS, ADMIN), 429, 'rate_limited');
      });

      it('is refused when the admin API is off (no admin token configured)', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        const { token } = await create();
        const off = await appFixture(dialect, {});
        try {
          await assertError(
            await off.post(threadPath(KEY, '/messages'), { author: 'A', body: 'b' }, bearer(token)),
            401,
            'unauthorized',
          );
        } finally {
          await off.close();
        }
      });
    });

    describe('an owner key is not an admin credential', () => {
      for (const [method, path] of [
        ['GET', '/api/admin/messages'],
        ['GET', '/api/admin/threads'],
        ['GET', KEYS],
        ['POST', KEYS],
        ['DELETE', `${KEYS}/1`],
      ] as const) {
        it(`answers ${method} ${path} with an owner key 401, counted as a failure`, async () => {
          f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
          const { token } = await create();
          const headers = bearer(token);
          const res =
            method === 'GET'
              ? await f.get(path, headers)
              : method === 'POST'
                ? await f.post(path, {}, headers)
                : await f.delete(path, headers);
          await assertError(res, 401, 'unauthorized');
          assert.equal(await failures(), 1);
          assert.equal((await list()).length, 1, 'nothing was created or revoked');
        });
      }

      it('needs the admin token for every owner-key route', async () => {
        f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
        await assertError(await f.get(KEYS), 401, 'unauthorized');
        await assertError(await f.post(KEYS, {}), 401, 'unauthorized');
        await assertError(await f.delete(`${KEYS}/1`), 401, 'unauthorized');
        assert.deepEqual(await list(), []);
      });

      for (const id of ['0', 'abc', '2147483648', '99999999999999', '-1']) {
        it(`returns 400 for the owner key id ${id}`, async () => {
          f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
          await assertError(await f.delete(`${KEYS}/${id}`, ADMIN), 400, 'invalid_request', ['id']);
        });
      }
    });
  });
}
