import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { type AppFixture, appFixture } from '../testing/app-fixture.ts';
import { dialects } from '../testing/dialects.ts';
import { pickLocale } from './admin-page.ts';

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
    // No Accept-Language: English, left to right.
    assert.match(html, /<html lang="en" dir="ltr">/);
    assert.match(html, /<title>Parley moderation<\/title>/);
    assert.equal(res.headers.get('Vary'), 'Accept-Language');
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

describe('GET /admin: its language, from Accept-Language', () => {
  let f: AppFixture;
  afterEach(() => f.close());

  async function pageFor(acceptLanguage: string) {
    const res = await f.get('/admin', { 'Accept-Language': acceptLanguage });
    assert.equal(res.status, 200);
    return res.text();
  }

  it('sets <html lang dir>, the title and the fallback in the preferred shipped language', async () => {
    if (!dialect) throw new Error('no dialect');
    f = await appFixture(dialect);
    const cases: [string, string, string, string][] = [
      ['de-DE,de;q=0.9,en;q=0.8', 'de', 'ltr', 'Parley-Moderation'],
      ['ar-EG,ar;q=0.9', 'ar', 'rtl', 'إشراف Parley'],
      ['he', 'he', 'rtl', 'ניהול התגובות ב־Parley'],
      ['zh-CN,zh;q=0.9', 'zh-Hans', 'ltr', 'Parley 审核'],
      ['pt-PT', 'pt-BR', 'ltr', 'Moderação do Parley'],
      ['ko-KR,ko;q=0.9', 'en', 'ltr', 'Parley moderation'],
    ];
    for (const [header, lang, dir, title] of cases) {
      const html = await pageFor(header);
      assert.match(html, new RegExp(`<html lang="${lang}" dir="${dir}">`), header);
      assert.ok(html.includes(`<title>${title}</title>`), header);
    }
  });
});

describe('pickLocale', () => {
  it('takes the highest weight first, ties in the header order', () => {
    assert.equal(pickLocale('fr;q=0.5, ja;q=0.8, de;q=0.7'), 'ja');
    assert.equal(pickLocale('es, fr'), 'es');
    assert.equal(pickLocale('fr;q=0.9, es;q=0.9'), 'fr');
    // No weight means 1.
    assert.equal(pickLocale('de;q=0.999, he'), 'he');
    assert.equal(pickLocale('fr ; q=0.2,  es ;q=0.3'), 'es');
  });

  it('skips languages it does not ship for the next one it does', () => {
    assert.equal(pickLocale('ko, nl;q=0.9, fr;q=0.1'), 'fr');
    assert.equal(pickLocale('en-GB, de;q=0.9'), 'en');
  });

  it('matches by language: a region or script of a shipped language reads it', () => {
    assert.equal(pickLocale('de-AT'), 'de');
    assert.equal(pickLocale('PT-br'), 'pt-BR');
    assert.equal(pickLocale('zh-Hant-TW'), 'zh-Hans');
    assert.equal(pickLocale('es-419'), 'es');
  });

  it('never picks a language refused with q=0, nor a malformed range', () => {
    assert.equal(pickLocale('de;q=0, fr;q=0.1'), 'fr');
    assert.equal(pickLocale('de;q=0.000'), 'en');
    assert.equal(pickLocale('de;q=2, ja;q=abc, he;q=0.5'), 'he');
    assert.equal(pickLocale('<script>, ar'), 'ar');
    assert.equal(pickLocale('d e, "fr"'), 'en');
  });

  it("reads English with no header, an empty one, only *, or one too long to be a browser's", () => {
    assert.equal(pickLocale(undefined), 'en');
    assert.equal(pickLocale(''), 'en');
    assert.equal(pickLocale('*'), 'en');
    assert.equal(pickLocale(' , ;q=1'), 'en');
    assert.equal(pickLocale(`${'x-'.repeat(3000)}a, de`), 'en');
  });

  it('ships the locales the widget ships', () => {
    const widget = readFileSync(
      new URL('../../../widget/src/i18n/locales.ts', import.meta.url),
      'utf8',
    );
    const listed = /LOCALES = \[([^\]]*)\]/
      .exec(widget)![1]!
      .match(/'[^']+'/g)!
      .map((l) => l.slice(1, -1));
    for (const l of [...listed, 'en']) assert.equal(pickLocale(l), l, l);
  });
});
