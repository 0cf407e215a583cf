import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { AppConfig } from '../app-deps.ts';
import { silentLogger } from '../app-deps.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  threadPath,
} from '../testing/app-fixture.ts';
import { json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { type WebhookReceiver, webhookReceiver } from '../testing/webhook-receiver.ts';
import type { DeliveryList, WebhookEventData } from '../wire.ts';
import { createDeliveryWorker, type DeliveryWorker } from './delivery-worker.ts';
import { type WebhookBody, webhookChannel } from './webhook-channel.ts';

const KEY = '/blog/webhooks';
const THREAD = { title: 'Webhooks', url: 'https://blog.example/blog/webhooks' };

for (const dialect of dialects) {
  describe(`webhooks on ${dialect.name}`, () => {
    let f: AppFixture;
    let receiver: WebhookReceiver;
    let worker: DeliveryWorker;

    /** An app with the admin token, a receiver, and a worker on the app's clock. */
    const open = async (config: Partial<AppConfig> = {}) => {
      receiver = await webhookReceiver();
      const webhook = { url: receiver.url, secret: receiver.secret };
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, webhook, ...config });
      worker = createDeliveryWorker({
        store: f.db.store,
        logger: silentLogger,
        clock: () => new Date(f.now),
        channels: [webhookChannel({ ...webhook, version: '0.1.0-test' })],
        stopGraceMs: 100,
      });
    };
    afterEach(async () => {
      await worker.stop();
      await receiver.close();
      await f.close();
    });

    const bodies = () => receiver.requests.map((r) => JSON.parse(r.body) as WebhookBody);

    it('POSTs message.created, signed as Standard Webhooks, with the documented headers and body', async () => {
      await open();
      const posted = await f.postMessage(KEY, 'Hello **hooks**', { thread: THREAD });
      const postedAt = f.now.toISOString();
      assert.deepEqual(await worker.runOnce(), { fannedOut: 1, delivered: 1, failed: 0 });

      assert.equal(receiver.requests.length, 1);
      const [request] = receiver.requests;
      assert.equal(request!.method, 'POST');
      assert.equal(request!.path, '/hooks/parley');
      assert.equal(request!.verifyError, null, 'the signature verifies with standardwebhooks');
      assert.match(request!.headers['webhook-id']!, /^msg_[A-Za-z0-9_-]{22}$/);
      assert.match(request!.headers['webhook-timestamp']!, /^\d{10}$/);
      assert.match(request!.headers['webhook-signature']!, /^v1,[A-Za-z0-9+/]+=*$/);
      assert.equal(request!.headers['content-type'], 'application/json');
      assert.equal(request!.headers['user-agent'], 'Parley/0.1.0-test');

      const body = JSON.parse(request!.body) as WebhookBody<'message.created'>;
      assert.deepEqual(Object.keys(body), ['type', 'timestamp', 'data']);
      assert.equal(body.type, 'message.created');
      assert.equal(body.timestamp, postedAt, 'when it happened, not when it was sent');
      assert.deepEqual(Object.keys(body.data), ['thread', 'message']);
      assert.equal(body.data.thread.key, KEY);
      assert.equal(body.data.thread.title, 'Webhooks');
      assert.equal(body.data.message.id, posted.message.id);
      assert.equal(body.data.message.body, 'Hello **hooks**');
      assert.equal(body.data.message.html, posted.message.html);
      assert.equal(body.data.message.status, 'published');
      assert.equal(body.data.message.heldReason, null);
      assert.equal(body.data.message.url, `${THREAD.url}#parley-${posted.message.id}`);

      const list = await json<DeliveryList>(await f.get('/api/admin/deliveries', ADMIN), 200);
      assert.equal(list.deliveries.length, 1);
      assert.deepEqual(list.deliveries[0], {
        id: list.deliveries[0]!.id,
        channel: 'webhook',
        type: 'message.created',
        target: new URL(receiver.url).origin,
        attempts: 1,
        createdAt: postedAt,
        lastAttemptAt: postedAt,
        lastError: null,
        nextAttemptAt: null,
        deliveredAt: postedAt,
        failedAt: null,
      });
      // Sent: nothing left to do, nothing sent twice.
      assert.deepEqual(await worker.runOnce(), { fannedOut: 0, delivered: 0, failed: 0 });
      assert.equal(receiver.requests.length, 1);
    });

    it('sends message.pending for a held post, with why; message.created when approved', async () => {
      await open({ heldWords: ['casino'] });
      await f.postMessage(KEY, 'first', { thread: THREAD });
      const held = await f.postMessage(KEY, 'the casino is open');
      const spam = await f.postMessage(KEY, 'cheap pills', { website: 'https://spam.example' });
      assert.equal(
        (await f.patch(`/api/admin/messages/${held.message.id}`, { status: 'published' }, ADMIN))
          .status,
        200,
      );
      await worker.runOnce();
      assert.ok(receiver.requests.every((r) => r.verifyError === null));
      assert.deepEqual(
        bodies().map((b) => {
          const { message } = b.data as WebhookEventData['message.pending'];
          return [b.type, message.id, message.status, message.heldReason];
        }),
        [
          ['message.created', 1, 'published', null],
          ['message.pending', held.message.id, 'pending', 'held_words'],
          ['message.pending', spam.message.id, 'spam', 'spam'],
          ['message.created', held.message.id, 'published', null],
        ],
      );
    });

    it('sends message.reported with the open count and whether the report hid it', async () => {
      await open({ reportThreshold: 2 });
      const { message } = await f.postMessage(KEY, 'contested', { thread: THREAD });
      for (const peer of ['198.51.100.1', '192.0.2.9']) {
        f.peer = peer;
        const res = await f.post(`/api/messages/${message.id}/report`, { reason: `by ${peer}` });
        assert.equal(res.status, 202);
      }
      await worker.runOnce();
      const reported = bodies().filter((b) => b.type === 'message.reported');
      assert.deepEqual(
        reported.map((b) => (b.data as WebhookEventData['message.reported']).report),
        [
          { reason: 'by 198.51.100.1', count: 1, hidden: false },
          { reason: 'by 192.0.2.9', count: 2, hidden: true },
        ],
      );
      const last = reported[1]!.data as WebhookEventData['message.reported'];
      assert.equal(last.message.id, message.id);
      assert.equal(last.message.status, 'hidden');
      assert.equal(last.message.reportCount, 2);
    });

    it('sends thread.closed when a moderator closes the thread', async () => {
      await open();
      await f.postMessage(KEY, 'first', { thread: THREAD });
      const res = await f.patch(
        `/api/admin/threads/${encodeURIComponent(KEY)}`,
        { status: 'closed' },
        ADMIN,
      );
      assert.equal(res.status, 200);
      await worker.runOnce();
      const closed = bodies().filter((b) => b.type === 'thread.closed');
      assert.equal(closed.length, 1);
      assert.deepEqual(Object.keys(closed[0]!.data), ['thread']);
      const { thread } = closed[0]!.data as WebhookEventData['thread.closed'];
      assert.equal(thread.key, KEY);
      assert.equal(thread.status, 'closed');
    });

    it('never carries a reader address, client hash, token or the internal route', async () => {
      await open({ moderation: 'all', reportThreshold: 5 });
      const address = 'Private.Reader@example.org';
      const { message, editToken } = await f.postMessage(KEY, 'tell me about replies', {
        thread: THREAD,
      });
      // The mail side links a post to its author's address; do it as it would,
      // so every event after this one has the address in its route.
      const { db } = f.db.store;
      const { id: addressId } = await db
        .insertInto('reader_addresses')
        .values({ address, address_key: address.toLowerCase(), created_at: f.now.toISOString() })
        .returning('id')
        .executeTakeFirstOrThrow();
      const row = await db
        .insertInto('reader_keys')
        .values({
          address_id: addressId,
          key_hash: 'a'.repeat(64),
          created_at: f.now.toISOString(),
          confirmed_at: f.now.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .updateTable('messages')
        .set({ notify_key_id: row.id })
        .where('id', '=', message.id)
        .execute();
      const approved = await f.patch(
        `/api/admin/messages/${message.id}`,
        { status: 'published' },
        ADMIN,
      );
      assert.equal(approved.status, 200);
      assert.equal((await f.post(`/api/messages/${message.id}/report`, {})).status, 202);
      const outbox = await db.selectFrom('outbox').select('payload').execute();
      assert.ok(
        outbox.some((o) => JSON.parse(o.payload).route?.authorKeyId === row.id),
        'the route does carry the key id (so its absence below means something)',
      );
      const stored = await db
        .selectFrom('messages')
        .select(['ip_hash', 'edit_token_hash'])
        .where('id', '=', message.id)
        .executeTakeFirstOrThrow();

      await worker.runOnce();
      assert.deepEqual(
        bodies().map((b) => b.type),
        ['message.pending', 'message.created', 'message.reported'],
      );
      const sent = receiver.requests
        .map((r) => `${JSON.stringify(r.headers)}\n${r.body}`)
        .join('\n');
      for (const secret of [
        address,
        address.toLowerCase(),
        editToken,
        stored.ip_hash,
        stored.edit_token_hash,
        f.peer,
      ]) {
        assert.ok(secret && !sent.includes(secret), `${secret} is not in what was sent`);
      }
      assert.doesNotMatch(sent, /route|authorKeyId|address|byOwner|ip_?hash|token/i);
      // Nor in what /admin shows of the deliveries.
      const admin = await (await f.get('/api/admin/deliveries', ADMIN)).text();
      assert.ok(!admin.includes(address) && !admin.includes('example.org'));
    });

    it('answers a post with 201 while the receiver hangs: posting never waits on delivery', async () => {
      await open();
      receiver.answer('hang');
      worker.start();
      await f.postMessage(KEY, 'first', { thread: THREAD });
      await receiver.received(1);
      assert.equal(receiver.requests[0]!.answered, false, 'the receiver is hanging');
      const res = await f.post(threadPath(KEY, '/messages'), { author: 'Reader', body: 'second' });
      assert.equal(res.status, 201);
      assert.equal(receiver.requests[0]!.answered, false, 'still hanging: the post did not wait');
      const pending = await f.db.store.db.selectFrom('outbox').select('type').execute();
      const deliveries = await f.db.store.db.selectFrom('deliveries').select('id').execute();
      assert.equal(pending.length + deliveries.length, 2, 'the second event is recorded');
      // stop() interrupts the hung send after its grace, and records why.
      await worker.stop();
      const first = await f.db.store.db
        .selectFrom('deliveries')
        .selectAll()
        .orderBy('id')
        .executeTakeFirstOrThrow();
      assert.equal(first.last_error, 'interrupted: the server stopped');
      assert.equal(first.delivered_at, null);
      assert.equal(first.locked_until, null);
      assert.notEqual(first.next_attempt_at, null, 'it will be tried again');
    });
  });
}
