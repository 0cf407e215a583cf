import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { type AppFixture, appFixture } from '../testing/app-fixture.ts';
import { dialects } from '../testing/dialects.ts';

const dialect = dialects[0];

describe('GET /admin and /admin.js', () => {
  let f: AppFixture;
  let dir: string;
  afterEach(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function setup(files: Record<string, string>) {
    dir = mkdtempSync(join(tmpdir(), 'parley-admin-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    if (!dialect) throw new Error('no dialect');
    f = await appFixture(dialect, { widgetDir: dir });
  }

  it('serves the moderation page without a token, with a strict CSP and no framing, caching or referrer', async () => {
    await setup({});
    const res = await f.get('/admin');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('Content-Type') ?? '', /^text\/html; charset=utf-8/);
    assert.equal(
      res.headers.get('Content-Security-Policy'),
      "default-src 'self'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    assert.equal(res.headers.get('X-Frame-Options'), 'DENY');
    assert.equal(res.headers.get('Referrer-Policy'), 'no-referrer');
    assert.equal(res.headers.get('Cache-Control'), 'no-store');
    assert.equal(res.headers.get('Access-Control-Allow-Origin'), null);
    const html = await res.text();
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<parley-admin><\/parley-admin>/);
    // Without it a phone lays the page out 980 px wide and shrinks it to fit.
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
    assert.match(html, /<script type="module" src="\/admin\.js"><\/script>/);
    // An empty icon of its own (img-src allows data:), so the browser asks for no
    // /favicon.ico, which would be a 404 in the moderator's console.
    assert.match(html, /<link rel="icon" href="data:,">/);
    // Nothing inline that the CSP would block.
    assert.doesNotMatch(html, /<script(?![^>]*src=)/);
    assert.doesNotMatch(html, /<style|style=/);
  });

  it('serves /admin.js from the widget folder without CORS, and /widget.js with it', async () => {
    await setup({ 'admin.js': 'export const admin = 1;\n', 'widget.js': 'export const w = 1;\n' });
    const admin = await f.get('/admin.js');
    assert.equal(admin.status, 200);
    assert.match(admin.headers.get('Content-Type') ?? '', /^text\/javascript/);
    assert.equal(admin.headers.get('Access-Control-Allow-Origin'), null);
    assert.equal(await admin.text(), 'export const admin = 1;\n');
    const widget = await f.get('/widget.js');
    assert.equal(widget.headers.get('Access-Control-Allow-Origin'), '*');
  });

  it('answers /admin.js 404 while it is not built, and still serves the page', async () => {
    await setup({ 'widget.js': 'export const w = 1;\n' });
    assert.equal((await f.get('/admin.js')).status, 404);
    assert.equal((await f.get('/admin')).status, 200);
  });
});
