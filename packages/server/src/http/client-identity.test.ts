import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { type AppFixture, appFixture, threadPath } from '../testing/app-fixture.ts';
import { assertError } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { clientHash } from './client-hash.ts';

const KEY = '/blog/post-1';
const SECRET = 'a-test-secret-of-more-than-32-characters';

/** Every address of 203.0.113.0/24, as an attacker holding a copy of the database would try. */
const RANGE = Array.from({ length: 256 }, (_, i) => `203.0.113.${i}`);

for (const dialect of dialects) {
  describe(`who a client is, on ${dialect.name}`, () => {
    let f: AppFixture;
    afterEach(async () => {
      await f?.close();
    });

    async function post(peer: string) {
      f.peer = peer;
      f.now = new Date(f.now.getTime() + 1000);
      return f.post(threadPath(KEY, '/messages'), { author: 'Reader', body: `from ${peer}` });
    }

    it('treats every address of one IPv6 /64 as one client, and the next /64 as another', async () => {
      f = await appFixture(dialect, { rateLimit: 1 });
      assert.equal((await post('2001:db8:1:2::1')).status, 201);
      await assertError(await post('2001:db8:1:2:ffff:ffff:ffff:fffe'), 429, 'rate_limited');
      assert.equal((await post('2001:db8:1:3::1')).status, 201);
      // IPv4 addresses are clients of their own, mapped or not.
      assert.equal((await post('203.0.113.7')).status, 201);
      await assertError(await post('::ffff:203.0.113.7'), 429, 'rate_limited');
      assert.equal((await post('203.0.113.8')).status, 201);
    });

    it('stores hashes that a copy of the database (salts included) cannot turn back into the address', async () => {
      f = await appFixture(dialect, { secret: SECRET });
      assert.equal((await post('203.0.113.7')).status, 201);
      const { db } = f.db.store;
      const [{ salt }] = (await db.selectFrom('ip_salts').select('salt').execute()) as [
        { salt: string },
      ];
      const [{ ip_hash: stored }] = (await db
        .selectFrom('messages')
        .select('ip_hash')
        .execute()) as [{ ip_hash: string }];
      // What the salt alone gave before: HMAC(salt, address) finds 203.0.113.7 in 256 tries.
      const withSaltOnly = RANGE.filter(
        (address) => createHmac('sha256', salt).update(address).digest('base64url') === stored,
      );
      assert.deepEqual(withSaltOnly, [], 'the salt in the database is not enough');
      // The server, holding the secret, still recognises the client (for its limits).
      const withSecret = RANGE.filter((address) => clientHash(SECRET, salt, address) === stored);
      assert.deepEqual(withSecret, ['203.0.113.7']);
      assert.deepEqual(
        RANGE.filter(
          (address) => clientHash('another-secret-of-32-characters-long', salt, address) === stored,
        ),
        [],
        'a guessed secret finds nothing',
      );
    });
  });
}
