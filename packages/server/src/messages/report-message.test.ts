import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { TrustedProxies } from '../http/client-address.ts';
import { ADMIN, ADMIN_TOKEN, type AppFixture, appFixture } from '../testing/app-fixture.ts';
import { assertError, json, storedCounts } from '../testing/assertions.ts';
import { countWrites } from '../testing/count-writes.ts';
import { dialects } from '../testing/dialects.ts';
import type { AdminMessage, AdminMessageList } from '../wire.ts';

const KEY = '/blog/post-1';

for (const dialect of dialects) {
  describe(`reports on ${dialect.name}`, () => {
    let f: AppFixture;
    afterEach(async () => {
      await f?.close();
    });

    async function setup(config: Parameters<typeof appFixture>[1] = {}) {
      f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, reportThreshold: 3, ...config });
    }
    const report = (id: number, body: unknown = {}, headers: Record<string, string> = {}) =>
      f.post(`/api/messages/${id}/report`, body, headers);
    async function reportFrom(peer: string, id: number, body: unknown = {}) {
      f.peer = peer;
      const res = await report(id, body);
      assert.equal(res.status, 202, `${peer}: ${await res.clone().text()}`);
    }
    async function stored(id: number) {
      return f.db.store.db
        .selectFrom('messages')
        .select(['status', 'hidden_reason', 'report_count'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    }
    async function adminView(id: number): Promise<AdminMessage> {
      const list = await json<AdminMessageList>(await f.get('/api/admin/messages', ADMIN), 200);
      const found = list.messages.find((m) => m.id === id);
      assert.ok(found, `message ${id} is listed for moderators`);
      return found;
    }

    describe('the threshold counts networks, not addresses', () => {
      it('counts three addresses of one IPv4 /24 as one network, and hides at three networks', async () => {
        await setup();
        const { message } = await f.postMessage(KEY, 'reported');
        for (const peer of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
          await reportFrom(peer, message.id);
        }
        assert.equal((await stored(message.id)).status, 'published', 'one /24 is one network');
        assert.equal(Number((await stored(message.id)).report_count), 3, 'each reader is counted');
        await reportFrom('203.0.113.9', message.id);
        assert.equal((await stored(message.id)).status, 'published');
        await reportFrom('2001:db8:aaaa::1', message.id);
        assert.deepEqual(await stored(message.id), {
          status: 'hidden',
          hidden_reason: 'reports',
          report_count: 5,
        });
        assert.deepEqual(await f.publicMessages(KEY), []);
      });

      it('counts three addresses of one IPv6 /64 behind a trusted proxy as one reader, and three /64s of one /48 as one network', async () => {
        await setup({ trustedProxies: new TrustedProxies(['10.0.0.1']) });
        const { message } = await f.postMessage(KEY, 'reported');
        f.peer = '10.0.0.1';
        for (const client of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::3']) {
          const res = await report(message.id, {}, { 'X-Forwarded-For': client });
          assert.equal(res.status, 202);
        }
        assert.equal(Number((await stored(message.id)).report_count), 1, 'one /64, one reader');
        for (const client of ['2001:db8:1:3::1', '2001:db8:1:4::1']) {
          await report(message.id, {}, { 'X-Forwarded-For': client });
        }
        assert.deepEqual(await stored(message.id), {
          status: 'published',
          hidden_reason: null,
          report_count: 3,
        });
      });
    });

    describe('once per reader and message, for the message’s whole life', () => {
      it('ignores a reader’s second report after the daily salt has rotated', async () => {
        await setup({ reportThreshold: 2 });
        const { message } = await f.postMessage(KEY, 'reported');
        f.now = new Date('2026-03-01T23:59:00.000Z');
        await reportFrom('198.51.100.1', message.id);
        for (const day of ['2026-03-02T00:01:00.000Z', '2026-03-09T10:00:00.000Z']) {
          f.now = new Date(day);
          await reportFrom('198.51.100.1', message.id);
        }
        assert.deepEqual(await stored(message.id), {
          status: 'published',
          hidden_reason: null,
          report_count: 1,
        });
      });

      it('keys one reader’s reports differently on every message, so they cannot be linked', async () => {
        await setup();
        const a = await f.postMessage(KEY, 'a');
        const b = await f.postMessage(KEY, 'b');
        await reportFrom('198.51.100.1', a.message.id);
        await reportFrom('198.51.100.1', b.message.id);
        const rows = await f.db.store.db
          .selectFrom('reports')
          .select(['reporter_hash', 'network_hash'])
          .execute();
        assert.equal(rows.length, 2);
        assert.notEqual(rows[0]!.reporter_hash, rows[1]!.reporter_hash);
        assert.notEqual(rows[0]!.network_hash, rows[1]!.network_hash);
        for (const row of rows) assert.ok(!JSON.stringify(row).includes('198.51.100'));
      });
    });

    describe('at most 10 reports per client an hour', () => {
      it('answers the 11th 429 rate_limited with Retry-After, before anything else, and stores nothing', async () => {
        await setup({ reportThreshold: 0 });
        const ids: number[] = [];
        for (let i = 0; i < 11; i++) ids.push((await f.postMessage(KEY, `m${i}`)).message.id);
        f.now = new Date('2026-03-01T23:55:00.000Z');
        for (const id of ids.slice(0, 10)) {
          await reportFrom('198.51.100.1', id);
          f.now = new Date(f.now.getTime() + 30_000);
        }
        const limited = await report(ids[10]!);
        await assertError(limited, 429, 'rate_limited');
        // The first was sent at 23:55:00; it is 00:00:00, and it leaves the hour at 00:55:00.
        assert.equal(limited.headers.get('Retry-After'), String(55 * 60));
        // Checked first: an unknown message is refused for the limit, not looked up.
        await assertError(await report(999_999), 429, 'rate_limited');
        assert.equal(Number((await stored(ids[10]!)).report_count), 0);
        assert.equal((await f.db.store.db.selectFrom('reports').select('id').execute()).length, 10);
        // UTC midnight does not reset the limit; the hour does.
        f.now = new Date('2026-03-02T00:30:00.000Z');
        await assertError(await report(ids[10]!), 429, 'rate_limited');
        f.now = new Date('2026-03-02T00:55:01.000Z');
        await reportFrom('198.51.100.1', ids[10]!);
      });

      it('refuses a client past the limit with a read: its 429s take no write lock', async () => {
        await setup({ reportThreshold: 0 });
        const ids: number[] = [];
        for (let i = 0; i < 11; i++) ids.push((await f.postMessage(KEY, `m${i}`)).message.id);
        for (const id of ids.slice(0, 10)) await reportFrom('198.51.100.1', id);
        const writes = countWrites(f.db.store);
        for (let i = 0; i < 5; i++) await assertError(await report(ids[10]!), 429, 'rate_limited');
        assert.equal(writes.count, 0);
        // Another client's report still writes.
        await reportFrom('203.0.113.50', ids[10]!);
        assert.equal(writes.count, 1);
      });

      it('limits every address of an IPv6 /64 together, and no other client', async () => {
        await setup({ reportThreshold: 0 });
        const ids: number[] = [];
        for (let i = 0; i < 11; i++) ids.push((await f.postMessage(KEY, `m${i}`)).message.id);
        for (const [i, id] of ids.slice(0, 10).entries()) {
          await reportFrom(`2001:db8:1:2::${i + 1}`, id);
        }
        f.peer = '2001:db8:1:2::ffff';
        await assertError(await report(ids[10]!), 429, 'rate_limited');
        await reportFrom('2001:db8:1:3::1', ids[10]!);
        await reportFrom('198.51.100.1', ids[10]!);
      });

      it('lets no more than 10 of 15 parallel reports through', async () => {
        await setup({ reportThreshold: 0 });
        const ids: number[] = [];
        for (let i = 0; i < 15; i++) ids.push((await f.postMessage(KEY, `m${i}`)).message.id);
        const statuses = (await Promise.all(ids.map((id) => report(id)))).map((r) => r.status);
        assert.equal(statuses.filter((s) => s === 202).length, 10);
        assert.equal(statuses.filter((s) => s === 429).length, 5);
      });
    });

    it('never hides the owner’s own message, though moderators see its reports', async () => {
      await setup();
      const owner = await f.post(
        `/api/threads/${encodeURIComponent(KEY)}/messages`,
        { author: 'Me', body: 'mine' },
        ADMIN,
      );
      const { message } = await json<{ message: { id: number } }>(owner, 201);
      for (const peer of ['198.51.100.1', '203.0.113.1', '192.0.2.1', '2001:db8:9::1']) {
        await reportFrom(peer, message.id, { reason: `from ${peer}` });
      }
      assert.deepEqual(await stored(message.id), {
        status: 'published',
        hidden_reason: null,
        report_count: 4,
      });
      assert.equal((await adminView(message.id)).reports.length, 4);
    });

    describe('what moderators see', () => {
      it('refuses a reason with bidi controls (400 naming reason), which would reverse it in /admin, and stores nothing', async () => {
        await setup();
        const { message } = await f.postMessage(KEY, 'reported');
        const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E'];
        controls.push('\u2066', '\u2067', '\u2068', '\u2069');
        for (const control of controls) {
          await assertError(
            await report(message.id, { reason: `spam${control} moc.live` }),
            400,
            'invalid_request',
            ['reason'],
          );
        }
        assert.equal((await f.db.store.db.selectFrom('reports').select('id').execute()).length, 0);
        // Right-to-left text itself is a reason like any other.
        await reportFrom('198.51.100.1', message.id, { reason: 'תגובה פוגענית\nשורה שנייה' });
        assert.deepEqual(
          (await adminView(message.id)).reports.map((r) => r.reason),
          ['תגובה פוגענית\nשורה שנייה'],
        );
      });

      it('shows why a message is hidden and its open reports, newest first, at most 20, never who sent them', async () => {
        await setup({ reportThreshold: 0 });
        const { message } = await f.postMessage(KEY, 'reported');
        for (let i = 1; i <= 22; i++) {
          f.now = new Date(f.now.getTime() + 1000);
          await reportFrom(`198.51.${i}.1`, message.id, i === 3 ? {} : { reason: `reason ${i}` });
        }
        const seen = await adminView(message.id);
        assert.equal(seen.hiddenReason, null);
        assert.equal(seen.reportCount, 22);
        assert.equal(seen.reports.length, 20);
        assert.deepEqual(seen.reports[0], {
          reason: 'reason 22',
          createdAt: new Date(f.now).toISOString(),
        });
        assert.equal(
          seen.reports[19]!.reason,
          null,
          'the 20th newest is the third, sent without one',
        );
        for (const r of seen.reports)
          assert.deepEqual(Object.keys(r).sort(), ['createdAt', 'reason']);
        const text = JSON.stringify(seen);
        assert.ok(!text.includes('198.51.'), 'no address');
        const hashes = await f.db.store.db.selectFrom('reports').select('reporter_hash').execute();
        for (const { reporter_hash } of hashes) assert.ok(!text.includes(reporter_hash));
      });

      it('marks a message hidden by reports, and a moderator’s restore or hide changes the reason', async () => {
        await setup();
        const { message } = await f.postMessage(KEY, 'reported');
        for (const peer of ['198.51.100.1', '203.0.113.1', '192.0.2.1']) {
          await reportFrom(peer, message.id, { reason: 'rude' });
        }
        const hidden = await adminView(message.id);
        assert.equal(hidden.status, 'hidden');
        assert.equal(hidden.hiddenReason, 'reports');
        assert.deepEqual(
          hidden.reports.map((r) => r.reason),
          ['rude', 'rude', 'rude'],
        );
        const restored = await json<{ message: AdminMessage }>(
          await f.patch(`/api/admin/messages/${message.id}`, { status: 'published' }, ADMIN),
          200,
        );
        assert.equal(restored.message.status, 'published');
        assert.equal(restored.message.hiddenReason, null);
        assert.deepEqual(restored.message.reports, [], 'a decision settles the open reports');
        assert.equal((await stored(message.id)).hidden_reason, null);
        // The same readers cannot hide it again: their reports were counted once, for good.
        for (const peer of ['198.51.100.1', '203.0.113.1', '192.0.2.1']) {
          await reportFrom(peer, message.id);
        }
        assert.equal((await stored(message.id)).status, 'published');
        const hiddenByModerator = await json<{ message: AdminMessage }>(
          await f.patch(`/api/admin/messages/${message.id}`, { status: 'hidden' }, ADMIN),
          200,
        );
        assert.equal(hiddenByModerator.message.hiddenReason, 'moderator');
        assert.deepEqual(await stored(message.id), {
          status: 'hidden',
          hidden_reason: 'moderator',
          report_count: 0,
        });
        assert.deepEqual(await storedCounts(f.db.store), { threads: 1, messages: 1 });
      });
    });
  });
}
