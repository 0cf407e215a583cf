/**
 * `parley-server export` on SQLite and PostgreSQL: to a file and to stdout,
 * the same document `exportDocument` gives (the admin route's), whole or one
 * thread's, and nothing written when it cannot be.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { exportDocument } from '../data/export.ts';
import {
  ADMIN,
  ADMIN_TOKEN,
  type AppFixture,
  appFixture,
  BLOG_ORIGIN,
} from '../testing/app-fixture.ts';
import { dialects } from '../testing/dialects.ts';
import { runToExit } from '../testing/server-process.ts';
import type { ExportDocument } from '../wire.ts';
import { runCommand } from './commands.ts';
import { writeChunks } from './export-command.ts';
import { bytes } from './format.ts';
import { captured, runCaptured } from './run-captured.ts';

const KEY = '/blog/post-1';
const OTHER = '/blog/other';

/** A folder for the files, removed after the test. */
function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-export-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Two threads, a reply, an owner's edit of a summary, and a report. */
async function site(f: AppFixture) {
  const opening = await f.postMessage(KEY, 'Opening **post**', {
    kind: 'opening',
    thread: { title: 'A title', url: `${BLOG_ORIGIN}${KEY}` },
  });
  await f.postMessage(KEY, 'a reply', { parentId: opening.message.id });
  await f.postMessage(OTHER, 'elsewhere');
  f.peer = '198.51.100.1';
  const res = await f.post(`/api/messages/${opening.message.id}/report`, { reason: 'rude' });
  assert.equal(res.status, 202);
}

/** `exportDocument`'s document for the fixture's database, as parsed JSON. */
async function expected(f: AppFixture, thread?: string): Promise<ExportDocument> {
  let scope: { id: number; key: string } | undefined;
  if (thread) {
    const row = await f.db.store.db
      .selectFrom('threads')
      .select(['id', 'key'])
      .where('key', '=', thread)
      .executeTakeFirstOrThrow();
    scope = row;
  }
  let text = '';
  for await (const chunk of exportDocument(f.db.store.db, { thread: scope, now: new Date() }))
    text += chunk;
  return JSON.parse(text) as ExportDocument;
}

/** The document without its export time, which differs between two exports. */
function timeless(document: ExportDocument): Omit<ExportDocument, 'exportedAt'> {
  const { exportedAt, ...rest } = document;
  assert.match(exportedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  return rest;
}

for (const dialect of dialects) {
  describe(`parley-server export on ${dialect.name}`, () => {
    it('writes the whole document to FILE, as exportDocument gives it, and says what it wrote', async (t) => {
      const dir = scratch(t);
      const f = await appFixture(dialect, { adminToken: ADMIN_TOKEN, reportThreshold: 5 });
      t.after(() => f.close());
      await site(f);
      const file = join(dir, 'site.json');
      const result = await runToExit(['export', file], { DATABASE_URL: f.db.url });
      assert.equal(result.code, 0, result.stderr);
      const text = readFileSync(file, 'utf8');
      const document = JSON.parse(text) as ExportDocument;
      assert.deepEqual(timeless(document), timeless(await expected(f)));
      assert.equal(document.threads.length, 2);
      assert.equal(document.messages.length, 3);
      assert.equal(document.reports.length, 1);
      // The admin route gives the same document.
      const viaRoute = (await (await f.get('/api/admin/export', ADMIN)).json()) as ExportDocument;
      assert.deepEqual(timeless(document), timeless(viaRoute));
      assert.match(
        result.stdout,
        new RegExp(
          `^Exported 2 threads, 3 messages and 1 report \\(${bytes(Buffer.byteLength(text)).replace('.', '\\.')}\\) to ${file} in \\d+(\\.\\d)? (ms|s)\\.\\n$`,
        ),
      );
      assert.equal(result.stderr, '');
      assert.deepEqual(readdirSync(dir), ['site.json'], 'no .partial left');
    });

    it('writes to stdout without FILE or with -, the summary then on stderr', async (t) => {
      const f = await appFixture(dialect, { reportThreshold: 5 });
      t.after(() => f.close());
      await site(f);
      const want = timeless(await expected(f));
      for (const argv of [['export'], ['export', '-']]) {
        const result = await runCaptured(argv, { DATABASE_URL: f.db.url });
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(timeless(JSON.parse(result.stdout) as ExportDocument), want);
        assert.match(
          result.stderr,
          /^Exported 2 threads, 3 messages and 1 report \(.*\) to standard output in /,
        );
      }
    });

    it('--thread KEY exports that thread alone', async (t) => {
      const f = await appFixture(dialect, { reportThreshold: 5 });
      t.after(() => f.close());
      await site(f);
      const result = await runCaptured(['export', '--thread', KEY], { DATABASE_URL: f.db.url });
      assert.equal(result.code, 0, result.stderr);
      const document = JSON.parse(result.stdout) as ExportDocument;
      assert.deepEqual(timeless(document), timeless(await expected(f, KEY)));
      assert.equal(document.thread, KEY);
      assert.deepEqual(
        document.threads.map((t) => t.key),
        [KEY],
      );
      assert.equal(document.messages.length, 2);
    });

    it('an unknown --thread: exit 1, "no thread with the key", nothing written', async (t) => {
      const dir = scratch(t);
      const f = await appFixture(dialect);
      t.after(() => f.close());
      await site(f);
      const file = join(dir, 'one.json');
      for (const argv of [
        ['export', '--thread', '/nope', file],
        ['export', '--thread', '/nope'],
      ]) {
        const result = await runCaptured(argv, { DATABASE_URL: f.db.url });
        assert.equal(result.code, 1);
        assert.equal(
          result.stderr,
          'parley-server export: no thread with the key "/nope"; nothing was written\n',
        );
        assert.equal(result.stdout, '');
      }
      assert.deepEqual(readdirSync(dir), []);
    });

    it('a fresh database exports an empty document', async (t) => {
      const f = await appFixture(dialect);
      t.after(() => f.close());
      const result = await runCaptured(['export'], { DATABASE_URL: f.db.url });
      assert.equal(result.code, 0, result.stderr);
      const document = JSON.parse(result.stdout) as ExportDocument;
      assert.deepEqual(timeless(document), {
        format: 'parley-export',
        version: 1,
        thread: null,
        threads: [],
        messages: [],
        reports: [],
      });
    });
  });
}

describe('parley-server export on a database that is not there, or empty', () => {
  it('refuses a SQLite file that is not there (exit 2), creating nothing', async (t) => {
    const dir = scratch(t);
    const missing = join(dir, 'typo.db');
    const result = await runCaptured(['export', join(dir, 'out.json')], { DATABASE_URL: missing });
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`^parley-server export: no database at ${missing}: `));
    assert.deepEqual(readdirSync(dir), [], 'neither a database nor a document');
  });

  it('migrates an empty one and exports an empty document', async (t) => {
    const dir = scratch(t);
    const file = join(dir, 'out.json');
    const database = join(dir, 'p.db');
    writeFileSync(database, '');
    const result = await runCaptured(['export', file], { DATABASE_URL: database });
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(readFileSync(file, 'utf8')) as ExportDocument;
    assert.deepEqual([document.threads, document.messages, document.reports], [[], [], []]);
    assert.match(result.stdout, /^Exported 0 threads, 0 messages and 0 reports \(\d+ bytes\) to /);
  });

  it('refuses a FILE that exists (exit 2)', async (t) => {
    const dir = scratch(t);
    writeFileSync(join(dir, 'p.db'), '');
    const result = await runCaptured(['export', dir], { DATABASE_URL: join(dir, 'p.db') });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `parley-server export: ${dir} exists; name a new file (nothing is ever overwritten)\n`,
    );
  });
});

describe('parley-server export interrupted', () => {
  it('to stdout: exit 1, saying the document on stdout is incomplete (not that nothing was written)', async (t) => {
    const f = await appFixture(dialects[0]!, { reportThreshold: 5 });
    t.after(() => f.close());
    await site(f);
    const interrupt = new AbortController();
    // The operator's Ctrl-C, once the first part of the document is out.
    const out: Buffer[] = [];
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        out.push(chunk);
        interrupt.abort();
        done();
      },
    });
    const stderr = captured();
    const code = await runCommand(
      ['export'],
      { DATABASE_URL: f.db.url },
      {
        stdout,
        stderr: stderr.stream,
        signal: interrupt.signal,
      },
    );
    assert.equal(code, 1);
    const text = Buffer.concat(out).toString('utf8');
    assert.ok(text.length > 0, 'part of the document went out');
    assert.throws(() => JSON.parse(text), SyntaxError);
    assert.equal(
      stderr.text(),
      'parley-server export: interrupted; what went to standard output is an incomplete document, not valid JSON: do not keep it\n',
    );
  });
});

describe('writeChunks', () => {
  it('waits for a slow reader: never more than one chunk waits in its buffer', async () => {
    const out = captured({ delayMs: 2, highWaterMark: 1 });
    let buffered = 0;
    async function* chunks() {
      for (let i = 0; i < 20; i++) {
        buffered = Math.max(buffered, out.stream.writableLength);
        yield `chunk ${i};`;
      }
    }
    const size = await writeChunks(chunks(), out.stream);
    out.stream.end();
    assert.equal(buffered, 0, 'the next chunk is read only once the reader has drained');
    assert.equal(out.text().length, size);
    assert.equal(out.text(), Array.from({ length: 20 }, (_, i) => `chunk ${i};`).join(''));
  });

  it('fails when the reader goes away, instead of reading on', async () => {
    const out = captured();
    let read = 0;
    async function* chunks() {
      for (;;) {
        read++;
        if (read === 3) out.stream.destroy(new Error('EPIPE: the reader left'));
        yield 'x';
        await new Promise((r) => setImmediate(r));
      }
    }
    await assert.rejects(writeChunks(chunks(), out.stream), /the reader left|destroyed/);
    assert.ok(read < 10);
  });
});
