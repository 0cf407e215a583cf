/**
 * Readers asking for reply mail: the post's `email` and `notifyReplies`, the
 * address row and its one confirmation a day, the confirm and unsubscribe
 * pages, and the address going with its reader's last message. On a real
 * SQLite file and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { AppConfig } from '../app-deps.ts';
import type { ReaderAddressRow } from '../db/schema.ts';
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
import { confirmToken, unsubscribeToken } from './subscription-tokens.ts';

const KEY = '/blog/mail';
const SECRET = 'subscription-test-secret-0123456789';
const ADDRESS = 'Reader.One@Example.ORG';

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
    const requested = async () =>
      (await db().selectFrom('outbox').selectAll().orderBy('id').execute())
        .filter((row) => row.type === 'subscription.requested')
        .map((row) => JSON.parse(row.payload).route.addressId as number);
    const notifyOf = async (id: number) =>
      (
        await db()
          .selectFrom('messages')
          .select('notify_address_id')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).notify_address_id;
    const subscribe = (body: string, email = ADDRESS, extra: Record<string, unknown> = {}) =>
      f.postMessage(KEY, body, { email, notifyReplies: true, ...extra });

    describe('POST /api/threads/:key/messages with email and notifyReplies', () => {
      it('keeps the address, points the message at it and asks for one confirmation', async () => {
        await open();
        const res = await f.post(threadPath(KEY, '/messages'), {
          author: 'Reader',
          body: 'mail me',
          email: `  ${ADDRESS} `,
          notifyReplies: true,
        });
        const text = await res.text();
        assert.equal(res.status, 201, text);
        assert.ok(!text.toLowerCase().includes(ADDRESS.toLowerCase()), 'the answer has no address');
        const { message } = JSON.parse(text) as PostMessageResponse;
        const [row] = await addresses();
        assert.equal(row?.address, ADDRESS);
        assert.equal(row?.address_key, ADDRESS.toLowerCase());
        assert.equal(row?.confirmed_at, null);
        assert.equal(row?.confirmation_sent_at, f.now.toISOString());
        assert.equal(await notifyOf(message.id), row?.id);
        assert.deepEqual(await requested(), [row?.id]);
      });

      it('sends one confirmation a day per address, however it is capitalised', async () => {
        await open();
        await subscribe('first');
        await subscribe('second', ADDRESS.toUpperCase());
        f.now = new Date(f.now.getTime() + 23 * 3_600_000);
        await subscribe('third');
        assert.equal((await addresses()).length, 1);
        assert.equal((await requested()).length, 1);
        f.now = new Date(f.now.getTime() + 2 * 3_600_000);
        await subscribe('a day later');
        assert.equal((await requested()).length, 2);
      });

      it('makes one row and one confirmation when posts with one address race', async () => {
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
        assert.deepEqual(await requested(), [rows[0]?.id]);
        const pointing = await db().selectFrom('messages').select('notify_address_id').execute();
        assert.deepEqual(
          pointing.map((m) => m.notify_address_id),
          [rows[0]?.id, rows[0]?.id, rows[0]?.id, rows[0]?.id],
        );
      });

      it('asks for no confirmation once the address is confirmed', async () => {
        await open();
        await subscribe('first');
        await db()
          .updateTable('reader_addresses')
          .set({ confirmed_at: f.now.toISOString() })
          .execute();
        f.now = new Date(f.now.getTime() + 2 * 86_400_000);
        await subscribe('later');
        assert.equal((await requested()).length, 1);
      });

      it('keeps no address without notifyReplies: true', async () => {
        await open();
        const { message } = await f.postMessage(KEY, 'no mail', { email: ADDRESS });
        await f.postMessage(KEY, 'no mail either', { email: ADDRESS, notifyReplies: false });
        assert.deepEqual(await addresses(), []);
        assert.equal(await notifyOf(message.id), null);
        assert.deepEqual(await requested(), []);
      });

      it('keeps nothing and sends nothing for spam', async () => {
        await open();
        const spam = await subscribe('buy now', ADDRESS, { website: 'https://spam.example' });
        assert.equal(spam.status, 'published', 'answered like a real post');
        assert.deepEqual(await addresses(), []);
        assert.deepEqual(await requested(), []);
      });

      it('keeps the address of a held post and may confirm it at once', async () => {
        await open({ moderation: 'all' });
        const held = await subscribe('wait for me');
        assert.equal(held.status, 'pending');
        const [row] = await addresses();
        assert.equal(await notifyOf(held.message.id), row?.id);
        assert.deepEqual(await requested(), [row?.id]);
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
        assert.deepEqual(await addresses(), []);
      });
    });

    describe('GET /notifications/confirm', () => {
      const confirmPath = (row: ReaderAddressRow, issued: Date) =>
        `/notifications/confirm?token=${confirmToken(SECRET, row, issued)}`;

      it('confirms the address with a page that shows no address and runs nothing', async () => {
        await open();
        await subscribe('first');
        const [row] = await addresses();
        const res = await f.get(confirmPath(row!, f.now));
        const page = await res.text();
        assert.equal(res.status, 200, page);
        assert.equal(res.headers.get('Content-Type'), 'text/html; charset=utf-8');
        assert.match(res.headers.get('Content-Security-Policy') ?? '', /default-src 'none'/);
        assert.match(res.headers.get('Content-Security-Policy') ?? '', /frame-ancestors 'none'/);
        assert.equal(res.headers.get('Cache-Control'), 'no-store');
        assert.equal(res.headers.get('Referrer-Policy'), 'no-referrer');
        assert.equal(res.headers.get('X-Content-Type-Options'), 'nosniff');
        assert.match(page, /Reply mail confirmed/);
        assert.doesNotMatch(page, /<script|example\.org/i);
        const [after] = await addresses();
        assert.equal(after?.confirmed_at, f.now.toISOString());
        // A second click changes nothing.
        const first = f.now.toISOString();
        f.now = new Date(f.now.getTime() + 60_000);
        assert.equal((await f.get(confirmPath(row!, f.now))).status, 200);
        assert.equal((await addresses())[0]?.confirmed_at, first);
      });

      it('refuses a link past its seven days, a forged or altered one, or one of another row', async () => {
        await open();
        await subscribe('first');
        await subscribe('second', 'other@example.org');
        const [row, other] = await addresses();
        const issued = new Date(f.now);
        f.now = new Date(f.now.getTime() + 7 * 86_400_000 + 1000);
        const expired = await f.get(confirmPath(row!, issued));
        assert.equal(expired.status, 410);
        assert.match(await expired.text(), /Link expired/);
        const good = confirmToken(SECRET, row!, f.now);
        const [id, time, mac] = good.split('.');
        for (const token of [
          '',
          'nonsense',
          `${id}.${time}.${mac!.slice(0, -1)}A`,
          `${id}.${Number(time) + 1}.${mac}`,
          `${other!.id}.${time}.${mac}`,
          confirmToken('another-secret-0123456789abcdef', row!, f.now),
          unsubscribeToken(SECRET, row!),
        ]) {
          const res = await f.get(`/notifications/confirm?token=${encodeURIComponent(token)}`);
          assert.equal(res.status, 400, token);
          assert.match(await res.text(), /Link not valid/);
        }
        assert.equal(await f.get('/notifications/confirm').then((r) => r.status), 400);
        // Confirmed since by a newer link: the old one says it is confirmed, not expired.
        assert.equal((await f.get(confirmPath(row!, f.now))).status, 200);
        assert.equal((await f.get(confirmPath(row!, issued))).status, 200);
        await db().updateTable('reader_addresses').set({ confirmed_at: null }).execute();
        assert.deepEqual(
          (await addresses()).map((r) => r.confirmed_at),
          [null, null],
        );
      });
    });

    describe('/notifications/unsubscribe', () => {
      const unsubscribePath = (row: ReaderAddressRow) =>
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

      it('POST (one click, any body, any origin) deletes the address; its messages keep nothing of it', async () => {
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
        assert.equal(await notifyOf(message.id), null);
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
        // Nor does a token forged from the old one's id for the new row.
        const forged = `${renewed!.id}.${unsubscribeToken(SECRET, old!).split('.')[1]}`;
        const refused = await f.app.request(`/notifications/unsubscribe?token=${forged}`, {
          method: 'POST',
        });
        assert.equal(refused.status, 400);
        assert.equal((await addresses()).length, 1);
      });

      it('refuses a malformed or forged token', async () => {
        await open();
        await subscribe('first');
        const [row] = await addresses();
        for (const token of [
          '',
          'x',
          `${row!.id}.${'A'.repeat(43)}`,
          confirmToken(SECRET, row!, f.now),
        ]) {
          const path = `/notifications/unsubscribe?token=${encodeURIComponent(token)}`;
          assert.equal((await f.get(path)).status, 400, token);
          assert.equal((await f.app.request(path, { method: 'POST' })).status, 400, token);
        }
        assert.equal((await addresses()).length, 1);
      });
    });

    describe('deleting messages', () => {
      it('deletes the address with its reader’s last message, by the author or a moderator', async () => {
        await open();
        const first = await subscribe('first');
        const second = await subscribe('second');
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
      });

      it('clears a placeholder’s address (it has replies) and deletes the address when it was the last', async () => {
        await open();
        const parent = await subscribe('first');
        await f.postMessage(KEY, 'a reply', { parentId: parent.message.id });
        assert.equal(
          (await f.delete(`/api/messages/${parent.message.id}`, bearer(parent.editToken))).status,
          204,
        );
        assert.equal(await notifyOf(parent.message.id), null);
        assert.deepEqual(await addresses(), []);
      });
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
