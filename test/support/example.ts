/**
 * End-to-end support: runs the example exactly as `npm start` does (the blog
 * on one origin, the Parley server on another, a real SQLite file), as a
 * child process that can be stopped and started again on the same database.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@parley/server/testing/free-port';
import { type Browser, chromium, type Page, type Response } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/chromium.mjs';

/** The repository root. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A running example: its URLs, its output so far, and how to stop it. */
export interface RunningExample {
  blogUrl: string;
  articleUrl: string;
  serverUrl: string;
  output(): string;
  stop(): Promise<number | null>;
}

/** Settings for one example run; reuse `databaseUrl` to restart on the same data. */
export interface ExampleOptions {
  databaseUrl: string;
  port: number;
  blogPort: number;
  env?: Record<string, string>;
}

/** Fresh options: a new temporary SQLite file and two free ports. */
export async function exampleOptions(): Promise<ExampleOptions> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-e2e-'));
  return {
    databaseUrl: `sqlite:${join(dir, 'parley.db')}`,
    port: await freePort(),
    blogPort: await freePort(),
  };
}

/** Starts `examples/blog/run.ts` and resolves once it says it is running. */
export async function startExample(options: ExampleOptions): Promise<RunningExample> {
  const widget = join(ROOT, 'packages/widget/dist/widget.js');
  if (!existsSync(widget)) {
    throw new Error(`${widget} is missing: build the widget first (npx -y pnpm@12.4.2 -r build)`);
  }
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'examples/blog/run.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: String(options.port),
        BLOG_PORT: String(options.blogPort),
        DATABASE_URL: options.databaseUrl,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the example did not start within 30 s:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Parley is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the example exited (${code}) before it was running:\n${output}`));
    });
  });
  const blogUrl = `http://127.0.0.1:${options.blogPort}`;
  return {
    blogUrl,
    articleUrl: `${blogUrl}/2026/11/the-efficiency-wars/`,
    serverUrl: `http://127.0.0.1:${options.port}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Collects what goes wrong on `page`: uncaught errors, console errors and
 * failed responses, except those `expected` allows. Chromium logs every 4xx
 * response as a console error too; those are judged by their response.
 */
export function watchProblems(
  page: Page,
  expected: (response: Response) => boolean = () => false,
): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !expected(response)) {
      problems.push(`${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });
  return problems;
}

/** Launches the Chromium `chromiumPath()` finds through playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}
