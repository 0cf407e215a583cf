import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import {
  apiError,
  calls,
  deferred,
  hang,
  lastCall as last,
  route,
  useFakeServer,
} from '../testing/fake-server.js';
import { $, announced, button, openTab, serve, signedIn, TOKEN, text } from './admin-fixtures.js';
import type { ParleyAdmin } from './parley-admin.js';

useFakeServer();

const DOCUMENT = '{"format":"parley-export","version":1,"threads":[]}';

/** The export as the server answers it: a streamed JSON file. */
const exportFile = (name = 'parley-export-2025-06-01.json') =>
  new Response(DOCUMENT, {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    },
  });

/**
 * The next file the page hands to the browser: the `<a download>` it clicks,
 * caught as its click passes the page (and stopped, so no real download).
 */
function nextDownload(el: ParleyAdmin) {
  return new Promise<{ name: string; href: string }>((resolve) => {
    el.addEventListener(
      'click',
      (e) => {
        const link = e.composedPath()[0];
        if (!(link instanceof HTMLAnchorElement) || !link.download) return;
        e.preventDefault();
        resolve({ name: link.download, href: link.href });
      },
      { capture: true },
    );
  });
}

/** The text at `url` (a blob URL), read past the fake server, which owns `fetch`. */
function readUrl(url: string) {
  return new Promise<string>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', url);
    xhr.onload = () => resolve(xhr.responseText);
    xhr.onerror = reject;
    xhr.send();
  });
}

describe('<parley-admin> export', () => {
  it('downloads everything with the token in the header only, saved under the server’s file name', async () => {
    serve();
    route('GET', '/api/admin/export', () => exportFile());
    const el = await signedIn();
    await openTab(el, 'Threads');
    const download = nextDownload(el);
    button(el, 'Export all threads').click();
    const file = await download;

    const req = last('GET');
    expect(new URL(req.url).pathname).to.equal('/api/admin/export');
    expect(new URL(req.url).search).to.equal('');
    expect(req.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
    for (const call of calls) expect(call.url).not.to.contain(TOKEN);
    expect(file.name).to.equal('parley-export-2025-06-01.json');
    expect(file.href).to.match(/^blob:/);
    expect(await readUrl(file.href)).to.equal(DOCUMENT);
    await waitUntil(() => announced(el) === 'Export saved as parley-export-2025-06-01.json');
    // The link was only there for its click.
    expect(el.shadowRoot!.querySelector('a[download]')).to.equal(null);
  });

  it('exports one thread from its card, saying so while it downloads', async () => {
    serve();
    const answer = deferred();
    route('GET', '/api/admin/export', () => answer.promise);
    const el = await signedIn();
    await openTab(el, 'Threads');
    const download = nextDownload(el);
    const start = button(el, 'Export, thread Thread /blog/post-1');
    start.click();
    await el.updateComplete;
    expect(new URL(last('GET').url).searchParams.get('thread')).to.equal('/blog/post-1');
    await waitUntil(() => text(start) === 'Exporting…');
    expect(start.getAttribute('aria-busy')).to.equal('true');
    expect(announced(el)).to.equal('Export started');
    await expect(el).to.be.accessible();
    // One export at a time.
    button(el, 'Export all threads').click();
    expect(calls.filter((c) => c.url.includes('/export'))).to.have.length(1);

    answer.resolve(exportFile('parley-export-2025-06-01.json'));
    expect((await download).name).to.equal('parley-export-2025-06-01.json');
    await waitUntil(() => text(start) === 'Export');
  });

  it('says why an export failed', async () => {
    serve();
    route('GET', '/api/admin/export', () =>
      apiError(404, 'thread_not_found', { message: 'No thread /blog/post-2.' }),
    );
    const el = await signedIn();
    await openTab(el, 'Threads');
    button(el, 'Export, thread /blog/post-2').click();
    await waitUntil(() => $(el, '.export [role=alert]'));
    expect(text($(el, '.export [role=alert]'))).to.equal(
      'The export failed: No thread /blog/post-2.',
    );
    await expect(el).to.be.accessible();
  });

  it('is stopped by signing out, and says nothing about it', async () => {
    serve();
    let aborted = false;
    route('GET', '/api/admin/export', (req) =>
      Promise.resolve(hang(req)).catch((e) => {
        aborted = true;
        throw e;
      }),
    );
    const el = await signedIn();
    await openTab(el, 'Threads');
    const errors: string[] = [];
    el.addEventListener('parley-admin-error', (e) => errors.push(e.detail.code));
    button(el, 'Export all threads').click();
    await waitUntil(() => calls.some((c) => c.url.includes('/export')));
    const out = oneEvent(el, 'parley-session-changed');
    button(el, 'Sign out').click();
    await out;
    await waitUntil(() => aborted, 'the export was not aborted');
    await el.updateComplete;
    expect(errors).to.deep.equal([]);
    expect($(el, '[role=alert]')).to.equal(null);
  });
});
