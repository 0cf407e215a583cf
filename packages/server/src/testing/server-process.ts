/**
 * Test support: the `parley-server` command (or another Node script) as a
 * real child process, as an operator runs it, for the server tests, the
 * end-to-end tests and the benchmarks: bounded waits on its log lines, its
 * health check and its exit, and a polite stop.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTINGS } from '../config.ts';
import { freePort } from './free-port.ts';

export const BIN = fileURLToPath(new URL('../../bin/parley-server.mjs', import.meta.url));

/**
 * A `PARLEY_SECRET` for the children of one test process: instances sharing
 * a PostgreSQL database must be given the same one, or they refuse to start.
 */
export const TEST_SECRET = randomBytes(32).toString('base64url');

/** Upper bound for a child to start or stop: generous, it only stops a hung test. */
export const CHILD_DEADLINE_MS = 30_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** How to run the child, besides its arguments and settings. */
export interface LaunchOptions {
  /** Node flags before the script, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** The script to run; default the `parley-server` command ({@link BIN}). */
  script?: string;
  /**
   * Working directory; default a scratch folder removed when the child exits,
   * so a database path the server ignored could not land in the repository.
   */
  cwd?: string;
  /** Called with the child as soon as it is spawned, e.g. to kill it if the caller is interrupted. */
  onSpawn?: (child: ChildProcess) => void;
}

/** A running child and what it has printed so far. */
export interface ServerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Both, for error messages. */
  output(): string;
  /** The JSON log lines printed on stdout so far. */
  logs(): Array<Record<string, unknown>>;
  /** Resolves with the first log line whose `msg` is `msg`; rejects if the child exits first. */
  waitForLog(msg: string): Promise<Record<string, unknown>>;
  /** Resolves when the child has exited (bounded: a hung child is killed and the test fails). */
  waitForExit(): Promise<Exit>;
  /** Resolves when the child has exited, however long that takes. */
  exited: Promise<Exit>;
  /**
   * SIGTERM (a graceful stop: the database is closed, `--cpu-prof` writes its
   * profile), then SIGKILL after `graceMs` (default 10 s); resolves once it exited.
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `node [nodeArgs] script args` with `env` as its only Parley
 * settings: none comes from the shell running the tests, only what the
 * caller passes.
 */
export function startBinary(
  args: string[],
  env: Record<string, string> = {},
  options: LaunchOptions = {},
): ServerProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const { env } of SETTINGS) delete childEnv[env];
  Object.assign(childEnv, env);
  const scratch = options.cwd ? undefined : mkdtempSync(join(tmpdir(), 'parley-cwd-'));
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), options.script ?? BIN, ...args],
    { cwd: options.cwd ?? scratch, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  options.onSpawn?.(child);
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
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      resolve({ code, signal });
    });
  });
  /** Bounds a wait: a hung child is killed and the waiting test fails with its output. */
  const bounded = <T>(what: string, promise: Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${what}: not within ${CHILD_DEADLINE_MS} ms:\n${stdout}\n${stderr}`));
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
  // Complete lines only: a log line may arrive in two reads.
  const logs = () =>
    stdout
      .slice(0, stdout.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const waitForLog = (msg: string) =>
    bounded(
      `parley-server: "${msg}" log line`,
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
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
  };
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => `${stdout}${stderr}`,
    logs,
    waitForLog,
    waitForExit: () => bounded('parley-server: exit', exited),
    exited,
    stop,
  };
}

/** Runs the binary to completion (for settings it must refuse, and --help). */
export async function runToExit(args: string[], env: Record<string, string> = {}) {
  const server = startBinary(args, env);
  const exit = await server.waitForExit();
  return { ...exit, stdout: server.stdout(), stderr: server.stderr() };
}

/**
 * `GET url` on a socket of its own, closed afterwards: a pooled keep-alive
 * connection left open would count against the per-client connection limits
 * that some tests and benchmarks measure.
 */
function getOnce(url: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: 1_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('error', reject);
      res.on('end', () => resolve(new Response(body, { status: res.statusCode ?? 0 })));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Resolves with the first answer of `${url}/healthz`, asked every 50 ms;
 * rejects with the child's output if it exits first or after
 * {@link CHILD_DEADLINE_MS}.
 */
export async function waitUntilHealthy(server: ServerProcess, url: string): Promise<Response> {
  const deadline = Date.now() + CHILD_DEADLINE_MS;
  for (;;) {
    const { exitCode, signalCode } = server.child;
    if (exitCode !== null || signalCode !== null) {
      throw new Error(
        `${url}: the server exited (${exitCode ?? signalCode}) before it answered:\n${server.output()}`,
      );
    }
    try {
      return await getOnce(`${url}/healthz`);
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${url}/healthz: no answer within ${CHILD_DEADLINE_MS} ms:\n${server.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A child listening on 127.0.0.1 and healthy. */
export interface ListeningServer extends ServerProcess {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** `127.0.0.1:PORT`, as an upstream address. */
  address: string;
}

/**
 * Starts the child on a free port on 127.0.0.1 (`HOST` and `PORT` in its
 * environment, then `env`) and resolves once `/healthz` answers 200; a child
 * that fails to is stopped, and the error carries its output.
 */
export async function startListening(
  env: Record<string, string> = {},
  options: LaunchOptions = {},
): Promise<ListeningServer> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  const server = startBinary([], { HOST: '127.0.0.1', PORT: String(port), ...env }, options);
  try {
    const health = await waitUntilHealthy(server, url);
    if (health.status !== 200) {
      throw new Error(`${url}/healthz answered ${health.status}:\n${server.output()}`);
    }
  } catch (error) {
    await server.stop(1_000);
    throw error;
  }
  return { ...server, url, address };
}

/**
 * Posts a message to `server` and sends SIGTERM while the request is in
 * flight: `Expect: 100-continue` tells us the server has read the request
 * head before we signal (no sleep), and the rest of the body follows once
 * the server has logged that it is stopping. Resolves with the answer.
 */
export function postDuringStop(
  server: ServerProcess,
  port: number,
  path: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
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
}
