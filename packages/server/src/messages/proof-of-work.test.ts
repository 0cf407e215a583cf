import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { createApp } from '../app.ts';
import type { AppConfig } from '../app-deps.ts';
import { silentLogger } from '../app-deps.ts';
import { ApiError } from '../http/api-error.ts';
import { TrustedProxies } from '../http/client-address.ts';
import { resolvePolicy } from '../moderation/policy.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  BLOG_ORIGIN,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError, json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type { PostMessageResponse } from '../wire.ts';
import { postMessage } from './post-message.ts';
import { CHALLENGE_LIFETIME_MS, COUNTER, proofOfWork } from './proof-of-work.ts';

const KEY = '/blog/pow';
const SECRET = 'test-secret-for-proof-of-work-0123456789';

/** Solves a challenge as the widget does (same library, same payload). */
async function solve(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey });
  assert.ok(solution, 'solvable');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

for (const dialect of dialects) {
  describe(`proof of work on ${dialect.name}`, () => {
    let f: AppFixture;
    const open = async (config: Partial<AppConfig> = {}) => {
      f = await appFixture(dialect, {
        adminToken: ADMIN_TOKEN,
        secret: SECRET,
        proofOfWork: 'on',
        ...config,
      });
      // The library checks expiry against the system clock: run the app's clock at it.
      f.now = new Date();
      return f;
    };
    afterEach(async () => {
      await f.close();
    });
    const challenge = async () => {
      const res = await f.get('/api/challenge', { Origin: BLOG_ORIGIN });
      assert.equal(res.headers.get('Cache-Control'), 'no-store');
      return json<Challenge>(res, 200);
    };
    const send = (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      f.now = new Date(f.now.getTime() + 1000);
      return f.post(threadPath(KEY, '/messages'), { author: 'Reader', ...body }, headers);
    };
    const usedChallenges = async () =>
      (await f.db.store.db.selectFrom('used_challenges').selectAll().execute()).length;

    describe('GET /api/challenge', () => {
      it('returns a signed ALTCHA v2 challenge that expires, with a bounded counter', async () => {
        await open();
        const c = await challenge();
        assert.equal(c.parameters.algorithm, 'PBKDF2/SHA-256');
        assert.match(c.signature ?? '', /^[0-9a-f]{64}$/);
        assert.equal(
          c.parameters.expiresAt,
          Math.floor((f.now.getTime() + CHALLENGE_LIFETIME_MS) / 1000),
        );
        const payload = JSON.parse(Buffer.from(await solve(c), 'base64').toString());
        assert.ok(
          payload.solution.counter >= COUNTER.min && payload.solution.counter <= COUNTER.max,
        );
      });

      it('answers 404 not_found when proof of work is off', async () => {
        await open({ proofOfWork: 'off' });
        const error = await assertError(await f.get('/api/challenge'), 404, 'not_found');
        assert.match(error.error.message, /PARLEY_PROOF_OF_WORK/);
        // And posts need none.
        await json(await send({ body: 'no work needed' }), 201);
      });
    });

    describe('POST /api/threads/:key/messages with proof of work on', () => {
      it('refuses a post without a solution with 400 challenge_required', async () => {
        await open();
        await assertError(await send({ body: 'hi' }), 400, 'challenge_required');
      });

      it('takes a solved challenge once: a replay gets 400 challenge_required', async () => {
        await open();
        const altcha = await solve(await challenge());
        await json<PostMessageResponse>(await send({ body: 'first', altcha }), 201);
        assert.equal(await usedChallenges(), 1);
        await assertError(await send({ body: 'second', altcha }), 400, 'challenge_required');
      });

      it('spends a solution once even when the second post passed the first check: the transaction decides', async () => {
        await open();
        const pow = proofOfWork(SECRET);
        const altcha = await solve(await pow.challenge(f.now));
        const policy = resolvePolicy({
          origins: [],
          trustedProxies: new TrustedProxies([]),
          rateLimit: 0,
        });
        const post = (key: string, body: string, verifyNewThread?: () => Promise<void>) =>
          postMessage(f.db.store, {
            key,
            author: 'Reader',
            body,
            parentId: null,
            kind: 'reply',
            thread: { title: null, url: null },
            ipHash: null,
            now: f.now,
            rateLimit: 0,
            owner: false,
            policy,
            proveWork: () => pow.verify(altcha, f.now),
            ...(verifyNewThread ? { verifyNewThread } : {}),
          });
        // The first post is past its checks (checking its new thread) when the
        // second, with the same solution, is stored.
        let second: Promise<unknown> = Promise.resolve();
        const first = post('/first', 'one', async () => {
          second = post('/second', 'two');
          await second;
        });
        await assert.rejects(
          first,
          (e: unknown) => e instanceof ApiError && e.code === 'challenge_required',
        );
        await second;
      });

      it('refuses a replay on another instance sharing the database', async () => {
        await open();
        const altcha = await solve(await challenge());
        await json(await send({ body: 'first', altcha }), 201);
        const other = createApp({
          store: f.db.store,
          logger: silentLogger,
          clock: () => new Date(f.now),
          peerAddress: () => '198.51.100.20',
          config: {
            origins: [BLOG_ORIGIN],
            trustedProxies: new TrustedProxies([]),
            rateLimit: 0,
            secret: SECRET,
            proofOfWork: 'on',
          },
        });
        const res = await other.request(threadPath(KEY, '/messages'), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ author: 'Replay', body: 'elsewhere', altcha }),
        });
        await assertError(res, 400, 'challenge_required');
      });

      it('refuses forgeries: a wrong key, a changed parameter, another secret, junk', async () => {
        await open();
        const c = await challenge();
        const payload = JSON.parse(Buffer.from(await solve(c), 'base64').toString());
        const encode = (p: unknown) => Buffer.from(JSON.stringify(p)).toString('base64');
        // The derived key is the proof (the counter only helps find it).
        const key: string = payload.solution.derivedKey;
        const wrongKey = {
          ...payload,
          solution: {
            ...payload.solution,
            derivedKey: (key[0] === '0' ? '1' : '0') + key.slice(1),
          },
        };
        const cheaper = {
          ...payload,
          challenge: {
            ...payload.challenge,
            parameters: { ...payload.challenge.parameters, cost: 1 },
          },
        };
        for (const altcha of [encode(wrongKey), encode(cheaper), 'not base64 json', encode({})]) {
          await assertError(
            await send({ body: `forged ${altcha.length}`, altcha }),
            400,
            'challenge_required',
          );
        }
        const stranger = await appFixture(dialect, {
          secret: 'another-secret-entirely-0123456789',
          proofOfWork: 'on',
        });
        try {
          stranger.now = new Date();
          const foreign = await solve(
            await json<Challenge>(await stranger.get('/api/challenge'), 200),
          );
          await assertError(
            await send({ body: 'foreign', altcha: foreign }),
            400,
            'challenge_required',
          );
        } finally {
          await stranger.close();
        }
        assert.equal(await usedChallenges(), 0, 'a refused payload is not recorded');
      });

      it('refuses an expired challenge, and forgets used ones once they expire', async () => {
        await open();
        const used = await solve(await challenge());
        await json(await send({ body: 'one', altcha: used }), 201);
        const late = await solve(await challenge());
        f.now = new Date(f.now.getTime() + CHALLENGE_LIFETIME_MS);
        await assertError(
          await send({ body: 'too late', altcha: late }),
          400,
          'challenge_required',
        );
        assert.equal(await usedChallenges(), 1);
        // A post after the first challenge expired prunes its record.
        await json(await send({ body: 'two', altcha: await solve(await challenge()) }), 201);
        assert.equal(await usedChallenges(), 1, 'only the new one is remembered');
      });

      it('does not spend the challenge of a refused post', async () => {
        await open();
        await json(await send({ body: 'same', altcha: await solve(await challenge()) }), 201);
        const altcha = await solve(await challenge());
        await assertError(await send({ body: 'same', altcha }), 409, 'duplicate_message');
        await json(await send({ body: 'different', altcha }), 201);
      });

      it('asks nothing of the site owner', async () => {
        await open();
        await json(await send({ body: 'from the owner' }, ADMIN), 201);
      });
    });
  });
}
