import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
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
import { tickSettings } from '../listing/ticker.js';
import { expectAccessible, inBothSchemes } from '../testing/axe.js';
import {
  apiError,
  deferred,
  HOUR,
  MIN,
  NOW,
  route,
  SERVER,
  useFakeServer,
} from '../testing/fake-server.js';
import { makeThread } from '../thread/test-support.js';
import './define.js';
import type { ParleyCard } from './parley-card.js';

useFakeServer();
useDarkCapablePage();

const ready = (els: ParleyCard[]) =>
  waitUntil(
    () =>
      els.every((el) =>
        el.shadowRoot?.querySelector('article, .placeholder:not([aria-busy=true])'),
      ),
    'the cards are read',
  );

async function cards(keys: string[], attrs = '') {
  const list = await fixture<HTMLElement>(
    `<div>${keys.map((k) => `<parley-card server="${SERVER}" thread="${k}" ${attrs}></parley-card>`).join('')}</div>`,
  );
  const els = [...list.querySelectorAll('parley-card')];
  await ready(els);
  return els;
}

describe('<parley-card>', () => {
  it('rings the focused link 2 px solid in the accent (a ring still where the accent cannot be read), and in Highlight with the dot in CanvasText in forced colours', async () => {
    serveThreads([makeThread({ key: '/ring' })]);
    const [el] = await cards(['/ring']);
    const link = el!.shadowRoot!.querySelector<HTMLAnchorElement>('[part=link]')!;
    const before = document.createElement('button');
    el!.before(before);
    /** The ring :focus-visible draws on the card's link, reached from the keyboard. */
    const ring = async () => {
      before.focus();
      await sendKeys({ press: 'Tab' });
      await waitUntil(() => el!.shadowRoot!.activeElement === link, 'the link has the focus');
      const s = getComputedStyle(link);
      return [s.outlineStyle, s.outlineWidth, s.outlineColor];
    };
    /** What the system colour `c` computes to on this page. */
    const system = (c: string) => {
      before.style.color = c;
      const value = getComputedStyle(before).color;
      before.style.color = '';
      return value;
    };
    try {
      const probe = document.createElement('i');
      probe.style.color = 'var(--parley-accent)';
      el!.shadowRoot!.append(probe);
      const accent = getComputedStyle(probe).color;
      probe.remove();
      expect(await ring()).to.deep.equal(['solid', '2px', accent]);
      // A colour the browser cannot read (light-dark() where it is unknown) loses only the colour, not the ring.
      el!.style.setProperty('--parley-accent', 'unknown-function(#fff, #000)');
      const [style, width] = await ring();
      expect([style, width]).to.deep.equal(['solid', '2px']);
      el!.style.removeProperty('--parley-accent');
      await emulateMedia({ forcedColors: 'active' });
      expect(await ring()).to.deep.equal(['solid', '2px', system('Highlight')]);
      const dot = el!.shadowRoot!.querySelector('.dot')!;
      expect(getComputedStyle(dot).backgroundColor).to.equal(system('CanvasText'));
    } finally {
      await emulateMedia({ forcedColors: 'none' });
      before.remove();
    }
  });

  it('shows title (a link to the thread’s page), summary, counts, last activity and status', async () => {
    serveThreads([
      makeThread({
        key: '/post',
        highlightCount: 2,
        lastActivityAt: new Date(NOW - 3 * HOUR).toISOString(),
      }),
    ]);
    const [el] = await cards(['/post']);
    const root = el!.shadowRoot!;
    const link = root.querySelector<HTMLAnchorElement>('[part=link]')!;
    expect(link.textContent).to.equal('The Efficiency Wars');
    expect(link.href).to.equal('https://blog.example/blog/post');
    expect(root.querySelector('[part=summary]')!.textContent).to.equal(
      'How DeepSeek R1 challenges Western AI dominance.',
    );
    expect(shownText(root.querySelector('[part=stats]')!)).to.equal(
      '5 msgs · 2 highlights · 3 hours ago',
    );
    expect(root.querySelector('[part=status]')!.textContent).to.equal('Discussion in progress');
    expect(
      [...root.querySelectorAll('svg')].map((s) => s.getAttribute('aria-label')),
    ).to.deep.equal(['Messages:', 'Highlights:', 'Last activity:']);
    await inBothSchemes(async (scheme) => expectAccessible(el!, { label: `open, ${scheme}` }));
  });

  it('opens the thread from anywhere on the card: a tap on its summary or stats lands on the title’s link', async () => {
    serveThreads([makeThread({ key: '/tap' })]);
    const [el] = await cards(['/tap']);
    const root = el!.shadowRoot!;
    const link = root.querySelector('[part~=link]')!;
    for (const part of ['summary', 'stats']) {
      const box = root.querySelector(`[part~=${part}]`)!.getBoundingClientRect();
      const hit = root.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      expect(hit === link, `a tap on the ${part} opens the thread`).to.equal(true);
    }
    // Only the card: beside it, the page is the page's.
    const card = root.querySelector('[part~=card]')!.getBoundingClientRect();
    expect(root.elementFromPoint(card.x + card.width / 2, card.bottom + 4) === link).to.equal(
      false,
    );
  });

  it('shows a closed thread as closed', async () => {
    serveThreads([makeThread({ key: '/closed', status: 'closed' })]);
    const [el] = await cards(['/closed']);
    const status = el!.shadowRoot!.querySelector('[part=status]')!;
    expect(status.textContent).to.equal('Discussion closed');
    expect(status.classList.contains('closed')).to.equal(true);
    await inBothSchemes(async (scheme) => expectAccessible(el!, { label: `closed, ${scheme}` }));
  });

  it('reads every card of a page in one request, more than 100 in requests of 100', async () => {
    const threads = manyThreads(150);
    serveThreads(threads);
    const few = await cards(['/t0', '/t1', '/t2']);
    expect(callsTo('/api/threads').map((c) => keysOf(c))).to.deep.equal([['/t0', '/t1', '/t2']]);
    expect(shownText(few[2]!.shadowRoot!.querySelector('[part=title]')!)).to.equal('Thread 2');
    const many = await cards(threads.map((t) => t.key));
    expect(
      callsTo('/api/threads')
        .slice(1)
        .map((c) => keysOf(c).length),
    ).to.deep.equal([100, 50]);
    expect(shownText(many[149]!.shadowRoot!.querySelector('[part=title]')!)).to.equal('Thread 149');
  });

  it('keeps the last activity current', async () => {
    serveThreads([
      makeThread({ key: '/p', lastActivityAt: new Date(NOW - 2 * MIN).toISOString() }),
    ]);
    tickSettings.ms = 20;
    const now = Date.now;
    try {
      const [el] = await cards(['/p']);
      const time = () => el!.shadowRoot!.querySelector('time')!.textContent;
      expect(time()).to.equal('2 minutes ago');
      Date.now = () => NOW + HOUR;
      // The shared clock re-renders it: nothing else asks the card to update.
      await waitUntil(() => time() === '1 hour ago', 'the time moves on');
    } finally {
      Date.now = now;
      tickSettings.ms = 30_000;
    }
  });

  it('with live="on", fires parley-card-loaded again only when what it shows changed', async () => {
    pollSettings.ms = 30;
    const el = document.createElement('parley-card');
    try {
      const threads = [makeThread({ key: '/live', messageCount: 3 })];
      serveThreads(threads);
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', '/live');
      el.setAttribute('live', 'on');
      const loaded: number[] = [];
      el.addEventListener('parley-card-loaded', (e) =>
        loaded.push(e.detail.thread?.messageCount ?? -1),
      );
      document.body.append(el);
      // Three reads, the last two live ones finding the same thread.
      await waitUntil(() => callsTo('/api/threads').length >= 3, 'two live re-reads');
      expect(loaded).to.deep.equal([3]);
      threads[0] = makeThread({ key: '/live', messageCount: 4 });
      await waitUntil(() => loaded.length === 2, 'the changed thread is news');
      expect(loaded).to.deep.equal([3, 4]);
    } finally {
      el.remove();
      pollSettings.ms = 60_000;
    }
  });

  it('links the title only to an http(s) url, never a javascript: one', async () => {
    serveThreads([
      makeThread({ key: '/js', title: 'Bad', url: 'javascript:void(0)' }),
      makeThread({ key: '/ok', title: 'Good', url: 'https://blog.example/ok' }),
    ]);
    const [bad, good] = await cards(['/js', '/ok']);
    expect(bad!.shadowRoot!.querySelector('a')).to.equal(null);
    expect(bad!.shadowRoot!.querySelector('[part=title]')!.textContent).to.equal('Bad');
    expect(good!.shadowRoot!.querySelector('a')!.href).to.equal('https://blog.example/ok');
  });

  it('says so when no one has posted yet, and fires parley-card-loaded with null', async () => {
    serveThreads([]);
    const el = document.createElement('parley-card');
    el.setAttribute('server', SERVER);
    el.setAttribute('thread', '/nobody');
    const loaded = nextDetail(el, 'parley-card-loaded');
    document.body.append(el);
    const detail = await loaded;
    expect(detail.thread?.title).to.equal(undefined);
    expect(detail).to.deep.equal({ key: '/nobody', thread: null });
    await ready([el]);
    expect(shownText(el)).to.equal('No discussion yet.');
    await inBothSchemes(async (scheme) => expectAccessible(el, { label: `empty, ${scheme}` }));
    el.remove();
  });

  it('holds its room while loading and is unavailable, quietly, when the server fails', async () => {
    const answer = deferred();
    route('GET', '/api/threads', () => answer.promise);
    const el = await fixture<ParleyCard>(
      html`<parley-card server=${SERVER} thread="/p"></parley-card>`,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('[aria-busy=true]'));
    expect(el.offsetHeight).to.be.greaterThan(60);
    await inBothSchemes(async (scheme) => expectAccessible(el, { label: `loading, ${scheme}` }));
    const failed = oneEvent(el, 'parley-error');
    answer.resolve(apiError(503, 'unavailable'));
    expect((await failed).detail.code).to.equal('unavailable');
    await ready([el]);
    expect(shownText(el)).to.equal('This discussion is unavailable right now.');
    await inBothSchemes(async (scheme) => expectAccessible(el, { label: `error, ${scheme}` }));
  });

  it('speaks German and Arabic (right to left)', async () => {
    serveThreads([makeThread({ key: '/p', messageCount: 5 })]);
    const [de] = await cards(['/p'], 'locale="de"');
    await waitUntil(() => shownText(de!).includes('vor 1 Stunde'), 'German relative time');
    const [ar] = await cards(['/p'], 'locale="ar"');
    await waitUntil(() => ar!.shadowRoot!.querySelector('article[dir=rtl]'), 'right to left');
    expect(shownText(ar!.shadowRoot!.querySelector('time')!)).to.equal(
      new Intl.RelativeTimeFormat('ar', { numeric: 'auto' }).format(-1, 'hour'),
    );
    await inBothSchemes(async (scheme) => expectAccessible(ar!, { label: `ar, ${scheme}` }));
  });
});
