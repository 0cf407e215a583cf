/**
 * `parley-server import`, `import-disqus` and `import-wordpress` on SQLite
 * and PostgreSQL, as a blog owner runs them: a dry run first, the import,
 * the same command again, what readers then see through the API, and the
 * refusals. What each reader and the loader do in detail is tested beside
 * them (data/import/*.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readDisqus } from '../data/import/disqus.ts';
import { ImportInterrupted, importInto } from '../data/import/load.ts';
import { countBreaches } from '../fuzz/invariants.ts';
import { ADMIN, ADMIN_TOKEN, appFixture, BLOG_ORIGIN } from '../testing/app-fixture.ts';
import { storedCounts } from '../testing/assertions.ts';
import { dialects } from '../testing/dialects.ts';
import { writeLegacyExport } from '../testing/legacy-exports.ts';
import { runToExit } from '../testing/server-process.ts';
import type { ExportDocument, ThreadPage } from '../wire.ts';
import { runCommand } from './commands.ts';
import { captured, runCaptured } from './run-captured.ts';

/** A folder for the files, removed after the test. */
function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-import-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The document with every id replaced by the source id it stands for, and no export time. */
function comparable(document: ExportDocument) {
  const source = new Map(document.messages.map((m) => [m.id, m.sourceId]));
  return {
    threads: document.threads,
    messages: document.messages.map(({ id, parentId, ...m }) => ({
      ...m,
      parent: parentId === null ? null : source.get(parentId),
    })),
    reports: document.reports.map(({ id, messageId, ...r }) => ({
      ...r,
      message: source.get(messageId),
    })),
  };
}

for (const dialect of dialects) {
  describe(`parley-server import on ${dialect.name}`, () => {
    it('a dry run says what would come in and writes nothing; the import then does it, once', async (t) => {
      const dir = scratch(t);
      const from = await appFixture(dialect, { adminToken: ADMIN_TOKEN, reportThreshold: 5 });
      t.after(() => from.close());
      const opening = await from.postMessage('/blog/a', 'Opening *post*', {
        kind: 'opening',
        thread: { title: 'A', url: `${BLOG_ORIGIN}/blog/a` },
      });
      const reply = await from.postMessage('/blog/a', 'a reply', {
        parentId: opening.message.id,
      });
      await from.postMessage('/blog/a', 'a reply to the reply', { parentId: reply.message.id });
      await from.postMessage('/blog/b', 'elsewhere');
      from.peer = '198.51.100.7';
      assert.equal(
        (await from.post(`/api/messages/${reply.message.id}/report`, { reason: 'off topic' }))
          .status,
        202,
      );
      const file = join(dir, 'site.json');
      const exported = await runCaptured(['export', file], { DATABASE_URL: from.db.url });
      assert.equal(exported.code, 0, exported.stderr);

      const to = await appFixture(dialect);
      t.after(() => to.close());
      const env = { DATABASE_URL: to.db.url };
      const dry = await runCaptured(['import', '--dry-run', file], env);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /^Dry run: nothing was written\.\n/);
      assert.match(dry.stdout, /Threads: 2 would be created, 0 already there\./);
      assert.match(dry.stdout, /Messages: 4 would be created, 0 already there\./);
      assert.match(dry.stdout, /Reports: 1 would be created\./);
      assert.deepEqual(await storedCounts(to.db.store), { threads: 0, messages: 0 });

      const real = await runCaptured(['import', file], env);
      assert.equal(real.code, 0, real.stderr);
      assert.match(real.stdout, /^Import done\.\n/);
      assert.match(real.stdout, /Messages: 4 created, 0 already there\./);
      assert.match(real.stdout, /Took \d+(\.\d)? (ms|s)\.\n$/);
      assert.deepEqual(await storedCounts(to.db.store), { threads: 2, messages: 4 });
      assert.deepEqual(await countBreaches(to.db.store), [], 'stored counts equal the rows');

      // What a reader sees: the thread, its counts, the nesting in order.
      const page = (await (await to.get('/api/threads/%2Fblog%2Fa')).json()) as ThreadPage;
      assert.equal(page.thread.messageCount, 3);
      assert.deepEqual(
        page.messages.map((m) => m.html),
        ['<p>Opening <em>post</em></p>', '<p>a reply</p>', '<p>a reply to the reply</p>'],
      );
      assert.equal(page.messages[2]!.parentId, page.messages[1]!.id);

      // The same command again changes nothing.
      const again = await runCaptured(['import', file], env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /Threads: 0 created, 2 already there\./);
      assert.match(again.stdout, /Messages: 0 created, 4 already there\./);
      assert.deepEqual(await storedCounts(to.db.store), { threads: 2, messages: 4 });

      // And what comes out is what went in, apart from ids and the export time.
      const back = await runCaptured(['export'], env);
      assert.equal(back.code, 0, back.stderr);
      assert.deepEqual(
        comparable(JSON.parse(back.stdout) as ExportDocument),
        comparable(JSON.parse(readFileSync(file, 'utf8')) as ExportDocument),
      );
    });

    it('a message deleted here since stays deleted when the same file is imported again', async (t) => {
      const dir = scratch(t);
      const site = await appFixture(dialect, { adminToken: ADMIN_TOKEN });
      t.after(() => site.close());
      // Posted here, exported, then deleted by a moderator (it has no replies: no trace left).
      const native = await site.postMessage('/blog/n', 'posted here, deleted later');
      await site.postMessage('/blog/n', 'posted here, kept');
      const exported = join(dir, 'site.json');
      const env = { DATABASE_URL: site.db.url };
      assert.equal((await runCaptured(['export', exported], env)).code, 0);
      // Imported from Disqus, then two comments without replies deleted.
      const source = writeLegacyExport(join(dir, 'disqus.xml'), {
        format: 'disqus',
        seed: 4,
        threads: 3,
        commentsPerThread: 6,
      });
      assert.equal(
        (await runCaptured(['import-disqus', '--origin', source.origin, source.path], env)).code,
        0,
      );
      const imported = await site.db.store.db
        .selectFrom('messages')
        .select(['id', 'parent_id'])
        .where('source_id', 'is not', null)
        .orderBy('id')
        .execute();
      // A reply no one answered, and a top-level comment that is a leaf too.
      const parents = new Set(imported.map((m) => m.parent_id));
      const leaves = imported.filter((m) => !parents.has(m.id));
      const reply = leaves.find((m) => m.parent_id !== null)!;
      const top = leaves.find((m) => m.parent_id === null)!;
      for (const id of [native.message.id, reply.id, top.id]) {
        assert.equal((await site.delete(`/api/admin/messages/${id}`, ADMIN)).status, 204);
      }
      const before = await storedCounts(site.db.store);
      const again = await runCaptured(
        ['import-disqus', '--origin', source.origin, source.path],
        env,
      );
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /Messages: 0 created/);
      assert.match(again.stdout, /2 removed here since/);
      const back = await runCaptured(['import', exported], env);
      assert.equal(back.code, 0, back.stderr);
      assert.match(back.stdout, /Messages: 0 created/);
      assert.match(back.stdout, /1 removed here since/);
      assert.deepEqual(await storedCounts(site.db.store), before);
      assert.deepEqual(await countBreaches(site.db.store), []);
    });

    it('import-disqus (the binary) keeps one site with --origin, and says what it left out', async (t) => {
      const dir = scratch(t);
      const source = writeLegacyExport(join(dir, 'disqus.xml'), {
        format: 'disqus',
        seed: 3,
        threads: 30,
        commentsPerThread: 8,
      });
      const to = await appFixture(dialect);
      t.after(() => to.close());
      const result = await runToExit(['import-disqus', '--origin', source.origin, source.path], {
        DATABASE_URL: to.db.url,
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Import done\.\n/);
      assert.match(result.stdout, /Left out: .*\d+ spam/);
      assert.match(result.stdout, /\d+ thread on another site|\d+ on another site/);
      assert.doesNotMatch(result.stdout, /Note: the file's threads are on/);
      const stored = await storedCounts(to.db.store);
      assert.ok(stored.messages > 100, `${stored.messages} messages`);
      assert.deepEqual(await countBreaches(to.db.store), [], 'stored counts equal the rows');
      // No email or address of the file reached the database.
      const rows = JSON.stringify(
        await to.db.store.db.selectFrom('messages').select(['author_name', 'body']).execute(),
      );
      for (const secret of source.secrets) assert.ok(!rows.includes(secret), secret);
    });

    it('import-wordpress without --origin warns that the file mixes sites', async (t) => {
      const dir = scratch(t);
      const source = writeLegacyExport(join(dir, 'wordpress.xml'), {
        format: 'wordpress',
        seed: 5,
        threads: 30,
        commentsPerThread: 6,
      });
      const to = await appFixture(dialect);
      t.after(() => to.close());
      const result = await runCaptured(['import-wordpress', source.path], {
        DATABASE_URL: to.db.url,
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(
          `Note: the file's threads are on 2 sites: ${source.origin} \\(\\d+ threads\\), ${source.otherOrigin} \\(\\d+ threads?\\)\\.`,
        ),
      );
      assert.match(result.stdout, new RegExp(`--origin ${source.origin} \\(try it with --dry-run`));
      assert.deepEqual(await countBreaches(to.db.store), [], 'stored counts equal the rows');
    });

    it('refuses a missing file and a bad --origin (exit 2), and a bad file writes nothing (exit 1)', async (t) => {
      const dir = scratch(t);
      const to = await appFixture(dialect);
      t.after(() => to.close());
      const env = { DATABASE_URL: to.db.url };
      const missing = await runCaptured(['import', join(dir, 'nope.json')], env);
      assert.equal(missing.code, 2);
      assert.equal(missing.stderr, `parley-server import: no file ${join(dir, 'nope.json')}\n`);
      const xml = join(dir, 'x.xml');
      writeFileSync(xml, '<disqus xmlns="http://disqus.com"></disqus>');
      const origin = await runCaptured(['import-disqus', '--origin', 'ftp://old', xml], env);
      assert.equal(origin.code, 2);
      assert.match(origin.stderr, /^parley-server import-disqus: .*ftp:\/\/old/);
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, '{"format": "parley-export", "version": 1, "threads": [');
      const truncated = await runCaptured(['import', bad], env);
      assert.equal(truncated.code, 1);
      assert.match(truncated.stderr, new RegExp(`^parley-server import: ${bad}: `));
      const wrong = await runCaptured(['import-wordpress', xml], env);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, new RegExp(`^parley-server import-wordpress: ${xml}, line 1`));
      assert.deepEqual(await storedCounts(to.db.store), { threads: 0, messages: 0 });
    });

    it('interrupted before writing: exit 1, nothing written, and a second run imports it all', async (t) => {
      const dir = scratch(t);
      const source = writeLegacyExport(join(dir, 'disqus.xml'), {
        format: 'disqus',
        seed: 9,
        threads: 4,
        commentsPerThread: 5,
      });
      const to = await appFixture(dialect);
      t.after(() => to.close());
      const stdout = captured();
      const stderr = captured();
      const code = await runCommand(
        ['import-disqus', source.path],
        { DATABASE_URL: to.db.url },
        { stdout: stdout.stream, stderr: stderr.stream, signal: AbortSignal.abort() },
      );
      assert.equal(code, 1);
      assert.match(stderr.text(), /^parley-server import-disqus: interrupted/);
      assert.deepEqual(await storedCounts(to.db.store), { threads: 0, messages: 0 });
      const rerun = await runCaptured(['import-disqus', source.path], { DATABASE_URL: to.db.url });
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.ok((await storedCounts(to.db.store)).messages > 0);
    });

    it('interrupted while writing: whole batches stay, counts equal the rows, and a second run completes it', async (t) => {
      const dir = scratch(t);
      const source = writeLegacyExport(join(dir, 'disqus.xml'), {
        format: 'disqus',
        seed: 9,
        threads: 4,
        commentsPerThread: 5,
      });
      const to = await appFixture(dialect);
      t.after(() => to.close());
      // The loader as the command runs it, in batches of 3, stopped as soon
      // as the first batch is written (what a Ctrl-C mid-way does).
      const stop = new AbortController();
      let total = 0;
      const stopped = await importInto(to.db.store, readDisqus(source.path), {
        batchSize: 3,
        signal: stop.signal,
        progress: {
          update(phase, done, of) {
            if (phase === 'writing' && done > 0) {
              total = of ?? 0;
              stop.abort();
            }
          },
          done() {},
        },
      }).then(
        () => assert.fail('the import ran to its end'),
        (error: unknown) => error,
      );
      assert.ok(stopped instanceof ImportInterrupted, String(stopped));
      assert.equal(stopped.written, 3);
      assert.match(
        stopped.message,
        /^interrupted after writing 3 of \d+ new messages; what was written stays/,
      );
      const written = (await storedCounts(to.db.store)).messages;
      assert.ok(written === 3 && total > 3, `${written} of ${total} written`);
      assert.deepEqual(await countBreaches(to.db.store), [], 'stored counts equal the rows');
      const rerun = await runCaptured(['import-disqus', source.path], { DATABASE_URL: to.db.url });
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.match(rerun.stdout, new RegExp(`Messages: ${total - 3} created, 3 already there\\.`));
      assert.equal((await storedCounts(to.db.store)).messages, total);
      assert.deepEqual(await countBreaches(to.db.store), [], 'stored counts equal the rows');
    });
  });
}
