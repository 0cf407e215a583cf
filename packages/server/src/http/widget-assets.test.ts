import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { widgetAssets } from './widget-assets.ts';

describe('serving the widget bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-widget-'));
  const source = `export const x = ${JSON.stringify('parley '.repeat(500))};\n`;
  let app: Hono;

  before(() => {
    writeFileSync(join(dir, 'widget.js'), source);
    mkdirSync(join(dir, 'widget'));
    writeFileSync(join(dir, 'widget', 'chunk-abc123.js'), 'export const y = 1;\n');
    writeFileSync(join(dir, 'secret.txt'), 'not for the web');
    const serve = widgetAssets(dir);
    app = new Hono();
    app.get('/widget.js', async (c) => (await serve(c, 'widget.js')) ?? c.notFound());
    app.get('/widget/*', async (c) => (await serve(c, c.req.path.slice(1))) ?? c.notFound());
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves brotli to browsers that accept it, with CORS for any origin', async () => {
    const res = await app.request('/widget.js', { headers: { 'Accept-Encoding': 'gzip, br' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Content-Encoding'), 'br');
    assert.equal(res.headers.get('Access-Control-Allow-Origin'), '*');
    assert.equal(res.headers.get('Vary'), 'Accept-Encoding');
    assert.match(res.headers.get('Content-Type') ?? '', /^text\/javascript/);
    const body = Buffer.from(await res.arrayBuffer());
    assert.ok(body.length < source.length / 10);
    assert.equal(brotliDecompressSync(body).toString(), source);
  });

  it('serves gzip, or the plain file, to clients that accept only those', async () => {
    const gz = await app.request('/widget.js', { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(gz.headers.get('Content-Encoding'), 'gzip');
    assert.equal(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString(), source);
    const plain = await app.request('/widget.js', { headers: { 'Accept-Encoding': 'br;q=0' } });
    assert.equal(plain.headers.get('Content-Encoding'), null);
    assert.equal(await plain.text(), source);
  });

  it('revalidates with an ETag per encoding', async () => {
    const br = await app.request('/widget.js', { headers: { 'Accept-Encoding': 'br' } });
    const plain = await app.request('/widget.js');
    const etag = br.headers.get('ETag');
    assert.ok(etag);
    assert.notEqual(etag, plain.headers.get('ETag'));
    const again = await app.request('/widget.js', {
      headers: { 'Accept-Encoding': 'br', 'If-None-Match': etag },
    });
    assert.equal(again.status, 304);
    assert.match(br.headers.get('Cache-Control') ?? '', /must-revalidate/);
  });

  it('lets hashed chunks be cached for good', async () => {
    const res = await app.request('/widget/chunk-abc123.js');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('Cache-Control') ?? '', /immutable/);
  });

  it('accepts the folder written with a trailing slash', async () => {
    const serve = widgetAssets(`${dir}/`);
    const slashed = new Hono().get(
      '/widget.js',
      async (c) => (await serve(c, 'widget.js')) ?? c.notFound(),
    );
    assert.equal((await slashed.request('/widget.js')).status, 200);
  });

  it('serves nothing but JavaScript from inside its folder', async () => {
    assert.equal((await app.request('/widget/missing.js')).status, 404);
    assert.equal((await app.request('/widget/../secret.txt')).status, 404);
    assert.equal((await app.request('/widget/%2e%2e/secret.txt')).status, 404);
    assert.equal((await app.request('/widget/..%2fsecret.js')).status, 404);
  });
});
