/**
 * Readers asking for reply mail: the post's `email`, `notifyReplies` and
 * `mailKey`, the address row and its keys (consent per browser), when a
 * confirmation is asked for (on first publication, at most three an hour per
 * client), the confirm and unsubscribe pages, and the address going with its
 * reader's last message, on PostgreSQL under a race too. On a real SQLite
 * file and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { AppConfig } from '../app-deps.ts';
import type { ReaderKeyRow } from '../db/schema.ts';
import { deleteMessage } from '../messages/message-state.ts';
import { findMessage, insertMessage } from '../messages/messages.repository.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  bearer,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type { PostMessageResponse } from '../wire.ts';
import { findOrCreateAddress, useReaderKey } from './reader-addresses.repository.ts';
import { confirmToken, unsubscribeToken } from './subscription-tokens.ts';

const KEY = '/blog/mail';
const THREAD = { title: 'Mail', url: 'https://blog.example/blog/mail' };
const SECRET = 'subscription-test-secret-0123456789';
const ADDRESS = 'Reader.One@Example.ORG';
/** As stored: the domain lower-cased, the local part as typed. */
const STORED = 'Reader.One@example.org';
const TOO_BIG_ID = '2147483648';

/** Mail set up, with the public URL its links need. */
const MAIL_ON: Partial<AppConfig> = {
  adminToken: ADMIN_TOKEN,
  secret: SECRET,
  publicUrl: 'https://comments.blog.example/',
  mail: {
    smtpUrl: 'smtp://127.0.0.1:2525',
    from: 'Parley <parley@blog.example>',
    ownerMail: 'each',
  },
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

for (const dialect of dialects) {
  describe(`reply mail subscriptions on ${dialect.name}`, () => {
    let f: AppFixture;
    const open = async (config: Partial<AppConfig> = {}) => {
      f = await appFixture(dialect, { ...MAIL_ON, ...config });
      return f;
    };
    afterEach(async () => {
      await f.close();
    });

    const db = () => f.db.store.db;
    const addresses = () => db().selectFrom('reader_addresses').selectAll().orderBy('id').execute();
    const keys = () => db().selectFrom('reader_keys').selectAll().orderBy('id').execute();
    const requested = async () =>
      (await db().selectFrom('outbox').selectAll().orderBy('id').execute())
        .filter((row) => row.type === 'subscription.requested')
        .map((row) => JSON.parse(row.payload).route as { keyId: number; messageId: number });
    const keyOf = async (id: number) =>
      (
        await db()
          .selectFrom('messages')
          .select('notify_key_id')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).notify_key_id;
    const subscribe = (body: string, email = ADDRESS, extra: Record<string, unknown> = {}) =>
      f.postMessage(KEY, body, { thread: THREAD, email, notifyReplies: true, ...extra });

    describe('POST /api/threads/:key/messages with email and notifyReplies', () => {
      it('makes a key for this browser, answers it once, stores only its hash, and asks to confirm it on publication', async () => {
        await open();
        const res = await f.post(threadPath(KEY, '/messages'), {
          author: 'Reader',
          body: 'mail me',
          thread: THREAD,
          email: `  ${ADDRESS} `,
          notifyReplies: true,
        });
        const text = await res.text();
        assert.equal(res.status, 201, text);
        assert.ok(!text.toLowerCase().includes('reader.one'), 'the answer has no address');
        const answer = JSON.parse(text) as PostMessageResponse;
        assert.match(answer.mailKey ?? '', /^[A-Za-z0-9_-]{32}$/);
        assert.equal(answer.replyMail, 'confirming');
        const [row] = await addresses();
        assert.equal(row?.address, STORED);
        assert.equal(row?.address_key, STORED.toLowerCase());
        const [key] = await keys();
        assert.equal(key?.address_id, row?.id);
        assert.equal(key?.key_hash, sha256(answer.mailKey!));
        assert.equal(key?.confirmed_at, null);
        assert.equal(await keyOf(answer.message.id), key?.id);
        assert.deepEqual(await requested(), [{ keyId: key?.id, messageId: answer.message.id }]);
        // The key is nowhere in the database but as its hash.
        for (const table of ['messages', 'reader_keys', 'reader_addresses', 'outbox'] as const) {
          const rows = await db().selectFrom(table).selectAll().execute();
          assert.ok(!JSON.stringify(rows).includes(answer.mailKey!), table);
        }
      });

      it('uses the key the browser sends, makes a new one for a key it does not know or of another address, and says on once confirmed', async () => {
        await open();
        const first = await subscribe('first');
        const again = await subscribe('second', ADDRESS.toUpperCase(), { mailKey: first.mailKey });
        assert.equal(again.mailKey, first.mailKey);
        assert.equal((await keys()).length, 1);
        const unknown = await subscribe('third', ADDRESS, { mailKey: 'made-up-key' });
        assert.notEqual(unknown.mailKey, 'made-up-key');
        const other = await subscribe('fourth', 'other@example.org', { mailKey: first.mailKey });
        assert.notEqual(other.mailKey, first.mailKey, 'a key is one address’s');
        assert.equal((await keys()).length, 3);
        await db()
          .updateTable('reader_keys')
          .set({ confirmed_at: f.now.toISOString() })
          .where('key_hash', '=', sha256(first.mailKey!))
          .execute();
        const on = await subscribe('fifth', ADDRESS, { mailKey: first.mailKey });
        assert.equal(on.replyMail, 'on');
        assert.equal(on.mailKey, first.mailKey);
        // Knowing the address is not enough: without the key, a post is a new browser.
        const stranger = await subscribe('sixth');
        assert.equal(stranger.replyMail, 'confirming');
        assert.notEqual(stranger.mailKey, first.mailKey);
      });

      it('makes one address row when posts with one address race', async () => {
        await open();
        // As the owner, whose posts take no per-client lock: nothing serialises them.
        const posts = ['one', 'two', 'three', 'four'].map((body, i) =>
          f.post(
            threadPath(KEY, '/messages'),
            {
              author: 'Owner',
              body,
              email: i % 2 ? ADDRESS : ADDRESS.toUpperCase(),
              notifyReplies: true,
            },
            ADMIN,
          ),
        );
        for (const res of await Promise.all(posts)) assert.equal(res.status, 201);
        const rows = await addresses();
        assert.equal(rows.length, 1);
        assert.equal((await keys()).length, 4, 'each post without a key is a browser of its own');
      });

      it('asks for no confirmation once the key is confirmed', async () => {
        await open();
        const first = await subscribe('first');
        await db().updateTable('reader_keys').set({ confirmed_at: f.now.toISOString() }).execute();
        await subscribe('later', ADDRESS, { mailKey: first.mailKey });
        assert.equal((await requested()).length, 1);
      });

      it('asks for at most three confirmations an hour caused by one client’s posts; the posts still succeed', async () => {
        await open();
        for (const n of [1, 2, 3, 4]) {
          const answer = await subscribe(`post ${n}`, `reader${n}@example.org`);
          assert.equal(answer.replyMail, 'confirming');
        }
        assert.equal((await requested()).length, 3);
        f.peer = '198.51.100.20';
        await subscribe('from elsewhere', 'reader5@example.org');
        assert.equal((await requested()).length, 4, 'another client has its own count');
        f.peer = '203.0.113.7';
        f.now = new Date(f.now.getTime() + 3_600_000);
        await subscribe('an hour later', 'reader6@example.org');
        assert.equal((await requested()).length, 5);
      });

      it('keeps no address without notifyReplies: true, whatever mailKey says', async () => {
        await open();
        const { message, mailKey, replyMail } = await f.postMessage(KEY, 'no mail', {
          email: ADDRESS,
          mailKey: 'abc',
        });
        await f.postMessage(KEY, 'no mail either', { email: ADDRESS, notifyReplies: false });
        assert.deepEqual(await addresses(), []);
        assert.equal(await keyOf(message.id), null);
        assert.equal(mailKey, undefined);
        assert.equal(replyMail, undefined);
        assert.deepEqual(await requested(), []);
      });

      it('keeps nothing and sends nothing for spam, and answers like a first post', async () => {
        await open();
        const spam = await subscribe('buy now', ADDRESS, { website: 'https://spam.example' });
        assert.equal(spam.status, 'published', 'answered like a real post');
        assert.match(spam.mailKey ?? '', /^[A-Za-z0-9_-]{32}$/);
        assert.equal(spam.replyMail, 'confirming');
        assert.deepEqual(await addresses(), []);
        assert.deepEqual(await keys(), []);
        assert.deepEqual(await requested(), []);
      });

      it('keeps a held post’s key, and asks to confirm it only when a moderator approves (not counted against the client)', async () => {
        await open({ moderation: 'all' });
        // The client used its three already: the approval still asks.
        for (const n of [1, 2, 3]) {
          const held = await subscribe(`held ${n}`, `r${n}@example.org`);
          await f.patch(`/api/admin/messages/${held.message.id}`, { status: 'published' }, ADMIN);
        }
        assert.equal((await requested()).length, 3);
        const held = await subscribe('wait for me');
        assert.equal(held.status, 'pending');
        assert.equal(await keyOf(held.message.id), (await keys()).at(-1)?.id);
        assert.equal((await requested()).length, 3, 'nothing asked while it waits');
        const res = await f.patch(
          `/api/admin/messages/${held.message.id}`,
          { status: 'published' },
          ADMIN,
        );
        assert.equal(res.status, 200);
        assert.deepEqual((await requested()).at(-1), {
          keyId: (await keys()).at(-1)?.id,
          messageId: held.message.id,
        });
      });

      it('refuses notifyReplies without an email, naming notifyReplies', async () => {
        await open();
        const res = await f.post(threadPath(KEY, '/messages'), {
          author: 'Reader',
          body: 'x',
          notifyReplies: true,
        });
        await assertError(res, 400, 'invalid_request', ['notifyReplies']);
        assert.deepEqual(await addresses(), []);
      });

      it('refuses notifyReplies where reply mail is not set up, naming notifyReplies', async () => {
        for (const config of [{ mail: undefined }, { publicUrl: undefined }] as const) {
          await open(config);
          const res = await f.post(threadPath(KEY, '/messages'), {
            author: 'Reader',
            body: 'x',
            email: ADDRESS,
            notifyReplies: true,
          });
          const body = await assertError(res, 400, 'invalid_request', ['notifyReplies']);
          assert.ok(!JSON.stringify(body).includes(ADDRESS), 'the error repeats no address');
          assert.deepEqual(await addresses(), []);
          await f.close();
        }
        await open();
      });

      it('refuses a malformed or overlong email, naming email and repeating nothing of it', async () => {
        await open();
        const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.org`;
        assert.ok(long.length > 254);
        for (const email of [
          'not-an-address',
          'a@b',
          'x@example.org\r\nBcc: y@example.org',
          long,
          `${'l'.repeat(65)}@example.org`,
          `me@${'l'.repeat(64)}.example.org`,
          'me@exa mple.org',
          42,
        ]) {
          const res = await f.post(threadPath(KEY, '/messages'), {
            author: 'Reader',
            body: 'x',
            email,
            notifyReplies: true,
          });
          const body = await assertError(res, 400, 'invalid_request', ['email']);
          assert.ok(!JSON.stringify(body).includes('example.org'), JSON.stringify(body));
        }
        for (const mailKey of ['', 'a'.repeat(65), 'not base64url!', 7]) {
          const res = await f.post(threadPath(KEY, '/messages'), {
            author: 'Reader',
            body: 'x',
            email: ADDRESS,
            notifyReplies: true,
            mailKey,
          });
          await assertError(res, 400, 'invalid_request', ['mailKey']);
        }
        assert.deepEqual(await addresses(), []);
      });

      it('takes the longest local part and labels, and an international domain as punycode', async () => {
        await open();
        await subscribe('longest', `${'l'.repeat(64)}@${'d'.repeat(63)}.example`);
        await subscribe('international', 'Bob@Bücher.DE');
        assert.deepEqual(
          (await addresses()).map((a) => a.address),
          [`${'l'.repeat(64)}@${'d'.repeat(63)}.example`, 'Bob@xn--bcher-kva.de'],
        );
      });
    });

    describe('/notifications/confirm', () => {
      const confirmPath = (
        key: Pick<ReaderKeyRow, 'id' | 'address_id' | 'created_at'>,
        issued: Date,
      ) => `/notifications/confirm?token=${confirmToken(SECRET, key, issued)}`;
      const confirmedAt = async () => (await keys()).map((k) => k.confirmed_at);

      it('GET and HEAD show a Confirm button and confirm nothing; POST confirms that key only, and links back to the message on the blog', async () => {
        await open();
        const mine = await subscribe('first');
        await subscribe('from my other browser');
        const [key] = await keys();
        const path = confirmPath(key!, f.now);
        const res = await f.get(path);
        const page = await res.text();
        assert.equal(res.status, 200, page);
        assert.equal(res.headers.get('Content-Type'), 'text/html; charset=utf-8');
        assert.match(res.headers.get('Content-Security-Policy') ?? '', /default-src 'none'/);
        assert.match(res.headers.get('Content-Security-Policy') ?? '', /frame-ancestors 'none'/);
        assert.equal(res.headers.get('Cache-Control'), 'no-store');
        assert.equal(res.headers.get('Referrer-Policy'), 'no-referrer');
        assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff');
        assert.match(page, /Confirm reply mail\?/);
        assert.match(page, /asked blog\.example to mail this address/);
        assert.match(page, /<form method="post"><button type="submit">Confirm<\/button><\/form>/);
        assert.doesNotMatch(page, /<script|example\.org/i);
        assert.equal((await f.app.request(path, { method: 'HEAD' })).status, 200);
        assert.deepEqual(await confirmedAt(), [null, null], 'opening the link confirms nothing');

        const confirmed = await f.app.request(path, { method: 'POST' });
        const done = await confirmed.text();
        assert.equal(confirmed.status, 200, done);
        assert.match(done, /Reply mail confirmed/);
        assert.match(done, /on blog\.example/);
        assert.ok(
          done.includes(
            `<a href="${THREAD.url}#parley-${mine.message.id}">Back to your message on blog.example</a>`,
          ),
          done,
        );
        assert.deepEqual(
          await confirmedAt(),
          [f.now.toISOString(), null],
          'the other browser is not',
        );
        // A second click changes nothing; the GET now says it is confirmed.
        const first = f.now.toISOString();
        f.now = new Date(f.now.getTime() + 60_000);
        assert.equal((await f.app.request(path, { method: 'POST' })).status, 200);
        assert.match(await (await f.get(path)).text(), /Reply mail confirmed/);
        assert.equal((await keys())[0]?.confirmed_at, first);
      });

      it('refuses a link past its seven days, a forged or altered one, another key’s, or an id past the serial range', async () => {
        await open();
        await subscribe('first');
        await subscribe('second', 'other@example.org');
        const [key, other] = await keys();
        const issued = new Date(f.now);
        f.now = new Date(f.now.getTime() + 7 * 86_400_000 + 1000);
        for (const method of ['GET', 'POST']) {
          const expired = await f.app.request(confirmPath(key!, issued), { method });
          assert.equal(expired.status, 410);
          assert.match(await expired.text(), /Link expired/);
        }
        const good = confirmToken(SECRET, key!, f.now);
        const [id, time, mac] = good.split('.');
        for (const token of [
          '',
          'nonsense',
          `${id}.${time}.${mac!.slice(0, -1)}${mac!.endsWith('A') ? 'B' : 'A'}`,
          `${id}.${Number(time) + 1}.${mac}`,
          `${other!.id}.${time}.${mac}`,
          `${TOO_BIG_ID}.${time}.${mac}`,
          `99999999999.${time}.${mac}`,
          confirmToken(SECRET, { ...key!, address_id: other!.address_id }, f.now),
          confirmToken('another-secret-0123456789abcdef', key!, f.now),
          unsubscribeToken(SECRET, { id: key!.address_id, created_at: key!.created_at }),
        ]) {
          for (const method of ['GET', 'POST']) {
            const res = await f.app.request(
              `/notifications/confirm?token=${encodeURIComponent(token)}`,
              { method },
            );
            assert.equal(res.status, 400, `${method} ${token}`);
            assert.match(await res.text(), /Link not valid/);
          }
        }
        assert.equal(await f.get('/notifications/confirm').then((r) => r.status), 400);
        // Confirmed since by a newer link: the old one says it is confirmed, not expired.
        await f.app.request(confirmPath(key!, f.now), { method: 'POST' });
        assert.equal((await f.get(confirmPath(key!, issued))).status, 200);
        assert.deepEqual(
          (await keys()).map((k) => k.confirmed_at !== null),
          [true, false],
        );
      });
    });

    describe('/notifications/unsubscribe', () => {
      const unsubscribePath = (row: { id: number; created_at: string }) =>
        `/notifications/unsubscribe?token=${unsubscribeToken(SECRET, row)}`;

      it('GET shows a button that posts back, and unsubscribes nobody', async () => {
        await open();
        await subscribe('first');
        const [row] = await addresses();
        const res = await f.get(unsubscribePath(row!));
        const page = await res.text();
        assert.equal(res.status, 200, page);
        assert.match(
          page,
          /<form method="post"><button type="submit">Stop reply mail<\/button><\/form>/,
        );
        assert.match(res.headers.get('Content-Security-Policy') ?? '', /form-action 'self'/);
        assert.doesNotMatch(page, /example\.org/i);
        assert.equal((await addresses()).length, 1);
      });

      it('POST (one click, any body, any origin) deletes the address and its keys; its messages keep nothing of it', async () => {
        await open();
        const { message } = await subscribe('first');
        const [row] = await addresses();
        const res = await f.app.request(unsubscribePath(row!), {
          method: 'POST',
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Origin: 'https://mail.provider.example',
          },
          body: 'List-Unsubscribe=One-Click',
        });
        const page = await res.text();
        assert.equal(res.status, 200, page);
        assert.match(page, /Unsubscribed/);
        assert.deepEqual(await addresses(), []);
        assert.deepEqual(await keys(), []);
        assert.equal(await keyOf(message.id), null);
        // Again, or with no body at all: nothing left to do, and it says so.
        const again = await f.app.request(unsubscribePath(row!), { method: 'POST' });
        assert.equal(again.status, 200);
        assert.match(await again.text(), /Nothing to stop/);
      });

      it('an old link does not act on the address made again later', async () => {
        await open();
        await subscribe('first');
        const [old] = await addresses();
        await f.app.request(unsubscribePath(old!), { method: 'POST' });
        await subscribe('subscribed again');
        const [renewed] = await addresses();
        assert.notEqual(renewed?.id, old?.id);
        const res = await f.app.request(unsubscribePath(old!), { method: 'POST' });
        assert.equal(res.status, 200);
        assert.equal((await addresses()).length, 1, 'the new row stays');
        // Nor does a token forged from the old one's for the new row.
        const [, created, mac] = unsubscribeToken(SECRET, old!).split('.');
        const refused = await f.app.request(
          `/notifications/unsubscribe?token=${renewed!.id}.${created}.${mac}`,
          { method: 'POST' },
        );
        assert.equal(refused.status, 400);
        assert.equal((await addresses()).length, 1);
      });

      it('answers a forged token alike whether or not its row exists, and refuses ids past the serial range', async () => {
        await open();
        await subscribe('first');
        const [row] = await addresses();
        const answers = new Set<string>();
        for (const token of [
          `${row!.id}.${Date.parse(row!.created_at)}.${'A'.repeat(43)}`,
          `${row!.id + 1000}.${Date.parse(row!.created_at)}.${'A'.repeat(43)}`,
          `${TOO_BIG_ID}.${Date.parse(row!.created_at)}.${'A'.repeat(43)}`,
          unsubscribeToken('another-secret-0123456789abcdef', row!),
          unsubscribeToken('another-secret-0123456789abcdef', { ...row!, id: row!.id + 1000 }),
          '',
          'x',
          confirmToken(
            SECRET,
            { id: row!.id, address_id: row!.id, created_at: row!.created_at },
            f.now,
          ),
        ]) {
          const path = `/notifications/unsubscribe?token=${encodeURIComponent(token)}`;
          for (const method of ['GET', 'POST']) {
            const res = await f.app.request(path, { method });
            answers.add(`${res.status} ${await res.text()}`);
          }
        }
        assert.equal(answers.size, 1, [...answers].join('\n---\n'));
        assert.match([...answers][0]!, /^400 [\s\S]*Link not valid/);
        assert.equal((await addresses()).length, 1);
      });
    });

    describe('deleting messages', () => {
      it('deletes the address with its reader’s last message, by the author or a moderator, whichever browser posted', async () => {
        await open();
        const first = await subscribe('first');
        const second = await subscribe('second from another browser');
        assert.equal((await keys()).length, 2);
        assert.equal(
          (await f.delete(`/api/messages/${first.message.id}`, bearer(first.editToken))).status,
          204,
        );
        assert.equal((await addresses()).length, 1, 'another message still asks for mail');
        assert.equal(
          (await f.delete(`/api/admin/messages/${second.message.id}`, ADMIN)).status,
          204,
        );
        assert.deepEqual(await addresses(), []);
        assert.deepEqual(await keys(), []);
      });

      it('clears a placeholder’s key (it has replies) and deletes the address when it was the last', async () => {
        await open();
        const parent = await subscribe('first');
        await f.postMessage(KEY, 'a reply', { parentId: parent.message.id });
        assert.equal(
          (await f.delete(`/api/messages/${parent.message.id}`, bearer(parent.editToken))).status,
          204,
        );
        assert.equal(await keyOf(parent.message.id), null);
        assert.deepEqual(await addresses(), []);
      });

      if (dialect.name === 'postgres') {
        it('keeps the new subscription when the reader’s last message is deleted while they post again', async () => {
          await open();
          const old = await subscribe('the last one, about to go');
          const oldRow = (await findMessage(db(), old.message.id))!;
          const now = f.now.toISOString();
          let deleting: Promise<unknown> | undefined;
          // The post's transaction, held open (its address row locked by the
          // upsert, its message not yet committed) while the delete runs.
          await db()
            .transaction()
            .execute(async (trx) => {
              const address = await findOrCreateAddress(trx, STORED, now);
              const { row: key } = await useReaderKey(trx, address.id, old.mailKey, now);
              await insertMessage(trx, {
                thread_id: oldRow.thread_id,
                parent_id: null,
                kind: 'reply',
                author_name: 'Reader',
                author_role: null,
                body: 'posted again meanwhile',
                body_fingerprint: null,
                html: '<p>posted again meanwhile</p>',
                status: 'published',
                ip_hash: null,
                edit_token_hash: 'x',
                created_at: now,
                edited_at: null,
                updated_at: now,
                first_published_at: now,
                notify_key_id: key.id,
              });
              deleting = f.db.store.write((other) => deleteMessage(other, oldRow, now));
              // Until the delete waits on a lock (the address row): no sleeping.
              for (;;) {
                const { rows } = await sql<{ waiting: number }>`
                  select count(*)::int as waiting from pg_locks where not granted`.execute(
                  f.db.store.db,
                );
                if (rows[0]!.waiting > 0) break;
                await new Promise((resolve) => setImmediate(resolve));
              }
            });
          await deleting;
          assert.equal((await addresses()).length, 1, 'the address stays');
          const [key] = await keys();
          assert.ok(key, 'the key stays');
          const again = await db()
            .selectFrom('messages')
            .select('notify_key_id')
            .where('body', '=', 'posted again meanwhile')
            .executeTakeFirstOrThrow();
          assert.equal(again.notify_key_id, key.id, 'the new message still asks for reply mail');
        });
      }
    });
  });
}

describe('the reader pages are not API routes', () => {
  it('answers a POST that is not JSON, from a foreign origin, with HTML rather than 415 or 403', async () => {
    const f = await appFixture(dialects[0]!, MAIL_ON);
    try {
      const res = await f.app.request('/notifications/unsubscribe?token=1.x', {
        method: 'POST',
        headers: { Origin: 'https://elsewhere.example', 'Content-Type': 'text/plain' },
        body: 'anything',
      });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('Content-Type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('Access-Control-Allow-Origin'), null);
      // And a page works with no mail set up at all (links in mail sent before).
      const off = await appFixture(dialects[0]!, { secret: SECRET });
      try {
        assert.equal((await off.get('/notifications/unsubscribe?token=1.x')).status, 400);
      } finally {
        await off.close();
      }
    } finally {
      await f.close();
    }
  });
});
