import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { AppConfig } from '../app-deps.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  threadPath,
} from '../testing/app-fixture.ts';
import { json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type { WebhookEventData } from '../wire.ts';
import type { OutboxEvent } from './outbox.ts';

const KEY = '/blog/outbox';

for (const dialect of dialects) {
  describe(`the outbox on ${dialect.name}`, () => {
    let f: AppFixture;
    const open = async (config: Partial<AppConfig> = {}) => {
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, ...config });
      return f;
    };
    afterEach(async () => {
      await f.close();
    });

    /** Every outbox row, oldest first, parsed. */
    const outbox = async (): Promise<OutboxEvent[]> => {
      const rows = await f.db.store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
      return rows.map((row) => ({ type: row.type, ...JSON.parse(row.payload) }) as OutboxEvent);
    };
    const types = async () => (await outbox()).map((e) => e.type);

    it('records message.created with a snapshot of the public thread and message, in the same write', async () => {
      await open();
      const { message } = await f.postMessage(KEY, 'Hello **there**', {
        thread: { title: 'Outbox', url: 'https://blog.example/blog/outbox' },
      });
      const [event] = await outbox();
      assert.equal(event?.type, 'message.created');
      const data = event!.data as WebhookEventData['message.created'];
      assert.equal(data.thread.key, KEY);
      assert.equal(data.thread.title, 'Outbox');
      assert.equal(data.message.id, message.id);
      assert.equal(data.message.body, 'Hello **there**');
      assert.equal(data.message.html, message.html);
      assert.equal(data.message.status, 'published');
      assert.equal(data.message.url, `https://blog.example/blog/outbox#parley-${message.id}`);
      assert.deepEqual(event!.route, {
        messageId: message.id,
        parentId: null,
        authorKeyId: null,
        byOwner: false,
      });
      const text = JSON.stringify(await outbox());
      assert.doesNotMatch(text, /ip_hash|edit_token|203\.0\.113/);
    });

    it('records nothing for a refused post', async () => {
      await open();
      await f.postMessage(KEY, 'first');
      const before = (await outbox()).length;
      const res = await f.post(threadPath(KEY, '/messages'), {
        author: 'Reader',
        body: 'x',
        parentId: 9999,
      });
      assert.equal(res.status, 400);
      assert.equal((await outbox()).length, before);
    });

    it('records message.pending with why it is held, then message.created once when approved', async () => {
      await open({ heldWords: ['casino'], maxLinks: 1 });
      await f.postMessage(KEY, 'first');
      const worded = await f.postMessage(KEY, 'visit the casino');
      const linked = await f.postMessage(KEY, 'see https://a.example and https://b.example');
      const pending = (await outbox()).filter((e) => e.type === 'message.pending');
      assert.deepEqual(
        pending.map((e) => [
          (e.data as WebhookEventData['message.pending']).message.id,
          (e.data as WebhookEventData['message.pending']).message.heldReason,
          (e.data as WebhookEventData['message.pending']).message.status,
        ]),
        [
          [worded.message.id, 'held_words', 'pending'],
          [linked.message.id, 'links', 'pending'],
        ],
      );
      const approve = (id: number, status: 'published' | 'hidden') =>
        f.patch(`/api/admin/messages/${id}`, { status }, ADMIN);
      assert.equal((await approve(worded.message.id, 'published')).status, 200);
      // Hidden and restored: not news again.
      assert.equal((await approve(worded.message.id, 'hidden')).status, 200);
      assert.equal((await approve(worded.message.id, 'published')).status, 200);
      const created = (await outbox()).filter((e) => e.type === 'message.created');
      assert.deepEqual(
        created.map((e) => (e.data as WebhookEventData['message.created']).message.id),
        [1, worded.message.id],
      );
    });

    it('records a spam post as message.pending with the reason spam', async () => {
      await open();
      await f.postMessage(KEY, 'first');
      await f.postMessage(KEY, 'buy now', { website: 'https://spam.example' });
      const last = (await outbox()).at(-1)!;
      assert.equal(last.type, 'message.pending');
      const data = last.data as WebhookEventData['message.pending'];
      assert.equal(data.message.status, 'spam');
      assert.equal(data.message.heldReason, 'spam');
    });

    it('records an author edit that is held as message.pending', async () => {
      await open({ heldWords: ['casino'] });
      const { message, editToken } = await f.postMessage(KEY, 'fine words');
      const res = await f.patch(
        `/api/messages/${message.id}`,
        { body: 'now about the casino' },
        { Authorization: `Bearer ${editToken}` },
      );
      assert.equal(res.status, 200);
      assert.deepEqual(await types(), ['message.created', 'message.pending']);
    });

    it('records each counted report with the open count and whether it hid the message', async () => {
      await open({ reportThreshold: 2 });
      const { message } = await f.postMessage(KEY, 'contested');
      const report = async (peer: string) => {
        f.peer = peer;
        assert.equal(
          (await f.post(`/api/messages/${message.id}/report`, { reason: `from ${peer}` })).status,
          202,
        );
      };
      await report('198.51.100.1');
      await report('198.51.100.2'); // the same /24: counted, does not reach the threshold
      await report('198.51.100.2'); // a repeat: not counted, not reported
      await report('192.0.2.9');
      const reports = (await outbox())
        .filter((e) => e.type === 'message.reported')
        .map((e) => (e.data as WebhookEventData['message.reported']).report);
      assert.deepEqual(reports, [
        { reason: 'from 198.51.100.1', count: 1, hidden: false },
        { reason: 'from 198.51.100.2', count: 2, hidden: false },
        { reason: 'from 192.0.2.9', count: 3, hidden: true },
      ]);
    });

    it('records thread.closed when a moderator closes a thread, once', async () => {
      await open();
      await f.postMessage(KEY, 'first');
      const close = () =>
        f.patch(`/api/admin/threads/${encodeURIComponent(KEY)}`, { status: 'closed' }, ADMIN);
      assert.equal((await close()).status, 200);
      assert.equal((await close()).status, 200);
      const closed = (await outbox()).filter((e) => e.type === 'thread.closed');
      assert.equal(closed.length, 1);
      assert.equal((closed[0]!.data as WebhookEventData['thread.closed']).thread.status, 'closed');
    });
  });
}

describe('GET /api/features', () => {
  let f: AppFixture;
  afterEach(async () => {
    await f.close();
  });
  const mail = {
    smtpUrl: 'smtp://127.0.0.1:2525',
    from: 'parley@blog.example',
    ownerMail: 'each' as const,
  };

  it('offers reply mail only when mail and the public URL are both set', async () => {
    for (const [config, replyMail] of [
      [{}, false],
      [{ mail }, false],
      [{ publicUrl: 'https://comments.blog.example/' }, false],
      [{ mail, publicUrl: 'https://comments.blog.example/' }, true],
    ] as const) {
      f = await appFixture(dialects[0]!, config);
      const res = await f.get('/api/features');
      assert.equal(res.headers.get('Cache-Control'), 'public, max-age=300');
      assert.deepEqual(await json(res, 200), { replyMail, proofOfWork: false });
      await f.close();
    }
    f = await appFixture(dialects[0]!, { proofOfWork: 'on' });
    assert.deepEqual(await json(await f.get('/api/features'), 200), {
      replyMail: false,
      proofOfWork: true,
    });
  });
});
