/**
 * axe-core on every state of `<parley-thread>`, on the pages it meets: a
 * light page (no `color-scheme`) on a light and on a dark OS, and a dark page
 * (background #121212) that says so through `color-scheme`, on a dark OS
 * (`light dark`) and on a light one (`dark`). A light page on a dark OS is the
 * case that failed: the thread followed the OS and put its dark accent on white.
 */
import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import type { Message } from '@parley/server/wire';
import { emulateMedia } from '@web/test-runner-commands';
import { expectAccessible, inBothSchemes } from '../testing/axe.js';
import type { ParleyThread } from './parley-thread.js';
import {
  $,
  $$,
  ago,
  apiError,
  deferred,
  hang,
  json,
  makeMessage,
  makeThread,
  mount,
  opening,
  route,
  SERVER,
  serveThread,
  submit,
  text,
  threadPath,
  type,
  uniqueKey,
} from './test-support.js';

/** A dark blog's colours (a light page keeps the runner's own: black on white). */
const DARK = { background: '#121212', color: '#e6e6e6' };

/**
 * Runs axe on `el` on each page in each OS scheme: on a light OS a light page
 * and a page declaring `color-scheme: dark`; on a dark OS a light page (no
 * `color-scheme`: the thread must stay light) and a page declaring `light dark`.
 */
async function expectAccessibleEverywhere(el: Element, state: string) {
  const root = document.documentElement.style;
  try {
    await inBothSchemes(async (os) => {
      for (const page of ['light', 'dark'] as const) {
        root.colorScheme = page === 'light' ? '' : os === 'dark' ? 'light dark' : 'dark';
        root.background = page === 'light' ? '' : DARK.background;
        root.color = page === 'light' ? '' : DARK.color;
        await new Promise(requestAnimationFrame);
        await expectAccessible(el, { label: `${state}: ${page} page, ${os} OS` });
      }
    });
  } finally {
    root.colorScheme = root.background = root.color = '';
  }
}

/** A message body with a link, as the server renders one (the link's colour is what failed). */
const withLink = makeMessage(2, {
  html: '<p>See <a href="https://example.com/r1" rel="nofollow ugc noopener noreferrer">the paper</a> and <code>r1</code>.</p><blockquote><p>Quoted</p></blockquote>',
  editedAt: ago(1000),
});
/** Every kind of message mark: the owner's badge, a highlight, a link, an edit. */
const messages: Message[] = [
  opening,
  withLink,
  makeMessage(3, { highlighted: true }),
  makeMessage(4, { parentId: 2 }),
  makeMessage(5),
];

const tokens = (byId: Record<number, string>) =>
  localStorage.setItem('parley:edit-tokens', JSON.stringify({ [SERVER]: byId }));
const button = (el: ParleyThread, scope: string, label: string) =>
  $$(el, `${scope} button`).find((b) => text(b) === label)!;

/** A thread of the opening post and replies 10…(9+n), paged by `limit` (cursor `c<i>`, `at=ID`). */
function serveLong(key: string, n: number, limit = 20) {
  const listing = Array.from({ length: n }, (_, i) =>
    makeMessage(10 + i, { highlighted: i % 10 === 0 }),
  );
  route('GET', threadPath(key), {
    thread: makeThread({ key, messageCount: n + 1, highlightCount: Math.ceil(n / 10) }),
    messages: [opening, ...listing.slice(0, limit)],
    nextCursor: `c${limit}`,
    lastEventId: 0,
  });
  route('GET', `${threadPath(key)}/messages`, (req) => {
    const q = new URL(req.url).searchParams;
    const page = (list: Message[], from: number, prefix: string) => ({
      messages: list.slice(from, from + limit),
      nextCursor: from + limit < list.length ? `${prefix}${from + limit}` : null,
    });
    if (q.get('highlighted') === 'true')
      return json(
        page(
          listing.filter((m) => m.highlighted),
          0,
          'h',
        ),
      );
    const at = q.get('at');
    if (at) {
      const before = listing.findIndex((m) => m.id === Number(at)) - Math.floor(limit / 4);
      return json({ ...page(listing, before, 'c'), before });
    }
    return json(page(listing, Number(q.get('cursor')!.slice(1)), 'c'));
  });
}

describe('<parley-thread> accessibility (axe, light and dark pages, light and dark OS)', function (this: {
  timeout(ms: number): void;
}) {
  // Four axe runs a state, each a few hundred milliseconds on a long thread.
  this.timeout(30_000);
  afterEach(async () => {
    history.replaceState(null, '', location.pathname + location.search);
    await emulateMedia({ colorScheme: 'light' });
  });

  it('loading', async () => {
    const k = uniqueKey();
    route('GET', threadPath(k), hang);
    const el = document.createElement('parley-thread');
    el.setAttribute('server', SERVER);
    el.setAttribute('thread', k);
    await fixture(el);
    await waitUntil(() => $(el, '.skeleton'), 'the skeleton');
    await expectAccessibleEverywhere(el, 'loading');
    el.remove();
  });

  it('empty (no one has posted yet), with the form', async () => {
    const k = uniqueKey();
    route('GET', threadPath(k), () => apiError(404, 'thread_not_found'));
    const el = await mount({ thread: k });
    expect($(el, '.empty')).to.exist;
    expect($(el, '#parley-body')).to.exist;
    await expectAccessibleEverywhere(el, 'empty');
  });

  it('error (server unreachable), with the retry', async () => {
    const k = uniqueKey();
    route('GET', threadPath(k), () => apiError(503, 'unavailable'));
    const el = await mount({ thread: k });
    expect($(el, '.unavailable button')).to.exist;
    await expectAccessibleEverywhere(el, 'error');
  });

  it('a thread with every kind of message: owner badge, highlight, link, edit, a reply to a reply', async () => {
    const k = uniqueKey();
    serveThread(k, { highlightCount: 1 }, messages);
    const el = await mount({ thread: k, 'back-href': '/forum' });
    expect($(el, '.badge')).to.exist;
    await expectAccessibleEverywhere(el, 'reading');
  });

  it('closed', async () => {
    const k = uniqueKey();
    serveThread(k, { status: 'closed' }, messages);
    const el = await mount({ thread: k });
    expect($(el, '[part~=closed-notice]')).to.exist;
    await expectAccessibleEverywhere(el, 'closed');
  });

  it('the theme attribute, dark and light, on the page of its own scheme', async () => {
    for (const theme of ['dark', 'light']) {
      const k = uniqueKey();
      serveThread(k, {}, messages);
      const page = document.createElement('div');
      const colours = theme === 'dark' ? DARK : { background: '#fff', color: '#1a1a1a' };
      page.style.cssText = `background: ${colours.background}; color: ${colours.color}`;
      const el = await mount({ thread: k, theme }, page);
      await expectAccessible(page, { label: `theme=${theme}` });
      el.remove();
    }
  });

  it('long: a linked message past the first page, a gap before it, load more after', async () => {
    history.replaceState(null, '', `${location.pathname}${location.search}#parley-60`);
    const k = uniqueKey();
    serveLong(k, 80);
    const el = await mount({ thread: k });
    await waitUntil(
      () => $(el, '[part~=gap]') && $(el, '[part~=target]'),
      'the gap and the target',
    );
    expect($(el, '[part~=load-more]')).to.exist;
    await expectAccessibleEverywhere(el, 'long');
  });

  it('the highlights view', async () => {
    const k = uniqueKey();
    serveLong(k, 40);
    const el = await mount({ thread: k });
    button(el, '[part~=view]', 'Highlights (4)').click();
    await waitUntil(
      () => $$(el, 'article').length === 4 && !$(el, '[aria-busy=true]'),
      'the highlights',
    );
    await expectAccessibleEverywhere(el, 'highlights');
  });

  it('editing a message', async () => {
    tokens({ 3: 'token-3' });
    const k = uniqueKey();
    serveThread(k, {}, messages);
    const el = await mount({ thread: k });
    button(el, '#parley-3', 'Edit').click();
    await waitUntil(() => $(el, '#parley-edit-3'), 'the editor');
    await expectAccessibleEverywhere(el, 'editing');
  });

  it('reporting (the report step)', async () => {
    const k = uniqueKey();
    serveThread(k, {}, messages);
    const el = await mount({ thread: k });
    button(el, '#parley-2', 'Report').click();
    await waitUntil(() => $(el, '#parley-reason-2'), 'the report step');
    await expectAccessibleEverywhere(el, 'reporting');
  });

  it('the reply box open under a message', async () => {
    const k = uniqueKey();
    serveThread(k, {}, messages);
    const el = await mount({ thread: k });
    button(el, '#parley-4', 'Reply').click();
    await waitUntil(() => $(el, '#parley-4 [part~=reply] textarea'), 'the reply box');
    await expectAccessibleEverywhere(el, 'replying');
  });

  it('a message of mine awaiting moderation, with its confirmation', async () => {
    const k = uniqueKey();
    serveThread(k, {}, messages);
    route('POST', `${threadPath(k)}/messages`, () =>
      json(
        {
          message: makeMessage(6, { author: { name: 'Grace' }, createdAt: ago(0) }),
          editToken: 'token-6',
          status: 'pending',
        },
        201,
      ),
    );
    const el = await mount({ thread: k });
    const posted = oneEvent(el, 'parley-message-posted');
    type(el, '#parley-author', 'Grace');
    type(el, '#parley-body', 'Held for review');
    await submit(el);
    await posted;
    await el.updateComplete;
    expect($(el, '#parley-6 .pending')).to.exist;
    await expectAccessibleEverywhere(el, 'pending');
  });

  it('posting errors: the fields, then the server’s refusal', async () => {
    const k = uniqueKey();
    serveThread(k, {}, messages);
    route('POST', `${threadPath(k)}/messages`, () =>
      apiError(429, 'rate_limited', { headers: { 'Retry-After': '30' } }),
    );
    const el = await mount({ thread: k });
    await submit(el);
    await waitUntil(() => $(el, '#parley-form [aria-invalid=true]'), 'the field errors');
    await expectAccessibleEverywhere(el, 'field errors');
    type(el, '#parley-author', 'Grace');
    type(el, '#parley-body', 'Too soon');
    await submit(el);
    await waitUntil(() => $(el, '#parley-wait'), 'the refusal and its countdown');
    await expectAccessibleEverywhere(el, 'post refused');
  });

  it('over the server’s markup: while loading, and once taken over', async () => {
    const k = uniqueKey();
    const answer = deferred();
    route('GET', threadPath(k), () => answer.promise);
    const el = document.createElement('parley-thread');
    el.setAttribute('server', SERVER);
    el.setAttribute('thread', k);
    el.innerHTML = `<section data-parley-thread="${k}" aria-labelledby="t">
      <h2 id="t">The Efficiency Wars</h2>
      <article id="parley-1"><h3>Ada</h3><p>The recent release of DeepSeek-R1 has sent shockwaves.</p></article>
      <article id="parley-2"><h3>Reader 2</h3><p>See <a href="https://example.com/r1">the paper</a>.</p></article>
    </section>`;
    const loaded = oneEvent(el, 'parley-thread-loaded');
    await fixture(el);
    await expectAccessibleEverywhere(el, 'markup while loading');
    answer.resolve(
      json({ thread: makeThread({ key: k }), messages, nextCursor: null, lastEventId: 0 }),
    );
    await loaded;
    await waitUntil(() => !$(el, 'slot') && $(el, '#parley-body'), 'taken over');
    await expectAccessibleEverywhere(el, 'taken over');
    el.remove();
  });
});

/** A canvas pixel: turns any CSS colour the browser computes (`color(srgb …)` too) into RGBA. */
const pixel = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
function rgba(color: string): number[] {
  pixel.clearRect(0, 0, 1, 1);
  pixel.fillStyle = color;
  pixel.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = pixel.getImageData(0, 0, 1, 1).data;
  return [r!, g!, b!, a! / 255];
}
/** `top` (RGBA) painted over the opaque `bottom`. */
const over = (top: number[], bottom: number[]) =>
  bottom.map((c, i) => (i < 3 ? top[i]! * top[3]! + c * (1 - top[3]!) : 1));
function luminance(c: number[]) {
  const [r, g, b] = c.slice(0, 3).map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const ratio = (a: number[], b: number[]) => {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
};

describe('<parley-thread> non-text contrast (WCAG 1.4.11: 3:1), which axe does not check', () => {
  for (const [theme, page] of [
    ['light', '#ffffff'],
    ['dark', DARK.background],
  ] as const)
    it(`the status dot and a highlight's star stand out from the page and the highlight (${theme})`, async () => {
      const k = uniqueKey();
      serveThread(k, { highlightCount: 1 }, messages);
      const host = document.createElement('div');
      host.style.background = page;
      const el = await mount({ thread: k, theme }, host);
      const ground = rgba(page);
      const highlight = over(rgba(getComputedStyle($(el, '#parley-3')).backgroundColor), ground);
      const dot = over(rgba(getComputedStyle($(el, '.dot')).backgroundColor), ground);
      const star = over(rgba(getComputedStyle($(el, '#parley-3 .star')).color), highlight);
      expect(ratio(dot, ground), 'the dot on the page').to.be.at.least(3);
      expect(ratio(star, highlight), 'the star on the highlight').to.be.at.least(3);
      expect(ratio(star, ground), 'the star on the page').to.be.at.least(3);
    });
});
