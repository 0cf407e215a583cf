import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ApiError } from '../http/api-error.ts';
import { renderComment } from '../markdown/render.ts';
import { changeThread } from '../moderation/moderate.ts';
import { resolvePolicy } from '../moderation/policy.ts';
import { type AppFixture, appFixture } from '../testing/app-fixture.ts';
import { countWrites } from '../testing/count-writes.ts';
import { dialects } from '../testing/dialects.ts';
import { editLimit, editMessage } from './author-rights.ts';
import { type NewPost, postMessage, type Renderer } from './post-message.ts';
import { proofOfWork } from './proof-of-work.ts';

// Every check that can refuse a write runs before the markdown is rendered:
// the review's 1,500 wrong-token edits of a 9.8 KB body rendered each body
// and slowed every reader. The renderer is handed in, so these tests count
// what a refused request rendered (nothing) rather than time it.

const KEY = '/blog/cpu';

/** The real renderer, counting its calls. */
function countingRenderer(): Renderer & { calls: number } {
  const render = ((source: string) => {
    render.calls++;
    return renderComment(source);
  }) as Renderer & { calls: number };
  render.calls = 0;
  return render;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    return `${error.status} ${error.code}`;
  }
  assert.fail('expected a refusal');
}

for (const dialect of dialects) {
  describe(`refusals before rendering on ${dialect.name}`, () => {
    let f: AppFixture;
    beforeEach(async () => {
      f = await appFixture(dialect);
    });
    afterEach(async () => {
      await f.close();
    });

    describe('editMessage', () => {
      const policy = resolvePolicy({
        origins: [],
        trustedProxies: undefined as never,
        rateLimit: 0,
      });
      const body = `**${'long '.repeat(2000).trim()}**`;

      it('renders nothing for a wrong token, no token, an unknown message or a closed window', async () => {
        const posted = await f.postMessage(KEY, 'mine');
        const render = countingRenderer();
        const edit = (over: Partial<Parameters<typeof editMessage>[1]>) =>
          editMessage(f.db.store, {
            id: posted.message.id,
            token: posted.editToken,
            body,
            now: f.now,
            policy,
            render,
            ...over,
          });
        assert.equal(await refusal(edit({ token: 'wrong-token' })), '403 forbidden');
        assert.equal(await refusal(edit({ token: null })), '403 forbidden');
        assert.equal(await refusal(edit({ id: posted.message.id + 99 })), '404 message_not_found');
        const late = new Date(f.now.getTime() + policy.editWindowMs + 1000);
        assert.equal(await refusal(edit({ now: late })), '403 forbidden');
        assert.equal(render.calls, 0);

        const edited = await edit({});
        assert.equal(render.calls, 1, 'an accepted edit renders once');
        assert.match(edited.html, /^<p><strong>long/);
      });

      it('renders nothing and takes no write lock for an edit past the client’s edit limit', async () => {
        const posted = await f.postMessage(KEY, 'mine');
        const render = countingRenderer();
        const edit = () =>
          editMessage(f.db.store, {
            id: posted.message.id,
            token: posted.editToken,
            body,
            now: f.now,
            policy,
            render,
            limit: editLimit('client-a', 2),
          });
        await edit();
        await edit();
        assert.equal(render.calls, 2);
        const writes = countWrites(f.db.store);
        for (let i = 0; i < 3; i++) assert.equal(await refusal(edit()), '429 rate_limited');
        assert.equal(render.calls, 2, 'a refused edit renders nothing');
        assert.equal(writes.count, 0, 'a refused edit takes no write lock');
      });
    });

    describe('postMessage', () => {
      const post = (over: Partial<NewPost>): NewPost => ({
        key: KEY,
        author: 'Reader',
        body: 'body',
        parentId: null,
        kind: 'reply',
        thread: { title: null, url: null },
        ipHash: 'client-a',
        now: f.now,
        rateLimit: 0,
        owner: false,
        policy: resolvePolicy({ origins: [], trustedProxies: undefined as never, rateLimit: 0 }),
        ...over,
      });

      it('renders nothing for a rate-limited, duplicate or unproven post', async () => {
        const render = countingRenderer();
        await postMessage(f.db.store, post({ body: 'first', rateLimit: 1, render }));
        assert.equal(render.calls, 1);
        assert.equal(
          await refusal(postMessage(f.db.store, post({ body: 'next', rateLimit: 1, render }))),
          '429 rate_limited',
        );
        assert.equal(
          await refusal(postMessage(f.db.store, post({ body: 'first', render }))),
          '409 duplicate_message',
        );
        const pow = proofOfWork('secret-for-this-test-0123456789');
        assert.equal(
          await refusal(
            postMessage(
              f.db.store,
              post({ body: 'unproven', render, proveWork: () => pow.verify('forged', f.now) }),
            ),
          ),
          '400 challenge_required',
        );
        assert.equal(render.calls, 1);
      });

      it('checks a new thread only after the cheap refusals', async () => {
        const render = countingRenderer();
        let verified = 0;
        const verifyNewThread = async () => {
          verified++;
        };
        await postMessage(f.db.store, post({ key: '/a', body: 'same', render, verifyNewThread }));
        assert.equal(verified, 1);
        await refusal(
          postMessage(f.db.store, post({ key: '/b', body: 'same', render, verifyNewThread })),
        );
        assert.equal(verified, 1, 'a duplicate costs no fetch');
      });

      it('renders and fetches nothing for a closed thread, a second opening post or a parent that is not there', async () => {
        const render = countingRenderer();
        let verified = 0;
        const verifyNewThread = async () => {
          verified++;
        };
        const first = await postMessage(f.db.store, post({ body: 'first', render }));
        assert.equal(render.calls, 1);
        const refused = (over: Partial<NewPost>) =>
          refusal(postMessage(f.db.store, post({ render, verifyNewThread, ...over })));
        // A parent on a thread this post would create: no message to answer, so no fetch.
        assert.equal(
          await refused({ key: '/new', body: 'a', parentId: first.message.id }),
          '400 invalid_request',
        );
        assert.equal(await refused({ body: 'b', parentId: 2_147_483_647 }), '400 invalid_request');
        assert.equal(await refused({ body: 'c', kind: 'opening' }), '400 invalid_request');
        await changeThread(f.db.store, {
          key: KEY,
          status: 'closed',
          now: f.now,
          autoCloseDays: undefined,
        });
        assert.equal(await refused({ body: 'd' }), '409 thread_closed');
        assert.equal(render.calls, 1, 'no refused post rendered');
        assert.equal(verified, 0, 'no refused post fetched its thread');
      });
    });
  });
}
