/**
 * A reader's email address is private: it goes into its own mail's `To`
 * and nowhere else. This posts with addresses through a real HTTP server,
 * lets the worker send mail (to a real SMTP server) and webhooks (to a real
 * receiver), with a refusal that names the address on the way, and then
 * searches everything Parley hands out for it: every API answer (public and
 * admin), the event streams, the pages, the export, the outbox rows (what
 * webhooks carry), the webhook bodies, the deliveries, every other mail and
 * every log line. On a real SQLite file and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { AppConfig, Logger } from '../app-deps.ts';
import { TrustedProxies } from '../http/client-address.ts';
import { ADMIN, ADMIN_TOKEN, BLOG_ORIGIN, threadPath } from '../testing/app-fixture.ts';
import { dialects } from '../testing/dialects.ts';
import { type LiveServer, liveServer } from '../testing/live-server.ts';
import { type MailServer, type ReceivedMail, startMailServer } from '../testing/mail-server.ts';
import { type WebhookReceiver, webhookReceiver } from '../testing/webhook-receiver.ts';
import type { PostMessageResponse } from '../wire.ts';
import { createDeliveryWorker, type DeliveryWorker } from './delivery-worker.ts';
import { createMailChannel } from './mail-channel.ts';
import { webhookChannel } from './webhook-channel.ts';

const KEY = '/blog/private';
const THREAD = { title: 'Privacy', url: 'https://blog.example/blog/private' };
const PUBLIC_URL = 'https://comments.blog.example/';
/** The addresses searched for, and a part of each that must not show either. */
const ADDRESSES = ['Private.Person+parley@Example.NET', 'second.reader@example.net'];
const PARTS = ['private.person', 'second.reader'];

/** Whether the mail went to `address` (the envelope may lower-case any of it). */
const isTo = (mail: ReceivedMail, address: string) =>
  mail.to.some((to) => to.toLowerCase() === address.toLowerCase());

for (const dialect of dialects) {
  describe(`a reader's address on ${dialect.name}`, () => {
    let s: LiveServer;
    let smtp: MailServer;
    let receiver: WebhookReceiver;
    let worker: DeliveryWorker;
    afterEach(async () => {
      await worker.stop();
      await s.close();
      await smtp.close();
      await receiver.close();
    });

    it('appears in no answer, stream, page, export, webhook, delivery, other mail or log line', async () => {
      const logs: string[] = [];
      const logger: Logger = {
        info: (fields) => logs.push(JSON.stringify(fields)),
        error: (fields) => logs.push(JSON.stringify(fields)),
      };
      smtp = await startMailServer();
      receiver = await webhookReceiver();
      const config: Partial<AppConfig> = {
        adminToken: ADMIN_TOKEN,
        secret: 'privacy-test-secret-0123456789abcdef',
        publicUrl: PUBLIC_URL,
        heldWords: ['casino'],
        reportThreshold: 1,
        mail: {
          smtpUrl: smtp.url,
          from: 'Parley <parley@blog.example>',
          ownerEmail: 'owner@blog.example',
          ownerMail: 'each',
        },
        webhook: { url: receiver.url, secret: receiver.secret },
      };
      s = await liveServer(dialect, { config, logger });
      worker = createDeliveryWorker({
        store: s.db.store,
        logger,
        channels: [
          webhookChannel({ url: receiver.url, secret: receiver.secret, version: 'test' }),
          createMailChannel({
            origins: [BLOG_ORIGIN],
            trustedProxies: new TrustedProxies([]),
            rateLimit: 0,
            ...config,
          }),
        ],
      });

      /** Everything handed out, to be searched at the end. */
      const seen: { what: string; text: string }[] = [];
      const keep = async (what: string, response: Response) => {
        const text = await response.text();
        assert.ok(response.status < 500, `${what}: ${response.status} ${text}`);
        seen.push({ what: `${what} (${response.status})`, text });
        return text;
      };
      const get = (path: string, headers: Record<string, string> = {}) =>
        fetch(`${s.url}${path}`, { headers });
      /** The outbox before the worker takes it: what webhooks and mail are made from. */
      const sendAll = async () => {
        const outbox = await s.db.store.db.selectFrom('outbox').selectAll().execute();
        seen.push({ what: 'outbox rows', text: JSON.stringify(outbox) });
        await worker.runOnce();
      };
      const post = async (body: string, extra: Record<string, unknown> = {}) => {
        const text = await keep(
          `POST ${body}`,
          await s.post(threadPath(KEY, '/messages'), {
            author: 'Reader',
            body,
            thread: THREAD,
            ...extra,
          }),
        );
        const answer = JSON.parse(text) as PostMessageResponse;
        if (answer.mailKey) mailKeys.push(answer.mailKey);
        return answer;
      };
      /** The reader keys the posts' answers gave: in no other answer, row, mail or log. */
      const mailKeys: string[] = [];

      const stream = await s.stream(KEY);
      const first = await post('Please mail me replies', {
        email: ADDRESSES[0],
        notifyReplies: true,
      });
      await sendAll();
      const confirmation = smtp.mails.find((m) => isTo(m, ADDRESSES[0]!));
      assert.ok(confirmation, `a confirmation to the address; got ${smtp.mails.map((m) => m.to)}`);
      const link = (path: string) => {
        const match = new RegExp(
          `https://comments\\.blog\\.example(${path}\\?token=[\\w.-]+)`,
        ).exec(confirmation.parsed.text ?? '');
        assert.ok(match);
        return match[1]!;
      };
      await keep('confirm page', await get(link('/notifications/confirm')));
      await keep(
        'confirmed page',
        await fetch(`${s.url}${link('/notifications/confirm')}`, { method: 'POST' }),
      );
      await keep('unsubscribe page', await get(link('/notifications/unsubscribe')));

      await post('An answer', {
        parentId: first.message.id,
        email: ADDRESSES[1],
        notifyReplies: true,
      });
      await post('A held answer about the casino', {
        parentId: first.message.id,
        email: ADDRESSES[1],
        notifyReplies: true,
      });
      await keep(
        'report',
        await s.post(`/api/messages/${first.message.id}/report`, { reason: 'testing' }),
      );
      // A mail server whose refusal names the address: what /admin and the logs keep of it.
      smtp.refuse(550, `5.1.1 <${ADDRESSES[0]}>: Recipient address rejected`);
      await post('Another answer', { parentId: first.message.id });
      await sendAll();
      smtp.refuse(undefined);

      for (const path of [
        threadPath(KEY),
        threadPath(KEY, '/messages'),
        threadPath(KEY, '/messages?highlighted=true'),
        '/api/threads',
        `/api/counts?key=${encodeURIComponent(KEY)}`,
        '/api/features',
      ]) {
        await keep(`GET ${path}`, await get(path, { Origin: BLOG_ORIGIN }));
      }
      for (const path of [
        '/api/admin/messages',
        '/api/admin/messages?status=pending',
        '/api/admin/messages?status=hidden',
        '/api/admin/messages?status=published',
        '/api/admin/threads',
        '/api/admin/export',
        '/api/admin/deliveries?state=delivered',
        '/api/admin/deliveries?state=pending',
        '/api/admin/deliveries?state=failed',
      ]) {
        const text = await keep(`GET ${path}`, await get(path, ADMIN));
        assert.ok(text.length > 2, path);
      }
      const replay = await s.stream(KEY, 'lastEventId=0');
      await replay.until('the replay', () => replay.events.length >= stream.events.length);
      seen.push({ what: 'event stream', text: JSON.stringify(stream.events) });
      seen.push({ what: 'replayed event stream', text: JSON.stringify(replay.events) });
      seen.push({ what: 'webhook bodies', text: JSON.stringify(receiver.requests) });
      const deliveries = await s.db.store.db.selectFrom('deliveries').selectAll().execute();
      seen.push({ what: 'deliveries rows', text: JSON.stringify(deliveries) });
      assert.ok(
        deliveries.some((d) => d.last_error?.startsWith('SMTP 550')),
        'the refusal was recorded',
      );
      for (const mail of smtp.mails) {
        const own = ADDRESSES.some((a) => isTo(mail, a));
        // A reader's own mail names them in To, nowhere else.
        const text = own ? mail.raw.replace(/^To: .*$/m, '') : mail.raw;
        seen.push({
          what: `mail "${mail.parsed.subject}" to ${own ? 'the reader' : 'the owner'}`,
          text,
        });
      }
      seen.push({ what: 'log lines', text: logs.join('\n') });

      // Every kind of thing was really produced.
      assert.ok(stream.events.length >= 4);
      assert.ok(receiver.requests.length >= 4);
      assert.ok(smtp.mails.some((m) => m.to.includes('owner@blog.example')));
      assert.ok(logs.some((line) => line.includes('delivery failed')));

      assert.equal(mailKeys.length, 3, 'each post asking for reply mail was given its key');
      for (const { what, text } of seen) {
        if (!what.startsWith('POST ')) {
          for (const key of mailKeys) assert.ok(!text.includes(key), `${what} holds a mail key`);
        }
        const lower = text.toLowerCase();
        for (const needle of [...ADDRESSES.map((a) => a.toLowerCase()), ...PARTS]) {
          assert.ok(!lower.includes(needle), `${what} holds ${needle}:\n${text.slice(0, 2000)}`);
        }
      }
    });
  });
}
