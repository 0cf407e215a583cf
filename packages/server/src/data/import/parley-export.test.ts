/**
 * `parley-server import FILE`: a Parley export read back (`readParleyExport`)
 * and loaded (`importInto`) on a real SQLite file and on PostgreSQL. The
 * round trip holds (export, import into an empty database, export again:
 * equal apart from ids and the export time), importing twice changes
 * nothing, a non-empty database takes the file as a merge, a dry run writes
 * nothing, and a bad file writes nothing either.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { silentLogger } from '../../app-deps.ts';
import type { Store } from '../../db/store.ts';
import { createSummaryWorker } from '../../summaries/summary-worker.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  BLOG_ORIGIN,
  bearer,
  threadPath,
} from '../../testing/app-fixture.ts';
import { json } from '../../testing/assertions.ts';
import { dialects, type TestDialect } from '../../testing/dialects.ts';
import type { ExportDocument, Message, MessagePage, PostMessageResponse } from '../../wire.ts';
import { readSiteId } from '../export.repository.ts';
import { exportDocument } from '../export.ts';
import { describeImport, importInto } from './load.ts';
import { readParleyExport } from './parley-export.ts';
import type { ImportReader, Progress } from './records.ts';
import { ImportError } from './records.ts';

const KEY = '/blog/efficiency-wars';
const DEEP = '/blog/naïve-ünïcode-日本';
const CLOSED = '/blog/closed';
const HELD = '/blog/held';
const EARLY = '/blog/early';
const EMPTY = '/blog/empty';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-import-test-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;
/** A fresh file path in the test's folder. */
const tempFile = (name = 'export.json') => join(dir, `${files++}-${name}`);

/**
 * Every `sourceId` in an export names one message: a second one would make
 * an import elsewhere drop a real message as a duplicate and hang its
 * replies under the wrong parent.
 */
function assertUniqueSourceIds(doc: ExportDocument) {
  const seen = new Map<string, number>();
  for (const m of doc.messages) {
    const earlier = seen.get(m.sourceId);
    assert.equal(
      earlier,
      undefined,
      `messages ${earlier} and ${m.id} share sourceId ${m.sourceId}`,
    );
    seen.set(m.sourceId, m.id);
  }
}

/** The store's whole export, as text and parsed, written to a file; its sourceIds unique. */
async function exportOf(store: Store, now = new Date('2026-06-01T00:00:00.000Z')) {
  let text = '';
  for await (const chunk of exportDocument(store.db, { now, batchSize: 3 })) text += chunk;
  const path = tempFile();
  writeFileSync(path, text);
  const doc = JSON.parse(text) as ExportDocument;
  assertUniqueSourceIds(doc);
  return { path, text, doc };
}

/**
 * The document with every id replaced by what stays the same across
 * databases: messages by their sourceId, reports by position. `exportedAt` goes.
 */
function comparable(doc: ExportDocument) {
  const sourceOf = new Map(doc.messages.map((m) => [m.id, m.sourceId]));
  return {
    format: doc.format,
    version: doc.version,
    thread: doc.thread,
    threads: doc.threads,
    messages: doc.messages.map(({ id: _id, parentId, ...m }) => ({
      ...m,
      parent: parentId === null ? null : sourceOf.get(parentId),
    })),
    reports: doc.reports.map(({ id: _id, messageId, ...r }) => ({
      ...r,
      message: sourceOf.get(messageId),
    })),
  };
}

/** Every table the import writes, whole, ordered: to show that nothing changed. */
async function snapshot(store: Store) {
  const db = store.db;
  return {
    threads: await db.selectFrom('threads').selectAll().orderBy('id').execute(),
    messages: await db.selectFrom('messages').selectAll().orderBy('id').execute(),
    reports: await db.selectFrom('reports').selectAll().orderBy('id').execute(),
    events: await db.selectFrom('events').selectAll().orderBy('thread_id').orderBy('seq').execute(),
  };
}

/** A progress that remembers what it was told. */
function recordingProgress() {
  const seen: string[] = [];
  const progress: Progress = {
    update: (phase) => {
      if (seen.at(-1) !== phase) seen.push(phase);
    },
    done: () => seen.push('done'),
  };
  return { progress, seen };
}

/**
 * A site as it grows through the app: an opening post by the owner, a reply
 * chain five deep, an edit, a highlight, a held message approved later and
 * one still held, spam, a moderator's hide, a hide by reports, a report still
 * open on a published message, a decided report, a deleted placeholder with
 * its reply, unicode everywhere, a closed thread and a thread nobody can see
 * yet (its only message is held).
 */
async function seed(f: AppFixture) {
  const post = (key: string, body: string, extra: Record<string, unknown> = {}) =>
    f.postMessage(key, body, extra);
  const asOwner = async (key: string, body: string, extra: Record<string, unknown>) => {
    f.now = new Date(f.now.getTime() + 1000);
    return json<PostMessageResponse>(
      await f.post(threadPath(key, '/messages'), { author: 'Ada', body, ...extra }, ADMIN),
      201,
    );
  };
  // Threads in an order their remaining messages do not tell: this one's
  // first message is deleted (its second comes after other threads began),
  // and the empty one lost its only message.
  const early = await post(EARLY, 'first, deleted later');
  const empty = await post(EMPTY, 'the only one, deleted');
  const opening = await asOwner(KEY, 'What do you **think**? <script>alert(1)</script>', {
    kind: 'opening',
    thread: { title: 'The Efficiency Wars', url: `${BLOG_ORIGIN}${KEY}` },
  });
  await f.patch(`/api/admin/threads/${encodeURIComponent(KEY)}`, { summary: 'Why we race' }, ADMIN);
  let parent = opening.message.id;
  const chain: PostMessageResponse[] = [];
  for (const body of ['first 🙂', 'second, ‏עברית‏', 'third\n\n> quoted', 'fourth', 'fifth']) {
    const reply = await post(KEY, body, { parentId: parent, author: 'Zoë Ψ' });
    chain.push(reply);
    parent = reply.message.id;
  }
  const edited = await post(KEY, 'before the edit');
  f.now = new Date(f.now.getTime() + 1000);
  await f.patch(
    `/api/messages/${edited.message.id}`,
    { body: 'after the edit [link](https://x.example)' },
    bearer(edited.editToken),
  );
  const highlighted = await post(KEY, 'worth a **highlight**');
  await f.patch(`/api/admin/messages/${highlighted.message.id}`, { highlighted: true }, ADMIN);
  const approved = await post(KEY, 'casino, but fine');
  const stillHeld = await post(KEY, 'casino again');
  const spam = await post(KEY, 'buy now', { website: 'https://spam.example' });
  f.now = new Date(f.now.getTime() + 60_000);
  await f.patch(`/api/admin/messages/${approved.message.id}`, { status: 'published' }, ADMIN);
  const hidden = await post(KEY, 'rude');
  f.peer = '198.51.100.1';
  await f.post(`/api/messages/${hidden.message.id}/report`, { reason: 'rude <b>really</b>' });
  await f.patch(`/api/admin/messages/${hidden.message.id}`, { status: 'hidden' }, ADMIN);
  const byReports = await post(KEY, 'reported away');
  f.peer = '192.0.2.5';
  await f.post(`/api/messages/${byReports.message.id}/report`, { reason: 'one' });
  f.peer = '198.51.101.9';
  await f.post(`/api/messages/${byReports.message.id}/report`, {});
  const openReport = await post(KEY, 'reported once');
  f.peer = '192.0.2.77';
  await f.post(`/api/messages/${openReport.message.id}/report`, { reason: 'meh' });
  f.peer = '203.0.113.7';
  const deleted = await post(KEY, 'deleted later');
  await post(KEY, 'an answer to it', { parentId: deleted.message.id });
  await f.delete(`/api/messages/${deleted.message.id}`, bearer(deleted.editToken));

  await post(EARLY, 'second, stays');
  await f.delete(`/api/messages/${early.message.id}`, bearer(early.editToken));
  await f.delete(`/api/messages/${empty.message.id}`, bearer(empty.editToken));
  await post(DEEP, 'Ünïcödé ✓ 𝔘𝔫𝔦 — “quotes” & <ampersands>', {
    thread: { title: '日本語のスレッド', url: `${BLOG_ORIGIN}/blog/x` },
  });
  await post(CLOSED, 'said before closing');
  f.now = new Date(f.now.getTime() + 1000);
  await f.patch(`/api/admin/threads/${encodeURIComponent(CLOSED)}`, { status: 'closed' }, ADMIN);
  await post(HELD, 'casino only', { thread: { title: 'Held title' } });
  return { opening, chain, edited, highlighted, stillHeld, spam, hidden, byReports, openReport };
}

/** The reader's view of each thread: the API's thread JSON and its messages, ids by sourceId. */
async function readersView(f: AppFixture, doc: ExportDocument) {
  const sourceOf = new Map(doc.messages.map((m) => [m.id, m.sourceId]));
  const noIds = (m: Message) => ({
    ...m,
    id: sourceOf.get(m.id),
    parentId: m.parentId === null ? null : sourceOf.get(m.parentId),
  });
  const view: Record<string, unknown> = {};
  for (const thread of doc.threads) {
    const res = await f.get(threadPath(thread.key));
    if (res.status === 404) {
      view[thread.key] = 404;
      continue;
    }
    const page = await json<{ thread: unknown; messages: Message[] }>(res, 200);
    view[thread.key] = { thread: page.thread, messages: page.messages.map(noIds) };
  }
  return view;
}

const CONFIG = {
  adminToken: ADMIN_TOKEN,
  heldWords: ['casino'],
  reportThreshold: 2,
  secret: 'import-test-server-secret-0123456789',
};

for (const dialect of dialects) {
  describe(`import a Parley export on ${dialect.name}`, () => {
    let a: AppFixture;
    let b: AppFixture;
    beforeEach(async () => {
      a = await appFixture(dialect, CONFIG);
      b = await appFixture(dialect, CONFIG);
      b.now = a.now;
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });

    it('round trip: export, import into an empty database, export again gives the same document', async () => {
      await seed(a);
      const first = await exportOf(a.db.store);
      const { progress, seen } = recordingProgress();
      // Batches of 3: threads and reply chains cross batch edges.
      const summary = await importInto(b.db.store, readParleyExport(first.path), {
        progress,
        batchSize: 3,
      });
      assert.deepEqual(summary, {
        dryRun: false,
        threads: { created: 6, existing: 0 },
        messages: { created: first.doc.messages.length, existing: 0 },
        reports: { created: first.doc.reports.length },
        skipped: {},
      });
      assert.deepEqual(seen, ['reading', 'done', 'writing', 'done']);
      const second = await exportOf(b.db.store, new Date('2027-01-01T00:00:00.000Z'));
      assert.notEqual(second.doc.exportedAt, first.doc.exportedAt);
      assert.deepEqual(comparable(second.doc), comparable(first.doc));
      // What readers see is the same too: every thread's JSON (counts, last
      // activity) and its messages, in order, with the same html.
      assert.deepEqual(await readersView(b, second.doc), await readersView(a, first.doc));
      const held = await b.get(threadPath(HELD));
      assert.equal(held.status, 404);
    });

    it('carries summarySource both ways: an automatic summary is computed again where it lands, a manual one stays, an older file’s summaries are manual', async () => {
      await a.postMessage('/auto', 'Computed words.');
      await a.postMessage('/typed', 'Other words.');
      await json(
        await a.patch(
          `/api/admin/threads/${encodeURIComponent('/typed')}`,
          { summary: 'Typed.' },
          ADMIN,
        ),
        200,
      );
      const worker = createSummaryWorker({
        store: a.db.store,
        logger: silentLogger,
        summarize: async (input) =>
          input.messages.map((m) => m.html.replace(/<[^>]*>/g, '')).join(' '),
        clock: () => new Date(a.now),
      });
      await worker.runOnce();
      const file = await exportOf(a.db.store);
      const byKey = new Map(file.doc.threads.map((t) => [t.key, t]));
      assert.equal(byKey.get('/auto')!.summary, 'Computed words.');
      assert.equal(byKey.get('/auto')!.summarySource, 'automatic');
      assert.equal(byKey.get('/typed')!.summarySource, 'manual');

      await importInto(b.db.store, readParleyExport(file.path));
      const rows = await b.db.store.db
        .selectFrom('threads')
        .select(['key', 'summary', 'summary_source', 'summary_due_at'])
        .orderBy('key')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.key, r.summary, r.summary_source, r.summary_due_at !== null]),
        [
          ['/auto', 'Computed words.', 'automatic', true],
          ['/typed', 'Typed.', 'manual', false],
        ],
      );
      assert.deepEqual(
        comparable((await exportOf(b.db.store)).doc).threads,
        comparable(file.doc).threads,
      );

      // A file from before automatic summaries: no summarySource at all.
      const old = JSON.parse(file.text) as ExportDocument;
      for (const t of old.threads) {
        delete (t as Partial<typeof t>).summarySource;
        t.key = `/old${t.key}`;
      }
      for (const m of old.messages) {
        m.threadKey = `/old${m.threadKey}`;
        m.sourceId = `old:${m.sourceId}`;
      }
      const path = tempFile();
      writeFileSync(path, JSON.stringify(old));
      await importInto(b.db.store, readParleyExport(path));
      const imported = await b.db.store.db
        .selectFrom('threads')
        .select(['key', 'summary_source'])
        .where('key', 'like', '/old%')
        .orderBy('key')
        .execute();
      assert.deepEqual(
        imported.map((r) => [r.key, r.summary_source]),
        [
          ['/old/auto', 'manual'],
          ['/old/typed', 'manual'],
        ],
      );
    });

    it('round trip keeps the file’s order of messages when ids are not in time order (a site that imported older comments)', async () => {
      await a.postMessage(KEY, 'posted here first');
      // WordPress comments imported after that post: older times, later ids.
      const older: ImportReader = async (sink) => {
        const at = (day: number) => `2020-01-0${day}T00:00:00.000Z`;
        const base = {
          threadKey: KEY,
          kind: 'reply',
          status: 'published',
          hiddenReason: null,
          author: { name: 'Old reader', role: null },
          highlighted: false,
          editedAt: null,
          updatedAt: null,
        } as const;
        await sink.message({
          ...base,
          sourceId: 'wordpress:blog/1',
          parentSourceId: null,
          body: 'an old comment',
          createdAt: at(1),
        });
        await sink.message({
          ...base,
          sourceId: 'wordpress:blog/2',
          parentSourceId: 'wordpress:blog/1',
          body: 'an old answer',
          createdAt: at(2),
        });
      };
      await importInto(a.db.store, older);
      await a.postMessage(KEY, 'posted here after the import');
      const first = await exportOf(a.db.store);
      const times = first.doc.messages.map((m) => m.createdAt);
      assert.notDeepEqual(times, [...times].sort(), 'ids are not in time order');
      await importInto(b.db.store, readParleyExport(first.path));
      const second = await exportOf(b.db.store, new Date('2027-01-01T00:00:00.000Z'));
      assert.deepEqual(
        second.doc.messages.map((m) => m.body),
        first.doc.messages.map((m) => m.body),
      );
      assert.deepEqual(comparable(second.doc), comparable(first.doc));
    });

    it('into a database that holds messages already: new ids, with parents and reports following them', async () => {
      await seed(a);
      const file = await exportOf(a.db.store);
      const own = [];
      for (let i = 0; i < 3; i++) own.push(await b.postMessage('/blog/b-own', `B’s own ${i}`));
      await importInto(b.db.store, readParleyExport(file.path));
      const back = await exportOf(b.db.store, new Date('2027-01-01T00:00:00.000Z'));
      const inB = new Map(back.doc.messages.map((m) => [m.sourceId, m]));
      const sourceInA = new Map(file.doc.messages.map((m) => [m.id, m.sourceId]));
      const ownIds = own.map((o) => o.message.id);
      // B's own keep their ids; every imported message has a new one after them.
      assert.deepEqual(
        back.doc.messages.filter((m) => m.threadKey === '/blog/b-own').map((m) => m.id),
        ownIds,
      );
      const moved = file.doc.messages.map((m) => inB.get(m.sourceId)!);
      assert.ok(moved.every((m) => m.id > Math.max(...ownIds)));
      assert.ok(
        moved.some((m, i) => m.id !== file.doc.messages[i]!.id),
        'ids are B’s, not A’s',
      );
      for (const [i, m] of file.doc.messages.entries()) {
        const parent = m.parentId === null ? null : inB.get(sourceInA.get(m.parentId)!)!.id;
        assert.equal(moved[i]!.parentId, parent, `parent of ${m.sourceId}`);
      }
      const sourceInB = new Map(back.doc.messages.map((m) => [m.id, m.sourceId]));
      assert.deepEqual(
        back.doc.reports.map((r) => [sourceInB.get(r.messageId), r.reason]),
        file.doc.reports.map((r) => [sourceInA.get(r.messageId), r.reason]),
      );
    });

    it('after a restore from an older backup (same site id, ids reused), the lost messages come back new', async () => {
      const lost = await a.postMessage(KEY, 'lost opening');
      await a.postMessage(KEY, 'lost reply', { parentId: lost.message.id });
      const file = await exportOf(a.db.store);
      // B is A restored from a backup taken before those two: the same site
      // id, and new posts get the lost messages' ids.
      await b.db.store.db
        .updateTable('site_meta')
        .set({ value: await readSiteId(a.db.store.db) })
        .where('name', '=', 'site_id')
        .execute();
      b.now = new Date(a.now.getTime() + 3_600_000);
      const stranger = await b.postMessage(KEY, 'a stranger, later');
      await b.postMessage(KEY, 'another, later');
      assert.equal(stranger.message.id, lost.message.id);
      const summary = await importInto(b.db.store, readParleyExport(file.path));
      assert.deepEqual(summary.messages, { created: 2, existing: 0 });
      const listed = await b.publicMessages(KEY);
      const byHtml = (html: string) => listed.find((m) => m.html === html)!;
      assert.equal(byHtml('<p>lost reply</p>').parentId, byHtml('<p>lost opening</p>').id);
      assert.equal(byHtml('<p>a stranger, later</p>').parentId, null);
      // Stored as `parley:<site>:<n>@<createdAt>` (message n of this site
      // is another), so the same file again changes nothing.
      const stored = await b.db.store.db
        .selectFrom('messages')
        .select('source_id')
        .where('source_id', 'is not', null)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        stored.map((r) => r.source_id),
        file.doc.messages.map((m) => `${m.sourceId}@${m.createdAt}`),
      );
      const again = await importInto(b.db.store, readParleyExport(file.path));
      assert.deepEqual(again.messages, { created: 0, existing: 2 });
    });

    it('a file cannot squat a future id of this site: one export never carries a sourceId twice', async () => {
      const site = await readSiteId(a.db.store.db);
      for (let i = 1; i <= 5; i++) await a.postMessage(KEY, `posted ${i}`);
      // An attacker's file names `parley:<this site>:8`, not yet posted here.
      const squatAt = '2026-03-01T11:00:00.000Z';
      const squat = {
        id: 1,
        sourceId: `parley:${site}:8`,
        threadKey: KEY,
        parentId: null,
        kind: 'reply',
        status: 'published',
        hiddenReason: null,
        author: { name: 'Mallory', role: null },
        body: 'squatting on 8',
        html: '',
        highlighted: false,
        createdAt: squatAt,
        editedAt: null,
        updatedAt: squatAt,
      };
      const path = tempFile('attack.json');
      writeFileSync(
        path,
        JSON.stringify({
          format: 'parley-export',
          version: 1,
          exportedAt: '2026-03-01T11:30:00.000Z',
          thread: null,
          threads: [],
          messages: [squat],
          reports: [],
        }),
      );
      const summary = await importInto(a.db.store, readParleyExport(path));
      assert.deepEqual(summary.messages, { created: 1, existing: 0 });
      const stored = await a.db.store.db
        .selectFrom('messages')
        .select(['id', 'source_id'])
        .where('body', '=', 'squatting on 8')
        .executeTakeFirstOrThrow();
      assert.deepEqual(stored, { id: 6, source_id: `parley:${site}:8@${squatAt}` });
      // The same file again changes nothing.
      const before = await snapshot(a.db.store);
      const again = await importInto(a.db.store, readParleyExport(path));
      assert.deepEqual(again.messages, { created: 0, existing: 1 });
      assert.deepEqual(await snapshot(a.db.store), before);
      // Then messages 7 and 8, and a reply to 8, are posted here.
      await a.postMessage(KEY, 'posted 7');
      const eight = await a.postMessage(KEY, 'posted 8');
      assert.equal(eight.message.id, 8);
      await a.postMessage(KEY, 'a reply to 8', { parentId: 8 });
      // exportOf asserts that every sourceId is unique.
      const file = await exportOf(a.db.store);
      assert.equal(file.doc.messages.length, 9);
      // Into a fresh database: nothing dropped, the reply under the real 8.
      const into = await importInto(b.db.store, readParleyExport(file.path));
      assert.deepEqual(into.messages, { created: 9, existing: 0 });
      assert.deepEqual(into.skipped, {});
      const listed = await b.publicMessages(KEY);
      const byHtml = (html: string) => listed.find((m) => m.html === html)!;
      assert.equal(byHtml('<p>a reply to 8</p>').parentId, byHtml('<p>posted 8</p>').id);
      // And back into the site it came from: every message is its own again.
      const home = await importInto(
        a.db.store,
        readParleyExport((await exportOf(b.db.store)).path),
      );
      assert.deepEqual(home.messages, { created: 0, existing: 9 });
    });

    it('refuses this site’s own id in a form it never makes, or twice for new messages', async () => {
      const site = await readSiteId(a.db.store.db);
      const at = '2026-03-01T11:00:00.000Z';
      const row = (id: number, sourceId: string, threadKey = KEY) => ({
        id,
        sourceId,
        threadKey,
        parentId: null,
        kind: 'reply',
        status: 'published',
        hiddenReason: null,
        author: { name: 'Someone', role: null },
        body: `body ${id}`,
        html: '',
        highlighted: false,
        createdAt: at,
        editedAt: null,
      });
      const fileOf = (...messages: ReturnType<typeof row>[]) => {
        const path = tempFile();
        const doc = { format: 'parley-export', version: 1, exportedAt: at, thread: null };
        const threads = [KEY, '/blog/other'].map((key) => ({
          key,
          title: null,
          summary: null,
          url: null,
          status: 'open',
          createdAt: at,
        }));
        writeFileSync(path, JSON.stringify({ ...doc, threads, messages, reports: [] }));
        return path;
      };
      const before = await snapshot(a.db.store);
      for (const [path, pattern] of [
        [fileOf(row(1, `parley:${site}:x1`)), /a source id of this site is/],
        [fileOf(row(1, `parley:${site}:0`)), /a source id of this site is/],
        [fileOf(row(1, `parley:${site}:3@2026-03-01T11:00:00.001Z`)), /a source id of this site/],
        [
          fileOf(row(1, `parley:${site}:3`), row(2, `parley:${site}:3@${at}`, '/blog/other')),
          /are both parley:.*:3@2026-03-01T11:00:00\.000Z: the same message of this site/,
        ],
      ] as const) {
        await assert.rejects(importInto(a.db.store, readParleyExport(path)), pattern);
      }
      assert.deepEqual(await snapshot(a.db.store), before);
      // Its stored form in the file is the same message as its bare id.
      await importInto(a.db.store, readParleyExport(fileOf(row(1, `parley:${site}:3`))));
      const same = await importInto(
        a.db.store,
        readParleyExport(fileOf(row(1, `parley:${site}:3@${at}`))),
      );
      assert.deepEqual(same.messages, { created: 0, existing: 1 });
    });

    it('a reply whose parent is only in the database, named by parentSourceId', async () => {
      const opening = await a.postMessage(KEY, 'opening');
      const first = await exportOf(a.db.store);
      await importInto(b.db.store, readParleyExport(first.path));
      await a.postMessage(KEY, 'a later reply', { parentId: opening.message.id });
      const later = (await exportOf(a.db.store)).doc;
      const reply = later.messages.at(-1)!;
      const only = (extra: Record<string, unknown>) => {
        const path = tempFile();
        writeFileSync(
          path,
          JSON.stringify({ ...later, messages: [{ ...reply, ...extra }], reports: [] }),
        );
        return path;
      };
      await assert.rejects(
        importInto(b.db.store, readParleyExport(only({}))),
        /its parent \d+ is not an earlier message in this file \(a parent already in the database is named by "parentSourceId"\)/,
      );
      const summary = await importInto(
        b.db.store,
        readParleyExport(only({ parentSourceId: first.doc.messages[0]!.sourceId })),
      );
      assert.deepEqual(summary.messages, { created: 1, existing: 0 });
      const listed = await b.publicMessages(KEY);
      assert.deepEqual(
        listed.map((m) => [m.html, m.parentId]),
        [
          ['<p>opening</p>', null],
          ['<p>a later reply</p>', listed[0]!.id],
        ],
      );
    });

    it('rebuilds counts and starts new threads with no events; the page shows the nesting', async () => {
      const s = await seed(a);
      const first = await exportOf(a.db.store);
      await importInto(b.db.store, readParleyExport(first.path));
      const threads = await b.db.store.db
        .selectFrom('threads')
        .select(['key', 'message_count', 'highlight_count', 'event_seq', 'public'])
        .orderBy('id')
        .execute();
      const expected = await a.db.store.db
        .selectFrom('threads')
        .select(['key', 'message_count', 'highlight_count', 'public'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        threads.map(({ event_seq: _, ...t }) => t),
        expected,
      );
      assert.deepEqual(
        threads.map((t) => Number(t.event_seq)),
        [0, 0, 0, 0, 0, 0],
      );
      assert.equal((await b.db.store.db.selectFrom('events').selectAll().execute()).length, 0);
      // Nothing of a client: no address hash, and edit tokens nobody holds.
      const rows = await b.db.store.db
        .selectFrom('messages')
        .select([
          'ip_hash',
          'edit_token_hash',
          'source_id',
          'report_count',
          'status',
          'hidden_reason',
        ])
        .execute();
      assert.ok(rows.every((r) => r.ip_hash === null && r.source_id !== null));
      const res = await b.patch(
        `/api/messages/${first.doc.messages.find((m) => m.body === 'worth a **highlight**')!.id}`,
        { body: 'taken over' },
        bearer(s.highlighted.editToken),
      );
      assert.equal(res.status, 403);
      const reports = await b.db.store.db
        .selectFrom('reports')
        .select(['reporter_hash', 'network_hash'])
        .execute();
      assert.ok(reports.every((r) => r.reporter_hash.startsWith('import:')));
      assert.equal(new Set(reports.map((r) => r.network_hash)).size, reports.length);
      // The spam is stored as posting stores it.
      assert.deepEqual(
        rows.filter((r) => r.hidden_reason === 'spam').map((r) => r.status),
        ['hidden'],
      );
      // The reply chain is five deep under the opening post, in B's ids.
      const listed = await b.publicMessages(KEY);
      const byId = new Map(listed.map((m) => [m.id, m]));
      const fifth = listed.find((m) => m.html === '<p>fifth</p>')!;
      let depth = 0;
      for (let m: Message | undefined = fifth; m?.parentId != null; m = byId.get(m.parentId))
        depth++;
      assert.equal(depth, 5);
      assert.equal(listed[0]?.kind, 'opening');
    });

    it('importing the same file again changes nothing', async () => {
      await seed(a);
      const file = await exportOf(a.db.store);
      await importInto(b.db.store, readParleyExport(file.path));
      const before = await snapshot(b.db.store);
      const again = await importInto(b.db.store, readParleyExport(file.path));
      assert.deepEqual(again, {
        dryRun: false,
        threads: { created: 0, existing: 6 },
        messages: { created: 0, existing: file.doc.messages.length },
        reports: { created: 0 },
        skipped: {},
      });
      assert.deepEqual(await snapshot(b.db.store), before);
    });

    it("importing a site's own export back into it changes nothing", async () => {
      await seed(a);
      const file = await exportOf(a.db.store);
      const before = await snapshot(a.db.store);
      const summary = await importInto(a.db.store, readParleyExport(file.path));
      assert.equal(summary.messages.created, 0);
      assert.equal(summary.messages.existing, file.doc.messages.length);
      assert.equal(summary.threads.created, 0);
      assert.deepEqual(await snapshot(a.db.store), before);
      // And B's export of the imported copy also matches A's messages in A.
      await importInto(b.db.store, readParleyExport(file.path));
      const back = await exportOf(b.db.store);
      const again = await importInto(a.db.store, readParleyExport(back.path));
      assert.equal(again.messages.created, 0);
      assert.deepEqual(await snapshot(a.db.store), before);
    });

    it('merges into a non-empty database: counts right, one thread.updated, messages in time order', async () => {
      await seed(a);
      const file = await exportOf(a.db.store);
      // B already has the same thread key, with its own posts, one before and one after A's.
      b.now = new Date('2026-02-01T00:00:00.000Z');
      await b.postMessage(KEY, 'B was here first', { thread: { title: 'B’s title' } });
      b.now = new Date('2026-03-01T12:00:08.500Z');
      await b.postMessage(KEY, 'B in the middle');
      b.now = new Date('2026-05-01T00:00:00.000Z');
      await b.postMessage('/blog/only-b', 'only B');
      const threadBefore = await b.db.store.db
        .selectFrom('threads')
        .selectAll()
        .where('key', '=', KEY)
        .executeTakeFirstOrThrow();
      const onlyBBefore = await b.db.store.db
        .selectFrom('threads')
        .selectAll()
        .where('key', '=', '/blog/only-b')
        .executeTakeFirstOrThrow();

      const summary = await importInto(b.db.store, readParleyExport(file.path));
      assert.deepEqual(summary.threads, { created: 5, existing: 1 });
      assert.equal(summary.messages.created, file.doc.messages.length);

      const page = await b.threadPage(KEY);
      // The thread keeps B's fields; its counts are its rows'.
      assert.equal(page.thread.title, 'B’s title');
      const published = file.doc.messages.filter(
        (m) => m.threadKey === KEY && m.status === 'published',
      );
      assert.equal(page.thread.messageCount, published.length + 2);
      assert.equal(page.thread.highlightCount, published.filter((m) => m.highlighted).length);
      assert.equal(
        page.thread.lastActivityAt,
        [threadBefore.last_activity_at, ...published.map((m) => m.createdAt)].sort().at(-1),
      );
      // One thread.updated event on the thread that existed, none elsewhere.
      const after = await b.db.store.db
        .selectFrom('threads')
        .selectAll()
        .where('key', '=', KEY)
        .executeTakeFirstOrThrow();
      assert.equal(Number(after.event_seq), Number(threadBefore.event_seq) + 1);
      const last = await b.db.store.db
        .selectFrom('events')
        .selectAll()
        .where('thread_id', '=', after.id)
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      assert.deepEqual([last.type, Number(last.seq)], ['thread.updated', Number(after.event_seq)]);
      const onlyB = await b.db.store.db
        .selectFrom('threads')
        .selectAll()
        .where('key', '=', '/blog/only-b')
        .executeTakeFirstOrThrow();
      assert.deepEqual(onlyB, onlyBBefore);
      // A's opening post is a reply here: B's thread had its first post
      // already. The listing holds A's and B's messages in time order.
      assert.ok(page.messages.every((m) => m.kind === 'reply'));
      const listed = await json<MessagePage>(
        await b.get(`${threadPath(KEY, '/messages')}?limit=100`),
        200,
      );
      const expectedReplies = [
        ...file.doc.messages
          .filter(
            (m) => m.threadKey === KEY && (m.status === 'published' || m.status === 'deleted'),
          )
          .map((m) => ({ at: m.createdAt, html: m.html })),
        { at: '2026-02-01T00:00:01.000Z', html: '<p>B was here first</p>' },
        { at: '2026-03-01T12:00:09.500Z', html: '<p>B in the middle</p>' },
      ].sort((x, y) => x.at.localeCompare(y.at));
      assert.deepEqual(
        listed.messages.map((m) => ({ at: m.createdAt, html: m.html })),
        expectedReplies,
      );
      const middle = expectedReplies.findIndex((m) => m.html === '<p>B in the middle</p>');
      assert.ok(middle > 1 && middle < expectedReplies.length - 1, 'B’s post sits among A’s');
    });

    it('a dry run writes nothing and reports what the real run then does', async () => {
      await seed(a);
      const file = await exportOf(a.db.store);
      await b.postMessage(KEY, 'B’s own');
      const before = await snapshot(b.db.store);
      const dry = await importInto(b.db.store, readParleyExport(file.path), { dryRun: true });
      assert.deepEqual(await snapshot(b.db.store), before);
      assert.match(describeImport(dry), /would be created/);
      const real = await importInto(b.db.store, readParleyExport(file.path));
      assert.deepEqual({ ...dry, dryRun: false }, real);
      assert.deepEqual(real.threads, { created: 5, existing: 1 });
      assert.doesNotMatch(describeImport(real), /would/);
    });

    describe('a bad file writes nothing and says what is wrong', () => {
      let site: { path: string; text: string; doc: ExportDocument };
      let db: TestDialect;
      beforeEach(async () => {
        db = dialect;
        await seed(a);
        site = await exportOf(a.db.store);
      });

      async function refused(text: string, pattern: RegExp) {
        const path = tempFile('bad.json');
        writeFileSync(path, text);
        const before = await snapshot(b.db.store);
        await assert.rejects(importInto(b.db.store, readParleyExport(path)), (error: Error) => {
          assert.ok(error instanceof ImportError, String(error));
          assert.match(error.message, pattern);
          assert.ok(error.message.startsWith(path), error.message);
          return true;
        });
        assert.deepEqual(await snapshot(b.db.store), before);
        assert.ok(db);
      }

      const withDoc = (change: (doc: ExportDocument) => unknown) => {
        const doc = structuredClone(site.doc);
        change(doc);
        return JSON.stringify(doc);
      };

      it('another JSON document: not a Parley export', async () => {
        await refused('{"hello": [1, 2]}', /not a Parley export/);
        await refused(
          withDoc((d) => Object.assign(d, { format: 'disqus' })),
          /not a Parley export/,
        );
        await refused('[1, 2, 3]', /not a Parley export/);
      });

      it('a newer version: says so', async () => {
        await refused(
          withDoc((d) => Object.assign(d, { version: 2 })),
          /version 2 is newer than this server reads/,
        );
      });

      it('truncated half way, or not JSON at all', async () => {
        await refused(
          site.text.slice(0, Math.floor(site.text.length * 0.6)),
          /truncated|ends too early/,
        );
        await refused(site.text.slice(0, -3), /truncated|ends too early/);
        await refused('not json at all', /not valid JSON/);
        await refused('', /empty/);
      });

      it('an XML file: says it is XML and names the commands that read Disqus and WordPress', async () => {
        for (const xml of [
          '<?xml version="1.0" encoding="utf-8"?>\n<disqus></disqus>',
          '\ufeff  \n<rss version="2.0"><channel></channel></rss>',
        ]) {
          await refused(
            xml,
            /is XML, not a Parley export.*parley-server import-disqus.*parley-server import-wordpress/,
          );
        }
      });

      it('garbage after a whole document: says it follows the end of the document', async () => {
        await refused(`${site.text}garbage`, /not valid JSON after the end of the document/);
        await refused(`${site.text}}`, /not valid JSON after the end of the document/);
        const empty = withDoc((d) => Object.assign(d, { threads: [], messages: [], reports: [] }));
        await refused(`${empty} x`, /not valid JSON after the end of the document/);
        // Damage inside the document is still damage inside it, whatever follows.
        await refused(
          `${site.text.replace('"messages"', '"messages" x')}garbage`,
          /not valid JSON \(truncated or damaged\)/,
        );
      });

      it('a row with a bad field: names the array, the index and the field', async () => {
        await refused(
          withDoc((d) => Object.assign(d.messages[3]!, { status: 'shouting' })),
          /messages\[3\]\.status/,
        );
        await refused(
          withDoc((d) => Object.assign(d.messages[5]!, { createdAt: 'yesterday' })),
          /messages\[5\]\.createdAt/,
        );
        await refused(
          withDoc((d) => Object.assign(d.threads[1]!, { key: 42 })),
          /threads\[1\]\.key/,
        );
        await refused(
          withDoc((d) => Object.assign(d.reports[0]!, { messageId: 'x' })),
          /reports\[0\]\.messageId/,
        );
      });

      it('a field the API would refuse is refused, on both databases alike, naming it', async () => {
        const last = site.doc.messages.length - 1;
        const field = (change: (doc: ExportDocument) => unknown) => withDoc(change);
        // A NUL late in the file: PostgreSQL cannot store it, SQLite would.
        await refused(
          field((d) => Object.assign(d.messages[last]!, { body: 'nul \u0000 here' })),
          new RegExp(`messages\\[${last}\\]\\.body: must not contain control characters`),
        );
        // Year 0000: SQLite would store it, PostgreSQL has no year 0.
        await refused(
          field((d) => Object.assign(d.messages[last]!, { createdAt: '0000-06-01T00:00:00.000Z' })),
          new RegExp(`messages\\[${last}\\]\\.createdAt: must be a time`),
        );
        await refused(
          field((d) => Object.assign(d.reports[0]!, { decidedAt: '2026-12-01T10:00:00+01:00' })),
          /reports\[0\]\.decidedAt: must be a time/,
        );
        await refused(
          field((d) => Object.assign(d.threads[0]!, { url: 'javascript:alert(1)' })),
          /threads\[0\]\.url: must be an absolute http or https URL/,
        );
        await refused(
          field((d) => Object.assign(d.threads[1]!, { title: 'x'.repeat(10_000) })),
          /threads\[1\]\.title: must be at most 200 characters/,
        );
        await refused(
          field((d) => Object.assign(d.threads[1]!, { summary: 's'.repeat(1001) })),
          /threads\[1\]\.summary: must be at most 1000 characters/,
        );
        await refused(
          field((d) => Object.assign(d.threads[1]!, { key: '/a\u0007b' })),
          /threads\[1\]\.key: must not contain control characters/,
        );
        await refused(
          field((d) => Object.assign(d.messages[1]!.author, { name: `\u202E${'n'.repeat(5000)}` })),
          /messages\[1\]\.author\.name: must be at most 80 characters/,
        );
        await refused(
          field((d) => Object.assign(d.messages[1]!.author, { name: 'Eve \u202Eevil' })),
          /messages\[1\]\.author\.name: must not contain bidirectional override characters/,
        );
        await refused(
          field((d) => Object.assign(d.reports[0]!, { reason: 'see \u202Ethis' })),
          /reports\[0\]\.reason: must not contain bidirectional override characters/,
        );
        // A source id PostgreSQL could not store, or one of no sensible size.
        await refused(
          field((d) => Object.assign(d.messages[last]!, { sourceId: 'disqus:a\u0000b' })),
          new RegExp(`messages\\[${last}\\]\\.sourceId: must be 1 to 500 characters`),
        );
        await refused(
          field((d) => Object.assign(d.messages[last]!, { sourceId: 'x'.repeat(501) })),
          new RegExp(`messages\\[${last}\\]\\.sourceId: must be 1 to 500 characters`),
        );
        // A time from the future would head "most active" for ever.
        await refused(
          field((d) => Object.assign(d.messages[last]!, { createdAt: '9999-12-31T23:59:59.000Z' })),
          /"9999-12-31T23:59:59\.000Z" is in the future/,
        );
        // Empty is a deleted placeholder's, and only its.
        const published = site.doc.messages.findIndex((m) => m.status === 'published');
        await refused(
          field((d) => Object.assign(d.messages[published]!.author, { name: '' })),
          new RegExp(`messages\\[${published}\\]\\.author\\.name: must not be empty`),
        );
        await refused(
          field((d) => Object.assign(d.messages[published]!, { body: '  ' })),
          new RegExp(`messages\\[${published}\\]\\.body: must not be empty`),
        );
        assert.ok(site.doc.messages.some((m) => m.status === 'deleted' && m.body === ''));
      });

      it('a message whose parent is not in the file: names its sourceId', async () => {
        const child = site.doc.messages.find((m) => m.parentId !== null)!;
        await refused(
          withDoc((d) => {
            d.messages = d.messages.filter((m) => m.id !== child.parentId);
          }),
          new RegExp(`message ${child.sourceId.replaceAll('.', '\\.')}.*parent ${child.parentId}`),
        );
      });

      it('unknown fields are ignored', async () => {
        const path = tempFile();
        writeFileSync(
          path,
          withDoc((d) => {
            Object.assign(d, { futureField: { deep: [1, { x: 2 }] } });
            Object.assign(d.messages[0]!, { reactions: ['👍'] });
          }),
        );
        const summary = await importInto(b.db.store, readParleyExport(path));
        assert.equal(summary.messages.created, site.doc.messages.length);
      });
    });
  });
}

describe('readParleyExport without sourceId (an export taken before the field)', () => {
  const dialect = dialects[0]!;
  it('names rows after the file, so importing the same file twice still changes nothing', async () => {
    const f = await appFixture(dialect, CONFIG);
    const target = await appFixture(dialect, CONFIG);
    try {
      await f.postMessage(KEY, 'old one');
      const reply = await f.postMessage(KEY, 'old reply');
      void reply;
      const { doc } = await exportOf(f.db.store);
      for (const m of doc.messages) delete (m as Partial<typeof m>).sourceId;
      const path = tempFile();
      writeFileSync(path, JSON.stringify(doc));
      await importInto(target.db.store, readParleyExport(path));
      const again = await importInto(target.db.store, readParleyExport(path));
      assert.deepEqual(again.messages, { created: 0, existing: 2 });
      const ids = await target.db.store.db
        .selectFrom('messages')
        .select('source_id')
        .orderBy('id')
        .execute();
      assert.deepEqual(
        ids.map((r) => r.source_id),
        doc.messages.map((m) => `parley-file:${doc.exportedAt}:${m.id}`),
      );
      assert.ok(readFileSync(path, 'utf8').length > 0);
    } finally {
      await f.close();
      await target.close();
    }
  });
});
