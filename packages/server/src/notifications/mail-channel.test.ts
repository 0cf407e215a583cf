/**
 * Mail as it arrives: the owner's (each, digest, off) and readers'
 * (confirmation, reply mail, unsubscribe), sent by the delivery worker
 * through the mail channel to a real SMTP server started here, on a real
 * SQLite file and on PostgreSQL. The worker's clock is the app's, moved by
 * the tests: nothing here sleeps.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { type AppConfig, silentLogger } from '../app-deps.ts';
import { TrustedProxies } from '../http/client-address.ts';
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
import { type MailServer, type ReceivedMail, startMailServer } from '../testing/mail-server.ts';
import { createDeliveryWorker, type DeliveryWorker } from './delivery-worker.ts';
import { createMailChannel } from './mail-channel.ts';
import { findOrCreateAddress, useReaderKey } from './reader-addresses.repository.ts';

const KEY = '/blog/mail';
const THREAD = { title: 'Mail test', url: 'https://blog.example/blog/mail' };
const OWNER = 'owner@blog.example';
const READER = 'Reader@Example.org';
const PUBLIC_URL = 'https://comments.blog.example/';
const SECRET = 'mail-channel-test-secret-0123456789';
const HOUR = 3_600_000;

for (const dialect of dialects) {
  describe(`mail on ${dialect.name}`, () => {
    let f: AppFixture;
    let smtp: MailServer;
    let worker: DeliveryWorker;

    /** The app, a mail server, and a worker sending through the mail channel, all on one clock. */
    async function open(
      ownerMail: 'each' | 'digest' | 'off' = 'each',
      config: Partial<AppConfig> = {},
      smtpUrl?: string,
    ) {
      smtp = await startMailServer();
      const settings: Partial<AppConfig> = {
        adminToken: ADMIN_TOKEN,
        secret: SECRET,
        publicUrl: PUBLIC_URL,
        mail: {
          smtpUrl: smtpUrl ?? smtp.url,
          from: 'Parley <parley@blog.example>',
          ownerEmail: OWNER,
          ownerMail,
        },
        ...config,
      };
      f = await appFixture(dialect, settings);
      worker = createDeliveryWorker({
        store: f.db.store,
        logger: silentLogger,
        clock: () => new Date(f.now),
        channels: [
          createMailChannel({
            origins: [BLOG_ORIGIN],
            trustedProxies: new TrustedProxies([]),
            rateLimit: 0,
            ...settings,
          }),
        ],
      });
    }
    afterEach(async () => {
      await worker.stop();
      await f.close();
      await smtp.close();
    });

    const send = () => worker.runOnce();
    const later = (ms: number) => {
      f.now = new Date(f.now.getTime() + ms);
    };
    const post = (body: string, extra: Record<string, unknown> = {}) =>
      f.postMessage(KEY, body, { thread: THREAD, ...extra });
    const subscribe = (body: string, extra: Record<string, unknown> = {}) =>
      post(body, { email: READER, notifyReplies: true, ...extra });
    /** Follows a confirm link as a reader does: opens the page, presses Confirm. */
    const confirm = async (url: string) => {
      const page = await f.get(local(url));
      assert.match(await page.text(), /<button type="submit">Confirm<\/button>/);
      const res = await f.app.request(local(url), { method: 'POST' });
      assert.equal(res.status, 200);
      return res;
    };
    const mailsTo = (address: string) =>
      smtp.mails.filter((m) => m.to.map((t) => t.toLowerCase()).includes(address.toLowerCase()));
    /** A header's value as sent, unfolded (mailparser folds List-* into an object). */
    const header = (mail: ReceivedMail | undefined, name: string) => {
      const line = mail?.parsed.headerLines.find((h) => h.key === name)?.line;
      return line
        ?.slice(line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim();
    };
    const deliveries = () =>
      f.db.store.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
    /** A URL's path and query, to request it from the in-process app. */
    const local = (url: string) => {
      const parsed = new URL(url);
      assert.equal(parsed.origin, new URL(PUBLIC_URL).origin);
      return `${parsed.pathname}${parsed.search}`;
    };
    /** The first link under `path` in a mail's text. */
    const linkIn = (mail: ReceivedMail | undefined, path: string) => {
      const match = new RegExp(`https://comments\\.blog\\.example${path}\\?token=[\\w.-]+`).exec(
        mail?.parsed.text ?? '',
      );
      assert.ok(match, `a ${path} link in:\n${mail?.parsed.text}`);
      return match[0];
    };

    describe('the owner, PARLEY_OWNER_MAIL=each', () => {
      it('gets a mail for a new message: the message, its thread, a link to it and to /admin', async () => {
        await open();
        const { message } = await post('Hello **there**');
        await send();
        const [mail] = mailsTo(OWNER);
        assert.equal(smtp.mails.length, 1);
        assert.equal(mail?.parsed.subject, 'New message from Reader on "Mail test" (/blog/mail)');
        assert.match(mail?.parsed.text ?? '', /> Hello \*\*there\*\*/);
        assert.match(
          mail?.parsed.text ?? '',
          new RegExp(`On the blog: ${THREAD.url}#parley-${message.id}`),
        );
        assert.match(mail?.parsed.text ?? '', /Moderate: https:\/\/comments\.blog\.example\/admin/);
        assert.match(String(mail?.parsed.html), /<strong>there<\/strong>/);
        assert.equal(header(mail, 'auto-submitted'), 'auto-generated');
        assert.equal(header(mail, 'list-unsubscribe'), undefined, 'owner mail is not list mail');
        const [row] = await deliveries();
        assert.equal(row?.type, 'message.created');
        assert.equal(row?.target, 'owner');
        assert.ok(row?.delivered_at);
        assert.equal(mail?.parsed.messageId, `<${row?.webhook_id}@blog.example>`);
      });

      it('gets a mail for a held message, saying why it waits', async () => {
        await open('each', { heldWords: ['casino'] });
        await post('first');
        await post('visit the casino');
        await send();
        const held = mailsTo(OWNER)[1];
        assert.equal(
          held?.parsed.subject,
          'Waiting for review: Reader on "Mail test" (/blog/mail)',
        );
        assert.match(
          held?.parsed.text ?? '',
          /Why it waits: it contains a word from PARLEY_HELD_WORDS\./,
        );
        assert.match(
          held?.parsed.text ?? '',
          /The thread on the blog: https:\/\/blog\.example\/blog\/mail\n/,
        );
      });

      it('gets a mail for each report, with its reason and the open count', async () => {
        await open('each', { reportThreshold: 2 });
        const { message } = await post('contested');
        for (const [peer, reason] of [
          ['198.51.100.1', 'rude'],
          ['192.0.2.9', 'very rude'],
        ] as const) {
          f.peer = peer;
          assert.equal(
            (await f.post(`/api/messages/${message.id}/report`, { reason })).status,
            202,
          );
        }
        await send();
        const reports = mailsTo(OWNER).slice(1);
        assert.deepEqual(
          reports.map((m) => m.parsed.subject),
          [
            'Reported: Reader on "Mail test" (/blog/mail)',
            'Hidden by reports: Reader on "Mail test" (/blog/mail)',
          ],
        );
        assert.match(
          reports[1]?.parsed.text ?? '',
          /Reason given: very rude\nOpen reports: 2\. The reports hid it/,
        );
      });

      it('gets no mail about the owner’s own messages, nor about spam', async () => {
        await open();
        const res = await f.post(
          threadPath(KEY, '/messages'),
          { author: 'Owner', body: 'mine', thread: THREAD },
          ADMIN,
        );
        assert.equal(res.status, 201);
        await post('buy now', { website: 'https://spam.example' });
        await send();
        assert.equal(smtp.mails.length, 0);
      });

      it('receives names and titles as text, and no header from them', async () => {
        await open();
        const name = '<script>alert(1)</script> Bcc: victim@evil.example';
        await f.postMessage(KEY, 'hi', {
          author: name,
          thread: { ...THREAD, title: 'T" Bcc: other@evil.example <b>' },
        });
        await send();
        const [mail] = smtp.mails;
        assert.deepEqual(mail?.to, [OWNER]);
        assert.equal(mail?.parsed.bcc, undefined);
        assert.doesNotMatch(mail?.rawHeaders ?? '', /^bcc:/im);
        assert.ok(mail?.parsed.subject?.includes(name), mail?.parsed.subject);
        const html = String(mail?.parsed.html);
        assert.ok(
          html.includes('&lt;script&gt;alert(1)&lt;/script&gt; Bcc: victim@evil.example'),
          html,
        );
        assert.doesNotMatch(html, /<script|<img|src=|<b>/i);
      });
    });

    describe('the owner, PARLEY_OWNER_MAIL=digest', () => {
      it('gets one mail an hour with everything of that hour, grouped by thread', async () => {
        await open('digest', { heldWords: ['casino'] });
        // 12:00:01 to 12:00:04: one hour's events, in two threads.
        await post('first');
        await f.postMessage('/blog/other', 'elsewhere', {
          thread: { title: 'Other', url: 'https://blog.example/blog/other' },
        });
        await post('visit the casino');
        const { message } = await post('second');
        f.peer = '198.51.100.1';
        await f.post(`/api/messages/${message.id}/report`, { reason: 'meh' });
        await send();
        assert.equal(smtp.mails.length, 0, 'nothing before the hour is over');
        later(HOUR);
        await post('the next hour');
        await send();
        assert.equal(smtp.mails.length, 1);
        const [digest] = smtp.mails;
        assert.equal(digest?.parsed.subject, 'Parley: 3 new, 1 waiting, 1 reported');
        const text = digest?.parsed.text ?? '';
        const order = [
          '== Mail test (/blog/mail) ==',
          '> first',
          '> visit the casino',
          '> second',
          'Reported: Reader',
          '== Other (/blog/other) ==',
          '> elsewhere',
        ];
        let at = -1;
        for (const part of order) {
          const next = text.indexOf(part, at + 1);
          assert.ok(next > at, `${part} in order in:\n${text}`);
          at = next;
        }
        assert.doesNotMatch(text, /the next hour/);
        const rows = await deliveries();
        assert.deepEqual(
          rows.map((r) => [r.type, r.target, r.delivered_at !== null]),
          [...Array(5).fill(['digest', 'owner', true]), ['digest', 'owner', false]],
        );
        later(HOUR);
        await send();
        assert.equal(smtp.mails.length, 2);
        assert.equal(smtp.mails[1]?.parsed.subject, 'Parley: 1 new');
      });
    });

    describe('the owner, PARLEY_OWNER_MAIL=off', () => {
      it('gets no mail and no delivery is made', async () => {
        await open('off', { heldWords: ['casino'] });
        await post('first');
        await post('visit the casino');
        await send();
        later(2 * HOUR);
        await send();
        assert.equal(smtp.mails.length, 0);
        assert.deepEqual(await deliveries(), []);
      });
    });

    describe('readers', () => {
      it('confirm, get reply mail with the reply, its link and one-click unsubscribe, then unsubscribe', async () => {
        await open('off');
        const parent = await subscribe('Who knows?');
        await send();
        // 1. The confirmation, the one mail an unconfirmed address gets.
        const [confirmation] = mailsTo(READER);
        assert.equal(smtp.mails.length, 1);
        assert.equal(confirmation?.parsed.subject, 'Confirm reply mail from blog.example');
        assert.match(confirmation?.parsed.text ?? '', /it works for 7 days/);
        assert.match(confirmation?.parsed.text ?? '', /asked blog\.example to mail this address/);
        assert.doesNotMatch(confirmation?.parsed.text ?? '', /Who knows/, 'nothing of the post');
        const unsubscribeUrl = linkIn(confirmation, '/notifications/unsubscribe');
        assert.equal(header(confirmation, 'list-unsubscribe'), `<${unsubscribeUrl}>`);
        assert.equal(header(confirmation, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
        // 2. The reader follows the link.
        await confirm(linkIn(confirmation, '/notifications/confirm'));
        // 3. Someone else replies: the reader hears of it.
        const reply = await post('I know, **and** here is how.', { parentId: parent.message.id });
        await send();
        const replyMail = mailsTo(READER)[1];
        assert.equal(smtp.mails.length, 2);
        assert.equal(
          replyMail?.parsed.subject,
          'Reader replied to you on "Mail test" (blog.example)',
        );
        const text = replyMail?.parsed.text ?? '';
        assert.match(text, /> I know, \*\*and\*\* here is how\./);
        assert.match(
          text,
          new RegExp(`Read it and answer on the blog: ${THREAD.url}#parley-${reply.message.id}`),
        );
        assert.match(text, /Your message:\n> Who knows\?/);
        assert.match(String(replyMail?.parsed.html), /I know, <strong>and<\/strong> here is how\./);
        assert.match(
          String(replyMail?.parsed.html),
          /<blockquote><p>Who knows\?<\/p><\/blockquote>/,
        );
        assert.doesNotMatch(String(replyMail?.parsed.html), /<img|src=/i);
        assert.equal(header(replyMail, 'list-unsubscribe'), `<${unsubscribeUrl}>`);
        assert.equal(header(replyMail, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
        assert.equal(header(replyMail, 'auto-submitted'), 'auto-generated');
        const rows = await deliveries();
        assert.deepEqual(
          rows.map((r) => [r.type, r.target]),
          [
            ['confirmation', 'reader'],
            ['reply', 'reader'],
          ],
        );
        assert.ok(
          !JSON.stringify(rows).toLowerCase().includes(READER.toLowerCase()),
          'no row holds the address',
        );
        // 4. One click, as a mail client sends it.
        const unsubscribed = await f.app.request(local(unsubscribeUrl), {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
        assert.equal(unsubscribed.status, 200);
        // 5. The next reply mails nobody.
        await post('Another answer.', { parentId: parent.message.id });
        await send();
        assert.equal(smtp.mails.length, 2);
        assert.equal(
          await f.db.store.db
            .selectFrom('reader_addresses')
            .selectAll()
            .execute()
            .then((r) => r.length),
          0,
        );
      });

      it('gets nothing but the confirmation until confirmed', async () => {
        await open('off');
        const parent = await subscribe('Who knows?');
        await post('A reply', { parentId: parent.message.id });
        await send();
        assert.deepEqual(
          smtp.mails.map((m) => m.parsed.subject),
          ['Confirm reply mail from blog.example'],
        );
        assert.deepEqual(
          (await deliveries()).map((r) => r.type),
          ['confirmation'],
        );
      });

      it('gets one confirmation a day per mailbox, however many posts or browsers ask, +tags, unsubscribing and deleting included', async () => {
        await open('off');
        const first = await subscribe('one');
        await subscribe('two from another browser');
        await subscribe('three, tagged', { email: 'reader+blog@example.org' });
        await send();
        assert.equal(smtp.mails.length, 1);
        // Unsubscribed, and every message deleted: the limit is not reset.
        await f.app.request(local(linkIn(smtp.mails[0], '/notifications/unsubscribe')), {
          method: 'POST',
        });
        await f.delete(`/api/messages/${first.message.id}`, {
          Authorization: `Bearer ${first.editToken}`,
        });
        later(12 * HOUR);
        await subscribe('four');
        await send();
        assert.equal(smtp.mails.length, 1);
        // What is kept: an HMAC of the mailbox and a time, no address.
        const kept = await f.db.store.db.selectFrom('confirmation_mailboxes').selectAll().execute();
        assert.equal(kept.length, 1);
        assert.doesNotMatch(JSON.stringify(kept), /reader|example/i);
        later(12 * HOUR + 1000);
        await subscribe('five');
        await send();
        assert.equal(mailsTo(READER).length, 2);
        assert.equal(
          (await f.db.store.db.selectFrom('confirmation_mailboxes').selectAll().execute()).length,
          1,
          'the day-old row was pruned',
        );
      });

      it('mails replies only to the browser that confirmed: knowing a confirmed address is not enough', async () => {
        await open('off');
        const mine = await subscribe('Mine, from my browser');
        await send();
        await confirm(linkIn(smtp.mails[0], '/notifications/confirm'));
        // Someone else posts with the reader's address, without the reader's key.
        const forged = await subscribe('Mail this victim my words', { author: 'Mallory' });
        assert.equal(forged.replyMail, 'confirming');
        await post('An answer to Mallory', { parentId: forged.message.id });
        // The reader's own message still gets its replies.
        await post('An answer to the reader', { parentId: mine.message.id });
        await send();
        assert.deepEqual(
          mailsTo(READER).map((m) => m.parsed.subject),
          [
            'Confirm reply mail from blog.example',
            'Reader replied to you on "Mail test" (blog.example)',
          ],
        );
        assert.match(mailsTo(READER)[1]?.parsed.text ?? '', /An answer to the reader/);
        // The same browser, its key sent back, gets replies at once.
        const again = await subscribe('Mine again', { mailKey: mine.mailKey });
        assert.equal(again.replyMail, 'on');
      });

      it('gets no mail for a reply to themselves', async () => {
        await open('off');
        const parent = await subscribe('Who knows?');
        await send();
        await confirm(linkIn(smtp.mails[0], '/notifications/confirm'));
        await subscribe('I answer myself', {
          parentId: parent.message.id,
          email: READER.toUpperCase(),
        });
        await send();
        assert.equal(smtp.mails.length, 1);
      });

      it('gets no mail for a reply hidden before its mail goes', async () => {
        await open('off');
        const parent = await subscribe('Who knows?');
        await send();
        await confirm(linkIn(smtp.mails[0], '/notifications/confirm'));
        smtp.refuse(451, '4.3.0 Try again later');
        const reply = await post('A reply a moderator hides', { parentId: parent.message.id });
        await send();
        const hidden = await f.patch(
          `/api/admin/messages/${reply.message.id}`,
          { status: 'hidden' },
          ADMIN,
        );
        assert.equal(hidden.status, 200);
        smtp.refuse(undefined);
        later(HOUR);
        await send();
        assert.equal(smtp.mails.length, 1, 'the confirmation only');
        const [, waited] = await deliveries();
        assert.ok(waited?.delivered_at, 'nothing left to send: done, not failed');
      });

      it('quotes the message answered as it is when the mail goes: not once its author deleted it', async () => {
        await open('off');
        const kept = await subscribe('A message I keep');
        await send();
        await confirm(linkIn(smtp.mails[0], '/notifications/confirm'));
        const secret = await subscribe('Words I take back', { mailKey: kept.mailKey });
        assert.equal(secret.replyMail, 'on');
        smtp.refuse(451, '4.3.0 Try again later');
        await post('An answer to the words', { parentId: secret.message.id });
        await send();
        const removed = await f.delete(`/api/messages/${secret.message.id}`, {
          Authorization: `Bearer ${secret.editToken}`,
        });
        assert.equal(removed.status, 204);
        smtp.refuse(undefined);
        later(HOUR);
        await send();
        const reply = smtp.mails[1];
        assert.match(reply?.parsed.text ?? '', /An answer to the words/);
        assert.doesNotMatch(reply?.raw ?? '', /take back/);
        assert.doesNotMatch(reply?.parsed.text ?? '', /Your message/);
      });

      it('gets no mail once unsubscribed, even for a reply already waiting to be sent', async () => {
        await open('off');
        const parent = await subscribe('Who knows?');
        await send();
        const confirmation = smtp.mails[0];
        await confirm(linkIn(confirmation, '/notifications/confirm'));
        smtp.refuse(451, '4.3.0 Try again later');
        await post('A reply', { parentId: parent.message.id });
        await send();
        const [, waiting] = await deliveries();
        assert.equal(waiting?.type, 'reply');
        assert.equal(waiting?.last_error, 'SMTP 451 4.3.0: mail system problem');
        smtp.refuse(undefined);
        await f.app.request(local(linkIn(confirmation, '/notifications/unsubscribe')), {
          method: 'POST',
        });
        // Every delivery to the address went with it, the one waiting too.
        assert.deepEqual(await deliveries(), []);
        later(HOUR);
        await send();
        assert.equal(smtp.mails.length, 1);
      });
    });

    describe('a mail server that refuses or is down', () => {
      it('is retried on the worker’s schedule with the same Message-ID, the error shown without the address', async () => {
        await open();
        smtp.refuse(550, `5.1.1 <${OWNER}>: Recipient address rejected`);
        await post('first');
        await send();
        let [row] = await deliveries();
        assert.equal(row?.attempts, 1);
        assert.equal(row?.last_error, 'SMTP 550 5.1.1: bad destination mailbox');
        assert.equal(row?.next_attempt_at, new Date(f.now.getTime() + 5000).toISOString());
        assert.equal(row?.delivered_at, null);
        smtp.refuse(undefined);
        later(4999);
        await send();
        assert.equal(smtp.mails.length, 0, 'not due yet');
        later(1);
        await send();
        [row] = await deliveries();
        assert.equal(row?.attempts, 2);
        assert.ok(row?.delivered_at);
        assert.equal(smtp.mails[0]?.parsed.messageId, `<${row?.webhook_id}@blog.example>`);
      });

      it('when down, is recorded as ECONNREFUSED and retried', async () => {
        const closed = await startMailServer();
        const url = closed.url;
        await closed.close();
        await open('each', {}, url);
        await post('first');
        await send();
        const [row] = await deliveries();
        assert.equal(row?.last_error, 'ECONNREFUSED');
        assert.equal(row?.attempts, 1);
        assert.ok(row?.next_attempt_at);
        assert.equal(row?.failed_at, null);
      });
    });
  });
}

describe('createMailChannel', () => {
  it('makes no reader mail without a public URL, as the post form never offers it then', async () => {
    const mail = {
      smtpUrl: 'smtp://127.0.0.1:9',
      from: 'parley@blog.example',
      ownerMail: 'off' as const,
    };
    const f = await appFixture(dialects[0]!, { secret: SECRET, mail });
    try {
      const channel = createMailChannel({
        origins: [BLOG_ORIGIN],
        trustedProxies: new TrustedProxies([]),
        rateLimit: 0,
        secret: SECRET,
        mail,
      });
      const made = await f.db.store.write(async (trx) => {
        const address = await findOrCreateAddress(trx, READER, f.now.toISOString());
        const { row } = await useReaderKey(trx, address.id, undefined, f.now.toISOString());
        return channel.deliveriesFor(
          trx,
          { type: 'subscription.requested', data: null, route: { keyId: row.id, messageId: 1 } },
          { now: f.now.toISOString(), occurredAt: f.now.toISOString() },
        );
      });
      assert.deepEqual(made, []);
      const features = await json<{ replyMail: boolean }>(await f.get('/api/features'), 200);
      assert.equal(features.replyMail, false);
      const refused = await f.post(threadPath(KEY, '/messages'), {
        author: 'A',
        body: 'x',
        email: READER,
        notifyReplies: true,
      });
      await assertError(refused, 400, 'invalid_request', ['notifyReplies']);
    } finally {
      await f.close();
    }
  });
});
