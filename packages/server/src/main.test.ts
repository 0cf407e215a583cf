/**
 * The `parley-server` command as an operator runs it: a real child process,
 * a real SQLite file (and PostgreSQL when reachable), real signals.
 */

import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { MIGRATION_NAMES } from './db/migrate.ts';
import { defaultWidgetDir } from './main.ts';
import { threadPath } from './testing/app-fixture.ts';
import { blogServer, ok } from './testing/blog-server.ts';
import { dialects } from './testing/dialects.ts';
import { freePort } from './testing/free-port.ts';
import {
  postDuringStop,
  runToExit,
  type ServerProcess,
  startBinary,
  TEST_SECRET,
  waitUntilHealthy,
} from './testing/server-process.ts';
import { openSse } from './testing/sse-client.ts';
import { SERVER_VERSION } from './version.ts';

/** Kills a server a test left running, waits for it to exit, and removes its folder. */
async function stopAndRemove(server: ServerProcess, dir?: string): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
  }
  await server.exited;
  if (dir) rmSync(dir, { recursive: true, force: true });
}

async function postMessage(url: string, key: string, body: unknown): Promise<Response> {
  return fetch(`${url}${threadPath(key, '/messages')}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Opens the file the way an operator would check it after a stop. */
function inspectSqlite(file: string) {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      messages: db.prepare('select author_name, body, ip_hash from messages order by id').all() as {
        author_name: string;
        body: string;
        ip_hash: string | null;
      }[],
    };
  } finally {
    db.close();
  }
}

// Each child spends over a second of CPU loading the app: the suites run one
// after another (side by side they only fight for the two cores). The steps
// of one server's life are subtests of one test that starts that process, so
// each test stands alone (--test-name-pattern runs any one of them).
describe('parley-server', () => {
  it('on a SQLite file: serves, finishes a write in flight on SIGTERM, stops cleanly and keeps every message', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-main-'));
    const file = join(dir, 'nested', 'x.db');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    /** The blog whose article the first thread is on (its own address never is one). */
    const blog = await blogServer();
    blog.page('/blog/first', ok);
    const server = startBinary(['--port', String(port)], {
      DATABASE_URL: `sqlite:${file}`,
      PARLEY_ORIGINS: blog.origin,
    });
    t.after(async () => {
      await blog.close();
      await stopAndRemove(server, dir);
    });

    await t.test(
      'answers GET /healthz 200 {status: ok, version, database: ok} once it logs that it is listening',
      async () => {
        const res = await waitUntilHealthy(server, url);
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), {
          status: 'ok',
          version: SERVER_VERSION,
          database: 'ok',
        });
        const listening = await server.waitForLog('listening');
        assert.equal(listening.url, url);
        assert.equal(listening.version, SERVER_VERSION);
        assert.match(String(listening.database), /^sqlite /);
        // A new database: every migration, named once in the log.
        assert.deepEqual((await server.waitForLog('migrated')).applied, MIGRATION_NAMES);
        assert.ok(existsSync(file), 'creates the database file, and its missing folder');
      },
    );

    await t.test(
      'accepts a post and returns it, once its new thread’s url answers 200 (on by default)',
      async () => {
        const post = { author: 'Ada', body: 'Hello **there**' };
        const unchecked = await postMessage(url, '/blog/first', post);
        assert.equal(unchecked.status, 400);
        assert.match(await unchecked.text(), /thread\.url/);
        // The blog's article at the thread key's path, answering 200.
        const thread = { url: `${blog.origin}/blog/first` };
        const res = await postMessage(url, '/blog/first', { ...post, thread });
        assert.equal(res.status, 201);
        const body = (await res.json()) as { message: { author: { name: string }; html: string } };
        assert.equal(body.message.author.name, 'Ada');
        assert.equal(body.message.html, '<p>Hello <strong>there</strong></p>');

        const read = await fetch(`${url}${threadPath('/blog/first')}`);
        assert.equal(read.status, 200);
        const page = (await read.json()) as { messages: { html: string }[] };
        assert.deepEqual(
          page.messages.map((m) => m.html),
          ['<p>Hello <strong>there</strong></p>'],
        );
      },
    );

    await t.test(
      'finishes a write that is in flight when SIGTERM arrives, and ends live streams',
      async () => {
        const reader = await openSse(`${url}${threadPath('/blog/first', '/events')}`);
        await reader.until('the opening comment', () => reader.comments.includes('connected'));
        const res = await postDuringStop(server, port, threadPath('/blog/first', '/messages'));
        assert.equal(res.status, 201, res.body);
        // The stream got its final frame (reconnect in a second, elsewhere) and ended.
        await reader.until('the end of the stream', () => reader.ended);
        assert.ok(reader.comments.includes('server shutting down'));
        assert.equal(reader.retry, 1000);
      },
    );

    await t.test(
      'stops cleanly on SIGTERM: exit code 0, a "stopped" log line, no WAL left behind',
      async () => {
        const exit = await server.waitForExit();
        assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
        const stopping = await server.waitForLog('stopping');
        assert.equal(stopping.signal, 'SIGTERM');
        await server.waitForLog('stopped');
        assert.equal(server.stderr(), '');
        // The last connection to close checkpoints and removes the WAL.
        assert.equal(existsSync(`${file}-wal`), false);
      },
    );

    await t.test(
      'leaves a database that passes its integrity check and keeps every message',
      () => {
        const { integrity, messages } = inspectSqlite(file);
        assert.equal(integrity, 'ok');
        assert.deepEqual(
          messages.map((m) => [m.author_name, m.body]),
          [
            ['Ada', 'Hello **there**'],
            ['Grace', 'written during shutdown'],
          ],
        );
        // The real socket's peer address reached the hasher, and only its hash was kept.
        for (const m of messages) {
          assert.equal(typeof m.ip_hash, 'string');
          assert.ok(!m.ip_hash?.includes('127.0.0.1'));
        }
      },
    );
  });

  it('flags and SIGINT: --port and --database-url win over the environment, SIGINT stops cleanly', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-main-'));
    const file = join(dir, 'flags.db');
    const port = await freePort();
    // The environment names another port and another database: the flags must win.
    const server = startBinary(['--port', String(port), '--database-url', `sqlite:${file}`], {
      PORT: '1',
      DATABASE_URL: `sqlite:${join(dir, 'from-env.db')}`,
      PARLEY_VERIFY_URLS: 'off',
    });
    t.after(() => stopAndRemove(server, dir));

    await t.test(
      'listens on --port and uses --database-url even when PORT and DATABASE_URL are set',
      async () => {
        const res = await waitUntilHealthy(server, `http://127.0.0.1:${port}`);
        assert.equal(res.status, 200);
        const listening = await server.waitForLog('listening');
        assert.equal(listening.url, `http://127.0.0.1:${port}`);
        assert.ok(existsSync(file));
        assert.equal(existsSync(join(dir, 'from-env.db')), false);

        const post = await postMessage(`http://127.0.0.1:${port}`, '/sigint', {
          author: 'Linus',
          body: 'before the interrupt',
        });
        assert.equal(post.status, 201);
      },
    );

    await t.test('stops cleanly on SIGINT and keeps the message', async () => {
      server.child.kill('SIGINT');
      const exit = await server.waitForExit();
      assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
      assert.equal((await server.waitForLog('stopping')).signal, 'SIGINT');
      await server.waitForLog('stopped');
      const { integrity, messages } = inspectSqlite(file);
      assert.equal(integrity, 'ok');
      assert.deepEqual(
        messages.map((m) => m.body),
        ['before the interrupt'],
      );
    });
  });

  describe('the server secret', () => {
    it('creates a key file beside a SQLite database (mode 0600) on first start and keys hashes with it on later starts', async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'parley-main-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'keyed.db');
      const keyFile = `${file}.key`;
      const run = async (body: string) => {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const server = startBinary(['--port', String(port)], {
          // The thread is on no page: this is about the secret, not urls.
          PARLEY_VERIFY_URLS: 'off',
          DATABASE_URL: `sqlite:${file}`,
        });
        try {
          await waitUntilHealthy(server, url);
          const res = await postMessage(url, '/blog/keyed', { author: 'Ada', body });
          assert.equal(res.status, 201);
        } finally {
          server.child.kill('SIGTERM');
          await server.waitForExit();
        }
        return server;
      };
      const first = await run('first start');
      assert.ok(existsSync(keyFile), 'the key file is created');
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      const key = readFileSync(keyFile, 'utf8');
      assert.ok(key.trim().length >= 32);
      assert.ok(!first.stdout().includes(key.trim()), 'the secret is never logged');
      await run('second start');
      assert.equal(readFileSync(keyFile, 'utf8'), key, 'a later start reads the same key');
      const { messages } = inspectSqlite(file);
      assert.equal(messages.length, 2);
      assert.ok(messages[0]!.ip_hash);
      // Same client, same day, same key: one client for the rate limits across a restart.
      assert.equal(messages[1]!.ip_hash, messages[0]!.ip_hash);
    });

    it('runs on an in-memory SQLite database with no key file', async () => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const server = startBinary(['--port', String(port)], {
        // The thread is on no page: this is about the secret, not urls.
        PARLEY_VERIFY_URLS: 'off',
        DATABASE_URL: 'sqlite::memory:',
      });
      try {
        const res = await waitUntilHealthy(server, url);
        assert.equal(res.status, 200);
        assert.equal((await postMessage(url, '/blog/m', { author: 'A', body: 'b' })).status, 201);
      } finally {
        server.child.kill('SIGTERM');
        await server.waitForExit();
      }
    });
  });

  describe('bad settings', () => {
    const refusals: Array<{
      name: string;
      args: string[];
      env?: Record<string, string>;
      /** Every fragment the message on stderr must contain. */
      says: string[];
      /** Secrets the message must never repeat. */
      never?: string[];
    }> = [
      {
        // One run, four bad values: the command names every one of them at
        // once (each with what it accepts), so an operator fixes them in one go.
        // Each message on its own is checked in config.test.ts.
        name: '--port abc, PARLEY_ORIGINS=ftp://x, PARLEY_RATE_LIMIT=-1 and PARLEY_TRUSTED_PROXIES=not-an-ip',
        args: ['--port', 'abc'],
        env: {
          PARLEY_ORIGINS: 'ftp://x',
          PARLEY_RATE_LIMIT: '-1',
          PARLEY_TRUSTED_PROXIES: 'not-an-ip',
        },
        says: [
          'PORT / --port',
          'accepts a port number 0..65535',
          'PARLEY_ORIGINS / --origins: "ftp://x" is not an http(s) origin',
          'accepts comma-separated origins',
          'PARLEY_RATE_LIMIT / --rate-limit',
          'accepts a whole number',
          'PARLEY_TRUSTED_PROXIES / --trusted-proxies: "not-an-ip" is not an IP address or CIDR range',
          'accepts comma-separated IP addresses or CIDR ranges',
        ],
      },
      {
        name: 'an admin token of one repeated character',
        args: [],
        env: { PARLEY_ADMIN_TOKEN: 'q'.repeat(20) },
        says: ['PARLEY_ADMIN_TOKEN / --admin-token: is one character repeated', 'openssl rand'],
        never: ['q'.repeat(20)],
      },
      {
        name: 'an admin token that repeats a short pattern',
        args: [],
        env: { PARLEY_ADMIN_TOKEN: 'passwordpassword' },
        says: ['PARLEY_ADMIN_TOKEN / --admin-token: repeats a short pattern'],
        never: ['passwordpassword'],
      },
      {
        name: 'an admin token made of a dictionary word and a sequence',
        args: [],
        env: { PARLEY_ADMIN_TOKEN: 'administrators12' },
        says: ['PARLEY_ADMIN_TOKEN / --admin-token: is too easy to guess'],
        never: ['administrators12'],
      },
      {
        name: 'a PARLEY_SECRET shorter than 32 characters',
        args: [],
        env: { PARLEY_SECRET: 'short-server-secret' },
        says: ['PARLEY_SECRET / --secret: must be at least 32 characters'],
        never: ['short-server-secret'],
      },
      {
        name: 'PostgreSQL without PARLEY_SECRET',
        args: [],
        // Never reached: the refusal comes before any connection.
        env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:9/nowhere' },
        says: ['every instance must be given the same PARLEY_SECRET'],
      },
      {
        name: 'a PARLEY_WIDGET_DIR without a widget build',
        args: [],
        env: { PARLEY_WIDGET_DIR: '/nowhere/widget-dist' },
        says: ['PARLEY_WIDGET_DIR / --widget-dir: /nowhere/widget-dist holds no widget.js'],
      },
      {
        name: 'an unknown flag',
        args: ['--prot', '8080'],
        says: ['unknown option --prot. Run parley-server --help for the settings.'],
      },
      {
        name: 'an unknown flag beside --help',
        args: ['--help', '--bogus'],
        says: ['unknown option --bogus. Run parley-server --help'],
      },
      {
        name: 'an unknown command',
        args: ['extra'],
        says: ['unknown command "extra". Run parley-server --help for the commands.'],
      },
      {
        name: 'an argument after the settings',
        args: ['--port', '8080', 'backup'],
        says: [
          'unexpected argument (word 3 of the command line): serving takes no arguments',
          'a command comes first',
        ],
      },
    ];

    for (const refusal of refusals) {
      it(`exits 2 with a message on stderr naming the problem, given ${refusal.name}`, async (t) => {
        const dir = mkdtempSync(join(tmpdir(), 'parley-main-'));
        t.after(() => rmSync(dir, { recursive: true, force: true }));
        const file = join(dir, 'never.db');
        const result = await runToExit(refusal.args, {
          DATABASE_URL: `sqlite:${file}`,
          ...refusal.env,
        });
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, /^parley-server: /);
        for (const fragment of refusal.says) {
          assert.ok(result.stderr.includes(fragment), `stderr says ${fragment}: ${result.stderr}`);
        }
        for (const secret of refusal.never ?? []) {
          assert.ok(!result.stderr.includes(secret), `stderr repeats a secret: ${result.stderr}`);
        }
        assert.equal(result.stdout, '', 'nothing is logged as if it started');
        assert.equal(existsSync(file), false, 'the database is never opened');
        assert.equal(existsSync(`${file}.key`), false, 'no key file is made');
      });
    }
  });

  describe('--help', () => {
    it('exits 0 and lists every setting with its flag, what it accepts and its default', async () => {
      const result = await runToExit(['--help']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      assert.match(result.stdout, /^Usage: parley-server/);
      const settings: Array<[env: string, flag: string, fallback: string]> = [
        ['PORT', '--port', '8787'],
        ['HOST', '--host', '127.0.0.1'],
        ['DATABASE_URL', '--database-url', './data/parley.db'],
        ['PARLEY_ORIGINS', '--origins', "the server's own origin"],
        ['PARLEY_TRUSTED_PROXIES', '--trusted-proxies', 'none'],
        ['PARLEY_RATE_LIMIT', '--rate-limit', '10'],
      ];
      for (const [env, flag, fallback] of settings) {
        const row = new RegExp(`${flag}\\s+${env}\\s`);
        assert.match(result.stdout, row, `--help lists ${flag} / ${env}`);
        assert.ok(
          result.stdout.replace(/\s+/g, ' ').includes(`default ${fallback}`),
          `--help gives ${env}'s default`,
        );
      }
    });
  });

  describe('--version', () => {
    it("exits 0 and prints the package's version, as design.md promises", async () => {
      const { version } = JSON.parse(
        readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
      ) as { version: string };
      const result = await runToExit(['--version']);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout, `parley-server ${version}\n`);
      assert.equal(result.stderr, '');
    });
  });

  describe("PARLEY_WIDGET_DIR's default (defaultWidgetDir)", () => {
    /** A package folder laid out as `files` says, under a fresh `packages/` folder. */
    function layout(files: readonly string[]): { root: string; dispose(): void } {
      const top = mkdtempSync(join(tmpdir(), 'parley-widget-dir-'));
      for (const file of files) {
        mkdirSync(dirname(join(top, file)), { recursive: true });
        writeFileSync(join(top, file), '');
      }
      return {
        root: join(top, 'packages/server'),
        dispose: () => rmSync(top, { recursive: true }),
      };
    }

    it("in a checkout, serves the widget package's build, never a copy a failed pack left behind", (t) => {
      const checkout = layout([
        'packages/server/src/main.ts',
        'packages/server/widget/widget.js',
        'packages/widget/dist/widget.js',
      ]);
      t.after(checkout.dispose);
      assert.equal(defaultWidgetDir(checkout.root), join(checkout.root, '../widget/dist'));
    });

    it('in a checkout with no widget build, finds none rather than the leftover copy', (t) => {
      const checkout = layout(['packages/server/src/main.ts', 'packages/server/widget/widget.js']);
      t.after(checkout.dispose);
      assert.equal(defaultWidgetDir(checkout.root), undefined);
    });

    it('in the packed package (no src/), serves the copy packed into it', (t) => {
      const packed = layout([
        'packages/server/dist/main.js',
        'packages/server/widget/widget.js',
        // An installed @parley/widget beside it holds no widget.js: never looked in.
        'packages/widget/dist/lib/index.js',
      ]);
      t.after(packed.dispose);
      assert.equal(defaultWidgetDir(packed.root), join(packed.root, 'widget'));
    });

    it("this checkout's default is the widget package's folder, whatever lies in the server's", () => {
      const server = fileURLToPath(new URL('..', import.meta.url));
      const found = defaultWidgetDir();
      if (found !== undefined) assert.equal(found, join(server, '../widget/dist'));
      assert.equal(defaultWidgetDir(server), found);
    });
  });

  for (const dialect of dialects.filter((d) => d.name === 'postgres')) {
    it(`on ${dialect.name}: serves from the URL's schema and stops cleanly on SIGTERM`, async (t) => {
      const db = await dialect.create();
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const server = startBinary(['--port', String(port)], {
        DATABASE_URL: db.url,
        PARLEY_SECRET: TEST_SECRET,
        PARLEY_VERIFY_URLS: 'off',
      });
      t.after(async () => {
        await stopAndRemove(server);
        await db.dispose();
      });

      await t.test(
        'serves /healthz from the PostgreSQL URL, search_path option included',
        async () => {
          const res = await waitUntilHealthy(server, url);
          assert.equal(res.status, 200);
          assert.deepEqual(await res.json(), {
            status: 'ok',
            version: SERVER_VERSION,
            database: 'ok',
          });
          assert.match(String((await server.waitForLog('listening')).database), /^postgres /);
        },
      );

      await t.test('writes into the schema the URL names', async () => {
        const res = await postMessage(url, '/pg', { author: 'Edgar', body: 'relational' });
        assert.equal(res.status, 201);
        const rows = await db.store.db
          .selectFrom('messages')
          .select(['author_name', 'body'])
          .execute();
        assert.deepEqual(rows, [{ author_name: 'Edgar', body: 'relational' }]);
      });

      await t.test('stops cleanly on SIGTERM', async () => {
        server.child.kill('SIGTERM');
        const exit = await server.waitForExit();
        assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
        await server.waitForLog('stopped');
      });
    });
  }
});
