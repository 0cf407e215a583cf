import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { type LogFields, silentLogger } from '../app-deps.ts';
import type { DeliveryRow } from '../db/schema.ts';
import { openStore, type Store } from '../db/store.ts';
import { TrustedProxies } from '../http/client-address.ts';
import { ADMIN, ADMIN_TOKEN, type AppFixture, appFixture } from '../testing/app-fixture.ts';
import { json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { freePort } from '../testing/free-port.ts';
import { type WebhookReceiver, webhookReceiver } from '../testing/webhook-receiver.ts';
import type { DeliveryList, RetriedDelivery } from '../wire.ts';
import type { Channel, ClaimedDelivery } from './channel.ts';
import { claimDue, recordFailed } from './deliveries.repository.ts';
import {
  createDeliveryWorker,
  type DeliveryWorker,
  type DeliveryWorkerOptions,
  RETRY_DELAYS_MS,
} from './delivery-worker.ts';
import { createMailChannel } from './mail-channel.ts';
import { webhookChannel } from './webhook-channel.ts';

const KEY = '/blog/worker';
const THREAD = { title: 'Worker', url: 'https://blog.example/blog/worker' };

/**
 * A mail server that hangs: it takes connections and never says a word (not
 * even the greeting), as an overloaded or firewalled one does. It keeps
 * every socket open until closed.
 */
async function hungMailServer() {
  const sockets = new Set<Socket>();
  const waiting = new Set<{ count: number; resolve: () => void }>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    for (const w of waiting) if (sockets.size >= w.count) w.resolve();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    /** Connections open now. */
    open: () => sockets.size,
    /** Resolves once `count` connections are open at once. */
    connected(count: number) {
      if (sockets.size >= count) return Promise.resolve();
      return new Promise<void>((resolve) => waiting.add({ count, resolve }));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

for (const dialect of dialects) {
  describe(`the delivery worker on ${dialect.name}`, () => {
    let f: AppFixture;
    let receiver: WebhookReceiver;
    const workers: DeliveryWorker[] = [];
    const stores: Store[] = [];

    const open = async () => {
      receiver = await webhookReceiver();
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
    };
    /** A worker on the app's clock (or its own store: another instance), sending to the receiver. */
    const newWorker = (options: Partial<DeliveryWorkerOptions> = {}) => {
      const worker = createDeliveryWorker({
        store: f.db.store,
        logger: silentLogger,
        clock: () => new Date(f.now),
        channels: [webhookChannel({ url: receiver.url, secret: receiver.secret, version: 'test' })],
        stopGraceMs: 100,
        ...options,
      });
      workers.push(worker);
      return worker;
    };
    /** Another connection pool on the same database, as a second instance (or a restarted one) has. */
    const anotherStore = async () => {
      const store = await openStore(f.db.url);
      stores.push(store);
      return store;
    };
    afterEach(async () => {
      for (const worker of workers.splice(0)) await worker.stop();
      for (const store of stores.splice(0)) await store.close();
      await receiver.close();
      await f.close();
    });

    const deliveries = () =>
      f.db.store.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
    const only = async (): Promise<DeliveryRow> => {
      const rows = await deliveries();
      assert.equal(rows.length, 1);
      return rows[0]!;
    };
    const at = (ms: number, from: Date) => new Date(from.getTime() + ms).toISOString();

    it('retries a failing receiver on the Standard Webhooks schedule with the same webhook-id, then fails; a retry sends it again', async () => {
      await open();
      receiver.answer(500);
      const worker = newWorker();
      await f.postMessage(KEY, 'first', { thread: THREAD });
      const start = new Date(f.now);

      // Attempt 1 at once, then one after each delay, never before it is due.
      let due = start;
      for (let attempt = 1; attempt <= 8; attempt++) {
        if (attempt > 1) {
          f.now = new Date(due.getTime() - 1);
          assert.equal((await worker.runOnce()).failed, 0, `attempt ${attempt} waits until due`);
          assert.equal(receiver.requests.length, attempt - 1);
          f.now = due;
        }
        assert.equal((await worker.runOnce()).failed, 1, `attempt ${attempt} is made`);
        assert.equal(receiver.requests.length, attempt);
        const row = await only();
        assert.equal(row.attempts, attempt);
        assert.equal(row.last_error, 'HTTP 500');
        assert.equal(row.last_attempt_at, due.toISOString());
        const delay = RETRY_DELAYS_MS[attempt - 1];
        if (delay === undefined) break;
        assert.equal(row.next_attempt_at, at(delay, due), `after attempt ${attempt}`);
        assert.equal(row.failed_at, null);
        due = new Date(due.getTime() + delay);
      }
      const total = due.getTime() - start.getTime();
      assert.equal(total, (27 * 60 + 35) * 60_000 + 5_000, 'over a day in all: 27 h 35 min 5 s');
      const failed = await only();
      assert.equal(failed.failed_at, due.toISOString());
      assert.equal(failed.next_attempt_at, null);
      assert.equal(failed.locked_until, null);
      const ids = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
      assert.equal(ids.size, 1, 'every attempt carries the same webhook-id');
      assert.ok(receiver.requests.every((r) => r.verifyError === null));
      // Nothing more is tried, however long one waits.
      f.now = new Date(due.getTime() + 7 * 24 * 3600_000);
      assert.equal((await worker.runOnce()).failed, 0);
      assert.equal(receiver.requests.length, 8);

      // /admin shows it failed, and a retry sends it again, now.
      const list = await json<DeliveryList>(
        await f.get('/api/admin/deliveries?state=failed', ADMIN),
        200,
      );
      assert.equal(list.deliveries.length, 1);
      assert.equal(list.deliveries[0]!.lastError, 'HTTP 500');
      assert.equal(list.deliveries[0]!.attempts, 8);
      receiver.answer(200);
      const retried = await json<RetriedDelivery>(
        await f.post(`/api/admin/deliveries/${failed.id}/retry`, {}, ADMIN),
        200,
      );
      assert.equal(retried.delivery.failedAt, null);
      assert.equal(retried.delivery.nextAttemptAt, f.now.toISOString());
      assert.deepEqual(await worker.runOnce(), { fannedOut: 0, delivered: 1, failed: 0 });
      assert.equal(receiver.requests.length, 9);
      assert.equal(receiver.requests[8]!.headers['webhook-id'], [...ids][0]);
      const delivered = await only();
      assert.equal(delivered.delivered_at, f.now.toISOString());
      assert.equal(delivered.attempts, 9);
    });

    it('delivers on the second attempt after a 500, with the same webhook-id and signature checks', async () => {
      await open();
      receiver.answerNext(500);
      const worker = newWorker();
      await f.postMessage(KEY, 'first', { thread: THREAD });
      await worker.runOnce();
      f.now = new Date(f.now.getTime() + 5_000);
      assert.deepEqual(await worker.runOnce(), { fannedOut: 0, delivered: 1, failed: 0 });
      const [first, second] = receiver.requests;
      assert.equal(first!.headers['webhook-id'], second!.headers['webhook-id']);
      assert.equal(first!.body, second!.body, 'the same event, byte for byte');
      assert.equal(second!.verifyError, null);
      const row = await only();
      assert.equal(row.attempts, 2);
      assert.equal(row.last_error, 'HTTP 500', 'the last failure stays visible');
      assert.notEqual(row.delivered_at, null);
    });

    it('retries a 4xx receiver (it may be fixed), but stops at once on 410 Gone', async () => {
      await open();
      receiver.answerNext(404, 410);
      const worker = newWorker();
      await f.postMessage(KEY, 'first', { thread: THREAD });
      await worker.runOnce();
      let row = await only();
      assert.equal(row.last_error, 'HTTP 404');
      assert.equal(row.next_attempt_at, at(5_000, f.now));
      f.now = new Date(f.now.getTime() + 5_000);
      await worker.runOnce();
      row = await only();
      assert.equal(row.last_error, 'HTTP 410');
      assert.equal(row.attempts, 2);
      assert.equal(row.failed_at, f.now.toISOString());
      assert.equal(row.next_attempt_at, null);
    });

    it('does not follow a redirect: a 3xx is a failure, and the other place gets nothing', async () => {
      await open();
      const elsewhere = await webhookReceiver(receiver.secret);
      try {
        receiver.answer({ redirect: elsewhere.url });
        const worker = newWorker();
        await f.postMessage(KEY, 'first', { thread: THREAD });
        await worker.runOnce();
        assert.equal((await only()).last_error, 'HTTP 302 (redirects are not followed)');
        assert.equal(elsewhere.requests.length, 0);
      } finally {
        await elsewhere.close();
      }
    });

    it('times out a receiver that never answers, and retries it', async () => {
      await open();
      receiver.answer('hang');
      const worker = newWorker({ sendTimeoutMs: 200 });
      await f.postMessage(KEY, 'first', { thread: THREAD });
      assert.deepEqual(await worker.runOnce(), { fannedOut: 1, delivered: 0, failed: 1 });
      assert.equal(receiver.requests.length, 1);
      const row = await only();
      assert.equal(row.last_error, 'timeout after 0.2 s');
      assert.equal(row.locked_until, null);
      assert.equal(row.next_attempt_at, at(5_000, f.now));
    });

    it('records a receiver that is not there by its error code', async () => {
      await open();
      const port = await freePort();
      const worker = newWorker({
        channels: [
          webhookChannel({
            url: `http://127.0.0.1:${port}/nobody`,
            secret: receiver.secret,
            version: 'test',
          }),
        ],
      });
      await f.postMessage(KEY, 'first', { thread: THREAD });
      await worker.runOnce();
      const row = await only();
      assert.equal(row.last_error, 'ECONNREFUSED');
      assert.equal(row.target, `http://127.0.0.1:${port}`);
    });

    it('survives a crash mid-send: once the lease runs out another instance sends it, and the late outcome is dropped', async () => {
      await open();
      receiver.answerNext(500);
      await newWorker().runOnce();
      await f.postMessage(KEY, 'first', { thread: THREAD });
      await newWorker().runOnce();
      assert.equal((await only()).last_error, 'HTTP 500');
      const due = new Date(f.now.getTime() + 5_000);
      f.now = due;
      // An instance claims the retry, as a pass does, and dies before sending.
      const claimed = await f.db.store.write((trx) =>
        claimDue(trx, {
          dialect: f.db.store.dialect,
          now: due.toISOString(),
          lockedUntil: at(60_000, due),
          channels: ['webhook'],
          limit: 10,
        }),
      );
      assert.equal(claimed.length, 1);
      assert.equal(claimed[0]!.attempts, 2);

      // A restarted instance: its own pool, a fresh worker.
      const restarted = newWorker({ store: await anotherStore() });
      assert.deepEqual(await restarted.runOnce(), { fannedOut: 0, delivered: 0, failed: 0 });
      assert.equal(receiver.requests.length, 1, 'held by the claim: not sent');
      f.now = new Date(due.getTime() + 60_000);
      assert.deepEqual(await restarted.runOnce(), { fannedOut: 0, delivered: 1, failed: 0 });
      assert.equal(receiver.requests.length, 2);
      assert.equal(
        receiver.requests[0]!.headers['webhook-id'],
        receiver.requests[1]!.headers['webhook-id'],
      );
      // The crashed claim's outcome, arriving late, changes nothing.
      await f.db.store.write((trx) =>
        recordFailed(
          trx,
          { id: claimed[0]!.id, attempts: claimed[0]!.attempts },
          { now: f.now.toISOString(), error: 'late', nextAttemptAt: null },
        ),
      );
      const row = await only();
      assert.notEqual(row.delivered_at, null);
      assert.equal(row.failed_at, null);
      assert.equal(row.attempts, 3);
      assert.equal(row.last_error, 'HTTP 500');
    });

    it('two instances racing over 50 events deliver each exactly once', async () => {
      await open();
      const [storeA, storeB] = [await anotherStore(), await anotherStore()];
      for (let i = 0; i < 50; i++) {
        await f.postMessage(KEY, `message ${i}`, i === 0 ? { thread: THREAD } : {});
      }
      const a = newWorker({ store: storeA, batchSize: 5 });
      const b = newWorker({ store: storeB, batchSize: 5 });
      const totals = { a: 0, b: 0 };
      for (let round = 0; round < 50; round++) {
        const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
        totals.a += ra.delivered;
        totals.b += rb.delivered;
        const work = ra.fannedOut + ra.delivered + ra.failed + rb.fannedOut + rb.delivered;
        if (work + rb.failed === 0) break;
      }
      assert.equal(totals.a + totals.b, 50);
      const ids = receiver.requests.map((r) => r.headers['webhook-id']);
      assert.equal(ids.length, 50, 'no request twice');
      assert.equal(new Set(ids).size, 50);
      const messageIds = receiver.requests.map((r) => JSON.parse(r.body).data.message.id);
      assert.deepEqual(
        [...new Set(messageIds)].sort((x, y) => x - y),
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      const rows = await deliveries();
      assert.equal(rows.length, 50, 'each event fanned out once');
      assert.ok(rows.every((row) => row.attempts === 1 && row.delivered_at !== null));
      assert.equal((await f.db.store.db.selectFrom('outbox').select('id').execute()).length, 0);
    });

    it('claims all due rows of a batched type and recipient at once, and sends them as one', async () => {
      await open();
      const batches: number[][] = [];
      const singles: number[] = [];
      // A channel like the owner's digest: a row per event, due at the end of the hour.
      const digest: Channel = {
        name: 'mail',
        batchedTypes: ['digest'],
        async deliveriesFor(_trx, event, time) {
          if (event.type !== 'message.created') return [];
          const hourEnd = new Date(time.occurredAt);
          hourEnd.setUTCMinutes(60, 0, 0);
          return [
            {
              type: 'digest',
              target: 'owner',
              payload: { id: event.data.message.id },
              dueAt: hourEnd.toISOString(),
            },
            { type: 'each', target: 'owner', payload: { id: event.data.message.id } },
          ];
        },
        async send(delivery: ClaimedDelivery) {
          singles.push((delivery.payload as { id: number }).id);
        },
        async sendBatch(group) {
          batches.push(group.map((d) => (d.payload as { id: number }).id));
        },
      };
      const worker = newWorker({ channels: [digest], batchSize: 2 });
      f.now = new Date('2026-03-01T12:10:00.000Z');
      for (let i = 0; i < 5; i++) await f.postMessage(KEY, `m${i}`, i ? {} : { thread: THREAD });
      await worker.runOnce();
      assert.deepEqual(singles, [1, 2, 3, 4, 5], 'the other type: one send each');
      assert.deepEqual(batches, [], 'not due before the hour ends');
      f.now = new Date('2026-03-01T13:00:00.000Z');
      await f.postMessage(KEY, 'next hour');
      await worker.runOnce();
      assert.deepEqual(batches, [[1, 2, 3, 4, 5]], "the hour's rows, in one send");
      assert.deepEqual(singles, [1, 2, 3, 4, 5, 6]);
      const rows = (await deliveries()).filter((row) => row.type === 'digest');
      assert.equal(rows.filter((row) => row.delivered_at !== null).length, 5);
      assert.equal(rows.at(-1)!.next_attempt_at, '2026-03-01T14:00:00.000Z');
    });

    it('two instances claim an hour of digest rows whole: one digest, never split', async () => {
      await open();
      const batches: number[][] = [];
      const digest: Channel = {
        name: 'mail',
        batchedTypes: ['digest'],
        async deliveriesFor(_trx, event, time) {
          if (event.type !== 'message.created') return [];
          const hourEnd = new Date(time.occurredAt);
          hourEnd.setUTCMinutes(60, 0, 0);
          return [
            {
              type: 'digest',
              target: 'owner',
              payload: { id: event.data.message.id },
              dueAt: hourEnd.toISOString(),
            },
          ];
        },
        async send() {
          throw new Error('a digest row is never sent alone');
        },
        async sendBatch(group) {
          // A send takes a while, as SMTP does: the other instance claims meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 20));
          batches.push(group.map((d) => (d.payload as { id: number }).id));
        },
      };
      const [storeA, storeB] = [await anotherStore(), await anotherStore()];
      const a = newWorker({ store: storeA, channels: [digest], batchSize: 5 });
      const b = newWorker({ store: storeB, channels: [digest], batchSize: 5 });
      // Three hours, each raced by both instances as its rows come due.
      f.now = new Date('2026-03-01T12:10:00.000Z');
      let id = 0;
      for (let hour = 0; hour < 3; hour++) {
        for (let i = 0; i < 20; i++) {
          await f.postMessage(KEY, `m${id++}`, id === 1 ? { thread: THREAD } : {});
        }
        await Promise.all([a.runOnce(), b.runOnce()]);
        assert.equal(batches.length, hour, 'nothing before the hour ends');
        f.now = new Date(Date.UTC(2026, 2, 1, 13 + hour, 0, 0));
        const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
        assert.equal(ra.delivered + rb.delivered, 1, `hour ${hour}: one send`);
        assert.equal(batches.length, hour + 1, `hour ${hour}: one digest`);
        assert.equal(batches[hour]!.length, 20, `hour ${hour}: every row of the hour in it`);
        f.now = new Date(f.now.getTime() + 10 * 60_000);
      }
      const rows = await deliveries();
      assert.equal(rows.length, 60);
      assert.ok(rows.every((row) => row.attempts === 1 && row.delivered_at !== null));
    });

    it('a hung mail server holds up no webhook: each channel claims and sends on its own, 4 at once', async () => {
      await open();
      const hung = await hungMailServer();
      try {
        const mail = createMailChannel({
          origins: ['https://blog.example'],
          trustedProxies: new TrustedProxies([]),
          rateLimit: 0,
          mail: {
            smtpUrl: hung.url,
            from: 'parley@blog.example',
            ownerEmail: 'owner@blog.example',
            ownerMail: 'each',
          },
        });
        const worker = newWorker({
          channels: [
            webhookChannel({ url: receiver.url, secret: receiver.secret, version: 'test' }),
            mail,
          ],
          // Far longer than this test: a send ends only when stop() interrupts it.
          sendTimeoutMs: 600_000,
        });
        // A backlog: 60 messages, each a webhook and a mail to the owner.
        for (let i = 0; i < 60; i++) {
          await f.postMessage(KEY, `message ${i}`, i === 0 ? { thread: THREAD } : {});
        }
        const first = worker.runOnce();
        await receiver.received(60);
        await hung.connected(4);
        // One more message: its webhook goes out in the next poll, mail still hung.
        await f.postMessage(KEY, 'after the backlog');
        const second = await worker.runOnce();
        assert.equal(second.fannedOut, 1);
        await receiver.received(61);
        assert.equal(
          JSON.parse(receiver.requests[60]!.body).data.message.body,
          'after the backlog',
        );
        assert.equal(hung.open(), 4, 'four mails at once, all still waiting for a greeting');
        const mails = (await deliveries()).filter((row) => row.channel === 'mail');
        assert.equal(mails.length, 61);
        assert.equal(mails.filter((row) => row.attempts > 0).length, 4, 'the rest wait their turn');
        assert.ok(mails.every((row) => row.delivered_at === null));

        // Stopping interrupts the hung sends: retried on the schedule.
        await worker.stop();
        const result = await first;
        assert.equal(result.failed, 4);
        const interrupted = (await deliveries()).filter((row) => row.last_error !== null);
        assert.equal(interrupted.length, 4);
        assert.ok(interrupted.every((row) => row.last_error === 'interrupted: the server stopped'));
      } finally {
        await hung.close();
      }
    });

    it('runs 25 sends at once with no MaxListenersExceededWarning', async () => {
      await open();
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
      process.on('warning', onWarning);
      try {
        let started = 0;
        let allStarted!: () => void;
        const together = new Promise<void>((resolve) => {
          allStarted = resolve;
        });
        // Each send waits until all 25 are running: they are at once, or the test fails.
        const slow: Channel = {
          name: 'webhook',
          async deliveriesFor(_trx, event) {
            return event.type === 'message.created'
              ? [{ type: event.type, target: 'test', payload: { n: event.data.message.id } }]
              : [];
          },
          async send(_delivery, context) {
            assert.equal(context.signal.aborted, false);
            if (++started === 25) allStarted();
            await together;
          },
        };
        const worker = newWorker({ channels: [slow], batchSize: 25, sendConcurrency: 25 });
        for (let i = 0; i < 25; i++) {
          await f.postMessage(KEY, `message ${i}`, i === 0 ? { thread: THREAD } : {});
        }
        assert.deepEqual(await worker.runOnce(), { fannedOut: 25, delivered: 25, failed: 0 });
        // Warnings are emitted on a later tick.
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(warnings, []);
      } finally {
        process.off('warning', onWarning);
      }
    });

    it('fails the due deliveries of a channel it lacks, saying why; a retry sends them once it has it', async () => {
      await open();
      const sent: number[] = [];
      // Mail as another configuration made it: due a minute after the event.
      const mail: Channel = {
        name: 'mail',
        async deliveriesFor(_trx, event, time) {
          if (event.type !== 'message.created') return [];
          const due = new Date(new Date(time.now).getTime() + 60_000).toISOString();
          return [{ type: event.type, target: 'owner', payload: { id: 1 }, dueAt: due }];
        },
        async send(delivery) {
          sent.push(delivery.id);
        },
      };
      await f.postMessage(KEY, 'first', { thread: THREAD });
      assert.equal((await newWorker({ channels: [mail] }).runOnce()).fannedOut, 1);
      // An instance without mail (PARLEY_SMTP_URL unset): not due yet, left alone.
      const withoutMail = newWorker();
      await withoutMail.runOnce();
      assert.equal((await only()).failed_at, null);
      f.now = new Date(f.now.getTime() + 60_000);
      await withoutMail.runOnce();
      const failed = await only();
      assert.equal(failed.failed_at, f.now.toISOString());
      assert.equal(failed.next_attempt_at, null);
      assert.equal(failed.attempts, 0, 'nothing was attempted');
      assert.equal(failed.last_error, 'mail is not configured (PARLEY_SMTP_URL)');
      const list = await json<DeliveryList>(
        await f.get('/api/admin/deliveries?state=failed', ADMIN),
        200,
      );
      assert.equal(list.deliveries[0]?.lastError, 'mail is not configured (PARLEY_SMTP_URL)');

      // With no channel at all, too.
      await json(await f.post(`/api/admin/deliveries/${failed.id}/retry`, {}, ADMIN), 200);
      await newWorker({ channels: [] }).runOnce();
      assert.equal((await only()).last_error, 'mail is not configured (PARLEY_SMTP_URL)');
      assert.notEqual((await only()).failed_at, null);

      // Mail configured now: a retry sends it.
      await json(await f.post(`/api/admin/deliveries/${failed.id}/retry`, {}, ADMIN), 200);
      assert.deepEqual(await newWorker({ channels: [mail] }).runOnce(), {
        fannedOut: 0,
        delivered: 1,
        failed: 0,
      });
      assert.deepEqual(sent, [failed.id]);
      assert.notEqual((await only()).delivered_at, null);
    });

    it('leaves an event whose fan-out fails in the outbox, and goes on with the others', async () => {
      await open();
      const picky: Channel = {
        name: 'mail',
        async deliveriesFor(_trx, event) {
          if (event.type === 'thread.closed') {
            throw new Error('cannot handle this one (Key (address_key)=(someone@example.org))');
          }
          return [];
        },
        async send() {},
      };
      const logged: LogFields[] = [];
      const worker = newWorker({
        logger: { info: (line) => logged.push(line), error: (line) => logged.push(line) },
        channels: [
          webhookChannel({ url: receiver.url, secret: receiver.secret, version: 'test' }),
          picky,
        ],
      });
      await f.postMessage(KEY, 'first', { thread: THREAD });
      await f.patch(`/api/admin/threads/${encodeURIComponent(KEY)}`, { status: 'closed' }, ADMIN);
      await f.patch(`/api/admin/threads/${encodeURIComponent(KEY)}`, { status: 'open' }, ADMIN);
      await f.postMessage(KEY, 'second');
      const result = await worker.runOnce();
      assert.equal(result.fannedOut, 2);
      assert.deepEqual(
        receiver.requests.map((r) => JSON.parse(r.body).type),
        ['message.created', 'message.created'],
      );
      const left = await f.db.store.db.selectFrom('outbox').select('type').execute();
      assert.deepEqual(left, [{ type: 'thread.closed' }], 'kept, to be tried again');
      const failure = logged.find((line) => line.msg === 'notification fan-out failed');
      assert.equal(failure?.type, 'thread.closed');
      assert.match(String(failure?.error), /cannot handle this one/);
      assert.doesNotMatch(JSON.stringify(logged), /someone|example\.org/, 'no address in the log');
      // Not tried again at once: the next pass leaves it alone.
      logged.length = 0;
      assert.equal((await worker.runOnce()).fannedOut, 0);
      assert.equal(logged.length, 0);
    });

    it('with no channel configured, empties the outbox and creates no delivery', async () => {
      await open();
      const worker = newWorker({ channels: [] });
      await f.postMessage(KEY, 'first', { thread: THREAD });
      await f.postMessage(KEY, 'second');
      assert.deepEqual(await worker.runOnce(), { fannedOut: 2, delivered: 0, failed: 0 });
      assert.deepEqual(await f.db.store.db.selectFrom('outbox').select('id').execute(), []);
      assert.deepEqual(await deliveries(), []);
      assert.equal(receiver.requests.length, 0);
    });

    it('prunes delivered rows after 7 days and failed ones after 30', async () => {
      await open();
      receiver.answerNext(410);
      const worker = newWorker();
      await f.postMessage(KEY, 'fails', { thread: THREAD });
      await f.postMessage(KEY, 'delivered');
      await worker.runOnce();
      const rows = await deliveries();
      assert.deepEqual(
        rows.map((row) => [row.failed_at !== null, row.delivered_at !== null]),
        [
          [true, false],
          [false, true],
        ],
      );
      const sent = new Date(f.now);
      f.now = new Date(sent.getTime() + 7 * 24 * 3600_000 + 1);
      await worker.runOnce();
      assert.deepEqual(
        (await deliveries()).map((row) => row.id),
        [rows[0]!.id],
      );
      f.now = new Date(sent.getTime() + 30 * 24 * 3600_000 + 1);
      await worker.runOnce();
      assert.deepEqual(await deliveries(), []);
    });
  });
}

describe('createDeliveryWorker', () => {
  it('refuses two channels with one name, and a batching channel without sendBatch', () => {
    const store = {} as Store;
    const channel: Channel = { name: 'mail', deliveriesFor: async () => [], send: async () => {} };
    assert.throws(
      () => createDeliveryWorker({ store, logger: silentLogger, channels: [channel, channel] }),
      /two delivery channels named mail/,
    );
    assert.throws(
      () =>
        createDeliveryWorker({
          store,
          logger: silentLogger,
          channels: [{ ...channel, batchedTypes: ['digest'] }],
        }),
      /no sendBatch/,
    );
  });
});
