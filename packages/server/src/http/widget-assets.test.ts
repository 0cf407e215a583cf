import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { dialects } from '../testing/dialects.ts';
import { type LiveServer, liveServer } from '../testing/live-server.ts';
import { type WidgetAssets, widgetAssets } from './widget-assets.ts';

/** A GET sent with the request target exactly as written (fetch would normalise it). */
function rawGet(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  agent?: Agent,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Memory in use after a full collection, so garbage does not count: the JS
 * heap and the buffers outside it (where file contents and compressed copies live).
 */
function memoryAfterGc(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

/** A built-widget folder: entries, chunks, and things that must never be served. */
function buildFolder(): { dir: string; files: Map<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-widget-'));
  // Big and poorly compressible: a per-path cache would show in memory at once.
  const big = `export const x = ${JSON.stringify(randomBytes(24_000).toString('base64'))};\n`;
  const files = new Map<string, string>([
    ['widget.js', `export const w = ${JSON.stringify('parley '.repeat(500))};\n`],
    ['widget/thread-actions-abc123.js', big],
    ['widget/live-def456.js', 'export const live = 1;\n'],
    ['admin.js', 'export const admin = 1;\n'],
    ['admin/panel-0a1b2c.js', 'export const panel = 1;\n'],
  ]);
  mkdirSync(join(dir, 'widget'));
  mkdirSync(join(dir, 'admin'));
  mkdirSync(join(dir, 'widget', 'nested'));
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'widget', 'nested', 'deep-abc.js'), 'export const deep = 1;\n');
  writeFileSync(join(dir, 'widget', 'notes.txt'), 'not a script');
  writeFileSync(join(dir, 'secret.js'), 'export const secret = 1;\n');
  return { dir, files };
}

describe('serving the widget bundle', () => {
  const { dir, files } = buildFolder();
  let widget: WidgetAssets;
  let admin: WidgetAssets;
  let app: Hono;
  let server: ServerType;
  let base: string;

  before(async () => {
    widget = widgetAssets(dir, { entry: 'widget.js', chunks: 'widget' });
    admin = widgetAssets(dir, { entry: 'admin.js', chunks: 'admin', crossOrigin: false });
    app = new Hono();
    const serveWidget = async (c: Parameters<WidgetAssets['serve']>[0]) =>
      (await widget.serve(c)) ?? c.notFound();
    const serveAdmin = async (c: Parameters<WidgetAssets['serve']>[0]) =>
      (await admin.serve(c)) ?? c.notFound();
    app.get('/widget.js', serveWidget);
    app.get('/widget/*', serveWidget);
    app.get('/admin.js', serveAdmin);
    app.get('/admin/*', serveAdmin);
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists exactly the entry and the files of its chunk folder, and compresses them at once', async () => {
    assert.deepEqual([...widget.paths].sort(), [
      '/widget.js',
      '/widget/live-def456.js',
      '/widget/thread-actions-abc123.js',
    ]);
    assert.deepEqual([...admin.paths].sort(), ['/admin.js', '/admin/panel-0a1b2c.js']);
    // Two encodings per file, all started before any request.
    assert.equal(widget.compressions, 6);
    assert.equal(admin.compressions, 4);
    await widget.ready;
  });

  it('serves every canonical file in each encoding', async () => {
    for (const [name, text] of files) {
      for (const [accept, encoding] of [
        ['gzip, br', 'br'],
        ['gzip', 'gzip'],
        ['br;q=0', undefined],
        ['', undefined],
      ] as const) {
        const res = await rawGet(base, `/${name}`, { 'Accept-Encoding': accept });
        assert.equal(res.status, 200, `/${name} (${accept})`);
        assert.equal(res.headers['content-encoding'], encoding, `/${name} (${accept})`);
        assert.match(String(res.headers['content-type']), /^text\/javascript/);
        assert.equal(res.headers.vary, 'Accept-Encoding');
        const plain =
          encoding === 'br'
            ? brotliDecompressSync(res.body)
            : encoding === 'gzip'
              ? gunzipSync(res.body)
              : res.body;
        assert.equal(plain.toString(), text, `/${name} (${accept})`);
      }
    }
  });

  it('sends CORS for the widget, not for the moderation page', async () => {
    const w = await rawGet(base, '/widget.js');
    assert.equal(w.headers['access-control-allow-origin'], '*');
    const chunk = await rawGet(base, '/widget/live-def456.js');
    assert.equal(chunk.headers['access-control-allow-origin'], '*');
    const a = await rawGet(base, '/admin.js');
    assert.equal(a.headers['access-control-allow-origin'], undefined);
  });

  it('revalidates with an ETag per encoding', async () => {
    const br = await rawGet(base, '/widget.js', { 'Accept-Encoding': 'br' });
    const plain = await rawGet(base, '/widget.js');
    const etag = String(br.headers.etag);
    assert.ok(etag);
    assert.notEqual(etag, plain.headers.etag);
    const again = await rawGet(base, '/widget.js', {
      'Accept-Encoding': 'br',
      'If-None-Match': etag,
    });
    assert.equal(again.status, 304);
    assert.match(String(br.headers['cache-control']), /must-revalidate/);
  });

  it('lets hashed chunks be cached for good', async () => {
    const res = await rawGet(base, '/widget/live-def456.js');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['cache-control']), /immutable/);
  });

  it('accepts the folder written with a trailing slash', () => {
    const slashed = widgetAssets(`${dir}/`, { entry: 'widget.js', chunks: 'widget' });
    assert.deepEqual([...slashed.paths].sort(), [...widget.paths].sort());
  });

  it('answers 404 to every spelling but the canonical one', async () => {
    const paths = [
      '/widget//live-def456.js',
      '/widget///live-def456.js',
      '//widget.js',
      '/widget/./live-def456.js',
      '/widget/../widget/live-def456.js',
      '/widget/%2e/live-def456.js',
      '/widget/%2E%2E/widget/live-def456.js',
      '/widget/live-def456%2ejs',
      '/widget%2flive-def456.js',
      '/widget/%6cive-def456.js',
      '/widget/nested/deep-abc.js',
      '/widget/notes.txt',
      '/widget/missing.js',
      '/widget/../secret.js',
      '/widget/%2e%2e/secret.js',
      '/widget/..%2fsecret.js',
      '/widget/admin.js',
      '/admin/live-def456.js',
      '/admin//panel-0a1b2c.js',
      '/widget/',
    ];
    for (const path of paths) {
      const res = await rawGet(base, path);
      assert.equal(res.status, 404, path);
    }
  });

  it('2,000 distinct non-canonical paths leave the file set, the compressions and memory as they were', async () => {
    await widget.ready;
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const paths = widget.paths.slice();
    const compressions = widget.compressions;
    // Warm the request path once so its one-time allocations do not count.
    for (let i = 0; i < 50; i++) await rawGet(base, `/widget/warm-${i}.js`, {}, agent);
    const heapBefore = memoryAfterGc();
    const spellings = (i: number) => [
      `/widget/${'/'.repeat(1 + i)}thread-actions-abc123.js`,
      `/widget/${'./'.repeat(1 + i)}thread-actions-abc123.js`,
      `/widget/unknown-${i}.js`,
      `/widget/x${i}%2f..%2fthread-actions-abc123.js`,
    ];
    const all = Array.from({ length: 500 }, (_, i) => spellings(i)).flat();
    assert.equal(new Set(all).size, 2_000);
    for (let i = 0; i < all.length; i += 8) {
      const replies = await Promise.all(
        all.slice(i, i + 8).map((p) => rawGet(base, p, { 'Accept-Encoding': 'br, gzip' }, agent)),
      );
      for (const [j, res] of replies.entries()) assert.equal(res.status, 404, all[i + j]);
    }
    agent.destroy();
    assert.deepEqual(widget.paths, paths);
    assert.equal(widget.compressions, compressions);
    // A per-path cache of this ~32 KB chunk (plain, brotli, gzip) would hold ~190 MB.
    const grown = memoryAfterGc() - heapBefore;
    assert.ok(grown < 8 * 1024 * 1024, `memory grew by ${grown} bytes`);
  });
});

describe('the app serves only canonical asset paths', () => {
  const { dir } = buildFolder();
  let s: LiveServer;
  before(async () => {
    s = await liveServer(dialects[0]!, { config: { widgetDir: dir } });
  });
  after(async () => {
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the entries and chunks, and 404s other spellings', async () => {
    for (const path of [
      '/widget.js',
      '/widget/thread-actions-abc123.js',
      '/admin.js',
      '/admin/panel-0a1b2c.js',
    ])
      assert.equal((await rawGet(s.url, path, { 'Accept-Encoding': 'br' })).status, 200, path);
    for (const path of [
      '/widget//thread-actions-abc123.js',
      '/widget/./live-def456.js',
      '/widget/%2e/live-def456.js',
      '/admin//panel-0a1b2c.js',
      '/widget/x.js',
    ])
      assert.equal((await rawGet(s.url, path)).status, 404, path);
  });
});
