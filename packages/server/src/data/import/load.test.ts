/**
 * The loader (`importInto`) on the seam every importer shares, on a real
 * SQLite file and on PostgreSQL: html rendered today, records checked whole
 * before anything is written, duplicates and clock skew handled, a run that
 * failed half way completed by running it again, and memory bounded however
 * large the file (it streams through staging).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Store } from '../../db/store.ts';
import { countBreaches } from '../../fuzz/invariants.ts';
import { renderComment } from '../../markdown/render.ts';
import { deleteMessage } from '../../messages/message-state.ts';
import { type AppFixture, appFixture, threadPath } from '../../testing/app-fixture.ts';
import { dialects } from '../../testing/dialects.ts';
import type { Message } from '../../wire.ts';
import { ImportInterrupted, importInto } from './load.ts';
import { readParleyExport } from './parley-export.ts';
import {
  ImportError,
  type ImportMessage,
  type ImportReader,
  type ImportReport,
  type ImportThread,
} from './records.ts';

const KEY = '/blog/imported';

/** A thread record as a legacy importer would hand it over. */
const thread = (key = KEY, extra: Partial<ImportThread> = {}): ImportThread => ({
  key,
  title: `Title of ${key}`,
  summary: null,
  url: null,
  status: 'open',
  createdAt: null,
  ...extra,
});

let clock = Date.parse('2025-01-01T00:00:00.000Z');
/** A published message record, one minute after the previous one. */
function message(sourceId: string, extra: Partial<ImportMessage> = {}): ImportMessage {
  clock += 60_000;
  return {
    sourceId,
    threadKey: KEY,
    parentSourceId: null,
    kind: 'reply',
    status: 'published',
    hiddenReason: null,
    author: { name: 'Imported', role: null },
    body: `body of ${sourceId}`,
    highlighted: false,
    createdAt: new Date(clock).toISOString(),
    editedAt: null,
    updatedAt: null,
    ...extra,
  };
}

/** A reader that hands these records over, in this order, and counts `skips`. */
function reader(
  records: (ImportThread | ImportMessage | ImportReport)[],
  skips: Record<string, number> = {},
): ImportReader {
  return async (sink) => {
    for (const record of records) {
      if ('sourceId' in record) await sink.message(record);
      else if ('messageSourceId' in record) await sink.report(record);
      else await sink.thread(record);
    }
    for (const [why, count] of Object.entries(skips)) sink.skip(why, count);
  };
}

for (const dialect of dialects) {
  describe(`importInto on ${dialect.name}`, () => {
    let f: AppFixture;
    beforeEach(async () => {
      f = await appFixture(dialect, { reportThreshold: 2 });
    });
    afterEach(async () => {
      await f.close();
    });

    const rowCount = async () =>
      (await f.db.store.db.selectFrom('messages').select('id').execute()).length;

    it('leaves out a message removed here since, and moves a new reply to it up to its parent', async () => {
      await importInto(
        f.db.store,
        reader([thread(KEY), message('r:1'), message('r:2', { parentSourceId: 'r:1' })]),
      );
      const removed = await f.db.store.db
        .selectFrom('messages')
        .selectAll()
        .where('source_id', '=', 'r:2')
        .executeTakeFirstOrThrow();
      await f.db.store.write((trx) => deleteMessage(trx, removed, new Date().toISOString()));
      // A newer file: the removed reply again, and a new answer to it.
      const summary = await importInto(
        f.db.store,
        reader([
          thread(KEY),
          message('r:1'),
          message('r:2', { parentSourceId: 'r:1' }),
          message('r:3', { parentSourceId: 'r:2' }),
        ]),
      );
      assert.equal(summary.messages.created, 1);
      assert.equal(summary.skipped['removed here since'], 1);
      const rows = await f.db.store.db
        .selectFrom('messages')
        .select(['id', 'source_id', 'parent_id'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.source_id),
        ['r:1', 'r:3'],
      );
      assert.equal(rows[1]!.parent_id, rows[0]!.id, 'r:3 hangs under r:1 now');
      assert.deepEqual(await countBreaches(f.db.store), []);
    });

    it('two imports of one file at once: one writes, the other says so and a re-run adds nothing twice', async () => {
      const records = [thread(KEY), ...Array.from({ length: 12 }, (_, i) => message(`same:${i}`))];
      // "At once" made certain: each import's first write waits until both
      // have staged (read what the database holds), so neither can finish
      // before the other looks, however slow or loaded the machine is.
      let arrive!: () => void;
      let waiting = 2;
      const bothStaged = new Promise<void>((resolve) => {
        arrive = () => {
          if (--waiting === 0) resolve();
        };
      });
      const gated = (store: Store): Store => {
        let first = true;
        return {
          db: store.db,
          dialect: store.dialect,
          location: store.location,
          onEvents: (listener) => store.onEvents(listener),
          close: () => store.close(),
          async write(fn) {
            if (first) {
              first = false;
              arrive();
              await bothStaged;
            }
            return store.write(fn);
          },
        };
      };
      const results = await Promise.allSettled([
        importInto(gated(f.db.store), reader(records), { batchSize: 3 }),
        importInto(gated(f.db.store), reader(records), { batchSize: 3 }),
      ]);
      const refused = results.filter((r) => r.status === 'rejected');
      assert.equal(refused.length, 1, 'the second finds the first wrote meanwhile');
      const reason = (refused[0] as PromiseRejectedResult).reason;
      assert.ok(reason instanceof ImportError, String(reason));
      assert.match(reason.message, /another import wrote some of these messages/);
      const again = await importInto(f.db.store, reader(records));
      assert.equal(again.messages.created, 0);
      assert.equal(await rowCount(), 12);
      assert.deepEqual(await countBreaches(f.db.store), []);
    });

    it('renders html from the markdown with today’s renderer, whatever html the file carried', async () => {
      const hostile =
        'Hello <script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) **bold**';
      const doc = {
        format: 'parley-export',
        version: 1,
        exportedAt: '2026-01-01T00:00:00.000Z',
        thread: null,
        threads: [
          {
            key: KEY,
            title: 'T',
            summary: null,
            url: null,
            status: 'open',
            public: true,
            createdAt: '2025-12-01T00:00:00.000Z',
            updatedAt: '2025-12-01T00:00:00.000Z',
            lastActivityAt: '2025-12-01T00:00:00.000Z',
          },
        ],
        messages: [
          {
            id: 7,
            sourceId: 'elsewhere:7',
            threadKey: KEY,
            parentId: null,
            kind: 'reply',
            status: 'published',
            hiddenReason: null,
            author: { name: '<b>Mallory</b>', role: null },
            body: hostile,
            html: '<p onclick="steal()">stale <script>alert(4)</script></p>',
            highlighted: false,
            createdAt: '2025-12-01T00:00:00.000Z',
            editedAt: null,
            updatedAt: '2025-12-01T00:00:00.000Z',
          },
        ],
        reports: [],
      };
      const dir = mkdtempSync(join(tmpdir(), 'parley-import-html-'));
      try {
        const path = join(dir, 'export.json');
        const out = createWriteStream(path);
        out.end(JSON.stringify(doc));
        await once(out, 'finish');
        await importInto(f.db.store, readParleyExport(path));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const [shown] = await f.publicMessages(KEY);
      assert.equal(shown?.html, renderComment(hostile).html);
      assert.match(shown!.html, /<strong>bold<\/strong>/);
      // Inert: the hostile parts are text, no tag or attribute of the file's html is left.
      assert.doesNotMatch(shown!.html, /<(script|img)|<[^>]*\son\w+=|href="javascript:|stale/i);
      assert.equal(shown?.author.name, '<b>Mallory</b>');
    });

    it('checks the whole file first: a message whose parent or thread is nowhere writes nothing', async () => {
      await assert.rejects(
        importInto(
          f.db.store,
          reader([thread(), message('a:1'), message('a:2', { parentSourceId: 'a:404' })]),
        ),
        (error: Error) =>
          error instanceof ImportError &&
          /message a:2: its parent a:404 is neither in the file nor in the database/.test(
            error.message,
          ),
      );
      await assert.rejects(
        importInto(f.db.store, reader([message('a:1', { threadKey: '/nowhere' })])),
        /message a:1: its thread "\/nowhere" is neither in the file nor in the database/,
      );
      await assert.rejects(
        importInto(
          f.db.store,
          reader([
            thread(),
            message('c:1', { parentSourceId: 'c:2' }),
            message('c:2', { parentSourceId: 'c:1' }),
          ]),
        ),
        /its parents form a cycle/,
      );
      await assert.rejects(
        importInto(f.db.store, reader([thread(), message('a:1', { createdAt: 'tomorrow' })])),
        /message a:1: createdAt: "tomorrow" is not a time/,
      );
      assert.equal(await rowCount(), 0);
      assert.equal((await f.db.store.db.selectFrom('threads').select('id').execute()).length, 0);
    });

    it('answers a parent that is already in the database, and a thread that is', async () => {
      await importInto(f.db.store, reader([thread(), message('a:1')]));
      const summary = await importInto(
        f.db.store,
        reader([message('a:2', { parentSourceId: 'a:1' })]),
      );
      assert.deepEqual(summary.threads, { created: 0, existing: 0 });
      assert.deepEqual(summary.messages, { created: 1, existing: 0 });
      const [first, second] = await f.publicMessages(KEY);
      assert.equal(second?.parentId, first?.id);
      // A parent here in another thread is refused.
      await importInto(
        f.db.store,
        reader([thread('/other'), message('o:1', { threadKey: '/other' })]),
      );
      await assert.rejects(
        importInto(f.db.store, reader([message('a:3', { parentSourceId: 'o:1' })])),
        /message a:3: its parent is not in its thread/,
      );
    });

    it('takes times only as stored (ISO UTC with ms, year 0001..9999), whichever reader sent them', async () => {
      for (const [createdAt, pattern] of [
        [
          '0000-06-01T00:00:00.000Z',
          /message t:1: createdAt: "0000-06-01T00:00:00\.000Z" is not a time/,
        ],
        [
          '+010000-01-01T00:00:00.000Z',
          /message t:1: createdAt: "\+010000-01-01T00:00:00\.000Z" is not a time/,
        ],
        ['2025-01-01T00:00:00Z', /message t:1: createdAt: "2025-01-01T00:00:00Z" is not a time/],
      ] as const) {
        await assert.rejects(
          importInto(f.db.store, reader([thread(), message('t:0'), message('t:1', { createdAt })])),
          (error: Error) => error instanceof ImportError && pattern.test(error.message),
        );
      }
      await assert.rejects(
        importInto(
          f.db.store,
          reader([thread(KEY, { lastActivityAt: '0000-01-01T00:00:00.000Z' }), message('t:0')]),
        ),
        /thread "\/blog\/imported": lastActivityAt: "0000-01-01T00:00:00\.000Z" is not a time/,
      );
      assert.equal(await rowCount(), 0);
    });

    it('skips and counts a message whose source id is already here in another thread', async () => {
      await importInto(f.db.store, reader([thread('/b'), message('w:1', { threadKey: '/b' })]));
      const summary = await importInto(
        f.db.store,
        reader([thread(), message('w:1', { body: 'same id, other blog' }), message('w:2')]),
      );
      assert.deepEqual(summary.messages, { created: 1, existing: 0 });
      assert.deepEqual(summary.skipped, { 'already imported into another thread': 1 });
      assert.deepEqual(
        (await f.publicMessages(KEY)).map((m) => m.html),
        ['<p>body of w:2</p>'],
      );
      assert.equal((await f.publicMessages('/b')).length, 1);
      // The same thread as the file's: simply already there.
      const again = await importInto(f.db.store, reader([message('w:1', { threadKey: '/b' })]));
      assert.deepEqual([again.messages, again.skipped], [{ created: 0, existing: 1 }, {}]);
    });

    it('stops reading promptly when interrupted, and says nothing was written', async () => {
      const records: (ImportThread | ImportMessage)[] = [thread()];
      for (let i = 0; i < 10_000; i++) records.push(message(`i:${i}`));
      const read = reader(records);
      let handed = 0;
      const counting: ImportReader = (sink) =>
        read({
          ...sink,
          message: (m) => {
            handed++;
            return sink.message(m);
          },
        });
      const stop = new AbortController();
      await assert.rejects(
        importInto(f.db.store, counting, {
          signal: stop.signal,
          progress: {
            update: (phase, done) => {
              if (phase === 'reading' && done > 0) stop.abort();
            },
            done() {},
          },
        }),
        (error: Error) =>
          error instanceof ImportInterrupted &&
          error.written === 0 &&
          /before anything was written/.test(error.message),
      );
      assert.ok(handed > 0 && handed <= 1000, `stopped after ${handed} of 10000 messages`);
      assert.equal(await rowCount(), 0);
    });

    it('rebuilds a touched thread’s counts from its rows, whatever they said before', async () => {
      await importInto(f.db.store, reader([thread(), message('k:1', { highlighted: true })]));
      await f.db.store.db
        .updateTable('threads')
        .set({ message_count: 40, highlight_count: 9 })
        .execute();
      await importInto(f.db.store, reader([message('k:2')]));
      const page = await f.threadPage(KEY);
      assert.deepEqual([page.thread.messageCount, page.thread.highlightCount], [2, 1]);
    });

    it('keeps the first of a repeated source id and counts the rest as skipped, with the reader’s own skips', async () => {
      const summary = await importInto(
        f.db.store,
        reader(
          [
            thread(),
            message('d:1', { body: 'first' }),
            message('d:1', { body: 'second' }),
            thread(),
          ],
          { spam: 3 },
        ),
      );
      assert.deepEqual(summary.skipped, {
        'duplicate message': 1,
        'duplicate thread': 1,
        spam: 3,
      });
      assert.deepEqual(
        (await f.publicMessages(KEY)).map((m) => m.html),
        ['<p>first</p>'],
      );
    });

    it('writes a reply after its parent even when its time is earlier (clocks differ)', async () => {
      const parent = message('s:1');
      const child = message('s:2', {
        parentSourceId: 's:1',
        createdAt: new Date(Date.parse(parent.createdAt) - 3_600_000).toISOString(),
      });
      const sibling = message('s:3', {
        createdAt: new Date(Date.parse(parent.createdAt) - 60_000).toISOString(),
      });
      // The child comes first in the file too.
      await importInto(f.db.store, reader([thread(), child, parent, sibling]));
      const rows = await f.db.store.db
        .selectFrom('messages')
        .select(['id', 'source_id', 'parent_id'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.source_id),
        ['s:3', 's:1', 's:2'],
      );
      assert.equal(rows[2]?.parent_id, rows[1]?.id);
    });

    it('stores spam as hidden with the reason spam, counts only published messages, and starts with no events', async () => {
      await importInto(
        f.db.store,
        reader([
          thread(KEY, { status: 'closed' }),
          message('m:1', { highlighted: true }),
          message('m:2', { status: 'spam' }),
          message('m:3', { status: 'pending' }),
          message('m:4', { status: 'hidden', hiddenReason: 'reports' }),
          message('m:5'),
          {
            messageSourceId: 'm:4',
            reason: 'no',
            createdAt: '2025-02-01T00:00:00.000Z',
            decidedAt: null,
          },
          {
            messageSourceId: 'm:4',
            reason: null,
            createdAt: '2025-02-01T00:01:00.000Z',
            decidedAt: null,
          },
          {
            messageSourceId: 'm:5',
            reason: 'old',
            createdAt: '2025-02-01T00:02:00.000Z',
            decidedAt: '2025-02-02T00:00:00.000Z',
          },
        ]),
      );
      const rows = await f.db.store.db
        .selectFrom('messages')
        .select(['source_id', 'status', 'hidden_reason', 'report_count', 'ip_hash'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [
          r.source_id,
          r.status,
          r.hidden_reason,
          Number(r.report_count),
          r.ip_hash,
        ]),
        [
          ['m:1', 'published', null, 0, null],
          ['m:2', 'hidden', 'spam', 0, null],
          ['m:3', 'pending', null, 0, null],
          ['m:4', 'hidden', 'reports', 2, null],
          ['m:5', 'published', null, 0, null],
        ],
      );
      const page = await f.threadPage(KEY);
      assert.equal(page.thread.status, 'closed');
      assert.equal(page.thread.messageCount, 2);
      assert.equal(page.thread.highlightCount, 1);
      assert.equal(
        page.thread.lastActivityAt,
        rows.length ? (await f.publicMessages(KEY)).at(-1)?.createdAt : '',
      );
      assert.equal(page.lastEventId, 0);
      const admin = await f.db.store.db.selectFrom('reports').select('network_hash').execute();
      assert.equal(new Set(admin.map((r) => r.network_hash)).size, 3);
    });

    it('a thread whose messages are all held stays hidden; one published message makes it public', async () => {
      await importInto(
        f.db.store,
        reader([thread(KEY, { public: false }), message('h:1', { status: 'pending' })]),
      );
      assert.equal((await f.get(threadPath(KEY))).status, 404);
      await importInto(f.db.store, reader([message('h:2')]));
      const page = await f.threadPage(KEY);
      assert.equal(page.thread.messageCount, 1);
      // It existed: one thread.updated event for open readers.
      assert.equal(page.lastEventId, 1);
    });

    it('a file cannot make a held thread public: "public": true needs a message readers could have seen', async () => {
      const publicOf = async (key: string) =>
        Number(
          (
            await f.db.store.db
              .selectFrom('threads')
              .select('public')
              .where('key', '=', key)
              .executeTakeFirstOrThrow()
          ).public,
        );
      // Its only message is held: the title stays unlisted, whatever the file says.
      await importInto(
        f.db.store,
        reader([
          thread('/held', { public: true, title: 'Held title' }),
          message('p:1', { threadKey: '/held', status: 'pending' }),
          message('p:2', { threadKey: '/held', status: 'pending' }),
        ]),
      );
      assert.equal((await f.get(threadPath('/held'))).status, 404);
      assert.equal(await publicOf('/held'), 0);
      const listed = await f.get('/api/threads?sort=recent');
      assert.doesNotMatch(await listed.text(), /Held title/);
      // Readers could have seen a hidden, spam or deleted message (and a
      // thread with no message left): the file's word stands.
      for (const status of ['hidden', 'spam', 'deleted'] as const) {
        const key = `/seen-${status}`;
        await importInto(
          f.db.store,
          reader([
            thread(key, { public: true }),
            message(`${status}:1`, { threadKey: key, status: 'pending' }),
            message(`${status}:2`, {
              threadKey: key,
              status,
              ...(status === 'hidden' ? { hiddenReason: 'moderator' as const } : {}),
            }),
          ]),
        );
        assert.equal(await publicOf(key), 1, key);
      }
      await importInto(f.db.store, reader([thread('/emptied', { public: true })]));
      assert.equal(await publicOf('/emptied'), 1);
      await importInto(
        f.db.store,
        reader([
          thread('/never', { public: false }),
          message('n:1', { threadKey: '/never', status: 'hidden', hiddenReason: 'moderator' }),
        ]),
      );
      assert.equal(await publicOf('/never'), 0);
    });

    it('running it again after a failure half way completes the import', async () => {
      const records = [thread(), thread('/second')];
      let parent: string | null = null;
      for (let i = 0; i < 12; i++) {
        const m = message(`r:${i}`, {
          threadKey: i % 2 ? KEY : '/second',
          parentSourceId: i % 2 ? parent : null,
        });
        if (i % 2) parent = m.sourceId;
        records.push(m as never);
      }
      let batches = 0;
      await assert.rejects(
        importInto(f.db.store, reader(records), {
          batchSize: 4,
          progress: {
            update(phase, done) {
              if (phase === 'writing' && done > 0 && ++batches === 2) throw new Error('killed');
            },
            done() {},
          },
        }),
        /killed/,
      );
      assert.equal(await rowCount(), 8);
      const summary = await importInto(f.db.store, reader(records), { batchSize: 4 });
      assert.deepEqual(summary.messages, { created: 4, existing: 8 });
      assert.equal(await rowCount(), 12);
      const page = await f.threadPage(KEY);
      assert.equal(page.thread.messageCount, 6);
      const listed: Message[] = await f.publicMessages(KEY);
      assert.deepEqual(
        listed.map((m) => m.html),
        [1, 3, 5, 7, 9, 11].map((i) => `<p>body of r:${i}</p>`),
      );
      const again = await importInto(f.db.store, reader(records));
      assert.deepEqual(again.messages, { created: 0, existing: 12 });
    });
  });
}

describe('importInto memory', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'parley-import-size-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes an export of `count` messages of about 2 kB each to a file, streaming. */
  async function bigExport(path: string, count: number): Promise<void> {
    const out = createWriteStream(path);
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    const threads = 50;
    const start = Date.parse('2025-01-01T00:00:00.000Z');
    await write(
      '{"format":"parley-export","version":1,"exportedAt":"2026-01-01T00:00:00.000Z","thread":null,"threads":[\n',
    );
    for (let t = 0; t < threads; t++) {
      const at = new Date(start).toISOString();
      await write(
        `${t ? ',\n' : ''}${JSON.stringify({ key: `/t/${t}`, title: `T${t}`, summary: null, url: null, status: 'open', public: true, createdAt: at, updatedAt: at, lastActivityAt: at })}`,
      );
    }
    await write('\n],\n"messages":[\n');
    const words =
      'Lorem ipsum **dolor** sit amet, [consectetur](https://example.com) adipiscing elit. ';
    for (let i = 1; i <= count; i++) {
      const at = new Date(start + i * 1000).toISOString();
      const row = {
        id: i,
        sourceId: `big:${i}`,
        threadKey: `/t/${i % threads}`,
        parentId: i > threads ? i - threads : null,
        kind: 'reply',
        status: 'published',
        hiddenReason: null,
        author: { name: `Reader ${i % 101}`, role: null },
        body: `${i}: ${words.repeat(24)}`,
        html: '',
        highlighted: false,
        createdAt: at,
        editedAt: null,
        updatedAt: at,
      };
      await write(`${i > 1 ? ',\n' : ''}${JSON.stringify(row)}`);
    }
    await write('\n],\n"reports":[]}\n');
    out.end();
    await once(out, 'finish');
  }

  it('streams: 20,000 messages of 2 kB (40 MB) import with the heap kept far below the file', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const path = join(dir, 'big.json');
    const count = 20_000;
    await bigExport(path, count);
    const size = statSync(path).size;
    const target = await dialects[0]!.create();
    try {
      gc();
      const baseline = process.memoryUsage().heapUsed;
      let peak = 0;
      let samples = 0;
      const sample = () => {
        if (++samples % 5 !== 0) return;
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
      };
      const summary = await importInto(target.store, readParleyExport(path), {
        progress: { update: sample, done: sample },
      });
      assert.equal(summary.messages.created, count);
      assert.ok(samples > 20, `sampled ${samples} times`);
      // Holding the messages would take more than the file (40 MB); streaming
      // holds a batch of 500 and the parser's buffer.
      assert.ok(size > 40e6, `the file is ${size} bytes`);
      assert.ok(
        peak < size / 4,
        `heap grew by ${Math.round(peak / 1e6)} MB for a ${Math.round(size / 1e6)} MB file`,
      );
    } finally {
      await target.dispose();
    }
  });
});
