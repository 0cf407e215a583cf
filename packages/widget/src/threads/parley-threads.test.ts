import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { html } from 'lit';
import { pollSettings } from '../listing/live-poll.js';
import {
  callsTo,
  keysOf,
  manyThreads,
  nextDetail,
  serveThreads,
  shownText,
  useDarkCapablePage,
} from '../listing/test-support.js';
import { expectAccessible, inBothSchemes } from '../testing/axe.js';
import { apiError, deferred, json, route, SERVER, useFakeServer } from '../testing/fake-server.js';
import { makeThread } from '../thread/test-support.js';
import './define.js';
import type { ParleyThreads } from './parley-threads.js';

useFakeServer();
useDarkCapablePage();

const titles = (el: ParleyThreads) =>
  [...el.shadowRoot!.querySelectorAll('[part~=title]')].map((t) => t.textContent!.trim());
const $ = <E extends Element = HTMLElement>(el: ParleyThreads, s: string) =>
  el.shadowRoot!.querySelector<E>(s);

/** Mounts the index with `attrs` and waits for its first page (or failure). */
async function mount(attrs = '') {
  const el = await fixture<ParleyThreads>(
    `<parley-threads server="${SERVER}" ${attrs}></parley-threads>`,
  );
  await waitUntil(() => !$(el, '[aria-busy=true]'), 'the first page is in');
  return el;
}

describe('<parley-threads>', () => {
  it('lists the most active threads first as cards, each linking to its thread', async () => {
    serveThreads(manyThreads(3));
    const el = await mount();
    expect(titles(el)).to.deep.equal(['Thread 0', 'Thread 1', 'Thread 2']);
    expect($<HTMLAnchorElement>(el, '[part=link]')!.href).to.equal('https://blog.example/t0');
    expect($(el, 'ol')!.getAttribute('aria-label')).to.equal('Discussions');
    expect(new URL(callsTo('/api/threads')[0]!.url).searchParams.get('sort')).to.equal('active');
    await inBothSchemes(async (scheme) => expectAccessible(el, { label: `list, ${scheme}` }));
  });

  it('shows a closed thread’s card as closed', async () => {
    serveThreads([makeThread({ key: '/c', status: 'closed' })]);
    const el = await mount();
    expect($(el, '[part=status]')!.textContent).to.equal('Discussion closed');
    await inBothSchemes(async (scheme) => expectAccessible(el, { label: `closed, ${scheme}` }));
  });

  it('moves focus to the last card when the last "Load more" brings only threads already shown', async () => {
    const [t0, t1] = manyThreads(2);
    route('GET', '/api/threads', (req) =>
      json(
        new URL(req.url).searchParams.get('cursor')
          ? { threads: [t1], nextCursor: null }
          : { threads: [t0, t1], nextCursor: '2' },
      ),
    );
    const el = await mount();
    const more = $<HTMLButtonElement>(el, '[part~=load-more]')!;
    more.focus();
    more.click();
    await waitUntil(() => !$(el, '[part~=load-more]'), 'no more to load');
    await waitUntil(() => el.shadowRoot!.activeElement, 'the focus is in the index');
    expect(el.shadowRoot!.activeElement!.textContent).to.equal('Thread 1');
  });

  it('loads page after page with "Load more discussions", moving focus to each page\'s first new card', async () => {
    serveThreads(manyThreads(45));
    const el = await mount('page-size="20"');
    expect(titles(el)).to.have.length(20);
    const more = () => $<HTMLButtonElement>(el, '[part~=load-more]');
    expect(more()!.textContent!.trim()).to.equal('Load more discussions');
    let loaded = oneEvent(el, 'parley-threads-loaded');
    more()!.click();
    expect((await loaded).detail.threads).to.have.length(40);
    expect(titles(el)[39]).to.equal('Thread 39');
    expect(new URL(callsTo('/api/threads')[1]!.url).searchParams.get('cursor')).to.equal('20');
    // Not left on the button, a page of cards further down (keyboard trial).
    await waitUntil(() => el.shadowRoot!.activeElement, 'the focus is in the index');
    expect(el.shadowRoot!.activeElement!.textContent).to.equal('Thread 20');
    more()!.focus();
    loaded = oneEvent(el, 'parley-threads-loaded');
    more()!.click();
    const last = await loaded;
    expect(last.detail.hasMore).to.equal(false);
    await el.updateComplete;
    expect(more()).to.equal(null);
    expect(el.shadowRoot!.activeElement!.textContent).to.equal('Thread 40');
    await inBothSchemes(async (scheme) => expectAccessible(el, { label: `many, ${scheme}` }));
  });

  it('keeps the list and offers the button again when a next page fails', async () => {
    serveThreads(manyThreads(3));
    const el = await mount('page-size="2"');
    route('GET', '/api/threads', () => apiError(500, 'internal_error'));
    const failed = oneEvent(el, 'parley-error');
    $<HTMLButtonElement>(el, '[part~=load-more]')!.click();
    expect((await failed).detail.code).to.equal('internal_error');
    await el.updateComplete;
    expect(titles(el)).to.have.length(2);
    expect($(el, '[role=alert]')!.textContent).to.equal('More discussions could not be loaded.');
    expect($(el, '[part~=load-more]')).not.to.equal(null);
    await inBothSchemes(async (scheme) =>
      expectAccessible(el, { label: `more failed, ${scheme}` }),
    );
  });

  it('is sorted by the reader with the labelled control, from the sort attribute', async () => {
    serveThreads(manyThreads(3));
    const el = await mount('sort="recent"');
    expect(titles(el)).to.deep.equal(['Thread 2', 'Thread 1', 'Thread 0']);
    const select = $<HTMLSelectElement>(el, 'select')!;
    expect(select.value).to.equal('recent');
    expect(select.closest('label')!.textContent).to.contain('Sort by');
    const loaded = nextDetail(el, 'parley-threads-loaded');
    select.value = 'active';
    select.dispatchEvent(new Event('change'));
    expect((await loaded).sort).to.equal('active');
    await el.updateComplete;
    expect(titles(el)).to.deep.equal(['Thread 0', 'Thread 1', 'Thread 2']);
    expect(new URL(callsTo('/api/threads')[1]!.url).searchParams.get('sort')).to.equal('active');
  });

  it('falls back to the most active on a bad sort, with one warning', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      serveThreads(manyThreads(1));
      const el = await mount('sort="popular"');
      expect($<HTMLSelectElement>(el, 'select')!.value).to.equal('active');
      expect(warnings.filter((w) => w.includes('<parley-threads>: sort="popular"'))).to.have.length(
        1,
      );
    } finally {
      console.warn = warn;
    }
  });

  it('shows a loading state that holds its room, then the empty state', async () => {
    const answer = deferred();
    route('GET', '/api/threads', () => answer.promise);
    const el = await fixture<ParleyThreads>(
      html`<parley-threads server=${SERVER}></parley-threads>`,
    );
    await waitUntil(() => $(el, '.skeleton'));
    expect($(el, '.skeleton .vh')!.textContent).to.equal('Loading discussions…');
    expect(el.offsetHeight).to.be.greaterThan(200);
    await inBothSchemes(async (scheme) => expectAccessible(el, { label: `loading, ${scheme}` }));
    answer.resolve(new Response(JSON.stringify({ threads: [], nextCursor: null })));
    await waitUntil(() => $(el, '[part=empty]'));
    expect($(el, '[part=empty]')!.textContent).to.equal('No discussions yet.');
    await inBothSchemes(async (scheme) => expectAccessible(el, { label: `empty, ${scheme}` }));
  });

  it('shows a quiet error with a retry that loads again', async () => {
    route('GET', '/api/threads', () => apiError(500, 'internal_error'));
    const el = await mount();
    expect(shownText($(el, '[part=error]')!)).to.equal(
      'Discussions are unavailable right now. Retry',
    );
    await inBothSchemes(async (scheme) => expectAccessible(el, { label: `error, ${scheme}` }));
    serveThreads(manyThreads(2));
    const loaded = oneEvent(el, 'parley-threads-loaded');
    $<HTMLButtonElement>(el, '[part=error] button')!.click();
    await loaded;
    await el.updateComplete;
    expect(titles(el)).to.deep.equal(['Thread 0', 'Thread 1']);
  });

  it('with live="on", re-reads the threads shown in one batch request', async () => {
    pollSettings.ms = 50;
    try {
      const threads = manyThreads(3);
      serveThreads(threads);
      const el = await mount('live="on"');
      threads[1] = { ...threads[1]!, messageCount: 42 };
      await waitUntil(() => shownText(el).includes('42 msgs'), 'the new count shows');
      const batch = callsTo('/api/threads').find((c) => keysOf(c).length)!;
      expect(keysOf(batch)).to.deep.equal(['/t0', '/t1', '/t2']);
    } finally {
      pollSettings.ms = 60_000;
    }
  });

  it('speaks German and Arabic (right to left, mirrored)', async () => {
    serveThreads(manyThreads(3));
    const de = await mount('locale="de" page-size="2"');
    await waitUntil(() => shownText(de).includes('Sortieren nach'), 'German');
    expect($(de, '[part~=load-more]')!.textContent!.trim()).to.equal('Weitere Diskussionen laden');
    expect(
      [...$(de, 'select')!.querySelectorAll('option')].map((o) => o.textContent),
    ).to.deep.equal(['Aktivste', 'Neueste']);
    const ar = await mount('locale="ar"');
    await waitUntil(() => $(ar, '[dir=rtl]'), 'right to left');
    expect($(ar, 'label')!.textContent).to.contain('الترتيب حسب');
    // Mirrored: the sort control sits at the inline end, the left in Arabic.
    const box = ar.getBoundingClientRect();
    const sort = $(ar, '[part=sort]')!.getBoundingClientRect();
    expect(sort.left - box.left).to.be.lessThan(box.right - sort.right);
    await inBothSchemes(async (scheme) => expectAccessible(ar, { label: `ar, ${scheme}` }));
  });
});
