import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { AppConfig } from '../app-deps.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  bearer,
  threadPath,
} from '../testing/app-fixture.ts';
import { assertError, json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type { AdminMessageList, EditMessageResponse, PostMessageResponse } from '../wire.ts';

const KEY = '/blog/spam';

for (const dialect of dialects) {
  describe(`spam defences on ${dialect.name}`, () => {
    let f: AppFixture;
    const open = async (config: Partial<AppConfig> = {}) => {
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, ...config });
      return f;
    };
    afterEach(async () => {
      await f.close();
    });

    const send = (
      body: Record<string, unknown>,
      key = KEY,
      headers: Record<string, string> = {},
    ) => {
      f.now = new Date(f.now.getTime() + 1000);
      return f.post(threadPath(key, '/messages'), { author: 'Reader', ...body }, headers);
    };
    const adminList = async (status: string) =>
      (
        await json<AdminMessageList>(
          await f.get(`/api/admin/messages?status=${status}`, ADMIN),
          200,
        )
      ).messages;
    const stored = (id: number) =>
      f.db.store.db
        .selectFrom('messages')
        .select(['status', 'hidden_reason'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const eventCount = async () =>
      Number(
        (
          await f.db.store.db
            .selectFrom('events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    describe('the honeypot (website)', () => {
      it('answers a filled honeypot exactly like a published post and keeps it as spam', async () => {
        await open();
        const first = await f.postMessage(KEY, 'a real reader');
        const events = await eventCount();
        const res = await send({ body: 'Buy now', website: 'https://spam.example' });
        const spam = await json<PostMessageResponse>(res, 201);
        const real = await f.postMessage(KEY, 'another real reader');
        // Same shape as a published post: nothing tells the bot.
        assert.deepEqual(Object.keys(spam).sort(), Object.keys(real).sort());
        assert.deepEqual(Object.keys(spam.message).sort(), Object.keys(real.message).sort());
        assert.equal(spam.status, 'published');
        assert.equal(spam.message.html, '<p>Buy now</p>');
        assert.match(spam.editToken, /^[\w-]{32}$/);

        assert.deepEqual(await stored(spam.message.id), {
          status: 'hidden',
          hidden_reason: 'spam',
        });
        const listed = await f.publicMessages(KEY);
        assert.deepEqual(
          listed.map((m) => m.id).sort(),
          [first.message.id, real.message.id].sort(),
          'never listed',
        );
        assert.equal((await f.threadPage(KEY)).thread.messageCount, 2, 'never counted');
        // The spam post wrote no event; the real one after it wrote its two.
        assert.equal(await eventCount(), events + 2, 'no live event');

        // The edit token is real: the bot can delete what it posted.
        assert.equal(
          (await f.delete(`/api/messages/${spam.message.id}`, bearer(spam.editToken))).status,
          204,
        );
      });

      it('stores the spam status of a post that would create its thread', async () => {
        await open();
        const spam = await json<PostMessageResponse>(
          await send({ body: 'first!', website: 'x', thread: { title: 'Cheap pills' } }),
          201,
        );
        assert.deepEqual(await stored(spam.message.id), {
          status: 'hidden',
          hidden_reason: 'spam',
        });
      });

      it('answers a caught post, and its edit, as the same post would have been answered', async () => {
        await open({ moderation: 'all' });
        const held = await json<PostMessageResponse>(await send({ body: 'real one' }), 201);
        assert.equal(held.status, 'pending');
        const caught = await json<PostMessageResponse>(
          await send({ body: 'bot one', website: 'x' }),
          201,
        );
        assert.equal(caught.status, 'pending', 'held like any post under moderation all');
        assert.equal((await stored(caught.message.id)).hidden_reason, 'spam');
        const edited = await f.patch(
          `/api/messages/${caught.message.id}`,
          { body: 'bot edit' },
          { Authorization: `Bearer ${caught.editToken}` },
        );
        assert.equal(edited.status, 200);
        assert.equal(
          ((await edited.json()) as { status: string }).status,
          'pending',
          'as a held message edited under moderation all',
        );
      });

      it('answers a caught edit as a real one: held by its links, or by its first text', async () => {
        await open({ maxLinks: 2, heldWords: ['viagra'] });
        const editOf = async (first: string, then: string, website?: string) => {
          const sent = await json<PostMessageResponse>(
            await send({ body: first, ...(website ? { website } : {}) }),
            201,
          );
          const res = await f.patch(
            `/api/messages/${sent.message.id}`,
            { body: then },
            { Authorization: `Bearer ${sent.editToken}` },
          );
          return ((await json<{ status: string }>(res, 200)) as { status: string }).status;
        };
        const links = '[a](http://x.example/1) [b](http://x.example/2) [c](http://x.example/3)';
        for (const [first, then] of [
          ['plain words', links],
          ['buy viagra', 'clean words'],
          ['fine words', 'other fine words'],
        ] as const) {
          const real = await editOf(first, then);
          const caught = await editOf(`${first} (bot)`, `${then} (bot)`, 'x');
          assert.equal(caught, real, `${first} → ${then}`);
        }
      });

      it('takes a blank honeypot as empty (the widget sends it empty)', async () => {
        await open();
        const res = await send({ body: 'hello', website: '  ' });
        const posted = await json<PostMessageResponse>(res, 201);
        assert.equal((await stored(posted.message.id)).status, 'published');
      });

      it('refuses a honeypot over 2048 characters with 400 naming website', async () => {
        await open();
        await assertError(
          await send({ body: 'x', website: 'w'.repeat(2049) }),
          400,
          'invalid_request',
          ['website'],
        );
      });

      it('lists spam under status=spam, other hidden messages under status=hidden; approval clears the reason', async () => {
        await open();
        const spam = await json<PostMessageResponse>(
          await send({ body: 'spam', website: 'x' }),
          201,
        );
        const hidden = await f.postMessage(KEY, 'rude');
        await json(
          await f.patch(`/api/admin/messages/${hidden.message.id}`, { status: 'hidden' }, ADMIN),
          200,
        );

        const spamList = await adminList('spam');
        assert.deepEqual(
          spamList.map((m) => [m.id, m.status]),
          [[spam.message.id, 'spam']],
        );
        assert.deepEqual(
          (await adminList('hidden')).map((m) => m.id),
          [hidden.message.id],
        );

        const approved = await f.patch(
          `/api/admin/messages/${spam.message.id}`,
          { status: 'published' },
          ADMIN,
        );
        assert.equal(approved.status, 200);
        assert.deepEqual(await stored(spam.message.id), {
          status: 'published',
          hidden_reason: null,
        });
        assert.deepEqual(await adminList('spam'), []);
        assert.ok((await f.publicMessages(KEY)).some((m) => m.id === spam.message.id));
      });

      it('deletes spam like any message', async () => {
        await open();
        const spam = await json<PostMessageResponse>(
          await send({ body: 'spam', website: 'x' }),
          201,
        );
        assert.equal((await f.delete(`/api/admin/messages/${spam.message.id}`, ADMIN)).status, 204);
        assert.deepEqual(await adminList('spam'), []);
      });
    });

    describe('duplicates', () => {
      it('refuses the same body from the same client within 10 minutes with 409, in any thread', async () => {
        await open();
        await f.postMessage(KEY, 'Great post!');
        await assertError(await send({ body: '  Great post!\r\n' }), 409, 'duplicate_message');
        await assertError(
          await send({ body: 'Great post!' }, '/blog/other'),
          409,
          'duplicate_message',
        );
        // Another body, or another client, is fine.
        await f.postMessage(KEY, 'Great post, really!');
        f.peer = '198.51.100.9';
        await f.postMessage(KEY, 'Great post!');
      });

      it('refuses the same words changed only in case, format characters or spaces with 409', async () => {
        await open();
        await f.postMessage(KEY, 'Great post, thanks a lot');
        for (const body of [
          'GREAT POST, THANKS A LOT',
          'Great po\u200bst, thanks a lot',
          'Great post, tha\u00adnks a lot',
          'Great\u00a0post, thanks a lot',
          'Great  post,   thanks a lot',
          '\uff27reat post, thanks a lot',
        ]) {
          await assertError(await send({ body }), 409, 'duplicate_message');
        }
        // Other words are another message.
        await f.postMessage(KEY, 'Great post, thanks a lot!');
      });

      it('accepts the same body again after 10 minutes', async () => {
        await open();
        await f.postMessage(KEY, 'ping');
        f.now = new Date(f.now.getTime() + 10 * 60_000);
        await f.postMessage(KEY, 'ping');
      });

      it('counts spam and held messages too', async () => {
        await open({ moderation: 'all' });
        await json(await send({ body: 'held one' }), 201);
        await assertError(await send({ body: 'held one' }), 409, 'duplicate_message');
        await json(await send({ body: 'spam one', website: 'x' }), 201);
        await assertError(await send({ body: 'spam one', website: 'x' }), 409, 'duplicate_message');
      });

      it('lets the site owner repeat themself', async () => {
        await open();
        await json(await send({ body: 'Thanks!' }, KEY, ADMIN), 201);
        await json(await send({ body: 'Thanks!' }, KEY, ADMIN), 201);
      });

      it('stores one of two identical posts sent at once: the transaction checks again', async () => {
        await open();
        const results = await Promise.all([send({ body: 'race' }), send({ body: 'race' })]);
        assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
      });
    });

    describe('links (PARLEY_MAX_LINKS)', () => {
      const links = (n: number) =>
        Array.from({ length: n }, (_, i) => `[l${i}](https://l${i}.example) `).join('');

      it('holds a message with more than 3 links by default, counting bare URLs and autolinks', async () => {
        await open();
        assert.equal((await f.postMessage(KEY, links(3))).status, 'published');
        assert.equal(
          (await f.postMessage(KEY, `${links(2)} https://bare.example <https://auto.example>`))
            .status,
          'pending',
        );
        // Code is not a link.
        assert.equal(
          (await f.postMessage(KEY, `${links(3)} \`https://code.example\``)).status,
          'published',
        );
      });

      it('holds any link with PARLEY_MAX_LINKS=0', async () => {
        await open({ maxLinks: 0 });
        assert.equal((await f.postMessage(KEY, 'no links here')).status, 'published');
        assert.equal((await f.postMessage(KEY, 'see https://one.example')).status, 'pending');
      });

      it('holds an edit that adds links', async () => {
        await open({ maxLinks: 1 });
        const posted = await f.postMessage(KEY, 'plain');
        const res = await f.patch(
          `/api/messages/${posted.message.id}`,
          { body: 'https://a.example https://b.example' },
          bearer(posted.editToken),
        );
        assert.equal((await json<EditMessageResponse>(res, 200)).status, 'pending');
      });

      it('never holds the owner', async () => {
        await open({ maxLinks: 0 });
        const res = await send({ body: 'https://owner.example' }, KEY, ADMIN);
        assert.equal((await json<PostMessageResponse>(res, 201)).status, 'published');
      });
    });

    describe('held words in titles', () => {
      it('holds a post whose new thread title holds a held word, not a later post carrying one', async () => {
        await open({ heldWords: ['casino'] });
        const first = await f.postMessage(KEY, 'hello', {
          thread: { title: 'CASINO – this blog is for sale' },
        });
        assert.equal(first.status, 'pending');
        await f.postMessage('/blog/fine', 'hello there');
        // The thread exists: a title on a later post is ignored, so it holds nothing.
        const later = await f.postMessage('/blog/fine', 'hi again', {
          thread: { title: 'casino' },
        });
        assert.equal(later.status, 'published');
      });

      it('holds a held word hidden by zero-width characters, soft hyphens or fullwidth letters in a title, a body or a name', async () => {
        await open({ heldWords: ['casino'] });
        const variants = ['CA\u200bSINO', 'C\u00adASINO', '\uff23\uff21\uff33\uff29\uff2e\uff2f'];
        for (const [i, word] of variants.entries()) {
          const title = await f.postMessage(`/blog/t${i}`, `hello ${i}`, {
            thread: { title: `${word} – for sale` },
          });
          assert.equal(title.status, 'pending', `title ${JSON.stringify(word)}`);
          const body = await f.postMessage('/blog/fine', `play ${word} today ${i}`);
          assert.equal(body.status, 'pending', `body ${JSON.stringify(word)}`);
          const name = await f.postMessage('/blog/fine', `hi ${i}`, { author: `${word} King` });
          assert.equal(name.status, 'pending', `name ${JSON.stringify(word)}`);
        }
      });
    });
  });
}
