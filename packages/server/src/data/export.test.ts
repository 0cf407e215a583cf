/**
 * The export document (`GET /api/admin/export`, `exportDocument`) on a real
 * SQLite file and on PostgreSQL: complete, whole, streamed, and never
 * carrying anything private.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  BLOG_ORIGIN,
  bearer,
} from '../testing/app-fixture.ts';
import { assertError, json } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import type { CreatedOwnerKey, ExportDocument, ExportMessage } from '../wire.ts';
import { readSiteId } from './export.repository.ts';
import { exportDocument } from './export.ts';

const KEY = '/blog/post-1';
const OTHER = '/blog/other';
const SECRET = 'export-test-server-secret-0123456789';

/** Every field of each kind of row, in the order the document writes them. */
const THREAD_FIELDS = [
  'key',
  'title',
  'summary',
  'summarySource',
  'url',
  'status',
  'public',
  'createdAt',
  'updatedAt',
  'lastActivityAt',
];
const MESSAGE_FIELDS = [
  'id',
  'sourceId',
  'threadKey',
  'parentId',
  'kind',
  'status',
  'hiddenReason',
  'author',
  'body',
  'html',
  'highlighted',
  'createdAt',
  'editedAt',
  'updatedAt',
];
const REPORT_FIELDS = ['id', 'messageId', 'reason', 'createdAt', 'decidedAt'];

describe('docs/export-format.md', () => {
  /** The field names in the first column of the table under `### heading`. */
  function documented(text: string, heading: string): string[] {
    const section = text.split(`### ${heading}\n`)[1]?.split('\n#')[0] ?? '';
    return [...section.matchAll(/^\| `([A-Za-z]+)`/gm)].map((m) => m[1]!);
  }

  it('documents exactly the fields the export writes, in their order', () => {
    const text = readFileSync(
      new URL('../../../../docs/export-format.md', import.meta.url),
      'utf8',
    );
    assert.deepEqual(documented(text, 'Top level'), [
      'format',
      'version',
      'exportedAt',
      'thread',
      'threads',
      'messages',
      'reports',
    ]);
    assert.deepEqual(documented(text, 'Thread'), THREAD_FIELDS);
    assert.deepEqual(documented(text, 'Message'), MESSAGE_FIELDS);
    assert.deepEqual(documented(text, 'Report'), REPORT_FIELDS);
  });
});

for (const dialect of dialects) {
  describe(`export on ${dialect.name}`, () => {
    let f: AppFixture;
    beforeEach(async () => {
      f = await appFixture(dialect, {
        adminToken: ADMIN_TOKEN,
        heldWords: ['casino'],
        secret: SECRET,
        reportThreshold: 1,
      });
    });
    afterEach(async () => {
      await f.close();
    });

    const post = (body: string, extra: Record<string, unknown> = {}, key = KEY) =>
      f.postMessage(key, body, extra);
    const exportText = async (query = '', headers: Record<string, string> = ADMIN) => {
      const res = await f.get(`/api/admin/export${query}`, headers);
      const text = await res.text();
      assert.equal(res.status, 200, text);
      return { res, text };
    };

    /**
     * A site with every kind of content: an opening post, an owner's reply,
     * an edited reply, a highlighted one, a held one, spam, a moderator's
     * hide, a hide by reports, a deleted placeholder with its reply, and a
     * second thread; reports open and decided.
     */
    async function site() {
      const opening = await post('Opening **post**', {
        kind: 'opening',
        thread: { title: 'A title', url: `${BLOG_ORIGIN}/blog/post-1` },
      });
      await f.patch(
        `/api/admin/threads/${encodeURIComponent(KEY)}`,
        { summary: 'About it' },
        ADMIN,
      );
      const owner = await post('From the owner', {}, KEY);
      await f.db.store.db
        .updateTable('messages')
        .set({ author_role: 'owner' })
        .where('id', '=', owner.message.id)
        .execute();
      const edited = await post('before');
      f.now = new Date(f.now.getTime() + 1000);
      await f.patch(
        `/api/messages/${edited.message.id}`,
        { body: 'after' },
        bearer(edited.editToken),
      );
      const highlighted = await post('highlight me');
      await f.patch(`/api/admin/messages/${highlighted.message.id}`, { highlighted: true }, ADMIN);
      const held = await post('casino night');
      const spam = await post('buy now', { website: 'https://spam.example' });
      const hidden = await post('hide me');
      f.peer = '198.51.100.1';
      await f.post(`/api/messages/${hidden.message.id}/report`, {
        reason: 'decided <b>report</b>',
      });
      await f.patch(`/api/admin/messages/${hidden.message.id}`, { status: 'hidden' }, ADMIN);
      const byReports = await post('reported away');
      f.peer = '192.0.2.5';
      await f.post(`/api/messages/${byReports.message.id}/report`, {});
      f.peer = '203.0.113.7';
      const deleted = await post('deleted later');
      const answer = await post('an answer', { parentId: deleted.message.id });
      await f.delete(`/api/messages/${deleted.message.id}`, bearer(deleted.editToken));
      const other = await post('elsewhere', {}, OTHER);
      return {
        opening,
        owner,
        edited,
        highlighted,
        held,
        spam,
        hidden,
        byReports,
        deleted,
        answer,
        other,
      };
    }

    it('answers the whole site as the documented, versioned JSON, as an attachment never cached', async () => {
      const s = await site();
      const { res, text } = await exportText();
      assert.equal(res.headers.get('Content-Type'), 'application/json; charset=utf-8');
      assert.equal(
        res.headers.get('Content-Disposition'),
        `attachment; filename="parley-export-${f.now.toISOString().slice(0, 10)}.json"`,
      );
      assert.equal(res.headers.get('Cache-Control'), 'no-store');
      const doc = JSON.parse(text) as ExportDocument;
      assert.deepEqual(Object.keys(doc), [
        'format',
        'version',
        'exportedAt',
        'thread',
        'threads',
        'messages',
        'reports',
      ]);
      assert.equal(doc.format, 'parley-export');
      assert.equal(doc.version, 1);
      assert.equal(doc.exportedAt, f.now.toISOString());
      assert.equal(doc.thread, null);

      assert.deepEqual(
        doc.threads.map((t) => t.key),
        [KEY, OTHER],
      );
      for (const thread of doc.threads) assert.deepEqual(Object.keys(thread), THREAD_FIELDS);
      assert.deepEqual(doc.threads[0], {
        key: KEY,
        title: 'A title',
        summary: 'About it',
        summarySource: 'manual',
        url: `${BLOG_ORIGIN}/blog/post-1`,
        status: 'open',
        public: true,
        createdAt: s.opening.message.createdAt,
        updatedAt: doc.threads[0]!.updatedAt,
        lastActivityAt: doc.threads[0]!.lastActivityAt,
      });

      // Every message, whatever its status, oldest first, with its status.
      const byId = new Map(doc.messages.map((m) => [m.id, m]));
      const ids = doc.messages.map((m) => m.id);
      assert.deepEqual(
        ids,
        [...ids].sort((a, b) => a - b),
      );
      for (const message of doc.messages) assert.deepEqual(Object.keys(message), MESSAGE_FIELDS);
      const status = (id: number) => [byId.get(id)?.status, byId.get(id)?.hiddenReason];
      assert.deepEqual(status(s.opening.message.id), ['published', null]);
      assert.deepEqual(status(s.held.message.id), ['pending', null]);
      assert.deepEqual(status(s.spam.message.id), ['spam', null]);
      assert.deepEqual(status(s.hidden.message.id), ['hidden', 'moderator']);
      assert.deepEqual(status(s.byReports.message.id), ['hidden', 'reports']);
      assert.deepEqual(status(s.deleted.message.id), ['deleted', null]);
      const siteMeta = await f.db.store.db
        .selectFrom('site_meta')
        .select('value')
        .where('name', '=', 'site_id')
        .executeTakeFirstOrThrow();
      assert.deepEqual(byId.get(s.opening.message.id), {
        id: s.opening.message.id,
        sourceId: `parley:${siteMeta.value}:${s.opening.message.id}`,
        threadKey: KEY,
        parentId: null,
        kind: 'opening',
        status: 'published',
        hiddenReason: null,
        author: { name: 'Reader', role: null },
        body: 'Opening **post**',
        html: '<p>Opening <strong>post</strong></p>',
        highlighted: false,
        createdAt: s.opening.message.createdAt,
        editedAt: null,
        updatedAt: s.opening.message.createdAt,
      } satisfies ExportMessage);
      assert.deepEqual(byId.get(s.owner.message.id)?.author, { name: 'Reader', role: 'owner' });
      const edited = byId.get(s.edited.message.id)!;
      assert.equal(edited.body, 'after');
      assert.equal(edited.html, '<p>after</p>');
      assert.ok(edited.editedAt);
      assert.equal(byId.get(s.highlighted.message.id)?.highlighted, true);
      assert.equal(byId.get(s.held.message.id)?.body, 'casino night');
      assert.equal(byId.get(s.spam.message.id)?.body, 'buy now');
      const placeholder = byId.get(s.deleted.message.id)!;
      assert.deepEqual([placeholder.body, placeholder.author.name], ['', '']);
      assert.equal(byId.get(s.answer.message.id)?.parentId, s.deleted.message.id);
      assert.equal(byId.get(s.other.message.id)?.threadKey, OTHER);
      assert.equal(doc.messages.length, 11);

      // Reports: the decided one with its time, the open one that hid a message.
      for (const report of doc.reports) assert.deepEqual(Object.keys(report), REPORT_FIELDS);
      assert.deepEqual(
        doc.reports.map((r) => [r.messageId, r.reason, r.decidedAt !== null]),
        [
          [s.hidden.message.id, 'decided <b>report</b>', true],
          [s.byReports.message.id, null, false],
        ],
      );
    });

    it('carries no client hash, token, token hash, fingerprint, reporter hash, owner key, salt or secret', async () => {
      const s = await site();
      const key = await json<CreatedOwnerKey>(
        await f.post('/api/admin/owner-keys', { label: 'laptop' }, ADMIN),
        201,
      );
      const { text } = await exportText();
      const db = f.db.store.db;
      const messages = await db
        .selectFrom('messages')
        .select(['ip_hash', 'edit_token_hash', 'body_fingerprint'])
        .execute();
      const reports = await db
        .selectFrom('reports')
        .select(['reporter_hash', 'network_hash'])
        .execute();
      const ownerKeys = await db.selectFrom('owner_keys').select('key_hash').execute();
      const salts = await db.selectFrom('ip_salts').select('salt').execute();
      const privateValues = [
        ...messages.flatMap((m) => [m.ip_hash, m.edit_token_hash, m.body_fingerprint]),
        ...reports.flatMap((r) => [r.reporter_hash, r.network_hash]),
        ...ownerKeys.map((k) => k.key_hash),
        ...salts.map((row) => row.salt),
        s.opening.editToken,
        s.held.editToken,
        key.token,
        ADMIN_TOKEN,
        SECRET,
        f.peer,
        '198.51.100.1',
      ].filter((value): value is string => typeof value === 'string' && value !== '');
      assert.ok(
        messages.some((m) => m.ip_hash),
        'the site has client hashes to leak',
      );
      assert.ok(reports.length === 2 && ownerKeys.length === 1 && salts.length > 0);
      for (const value of privateValues) {
        assert.ok(
          !text.includes(value),
          `the export holds a private value (${value.slice(0, 8)}…)`,
        );
      }
      for (const name of [
        'ip_hash',
        'ipHash',
        'token',
        'fingerprint',
        'reporter',
        'network',
        'email',
        'salt',
      ]) {
        assert.ok(!text.toLowerCase().includes(name.toLowerCase()), `no field named like ${name}`);
      }
    });

    it('names each message by a stable sourceId: this site’s own, or the one it was imported with', async () => {
      const posted = await post('posted here');
      const imported = await post('imported once');
      await f.db.store.db
        .updateTable('messages')
        .set({ source_id: 'disqus:42' })
        .where('id', '=', imported.message.id)
        .execute();
      const doc = JSON.parse((await exportText()).text) as ExportDocument;
      const [own, theirs] = doc.messages;
      assert.match(own!.sourceId, /^parley:[0-9a-f-]{36}:\d+$/);
      assert.equal(own!.sourceId, `parley:${own!.sourceId.split(':')[1]}:${posted.message.id}`);
      assert.equal(theirs!.sourceId, 'disqus:42');
      // The same site names its messages the same way in every export; another site never does.
      const again = JSON.parse((await exportText()).text) as ExportDocument;
      assert.equal(again.messages[0]!.sourceId, own!.sourceId);
      const other = await dialect.create();
      try {
        const otherSite = await readSiteId(other.store.db);
        assert.notEqual(otherSite, own!.sourceId.split(':')[1]);
      } finally {
        await other.dispose();
      }
    });

    it('limits the document to one thread with ?thread=, its messages and their reports', async () => {
      const s = await site();
      f.peer = '198.51.100.77';
      await f.post(`/api/messages/${s.other.message.id}/report`, { reason: 'other' });
      const doc = JSON.parse(
        (await exportText(`?thread=${encodeURIComponent(OTHER)}`)).text,
      ) as ExportDocument;
      assert.equal(doc.thread, OTHER);
      assert.deepEqual(
        doc.threads.map((t) => t.key),
        [OTHER],
      );
      assert.deepEqual(
        doc.messages.map((m) => m.id),
        [s.other.message.id],
      );
      assert.deepEqual(
        doc.reports.map((r) => r.reason),
        ['other'],
      );
    });

    it('names a thread’s export after its key, in [a-z0-9-] only, so nothing breaks out of the header', async () => {
      const day = f.now.toISOString().slice(0, 10);
      const keys: [string, string][] = [
        [KEY, 'blog-post-1'],
        ['/Blog/Noël & ＣＡＦＥ/?x="1";', 'blog-noel-cafe-x-1'],
        ['/a"; filename="evil.exe', 'a-filename-evil-exe'],
        ['/../../etc/passwd', 'etc-passwd'],
        [
          `/${'long-words '.repeat(20)}`,
          'long-words-long-words-long-words-long-words-long-words-long',
        ],
        ['/', 'thread'],
        ['/日本語', 'thread'],
      ];
      for (const [key, slug] of keys) {
        await post(`hello ${slug} ${key}`, {}, key);
        const { res } = await exportText(`?thread=${encodeURIComponent(key)}`);
        const disposition = res.headers.get('Content-Disposition');
        assert.equal(disposition, `attachment; filename="parley-export-${day}-${slug}.json"`, key);
        assert.ok(slug.length <= 60, key);
      }
      // The whole site's keeps the plain name.
      const { res } = await exportText();
      assert.equal(
        res.headers.get('Content-Disposition'),
        `attachment; filename="parley-export-${day}.json"`,
      );
    });

    it('lists a thread that is not public yet, with its held message', async () => {
      const held = await post('casino only', {}, '/blog/held');
      const doc = JSON.parse(
        (await exportText(`?thread=${encodeURIComponent('/blog/held')}`)).text,
      ) as ExportDocument;
      assert.equal(doc.threads[0]?.public, false);
      assert.deepEqual(
        doc.messages.map((m) => [m.id, m.status]),
        [[held.message.id, 'pending']],
      );
    });

    it('answers an empty site as a document with empty lists', async () => {
      const doc = JSON.parse((await exportText()).text) as ExportDocument;
      assert.deepEqual([doc.threads, doc.messages, doc.reports], [[], [], []]);
    });

    it('returns 404 thread_not_found for an unknown thread, 400 for a bad key, 401 without the admin token', async () => {
      await post('x');
      await assertError(
        await f.get(`/api/admin/export?thread=${encodeURIComponent('/nobody')}`, ADMIN),
        404,
        'thread_not_found',
      );
      await assertError(
        await f.get(`/api/admin/export?thread=${encodeURIComponent('/a\u202Eb')}`, ADMIN),
        400,
        'invalid_request',
        ['thread'],
      );
      await assertError(await f.get('/api/admin/export?thread='), 401, 'unauthorized');
      await assertError(await f.get('/api/admin/export'), 401, 'unauthorized');
      await assertError(
        await f.get('/api/admin/export', { Authorization: 'Bearer not-the-token-at-all' }),
        401,
        'unauthorized',
      );
      const key = await json<CreatedOwnerKey>(
        await f.post('/api/admin/owner-keys', { label: 'laptop' }, ADMIN),
        201,
      );
      await assertError(await f.get('/api/admin/export', bearer(key.token)), 401, 'unauthorized');
    });

    describe('exportDocument', () => {
      it('yields the same document in batches of any size, one chunk per batch', async () => {
        await site();
        const collect = async (batchSize: number) => {
          const chunks: string[] = [];
          for await (const chunk of exportDocument(f.db.store.db, { now: f.now, batchSize })) {
            chunks.push(chunk);
          }
          return chunks;
        };
        const whole = await collect(500);
        const small = await collect(2);
        assert.deepEqual(JSON.parse(small.join('')), JSON.parse(whole.join('')));
        // 2 threads, 11 messages, 2 reports: 1 + 6 + 1 batches, plus the 4 frames.
        assert.equal(small.length, 12);
        assert.equal(whole.length, 7);
      });

      it('reads nothing written after it started, so the document stays whole', async () => {
        const first = await post('before the export');
        const chunks = exportDocument(f.db.store.db, { now: f.now, batchSize: 1 });
        let text = '';
        const head = await chunks.next();
        text += head.done ? '' : head.value;
        // Written while the export runs: a new thread, a message and a report.
        const late = await post('during the export', {}, '/blog/late');
        f.peer = '198.51.100.8';
        await f.post(`/api/messages/${first.message.id}/report`, { reason: 'late' });
        for await (const chunk of chunks) text += chunk;
        const doc = JSON.parse(text) as ExportDocument;
        assert.deepEqual(
          doc.threads.map((t) => t.key),
          [KEY],
        );
        assert.deepEqual(
          doc.messages.map((m) => m.id),
          [first.message.id],
        );
        assert.ok(!doc.messages.some((m) => m.id === late.message.id));
        assert.deepEqual(doc.reports, []);
      });
    });
  });
}
