/**
 * The README's framework snippets, tried for real: each example under
 * examples/frameworks/ (React 19 and Vue 3 built by Vite, Astro by `astro
 * build`, Eleventy by `eleventy`, and a plain HTML page) is built by its own
 * tool against a real Parley server (temporary SQLite file), served from an
 * origin of its own, and loaded in Chromium: the thread renders, and in React
 * and Vue the framework's own event binding (`onparley-thread-loaded`,
 * `@parley-thread-loaded`) receives `parley-thread-loaded`. The typings are
 * checked by each example's `typecheck` (`tsc`, `vue-tsc`), which `npm run
 * typecheck` runs. Also here: the widget package packs everything its
 * manifest names, custom-elements.json and the React and Vue typings included.
 *
 * Needs the widget built (`npx -y pnpm@12.4.2 -r build`).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '@parley/server/testing/free-port';
import { type ListeningServer, startListening } from '@parley/server/testing/server-process';
import type { Browser } from 'playwright-core';
import { launchChromium, watchProblems } from './support/example.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples/frameworks');
/** The thread every example shows: the path each serves its post at. */
const THREAD = '/posts/hello/';
const OPENING = 'Which framework do you embed Parley in?';

/** One example: where its built site is, and whether its framework reports the load event. */
interface Example {
  name: string;
  /** The folder served: the build's output, or the page itself for plain HTML. */
  site: string;
  /** The page with the thread, from the site's root. */
  page: string;
  /** The heading the framework renders from `parley-thread-loaded`'s detail. */
  eventHeading?: string;
}

const EXAMPLE_LIST: Example[] = [
  { name: 'react', site: 'react/dist', page: '/', eventHeading: 'Discussion (1)' },
  { name: 'vue', site: 'vue/dist', page: '/', eventHeading: 'Discussion (1)' },
  { name: 'astro', site: 'astro/dist', page: THREAD },
  { name: 'eleventy', site: 'eleventy/dist', page: THREAD },
  { name: 'html', site: 'html', page: '/' },
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/**
 * A static file server for one built site, as any host would serve it
 * (`dir/index.html` for `dir/`). The plain HTML page names the server `npm
 * start` runs; `rewrite` points it at this test's server instead.
 */
function serveStatic(root: string, port: number, rewrite: (html: string) => string) {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    let file = join(root, path);
    if (!file.startsWith(root)) return res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return res.writeHead(404).end();
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const body = readFileSync(file);
    res.writeHead(200, { 'Content-Type': type });
    res.end(type.startsWith('text/html') ? rewrite(body.toString('utf8')) : body);
  });
  return new Promise<Server>((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** Runs `npm run build` in an example, with `env`; rejects with its output if it fails. */
function build(name: string, env: Record<string, string>) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['run', 'build'], {
      cwd: join(EXAMPLES, name),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${name}: npm run build exited ${code}:\n${output}`)),
    );
  });
}

/** Runs a command to its end and resolves with its stdout; rejects with its output if it fails. */
function output(command: string, args: string[], cwd: string) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${command} exited ${code}:\n${stderr}`)),
    );
  });
}

describe('the framework examples against a real Parley server', () => {
  let parley: ListeningServer;
  let browser: Browser;
  const sites: Server[] = [];
  const origins = new Map<string, string>();

  before(async () => {
    if (!existsSync(join(ROOT, 'packages/widget/dist/widget.js'))) {
      throw new Error('packages/widget/dist/widget.js is missing: run npx -y pnpm@12.4.2 -r build');
    }
    for (const example of EXAMPLE_LIST) {
      origins.set(example.name, `http://127.0.0.1:${await freePort()}`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'parley-frameworks-'));
    parley = await startListening({
      DATABASE_URL: `sqlite:${join(dir, 'parley.db')}`,
      PARLEY_ORIGINS: [...origins.values()].join(','),
      PARLEY_VERIFY_URLS: 'off',
    });
    const posted = await fetch(`${parley.url}/api/threads/${encodeURIComponent(THREAD)}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        author: 'Ada',
        body: OPENING,
        kind: 'opening',
        thread: { title: 'Hello, frameworks' },
      }),
    });
    assert.equal(posted.status, 201, await posted.text());
    // One at a time: the machine has two cores, and each tool uses them all.
    const env = { VITE_PARLEY_SERVER: parley.url, PARLEY_SERVER: parley.url };
    for (const name of ['react', 'vue', 'astro', 'eleventy']) await build(name, env);
    for (const example of EXAMPLE_LIST) {
      const port = Number(new URL(origins.get(example.name)!).port);
      sites.push(
        await serveStatic(join(EXAMPLES, example.site), port, (html) =>
          html.replaceAll('http://127.0.0.1:8787', parley.url),
        ),
      );
    }
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    for (const site of sites) site.close();
    await parley?.stop();
  });

  for (const example of EXAMPLE_LIST) {
    it(`${example.name}: the thread renders${example.eventHeading ? ", and the framework's event binding hears parley-thread-loaded" : ''}`, async () => {
      const page = await browser.newPage();
      const problems = watchProblems(page);
      await page.goto(`${origins.get(example.name)}${example.page}`);
      const thread = page.locator('parley-thread [part~="thread"]');
      await thread.getByRole('heading', { name: 'Hello, frameworks' }).waitFor();
      // The opening post itself (the automatic summary quotes it too).
      await thread.getByText(OPENING, { exact: true }).waitFor();
      if (example.eventHeading) {
        await page.getByRole('heading', { name: example.eventHeading, exact: true }).waitFor();
      }
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});

describe('the packed @parley/widget', () => {
  it('holds custom-elements.json, the React and Vue typings and every file its manifest names', async () => {
    const widget = join(ROOT, 'packages/widget');
    const printed = await output(
      'npx',
      ['-y', 'pnpm@12.4.2', 'pack', '--dry-run', '--json'],
      widget,
    );
    // prepack's own line comes first: the JSON starts at its first brace.
    const packed = JSON.parse(printed.slice(printed.indexOf('{'))) as { files: { path: string }[] };
    const files = new Set(packed.files.map((f) => f.path));
    const manifest = JSON.parse(readFileSync(join(widget, 'package.json'), 'utf8'));
    assert.equal(manifest.customElements, 'custom-elements.json');
    const named = new Set<string>();
    const collect = (target: unknown): void => {
      if (typeof target === 'string') named.add(target.replace(/^\.\//, ''));
      else if (target && typeof target === 'object') Object.values(target).forEach(collect);
    };
    collect([
      manifest.customElements,
      manifest.publishConfig.types,
      manifest.publishConfig.exports,
    ]);
    for (const file of named) assert.ok(files.has(file), `${file} is named and packed`);
    for (const file of ['types/react.d.ts', 'types/vue.d.ts', 'dist/lib/index.d.ts']) {
      assert.ok(files.has(file), `${file} is packed`);
    }
    assert.deepEqual(
      Object.keys(manifest.publishConfig.exports).filter((k) => k === './react' || k === './vue'),
      ['./react', './vue'],
    );
  });
});
