/**
 * Test support: the `parley-server` command as a real child process, with
 * bounded waits on its log lines and its exit.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTINGS } from '../config.ts';

export const BIN = fileURLToPath(new URL('../../bin/parley-server.mjs', import.meta.url));

/**
 * A `PARLEY_SECRET` for the children of one test process: instances sharing
 * a PostgreSQL database must be given the same one, or they refuse to start.
 */
export const TEST_SECRET = randomBytes(32).toString('base64url');

/** Upper bound for a child to start or stop: generous, it only stops a hung test. */
export const CHILD_DEADLINE_MS = 30_000;

/** A port nothing listens on right now: the kernel picks one, we release it. */
export async function freePort(): Promise<number> {
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

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running `parley-server` child and what it has printed so far. */
export interface ServerProcess {
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

export function startBinary(args: string[], env: Record<string, string> = {}): ServerProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  // No setting comes from the shell running the tests: only what the test passes.
  for (const { env } of SETTINGS) delete childEnv[env];
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
export async function runToExit(args: string[], env: Record<string, string> = {}) {
  const server = startBinary(args, env);
  const exit = await server.waitForExit();
  return { ...exit, stdout: server.stdout(), stderr: server.stderr() };
}

/**
 * Waits until the server answers /healthz: first for its "listening" log line,
 * then a bounded number of attempts (the socket is already bound by then).
 */
export async function waitUntilHealthy(server: ServerProcess, url: string): Promise<Response> {
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
