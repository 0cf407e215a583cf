import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { silentLogger } from '../app-deps.ts';
import { ADMIN, ADMIN_TOKEN, type AppFixture, appFixture } from '../testing/app-fixture.ts';
import { assertError, json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { type WebhookReceiver, webhookReceiver } from '../testing/webhook-receiver.ts';
import type { Delivery, DeliveryList, RetriedDelivery } from '../wire.ts';
import { createDeliveryWorker, type DeliveryWorker } from './delivery-worker.ts';
import { webhookChannel } from './webhook-channel.ts';

const KEY = '/blog/deliveries';
const THREAD = { title: 'Deliveries', url: 'https://blog.example/blog/deliveries' };

for (const dialect of dialects) {
  describe(`GET /api/admin/deliveries and POST /api/admin/deliveries/:id/retry on ${dialect.name}`, () => {
    let f: AppFixture;
    let receiver: WebhookReceiver;
    let worker: DeliveryWorker;

    const open = async () => {
      receiver = await webhookReceiver();
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
      worker = createDeliveryWorker({
        store: f.db.store,
        logger: silentLogger,
        clock: () => new Date(f.now),
        channels: [webhookChannel({ url: receiver.url, secret: receiver.secret, version: 'test' })],
      });
    };
    afterEach(async () => {
      await worker.stop();
      await receiver.close();
      await f.close();
    });

    /** Posts `count` messages, each answered by the receiver with the next of `answers`. */
    const deliver = async (answers: number[]) => {
      receiver.answerNext(...answers);
      for (let i = 0; i < answers.length; i++) {
        await f.postMessage(KEY, `message ${i}`, i === 0 ? { thread: THREAD } : {});
        // One at a time, so the answers meet the deliveries in order.
        await worker.runOnce();
      }
    };
    const list = async (query = '') =>
      json<DeliveryList>(await f.get(`/api/admin/deliveries${query}`, ADMIN), 200);
    /** Every page of a listing, following its cursors. */
    const all = async (query: string, limit: number) => {
      const seen: Delivery[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page = await list(`?limit=${limit}${query}${after}`);
        assert.ok(page.deliveries.length <= limit);
        seen.push(...page.deliveries);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      return { seen, pages };
    };

    it('lists deliveries newest first, page by page, by state', async () => {
      await open();
      // Delivered, failed for good (410), pending (500, to be retried), delivered, pending.
      await deliver([204, 410, 500, 200, 503]);
      const everything = await all('', 2);
      assert.equal(everything.pages, 3);
      const ids = everything.seen.map((d) => d.id);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => b - a),
        'newest first',
      );
      assert.equal(new Set(ids).size, 5);
      const state = (d: Delivery) =>
        d.deliveredAt ? 'delivered' : d.failedAt ? 'failed' : 'pending';
      assert.deepEqual(everything.seen.map(state), [
        'pending',
        'delivered',
        'pending',
        'failed',
        'delivered',
      ]);
      assert.deepEqual(
        everything.seen.map((d) => d.lastError),
        ['HTTP 503', null, 'HTTP 500', 'HTTP 410', null],
      );
      for (const wanted of ['delivered', 'failed', 'pending'] as const) {
        const { seen } = await all(`&state=${wanted}`, 1);
        assert.deepEqual(
          seen.map((d) => d.id),
          everything.seen.filter((d) => state(d) === wanted).map((d) => d.id),
          wanted,
        );
      }
      const pending = (await list('?state=pending')).deliveries;
      assert.ok(pending.every((d) => d.nextAttemptAt !== null && d.attempts === 1));
      assert.ok(
        everything.seen.every((d) => d.channel === 'webhook' && d.type === 'message.created'),
      );
      assert.ok(everything.seen.every((d) => d.target === new URL(receiver.url).origin));
    });

    it('retries a failed delivery now, keeps the webhook-id, and refuses a delivered one', async () => {
      await open();
      await deliver([410, 204]);
      const [delivered, failed] = (await list()).deliveries;
      assert.ok(failed?.failedAt && delivered?.deliveredAt);
      f.now = new Date(f.now.getTime() + 60_000);
      const res = await f.post(`/api/admin/deliveries/${failed.id}/retry`, {}, ADMIN);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const { delivery } = await json<RetriedDelivery>(res, 200);
      assert.equal(delivery.id, failed.id);
      assert.equal(delivery.failedAt, null);
      assert.equal(delivery.nextAttemptAt, f.now.toISOString());
      assert.equal(delivery.lastError, 'HTTP 410');
      assert.deepEqual(await worker.runOnce(), { fannedOut: 0, delivered: 1, failed: 0 });
      assert.equal(receiver.requests.length, 3);
      assert.equal(
        receiver.requests[2]!.headers['webhook-id'],
        receiver.requests[0]!.headers['webhook-id'],
      );
      await assertError(
        await f.post(`/api/admin/deliveries/${delivered.id}/retry`, {}, ADMIN),
        409,
        'already_delivered',
      );
      await assertError(
        await f.post('/api/admin/deliveries/999999/retry', {}, ADMIN),
        404,
        'not_found',
      );
    });

    it('brings a pending delivery forward to now', async () => {
      await open();
      await deliver([500]);
      const [pending] = (await list()).deliveries;
      assert.notEqual(pending?.nextAttemptAt, f.now.toISOString());
      const { delivery } = await json<RetriedDelivery>(
        await f.post(`/api/admin/deliveries/${pending!.id}/retry`, {}, ADMIN),
        200,
      );
      assert.equal(delivery.nextAttemptAt, f.now.toISOString());
      assert.deepEqual(await worker.runOnce(), { fannedOut: 0, delivered: 1, failed: 0 });
    });

    it('refuses to retry a delivery being sent right now (409 delivery_in_progress), then retries it once the attempt ends', async () => {
      await open();
      receiver.answer('hang');
      worker = createDeliveryWorker({
        store: f.db.store,
        logger: silentLogger,
        clock: () => new Date(f.now),
        channels: [webhookChannel({ url: receiver.url, secret: receiver.secret, version: 'test' })],
        sendTimeoutMs: 600_000,
        stopGraceMs: 0,
      });
      await f.postMessage(KEY, 'first', { thread: THREAD });
      const sending = worker.runOnce();
      await receiver.received(1);
      const [delivery] = (await list()).deliveries;
      assert.equal(delivery?.attempts, 1);
      const refused = await assertError(
        await f.post(`/api/admin/deliveries/${delivery.id}/retry`, {}, ADMIN),
        409,
        'delivery_in_progress',
      );
      assert.match(refused.error.message, /being sent right now/);
      const unchanged = (await list()).deliveries[0];
      assert.deepEqual(unchanged, delivery, 'the row is left as it was');
      // The attempt ends (interrupted here); now the retry is taken.
      await worker.stop();
      await sending;
      const { delivery: retried } = await json<RetriedDelivery>(
        await f.post(`/api/admin/deliveries/${delivery.id}/retry`, {}, ADMIN),
        200,
      );
      assert.equal(retried.nextAttemptAt, f.now.toISOString());
      assert.equal(retried.lastError, 'interrupted: the server stopped');
    });

    it('needs the admin token: 401 without it or with a wrong one', async () => {
      await open();
      await deliver([204]);
      const [delivery] = (await list()).deliveries;
      await assertError(await f.get('/api/admin/deliveries'), 401, 'unauthorized');
      await assertError(
        await f.get('/api/admin/deliveries', { Authorization: 'Bearer wrong-token-0123456789' }),
        401,
        'unauthorized',
      );
      await assertError(
        await f.post(`/api/admin/deliveries/${delivery!.id}/retry`, {}),
        401,
        'unauthorized',
      );
    });

    it('answers 400 naming the field for a bad state, cursor, limit or id', async () => {
      await open();
      await deliver([204, 204]);
      await assertError(
        await f.get('/api/admin/deliveries?state=lost', ADMIN),
        400,
        'invalid_request',
        ['state'],
      );
      // An array is not a state: refused, not ignored (which would list everything).
      for (const query of [
        'state[]=failed',
        'state%5B%5D=failed',
        'state[0]=failed',
        'state=failed&state=pending',
      ]) {
        await assertError(
          await f.get(`/api/admin/deliveries?${query}`, ADMIN),
          400,
          'invalid_request',
          ['state'],
        );
      }
      await assertError(
        await f.get('/api/admin/deliveries?cursor=not-a-cursor', ADMIN),
        400,
        'invalid_request',
        ['cursor'],
      );
      await assertError(
        await f.get('/api/admin/deliveries?limit=0', ADMIN),
        400,
        'invalid_request',
        ['limit'],
      );
      // A cursor of one state's listing is not one of another's.
      const { nextCursor } = await list('?limit=1&state=delivered');
      assert.ok(nextCursor);
      await assertError(
        await f.get(
          `/api/admin/deliveries?state=failed&cursor=${encodeURIComponent(nextCursor)}`,
          ADMIN,
        ),
        400,
        'invalid_request',
        ['cursor'],
      );
      for (const id of ['0', 'abc', '99999999999', '-1']) {
        await assertError(
          await f.post(`/api/admin/deliveries/${id}/retry`, {}, ADMIN),
          400,
          'invalid_request',
          ['id'],
        );
      }
    });
  });
}
