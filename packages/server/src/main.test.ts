/**
 * The `parley-server` command as an operator runs it: a real child process,
 * a real SQLite file (and PostgreSQL when reachable), real signals.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { threadPath } from './testing/app-fixture.ts';
import { dialects, type TestDatabase } from './testing/dialects.ts';

const BIN = fileURLToPath(new URL('../bin/parley-server.mjs', import.meta.url));

/** Upper bound for a child to start or stop: generous, it only stops a hung test. */
const CHILD_DEADLINE_MS = 30_000;

/** Settings the child must not inherit from the shell running the tests. */
const SETTING_NAMES = [
  'PORT',
  'HOST',
  'DATABASE_URL',
  'PARLEY_ORIGINS',
  'PARLEY_TRUSTED_PROXIES',
  'PARLEY_RATE_LIMIT',
  'PARLEY_WIDGET_DIR',
];

/** A port nothing listens on right now: the kernel picks one, we release it. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `parley-server` child and what it has printed so far. */
interface ServerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines printed on stdout so far. */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the first log line whose `msg` is `msg`; rejects if the child exits first. */
  waitForLog(msg: string): Promise<Record<string, unknown>>;
  /** Resolves when the child has exited (bounded: a hung child is killed and the test fails). */
  waitForExit(): Promise<Exit>;
  /** Resolves when the child has exited, however long that takes. */
  exited: Promise<Exit>;
}

function startBinary(args: string[], env: Record<string, string> = {}): ServerProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SETTING_NAMES) delete childEnv[name];
  Object.assign(childEnv, env);
  // A scratch working directory: were a database path ignored, the default
  // ./data/parley.db would land there, not in the repository.
  const cwd = mkdtempSync(join(tmpdir(), 'parley-cwd-'));
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });
  /** Bounds a wait: a hung child is killed and the waiting test fails with its output. */
  const bounded = <T>(what: string, promise: Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `parley-server: no ${what} within ${CHILD_DEADLINE_MS} ms:\n${stdout}\n${stderr}`,
          ),
        );
      }, CHILD_DEADLINE_MS);
      promise.then(
        (value) => {
          clearTimeout(deadline);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(deadline);
          reject(error);
        },
      );
    });
  const logs = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const waitForLog = (msg: string) =>
    bounded(
      `"${msg}" log line`,
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const check = () => {
          const found = logs().find((entry) => entry.msg === msg);
          if (!found) return false;
          child.stdout?.off('data', check);
          resolve(found);
          return true;
        };
        if (check()) return;
        child.stdout?.on('data', check);
        exited.then(
          () => check() || reject(new Error(`exited before logging "${msg}":\n${stderr}`)),
        );
      }),
    );
  const waitForExit = () => bounded('exit', exited);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    logs,
    waitForLog,
    waitForExit,
    exited,
  };
}

/** Runs the binary to completion (for settings it must refuse, and --help). */
async function runToExit(args: string[], env: Record<string, string> = {}) {
  const server = startBinary(args, env);
  const exit = await server.waitForExit();
  return { ...exit, stdout: server.stdout(), stderr: server.stderr() };
}

/**
 * Waits until the server answers /healthz: first for its "listening" log line,
 * then a bounded number of attempts (the socket is already bound by then).
 */
async function waitUntilHealthy(server: ServerProcess, url: string): Promise<Response> {
  await server.waitForLog('listening');
  let lastError: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      return await fetch(`${url}/healthz`);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
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
// after another (side by side they only fight for the two cores), and the
// steps of one server's life run in order against that one process.
describe('parley-server', () => {
  describe('on a SQLite file', () => {
    let dir: string;
    let file: string;
    let port: number;
    let url: string;
    let server: ServerProcess;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'parley-main-'));
      file = join(dir, 'nested', 'x.db');
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
      server = startBinary(['--port', String(port)], { DATABASE_URL: `sqlite:${file}` });
    });

    after(async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
      }
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers GET /healthz 200 {status: ok} once it logs that it is listening', async () => {
      const res = await waitUntilHealthy(server, url);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { status: 'ok' });
      const listening = await server.waitForLog('listening');
      assert.equal(listening.url, url);
      assert.match(String(listening.database), /^sqlite /);
      assert.ok(existsSync(file), 'creates the database file, and its missing folder');
    });

    it('accepts a post and returns it', async () => {
      const res = await postMessage(url, '/blog/first', { author: 'Ada', body: 'Hello **there**' });
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
    });

    it('finishes a write that is in flight when SIGTERM arrives', async () => {
      // `Expect: 100-continue` lets us know the server has read the request
      // head (the request is in flight) before we signal, without any sleep.
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: threadPath('/blog/first', '/messages'),
            agent: false,
            headers: {
              'Content-Type': 'application/json',
              Expect: '100-continue',
              Connection: 'close',
            },
          },
          (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.once('continue', () => {
          req.write('{"author":"Grace",');
          server.child.kill('SIGTERM');
          server
            .waitForLog('stopping')
            .then(() => req.end('"body":"written during shutdown"}'), reject);
        });
        req.flushHeaders();
      });
      const res = await response;
      assert.equal(res.status, 201, res.body);
    });

    it('stops cleanly on SIGTERM: exit code 0, a "stopped" log line, no WAL left behind', async () => {
      const exit = await server.waitForExit();
      assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
      const stopping = await server.waitForLog('stopping');
      assert.equal(stopping.signal, 'SIGTERM');
      await server.waitForLog('stopped');
      assert.equal(server.stderr(), '');
      // The last connection to close checkpoints and removes the WAL.
      assert.equal(existsSync(`${file}-wal`), false);
    });

    it('leaves a database that passes its integrity check and keeps every message', () => {
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
    });
  });

  describe('flags and SIGINT', () => {
    let dir: string;
    let file: string;
    let port: number;
    let server: ServerProcess;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'parley-main-'));
      file = join(dir, 'flags.db');
      port = await freePort();
      // The environment names another port and another database: the flags must win.
      server = startBinary(['--port', String(port), '--database-url', `sqlite:${file}`], {
        PORT: '1',
        DATABASE_URL: `sqlite:${join(dir, 'from-env.db')}`,
      });
    });

    after(async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
      }
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    });

    it('listens on --port and uses --database-url even when PORT and DATABASE_URL are set', async () => {
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
    });

    it('stops cleanly on SIGINT and keeps the message', async () => {
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

  describe('bad settings', () => {
    const refusals: Array<{
      name: string;
      args: string[];
      env?: Record<string, string>;
      /** Every fragment the message on stderr must contain. */
      says: string[];
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
        name: 'an unknown flag',
        args: ['--prot', '8080'],
        says: ["'--prot'", 'parley-server --help'],
      },
      {
        name: 'an unknown subcommand',
        args: ['serve-forever'],
        says: ['unknown command "serve-forever"', 'parley-server --help'],
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
        assert.equal(result.stdout, '', 'nothing is logged as if it started');
        assert.equal(existsSync(file), false, 'the database is never opened');
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
        assert.ok(result.stdout.includes(`default ${fallback}`), `--help gives ${env}'s default`);
      }
    });
  });

  for (const dialect of dialects.filter((d) => d.name === 'postgres')) {
    describe(`on ${dialect.name}`, () => {
      let db: TestDatabase;
      let server: ServerProcess;
      let url: string;

      before(async () => {
        db = await dialect.create();
        const port = await freePort();
        url = `http://127.0.0.1:${port}`;
        server = startBinary(['--port', String(port)], { DATABASE_URL: db.url });
      });

      after(async () => {
        if (server.child.exitCode === null && server.child.signalCode === null) {
          server.child.kill('SIGKILL');
        }
        await server.exited;
        await db.dispose();
      });

      it('serves /healthz from the PostgreSQL URL, search_path option included', async () => {
        const res = await waitUntilHealthy(server, url);
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { status: 'ok' });
        assert.match(String((await server.waitForLog('listening')).database), /^postgres /);
      });

      it('writes into the schema the URL names', async () => {
        const res = await postMessage(url, '/pg', { author: 'Edgar', body: 'relational' });
        assert.equal(res.status, 201);
        const rows = await db.store.db
          .selectFrom('messages')
          .select(['author_name', 'body'])
          .execute();
        assert.deepEqual(rows, [{ author_name: 'Edgar', body: 'relational' }]);
      });

      it('stops cleanly on SIGTERM', async () => {
        server.child.kill('SIGTERM');
        const exit = await server.waitForExit();
        assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
        await server.waitForLog('stopped');
      });
    });
  }
});
