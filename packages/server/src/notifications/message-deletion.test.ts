/**
 * A deleted message leaves nothing of itself in the notification tables:
 * its events not yet fanned out and its deliveries not yet delivered go in
 * the deleting transaction, and the rows kept for /admin's history (delivered
 * or failed) keep no payload. By its author and by a moderator, removed
 * outright or kept as a placeholder for its replies.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import { silentLogger } from '../app-deps.ts';
import { ADMIN, ADMIN_TOKEN, type AppFixture, appFixture } from '../testing/app-fixture.ts';
import { assertError } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { type WebhookReceiver, webhookReceiver } from '../testing/webhook-receiver.ts';
import type { PostMessageResponse } from '../wire.ts';
import type { Channel } from './channel.ts';
import { createDeliveryWorker, type DeliveryWorker } from './delivery-worker.ts';
import { webhookChannel } from './webhook-channel.ts';

const KEY = '/blog/deleted';
const THREAD = { title: 'Deletion', url: 'https://blog.example/blog/deleted' };

for (const dialect of dialects) {
  describe(`deleting a message forgets its notifications on ${dialect.name}`, () => {
    let f: AppFixture;
    let receiver: WebhookReceiver;
    let worker: DeliveryWorker;
    const digests: unknown[][] = [];

    // The owner's digest, as mail makes it: a row per event, due at the end of the hour.
    const digest: Channel = {
      name: 'mail',
      batchedTypes: ['digest'],
      async deliveriesFor(_trx, event, time) {
        if (event.type !== 'message.created') return [];
        const hourEnd = new Date(time.occurredAt);
        hourEnd.setUTCMinutes(60, 0, 0);
        return [
          { type: 'digest', target: 'owner', payload: event.data, dueAt: hourEnd.toISOString() },
        ];
      },
      async send() {},
      async sendBatch(group) {
        digests.push(group.map((d) => d.payload));
      },
    };

    const open = async () => {
      digests.length = 0;
      receiver = await webhookReceiver();
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
      f.now = new Date('2026-03-01T12:10:00.000Z');
      worker = createDeliveryWorker({
        store: f.db.store,
        logger: silentLogger,
        clock: () => new Date(f.now),
        channels: [
          webhookChannel({ url: receiver.url, secret: receiver.secret, version: 'test' }),
          digest,
        ],
      });
    };
    afterEach(async () => {
      await worker.stop();
      await receiver.close();
      await f.close();
    });

    const byAuthor = (m: PostMessageResponse) =>
      f.delete(`/api/messages/${m.message.id}`, { Authorization: `Bearer ${m.editToken}` });
    const byModerator = (m: PostMessageResponse) =>
      f.delete(`/api/admin/messages/${m.message.id}`, ADMIN);
    const outbox = () => f.db.store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
    const deliveries = () =>
      f.db.store.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
    /** Every payload in the notification tables that holds `text`. */
    const holding = async (text: string) =>
      [...(await outbox()), ...(await deliveries())]
        .map((row) => row.payload)
        .filter((payload) => payload.includes(text));
    const endOfHour = () => {
      f.now = new Date('2026-03-01T13:00:00.000Z');
    };

    it('finds the rows to forget, and those an unsubscribe cascades to, by index', async () => {
      await open();
      const query =
        dialect.name === 'postgres'
          ? sql<{
              name: string;
            }>`select indexname as name from pg_indexes where tablename in ('outbox', 'deliveries')`
          : sql<{
              name: string;
            }>`select name from sqlite_master where type = 'index' and tbl_name in ('outbox', 'deliveries')`;
      const names = (await query.execute(f.db.store.db)).rows.map((row) => row.name);
      for (const name of [
        'outbox_message_idx',
        'deliveries_message_idx',
        'deliveries_address_idx',
      ]) {
        assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
      }
    });

    it('deleted by its author before the worker runs: nothing is sent, nothing is kept', async () => {
      await open();
      const kept = await f.postMessage(KEY, 'a message that stays', { thread: THREAD });
      const gone = await f.postMessage(KEY, 'regretted words');
      assert.equal((await outbox()).filter((row) => row.message_id === gone.message.id).length, 1);
      assert.equal((await byAuthor(gone)).status, 204);
      assert.deepEqual(await holding('regretted words'), []);
      assert.deepEqual(
        (await outbox()).map((row) => row.message_id),
        [kept.message.id],
      );
      assert.equal((await worker.runOnce()).fannedOut, 1);
      endOfHour();
      await worker.runOnce();
      assert.deepEqual(
        receiver.requests.map((r) => JSON.parse(r.body).data.message.body),
        ['a message that stays'],
      );
      assert.equal(digests.length, 1);
      assert.equal(digests[0]!.length, 1, 'the digest leaves it out');
      assert.deepEqual(await holding('regretted words'), []);
    });

    it('deleted after its webhook went: the delivered row stays for /admin with its payload blank, its waiting digest row goes', async () => {
      await open();
      await f.postMessage(KEY, 'a message that stays', { thread: THREAD });
      const gone = await f.postMessage(KEY, 'words sent, then regretted');
      await worker.runOnce();
      assert.equal(receiver.requests.length, 2);
      assert.equal((await holding('words sent, then regretted')).length, 2, 'webhook and digest');
      assert.equal((await byAuthor(gone)).status, 204);
      assert.deepEqual(await holding('words sent, then regretted'), []);
      const rows = (await deliveries()).filter((row) => row.message_id === gone.message.id);
      assert.equal(rows.length, 1, 'the waiting digest row is gone');
      assert.equal(rows[0]!.channel, 'webhook');
      assert.equal(rows[0]!.payload, '{}');
      assert.notEqual(rows[0]!.delivered_at, null, 'its history is kept');
      endOfHour();
      await worker.runOnce();
      assert.equal(digests[0]!.length, 1);
      await assertError(
        await f.post(`/api/admin/deliveries/${rows[0]!.id}/retry`, {}, ADMIN),
        409,
        'already_delivered',
      );
    });

    it('a failed delivery of a deleted message is kept blank, and a retry is refused: 409 message_deleted', async () => {
      await open();
      receiver.answerNext(410);
      const gone = await f.postMessage(KEY, 'refused, then deleted', { thread: THREAD });
      await worker.runOnce();
      const [failed] = (await deliveries()).filter((row) => row.channel === 'webhook');
      assert.notEqual(failed?.failed_at, null);
      assert.equal((await byModerator(gone)).status, 204);
      assert.deepEqual(await holding('refused, then deleted'), []);
      const after = (await deliveries()).find((row) => row.id === failed!.id);
      assert.equal(after?.payload, '{}');
      assert.equal(after?.last_error, 'HTTP 410');
      await assertError(
        await f.post(`/api/admin/deliveries/${failed!.id}/retry`, {}, ADMIN),
        409,
        'message_deleted',
      );
      assert.equal((await worker.runOnce()).delivered, 0);
      assert.equal(receiver.requests.length, 1);
    });

    it('a placeholder (deleted by a moderator, with a reply) and, later, the parent placeholders its last reply takes along keep nothing', async () => {
      await open();
      const parent = await f.postMessage(KEY, 'the parent, soon a placeholder', { thread: THREAD });
      const reply = await f.postMessage(KEY, 'the reply, deleted last', {
        parentId: parent.message.id,
      });
      await worker.runOnce();
      // Reported too: an event still in the outbox when the delete comes.
      const report = await f.post(`/api/messages/${parent.message.id}/report`, { reason: 'rude' });
      assert.ok(report.ok, await report.text());
      assert.ok((await outbox()).some((row) => row.type === 'message.reported'));
      assert.equal((await byModerator(parent)).status, 204);
      assert.deepEqual(await holding('the parent, soon a placeholder'), []);
      assert.deepEqual(await outbox(), [], 'its report event is gone');
      assert.equal((await holding('the reply, deleted last')).length, 2, 'the reply is untouched');

      // The reply goes: with it the placeholder above, which nothing holds either.
      assert.equal((await byAuthor(reply)).status, 204);
      const stored = await f.db.store.db.selectFrom('messages').select('id').execute();
      assert.deepEqual(stored, [], 'both rows are gone');
      assert.deepEqual(await holding('the reply, deleted last'), []);
      assert.deepEqual(await holding('the parent, soon a placeholder'), []);
      assert.deepEqual(
        (await deliveries()).map((row) => [row.channel, row.payload]),
        [
          ['webhook', '{}'],
          ['webhook', '{}'],
        ],
        'only the delivered webhooks, blank',
      );
      endOfHour();
      await worker.runOnce();
      assert.deepEqual(digests, [], 'no digest: nothing of the hour is left');
    });
  });
}
