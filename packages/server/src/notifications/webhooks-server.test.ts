/**
 * Webhooks from `parley-server` as an operator runs it: a real child
 * process configured with PARLEY_WEBHOOK_URL and PARLEY_WEBHOOK_SECRET, a
 * real receiver, and a stop while a send hangs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { threadPath } from '../testing/app-fixture.ts';
import { dialects } from '../testing/dialects.ts';
import { startListening, TEST_SECRET } from '../testing/server-process.ts';
import { webhookReceiver } from '../testing/webhook-receiver.ts';
import type { WebhookBody } from './webhook-channel.ts';

// One child at a time: each spends over a second of CPU loading the app.
describe('parley-server with a webhook', () => {
  for (const dialect of dialects) {
    it(`on ${dialect.name}: sends each event as it happens, keeps posting while the receiver hangs, and stops`, async () => {
      const db = await dialect.create();
      const receiver = await webhookReceiver();
      const server = await startListening({
        DATABASE_URL: db.url,
        PARLEY_SECRET: TEST_SECRET,
        PARLEY_VERIFY_URLS: 'off',
        PARLEY_WEBHOOK_URL: receiver.url,
        PARLEY_WEBHOOK_SECRET: receiver.secret,
      });
      try {
        const post = (body: string) =>
          fetch(`${server.url}${threadPath('/blog/hooked', '/messages')}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ author: 'Ada', body }),
          });
        const first = await post('sent by the worker');
        assert.equal(first.status, 201);
        const { message } = (await first.json()) as { message: { id: number } };
        await receiver.received(1);
        const [request] = receiver.requests;
        assert.equal(request!.verifyError, null);
        const { version } = (await import('../../package.json', { with: { type: 'json' } }))
          .default;
        assert.equal(request!.headers['user-agent'], `Parley/${version}`);
        const body = JSON.parse(request!.body) as WebhookBody<'message.created'>;
        assert.equal(body.type, 'message.created');
        assert.equal(body.data.message.id, message.id);

        receiver.answer('hang');
        assert.equal((await post('while it hangs')).status, 201);
        await receiver.received(2);
        assert.equal((await post('and again')).status, 201);
        assert.equal(receiver.requests[1]!.answered, false);

        await server.stop();
        const exit = await server.exited;
        assert.equal(exit.code, 0, server.output());
        const stopped = server.logs().find((line) => line.msg === 'stopped');
        assert.ok(stopped, 'a clean stop, the hung send interrupted');
        const rows = await db.store.db
          .selectFrom('deliveries')
          .select(['delivered_at', 'last_error', 'next_attempt_at'])
          .orderBy('id')
          .execute();
        assert.notEqual(rows[0]!.delivered_at, null);
        assert.equal(rows[1]!.last_error, 'interrupted: the server stopped');
        assert.notEqual(rows[1]!.next_attempt_at, null, 'to be sent after the restart');
      } finally {
        await server.stop(1_000);
        await receiver.close();
        await db.dispose();
      }
    });
  }
});
