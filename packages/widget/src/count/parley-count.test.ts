import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { html } from 'lit';
import { following, pollSettings } from '../listing/live-poll.js';
import {
  callsTo,
  keysOf,
  nextDetail,
  serveCounts,
  shownText,
  useDarkCapablePage,
} from '../listing/test-support.js';
import { expectAccessible, inBothSchemes } from '../testing/axe.js';
import { apiError, deferred, route, SERVER, useFakeServer } from '../testing/fake-server.js';
import './define.js';
import type { ParleyCount } from './parley-count.js';

useFakeServer();
useDarkCapablePage();

/** `n` badges for `/p0`, `/p1`, ..., in one list, connected in one task. */
async function badges(n: number, attrs = '') {
  const list = await fixture<HTMLElement>(
    `<ul>${Array.from({ length: n }, (_, i) => `<li><parley-count server="${SERVER}" thread="/p${i}" ${attrs}></parley-count></li>`).join('')}</ul>`,
  );
  return [...list.querySelectorAll('parley-count')];
}

const settled = (els: ParleyCount[]) =>
  waitUntil(
    () => els.every((el) => !el.shadowRoot?.querySelector('.busy')),
    'the badges show counts',
  );

describe('<parley-count>', () => {
  it('shows the count in words, with the plural the number takes', async () => {
    serveCounts({ '/p0': 0, '/p1': 1, '/p2': 21 });
    const els = await badges(3);
    await settled(els);
    expect(els.map(shownText)).to.deep.equal(['0 comments', '1 comment', '21 comments']);
  });

  it('reads every badge of a page in one request', async () => {
    serveCounts({ '/p7': 7 });
    const els = await badges(30);
    await settled(els);
    const reads = callsTo('/api/counts');
    expect(reads).to.have.length(1);
    expect(keysOf(reads[0]!)).to.have.length(30);
    expect(shownText(els[7]!)).to.equal('7 comments');
  });

  it('reads more than 100 badges in requests of at most 100 keys, each key once', async () => {
    serveCounts({ '/p0': 3, '/p249': 249 });
    // The same thread twice on a page (a list and a sidebar) is asked for once.
    const page = await fixture<HTMLElement>(
      `<div><ul>${Array.from({ length: 250 }, (_, i) => `<li><parley-count server="${SERVER}" thread="/p${i}"></parley-count></li>`).join('')}</ul>` +
        `<aside><parley-count server="${SERVER}" thread="/p249"></parley-count></aside></div>`,
    );
    const els = [...page.querySelectorAll<ParleyCount>('ul parley-count')];
    const twin = page.querySelector<ParleyCount>('aside parley-count')!;
    await settled([...els, twin]);
    expect(callsTo('/api/counts').map((c) => keysOf(c).length)).to.deep.equal([100, 100, 50]);
    expect(shownText(els[249]!)).to.equal('249 comments');
    expect(shownText(els[0]!)).to.equal('3 comments');
    expect(shownText(twin)).to.equal('249 comments');
  });

  it('is text to put in the page’s own link, or a link itself with href', async () => {
    serveCounts({ '/p0': 2 });
    const [text] = await badges(1);
    await settled([text!]);
    expect(text!.shadowRoot!.querySelector('a')).to.equal(null);
    const link = await fixture<ParleyCount>(
      html`<parley-count server=${SERVER} thread="/p0" href="/p0#comments"></parley-count>`,
    );
    await settled([link]);
    const a = link.shadowRoot!.querySelector('a')!;
    expect(a.getAttribute('href')).to.equal('/p0#comments');
    expect(a.textContent).to.equal('2 comments');
  });

  it('fires parley-count-loaded with the key and count', async () => {
    serveCounts({ '/x': 4 });
    const el = document.createElement('parley-count');
    el.setAttribute('server', SERVER);
    el.setAttribute('thread', '/x');
    const loaded = nextDetail(el, 'parley-count-loaded');
    document.body.append(el);
    const detail = await loaded;
    expect(detail.count + 1).to.equal(5);
    expect(detail).to.deep.equal({ key: '/x', count: 4 });
    el.remove();
  });

  it('says it is loading to screen readers only, keeping its room, and is accessible in every state', async () => {
    const answer = deferred();
    route('GET', '/api/counts', () => answer.promise);
    const [el] = await badges(1, 'href="/p0"');
    await waitUntil(() => el!.shadowRoot!.querySelector('.busy'));
    expect(el!.shadowRoot!.querySelector('.vh')!.textContent).to.equal('Loading comment count…');
    expect(el!.shadowRoot!.querySelector<HTMLElement>('.busy')!.offsetWidth).to.be.greaterThan(20);
    await inBothSchemes(async (scheme) => expectAccessible(el!, { label: `loading, ${scheme}` }));
    answer.resolve(new Response(JSON.stringify({ counts: { '/p0': 5 } })));
    await settled([el!]);
    await inBothSchemes(async (scheme) => expectAccessible(el!, { label: `ready, ${scheme}` }));
  });

  it('reads "Comments" and fires parley-error when the count cannot be read', async () => {
    route('GET', '/api/counts', () => apiError(500, 'internal_error'));
    const el = document.createElement('parley-count');
    el.setAttribute('server', SERVER);
    el.setAttribute('thread', '/x');
    el.setAttribute('href', '/x');
    const failed = oneEvent(el, 'parley-error');
    document.body.append(el);
    expect((await failed).detail.code).to.equal('internal_error');
    await settled([el]);
    expect(shownText(el)).to.equal('Comments');
    await inBothSchemes(async (scheme) => expectAccessible(el, { label: `error, ${scheme}` }));
    el.remove();
  });

  it('with live="on", follows the count with one request for every live badge', async () => {
    pollSettings.ms = 50;
    try {
      const counts = { '/p0': 1, '/p1': 1 };
      serveCounts(counts);
      const els = await badges(2, 'live="on"');
      await settled(els);
      counts['/p0'] = 2;
      await waitUntil(() => shownText(els[0]!) === '2 comments', 'the new count shows');
      // Each poll is one request for both badges.
      for (const c of callsTo('/api/counts')) expect(keysOf(c)).to.deep.equal(['/p0', '/p1']);
    } finally {
      pollSettings.ms = 60_000;
    }
  });

  it('follows live="on" set as a property right after connecting, before its first update', async () => {
    pollSettings.ms = 50;
    try {
      const counts = { '/p0': 1 };
      serveCounts(counts);
      const el = document.createElement('parley-count');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', '/p0');
      document.body.append(el);
      el.live = 'on';
      await waitUntil(() => shownText(el) === '1 comment', 'the first count shows');
      counts['/p0'] = 2;
      await waitUntil(() => shownText(el) === '2 comments', 'the new count shows');
      el.remove();
    } finally {
      pollSettings.ms = 60_000;
    }
  });

  it('reads once without live: it does not follow the polls', async () => {
    serveCounts({ '/p0': 1 });
    const els = await badges(1);
    await waitUntil(() => shownText(els[0]!) === '1 comment', 'the count shows');
    expect(following()).to.equal(0);
    expect(callsTo('/api/counts')).to.have.length(1);
    // The same badge, live, follows them (so the count above can fail).
    els[0]!.live = 'on';
    await els[0]!.updateComplete;
    expect(following()).to.equal(1);
  });

  it('speaks German and Arabic (right to left), with their plural forms', async () => {
    serveCounts({ '/p0': 1, '/p1': 5, '/p2': 2 });
    const de = await badges(2, 'locale="de"');
    await waitUntil(() => shownText(de[1]!) === '5 Kommentare', 'German text');
    expect(shownText(de[0]!)).to.equal('1 Kommentar');
    const list = await fixture<HTMLElement>(
      html`<div lang="ar"><parley-count server=${SERVER} thread="/p1"></parley-count><parley-count server=${SERVER} thread="/p2"></parley-count></div>`,
    );
    const [five, two] = list.querySelectorAll('parley-count');
    const n5 = new Intl.NumberFormat('ar').format(5);
    await waitUntil(() => shownText(five!) === `${n5} تعليقات`, 'Arabic text, few form');
    expect(shownText(two!)).to.equal('تعليقان');
    expect(five!.shadowRoot!.querySelector('[part=count]')!.getAttribute('dir')).to.equal('rtl');
    await inBothSchemes(async (scheme) => expectAccessible(five!, { label: `ar, ${scheme}` }));
  });

  it('reads a language it does not ship in English throughout, and finds lang across shadow roots', async () => {
    serveCounts({ '/p0': 1, '/p1': 5 });
    // Korean has no "one" plural: formatted in Korean, an English badge read "1 comments".
    const ko = await fixture<HTMLElement>(
      html`<div lang="ko"><parley-count server=${SERVER} thread="/p0"></parley-count></div>`,
    );
    const one = ko.querySelector('parley-count')!;
    await settled([one]);
    expect(shownText(one)).to.equal('1 comment');
    // A badge inside another component's shadow root takes that component's language.
    const host = await fixture<HTMLElement>(html`<div lang="de"></div>`);
    const inner = host.attachShadow({ mode: 'open' });
    inner.innerHTML = `<parley-count server="${SERVER}" thread="/p1"></parley-count>`;
    const five = inner.querySelector('parley-count')!;
    await waitUntil(() => shownText(five) === '5 Kommentare', 'German, from the host’s lang');
  });

  it('falls back to live="off" on a bad value, with one warning', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      serveCounts({});
      const els = await badges(2, 'live="sometimes"');
      await settled(els);
      expect(els[0]!.live).to.equal('off');
      expect(warnings.filter((w) => w.includes('<parley-count>: live="sometimes"'))).to.have.length(
        1,
      );
    } finally {
      console.warn = warn;
    }
  });
});
