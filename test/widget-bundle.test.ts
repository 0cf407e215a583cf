/**
 * The built `/widget.js` as a reader's browser gets it: within its size
 * budget, free of server code, and working in Chromium on a hostile page (the
 * script loaded twice, aggressive host CSS, a strict CSP without
 * 'unsafe-inline'). Run after `pnpm -r build`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import budget from '../packages/widget/bundle-budget.json' with { type: 'json' };
import { launchChromium } from './support/example.ts';

const DIST = fileURLToPath(new URL('../packages/widget/dist/', import.meta.url));
const ENTRY = join(DIST, 'widget.js');
/** Brotli budget of everything a page downloads before the thread renders, Lit included. */
const BUDGET = budget.eagerBrotliBytes;

function readBuilt(path: string): string {
  if (!existsSync(path)) {
    assert.fail(
      `${path} is missing: run pnpm -r build first (or pnpm --filter @parley/widget build).`,
    );
  }
  return readFileSync(path, 'utf8');
}

/** The entry and every chunk it imports statically (dynamic `import()`s load lazily, later). */
function eagerFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (path: string) => {
    if (files.has(path)) return;
    const code = readBuilt(path);
    files.set(path, code);
    for (const [, spec] of code.matchAll(
      // `import … from`, `import "…"` and `export … from`, as bench/bundle.ts follows them.
      /\b(?:import|export)\s*(?:[^'"()]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g,
    )) {
      visit(normalize(join(dirname(path), spec!)));
    }
  };
  visit(ENTRY);
  return files;
}

const brotli = (code: string) =>
  brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

describe('/widget.js bundle', () => {
  it(`stays within ${BUDGET} bytes brotli, eager chunks included`, () => {
    const files = eagerFiles();
    const code = [...files.values()].join('\n');
    const size = [...files.values()].reduce((sum, c) => sum + brotli(c), 0);
    const report = `${files.size} file(s), ${Buffer.byteLength(code)} B raw, ${gzipSync(code, { level: 9 }).length} B gzip, ${size} B brotli`;
    console.log(`widget.js: ${report}`);
    assert.ok(
      size <= BUDGET,
      `/widget.js is ${size} B brotli, over its ${BUDGET} B budget (${report}).`,
    );
  });

  it('contains no server or validation code', () => {
    const code = [...eagerFiles().values()].join('\n');
    for (const marker of [/@parley\/server/, /\bzod\b/i, /ZodError/, /\bhono\b/i, /\bkysely\b/i]) {
      assert.doesNotMatch(
        code,
        marker,
        `the bundle contains ${marker}: import server types with "import type" only`,
      );
    }
  });

  it('is a self-contained ES module: no bare imports, no CSS file', () => {
    for (const code of eagerFiles().values()) {
      assert.doesNotMatch(
        code,
        /\b(from|import)\s*["'][^./]/,
        'a bare import would not resolve in a browser',
      );
    }
    assert.ok(!existsSync(join(DIST, 'style.css')) && !existsSync(join(DIST, 'widget.css')));
  });
});

describe('/widget.js in Chromium', () => {
  const thread = {
    key: '/smoke',
    title: 'Smoke <b>test</b>',
    summary: 'Does the built bundle render?',
    summarySource: 'manual',
    url: null,
    status: 'open',
    messageCount: 2,
    highlightCount: 1,
    lastActivityAt: new Date(Date.now() - 3_600_000).toISOString(),
    createdAt: new Date(Date.now() - 7_200_000).toISOString(),
  };
  const message = (id: number, kind: string) => ({
    id,
    parentId: null,
    kind,
    author: { name: `Author ${id}` },
    html: `<p>Body <em>${id}</em></p>`,
    createdAt: thread.createdAt,
    editedAt: null,
    highlighted: id === 2,
  });
  const CSP =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'";
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Smoke</title>
<link rel="stylesheet" href="/hostile.css">
<script type="module" src="/widget.js"></script>
<script type="module" src="/widget.js?again"></script>
</head><body><main><parley-thread thread="/smoke"></parley-thread></main></body></html>`;
  // Page rules never reach inside a shadow root; only inherited properties (font, colour) do, by design.
  const hostileCss =
    'article, form, h2, p, ol, li, button, div { display: none !important; color: red !important; }';

  let server: ReturnType<typeof createServer>;
  let origin: string;

  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, type: string, body: string) => {
        res.writeHead(status, { 'Content-Type': type, 'Content-Security-Policy': CSP });
        res.end(body);
      };
      if (url.pathname === '/') return send(200, 'text/html', page);
      if (url.pathname === '/hostile.css') return send(200, 'text/css', hostileCss);
      if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
      if (url.pathname === '/widget.js' || url.pathname.startsWith('/widget/')) {
        const file = normalize(join(DIST, url.pathname));
        if (!file.startsWith(DIST) || !existsSync(file)) return send(404, 'text/plain', 'no');
        return send(200, 'text/javascript', readFileSync(file, 'utf8'));
      }
      if (url.pathname === '/api/threads/%2Fsmoke') {
        return send(
          200,
          'application/json',
          JSON.stringify({
            thread,
            messages: [message(1, 'opening'), message(2, 'reply')],
            nextCursor: null,
          }),
        );
      }
      send(
        404,
        'application/json',
        JSON.stringify({ error: { code: 'not_found', message: 'no' } }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('renders the thread on a hostile page with a strict CSP, loaded twice, without errors', async () => {
    readBuilt(ENTRY);
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage();
      const problems: string[] = [];
      tab.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      tab.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning')
          problems.push(`console ${m.type()}: ${m.text()}`);
      });
      // Browser code goes as strings: tsx compiles functions with a `__name` helper the page lacks.
      await tab.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
        console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI))`);
      await tab.goto(`${origin}/`);
      // The messages, not the stats line: while the thread loads, the font
      // probe (src/i18n/warm-up.ts) lays out a hidden stats line of its own.
      // A locator, not waitForFunction: the page's CSP forbids the eval that
      // polling a string predicate needs.
      await tab
        .locator('parley-thread article[part~=message]')
        .first()
        .waitFor({ timeout: 10_000 });
      const seen = (await tab.evaluate(`(() => {
        const root = document.querySelector('parley-thread').shadowRoot;
        const text = (s) => root.querySelector(s)?.textContent?.replace(/\\s+/g, ' ').trim();
        const article = root.querySelector('article');
        return {
          count: document.querySelectorAll('parley-thread').length,
          defined: customElements.get('parley-thread') !== undefined,
          title: text('[part~=title]'),
          stats: text('[part~=stats]'),
          status: text('[part~=status]'),
          body: root.querySelector('#parley-2 [part~=body] em')?.textContent,
          bold: root.querySelector('[part~=title] b'),
          articleHeight: article.getBoundingClientRect().height,
          articleColor: getComputedStyle(article).color,
          formShown: getComputedStyle(root.querySelector('form')).display,
          sheets: root.adoptedStyleSheets.length,
          styleElements: root.querySelectorAll('style').length,
        };
      })()`)) as Record<string, unknown>;
      assert.equal(seen.defined, true);
      assert.equal(seen.count, 1);
      assert.equal(seen.title, 'Smoke <b>test</b>');
      assert.equal(seen.bold, null);
      assert.equal(seen.stats, '2 msgs · 1 highlight · 1h ago');
      assert.equal(seen.status, 'Discussion in progress');
      assert.equal(seen.body, '2');
      assert.ok(
        (seen.articleHeight as number) > 20,
        'host CSS must not hide or squash the messages',
      );
      assert.notEqual(seen.articleColor, 'rgb(255, 0, 0)');
      assert.equal(seen.formShown, 'grid');
      assert.ok((seen.sheets as number) > 0);
      assert.equal(seen.styleElements, 0);
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });
});
