/**
 * Taking over server-rendered markup: a page may put the thread's HTML
 * fragment (`GET /threads/:key/fragment`) inside `<parley-thread>`, for
 * readers without JS and search engines. While the element loads, that markup
 * stays on screen (through a slot) instead of the skeleton; once the thread is
 * in, the shadow view replaces it, with no collapse in between, the reader
 * still at the message they were reading and focus on the same message.
 */
import { expect, fixture, nextFrame, oneEvent, waitUntil } from '@open-wc/testing';
import type { Message } from '@parley/server/wire';
import type { ParleyThread } from './parley-thread.js';
import {
  $,
  apiError,
  calls,
  deferred,
  json,
  makeMessage,
  makeThread,
  opening,
  route,
  SERVER,
  seedMessages,
  serveThread,
  text,
  threadPath,
  uniqueKey,
} from './test-support.js';

/** What `GET /threads/:key/fragment` gives: semantic HTML, no script, no style. */
const FRAGMENT = `
  <section class="parley-thread" aria-labelledby="t" data-parley-thread="/blog/post">
    <h1 id="t">The Efficiency Wars</h1>
    <p>How DeepSeek R1 challenges Western AI dominance.</p>
    <article id="parley-1"><h2>Ada</h2><p><time datetime="2025-06-01T07:00:00Z">June 1</time></p>
      <p>The recent release of DeepSeek-R1 has sent shockwaves.</p></article>
    <article id="parley-2"><h2>Reader 2</h2><p>Message number 2</p></article>
    <article id="parley-3"><h2>Reader 3</h2><p>Message number 3</p></article>
  </section>
`;

/** A `<parley-thread>` for `key` with `inner` as its light DOM, not connected yet. */
function element(key: string, inner = FRAGMENT) {
  const el = document.createElement('parley-thread');
  el.setAttribute('server', SERVER);
  el.setAttribute('thread', key);
  el.innerHTML = inner;
  return el;
}

/** Serves `key` once the test resolves the returned function's response. */
function serveLater(key: string) {
  const answer = deferred();
  route('GET', threadPath(key), () => answer.promise);
  return () =>
    answer.resolve(
      json({
        thread: makeThread({ key }),
        messages: seedMessages,
        nextCursor: null,
        lastEventId: 0,
      }),
    );
}

const height = (node: Element) => node.getBoundingClientRect().height;
const slot = (el: ParleyThread) => el.shadowRoot!.querySelector('slot');

describe('<parley-thread> over server-rendered markup', () => {
  it('shows the markup while loading, then the shadow view, never the skeleton nor a collapse between', async () => {
    const k = uniqueKey();
    const answer = serveLater(k);
    const el = element(k);
    const markup = el.querySelector('section')!;
    // Heights as each render lands (before its paint), and each frame through the load.
    const heights: number[] = [];
    let skeleton = false;
    const sample = () => {
      heights.push(height(el));
      skeleton ||= Boolean(el.shadowRoot?.querySelector('.skeleton'));
    };
    let sampling = true;
    const frames = () => {
      sample();
      if (sampling) requestAnimationFrame(frames);
    };
    requestAnimationFrame(frames);
    const loaded = oneEvent(el, 'parley-thread-loaded');
    await fixture(el);
    new MutationObserver(sample).observe(el.shadowRoot!, { childList: true, subtree: true });

    // Loading: the markup is on screen, slotted, with its own height; no skeleton.
    expect(el.shadowRoot!.querySelector('.skeleton')).to.equal(null);
    expect(slot(el)!.assignedElements()).to.deep.equal([markup]);
    const markupHeight = height(markup);
    expect(markupHeight).to.be.greaterThan(100);
    expect(height(el)).to.be.at.least(markupHeight);
    expect(markup.checkVisibility()).to.equal(true);
    // The loading section is not busy: what it shows is readable.
    expect($(el, 'section').getAttribute('aria-busy')).to.equal('false');
    // A few frames of loading painted, each sampled.
    await waitUntil(() => heights.length >= 3);

    answer();
    await loaded;
    await el.updateComplete;
    await new Promise((r) => requestAnimationFrame(r));
    sampling = false;
    sample();

    // Ready: the shadow view; the markup is no longer slotted, so not rendered nor read.
    expect(text($(el, '[part~=title]'))).to.equal('The Efficiency Wars');
    expect(el.shadowRoot!.querySelectorAll('article')).to.have.length(5);
    expect(slot(el)).to.equal(null);
    expect(markup.checkVisibility()).to.equal(false);
    expect(height(markup)).to.equal(0);
    expect(markup.isConnected, 'the markup stays in the page (for search engines)').to.equal(true);

    // No sample shows the skeleton, nor a height below both the markup's and the view's.
    const floor = Math.min(markupHeight, height(el)) - 1;
    expect(skeleton, 'the skeleton never rendered').to.equal(false);
    expect(heights.length).to.be.greaterThan(3);
    expect(Math.min(...heights)).to.be.at.least(floor);
    await expect(el).to.be.accessible();
  });

  it('renders the slot without waiting a task, so no frame shows neither markup nor thread', async () => {
    const k = uniqueKey();
    serveLater(k);
    const el = element(k);
    let taskRan = false;
    setTimeout(() => {
      taskRan = true;
    });
    document.body.append(el);
    try {
      await el.updateComplete;
      expect(taskRan).to.equal(false);
      expect(slot(el)!.assignedElements()).to.have.length(1);
    } finally {
      el.remove();
    }
  });

  it('shows the skeleton, with its reserved height, when the element holds no fragment', async () => {
    const noscript = '<noscript><p>Comments need JavaScript.</p></noscript>';
    for (const inner of [
      '',
      '\n    \n  ',
      'Comments need JavaScript.',
      noscript,
      `\n${noscript}\n`,
    ]) {
      const k = uniqueKey();
      serveLater(k);
      const el = await fixture<ParleyThread>(element(k, inner));
      expect($(el, '.skeleton'), JSON.stringify(inner)).to.exist;
      expect(slot(el)).to.equal(null);
      expect($(el, 'section').getAttribute('aria-busy')).to.equal('true');
      // min-height: 16rem, the room the thread will take.
      expect(height(el)).to.be.at.least(16 * 16);
      el.remove();
    }
  });

  it('keeps the markup on screen, with the retry, when the load fails', async () => {
    const k = uniqueKey();
    route('GET', threadPath(k), () => apiError(503, 'unavailable'));
    const el = element(k);
    const failed = oneEvent(el, 'parley-error');
    await fixture(el);
    await failed;
    await el.updateComplete;
    const markup = el.querySelector('section')!;
    expect(slot(el)!.assignedElements()).to.deep.equal([markup]);
    expect(markup.checkVisibility()).to.equal(true);
    expect(text($(el, '.unavailable p'))).to.equal('Comments are unavailable right now.');

    // Retry, now answered: the shadow view takes over.
    serveThread(k);
    const loaded = oneEvent(el, 'parley-thread-loaded');
    $<HTMLButtonElement>(el, '.unavailable button').click();
    await loaded;
    await el.updateComplete;
    expect(slot(el)).to.equal(null);
    expect(markup.checkVisibility()).to.equal(false);
  });

  it('shows the skeleton, not the first thread’s markup, when the thread attribute changes', async () => {
    const k = uniqueKey();
    serveThread(k);
    const el = element(k);
    const loaded = oneEvent(el, 'parley-thread-loaded');
    await fixture(el);
    await loaded;
    const other = uniqueKey();
    serveLater(other);
    el.setAttribute('thread', other);
    await el.updateComplete;
    expect($(el, '.skeleton')).to.exist;
    expect(slot(el)).to.equal(null);
  });
});

/** Reply `id`'s text: one to four paragraphs, so messages differ in height as real ones do. */
const body = (id: number) =>
  Array.from(
    { length: (id % 4) + 1 },
    (_, i) => `<p>Reply ${id}, paragraph ${i + 1}: what the reader wrote, at some length.</p>`,
  ).join('');

/** An opening post and 60 replies (ids 10 to 69), oldest first, as the server lists them. */
const LISTING: Message[] = [
  opening,
  ...Array.from({ length: 60 }, (_, i) => makeMessage(10 + i, { html: body(10 + i) })),
];

/** The fragment the server renders for LISTING: its markup, one article per message. */
function longFragment(key: string) {
  const article = (m: Message) =>
    `<article id="parley-${m.id}" class="parley-message" aria-labelledby="parley-a-${m.id}">
      <h3 id="parley-a-${m.id}">${m.author.name}</h3>
      <p><a href="#parley-${m.id}"><time datetime="${m.createdAt}">${m.createdAt}</time></a></p>
      <div class="parley-body">${m.html}</div></article>`;
  const [first, ...replies] = LISTING;
  return `<section class="parley-thread" aria-labelledby="parley-title" data-parley-thread="${key}">
    <header><h2 id="parley-title">The Efficiency Wars</h2>
      <p>How DeepSeek R1 challenges Western AI dominance. <a href="/about">About</a></p></header>
    ${article(first!)}
    <ol class="parley-replies">${replies.map((m) => `<li>${article(m)}</li>`).join('')}</ol>
  </section>`;
}

/**
 * Serves LISTING's first page (20 replies) once the returned function is
 * called, and `messages?at=ID` as the server does (the page holding ID, from
 * a quarter page before it).
 */
function serveLong(key: string, hold?: Promise<unknown>) {
  const replies = LISTING.slice(1);
  route('GET', `${threadPath(key)}/messages`, async (req) => {
    await hold;
    const q = new URL(req.url).searchParams;
    const i = replies.findIndex((m) => m.id === Number(q.get('at')));
    if (i < 0) return apiError(404, 'message_not_found');
    const before = Math.max(0, i - 5);
    const end = before + 20;
    return json({
      messages: replies.slice(before, end),
      nextCursor: end < replies.length ? `c${end}` : null,
      before,
    });
  });
  const answer = deferred();
  route('GET', threadPath(key), () => answer.promise);
  return () =>
    answer.resolve(
      json({
        thread: makeThread({ key, messageCount: LISTING.length }),
        messages: LISTING.slice(0, 21),
        nextCursor: 'c20',
        lastEventId: 0,
      }),
    );
}

/** Mounts a `<parley-thread>` over `longFragment` below a spacer; `answer` lets its load finish. */
async function overLongFragment(hold?: Promise<unknown>) {
  const key = uniqueKey();
  const answer = serveLong(key, hold);
  const page = document.createElement('div');
  page.innerHTML = '<div style="height: 300px">The article</div>';
  const el = element(key, longFragment(key));
  page.append(el);
  await fixture(page);
  const loaded = oneEvent(el, 'parley-thread-loaded');
  const markup = el.querySelector('section')!;
  /** Lets the load finish and waits for the takeover and all that follows it. */
  const takeOver = async () => {
    answer();
    await loaded;
    await el.updateComplete;
    expect(slot(el), 'the view took over').to.equal(null);
  };
  return { key, el, markup, page, takeOver };
}

/** Scrolls so that markup message `id` starts `offset` px from the viewport's top (negative: above it). */
function readAt(markup: Element, id: number, offset: number) {
  const article = markup.querySelector(`#parley-${id}`)!;
  scrollBy({ top: article.getBoundingClientRect().top - offset, behavior: 'instant' });
  return article.getBoundingClientRect().top;
}

const topOf = (el: ParleyThread, id: number) => $(el, `#parley-${id}`).getBoundingClientRect().top;

describe('<parley-thread> taking over a long fragment', () => {
  afterEach(() => scrollTo({ top: 0, behavior: 'instant' }));

  it('keeps a reader scrolled into the markup on the same message at the same offset', async () => {
    const { el, markup, page, takeOver } = await overLongFragment();
    const offset = readAt(markup, 22, -37);
    expect(offset).to.be.closeTo(-37, 1);
    expect(markup.getBoundingClientRect().top).to.be.lessThan(0);
    await takeOver();
    expect(topOf(el, 22)).to.be.closeTo(offset, 3);
    // Where the next frame paints it, too.
    await nextFrame();
    expect(topOf(el, 22)).to.be.closeTo(offset, 3);
    page.remove();
  });

  it('reads the page holding the message the reader is at, past the first page, and keeps them there', async () => {
    const { el, markup, page, takeOver } = await overLongFragment();
    const offset = readAt(markup, 50, 12);
    await takeOver();
    const at = calls.filter((c) => c.url.includes('at='));
    expect(at.map((c) => new URL(c.url).searchParams.get('at'))).to.deep.equal(['50']);
    expect(topOf(el, 50)).to.be.closeTo(offset, 3);
    expect(document.activeElement, 'no focus taken').to.equal(document.body);
    page.remove();
  });

  it('follows a reader who scrolls on while the page they were at loads', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { el, markup, page, takeOver } = await overLongFragment(hold);
    readAt(markup, 30, 12);
    const done = takeOver();
    await waitUntil(() => calls.some((c) => c.url.includes('at=30')));
    // Further down the markup while that page is on its way.
    const offset = readAt(markup, 58, -12);
    release();
    await done;
    const at = calls.filter((c) => c.url.includes('at='));
    expect(at.map((c) => new URL(c.url).searchParams.get('at'))).to.deep.equal(['30', '58']);
    expect(topOf(el, 58)).to.be.closeTo(offset, 3);
    page.remove();
  });

  it('leaves a reader who has not scrolled into the markup where they are', async () => {
    const { markup, page, takeOver } = await overLongFragment();
    scrollTo({ top: 100, behavior: 'instant' });
    expect(markup.getBoundingClientRect().top).to.be.greaterThan(0);
    await takeOver();
    expect(scrollY).to.equal(100);
    expect(calls.some((c) => c.url.includes('at='))).to.equal(false);
    page.remove();
  });

  it('moves focus from a link in a markup message to the same message in the view', async () => {
    const { el, markup, page, takeOver } = await overLongFragment();
    markup.querySelector<HTMLElement>('#parley-15 a')!.focus();
    await takeOver();
    expect(document.activeElement).to.equal(el);
    expect(el.shadowRoot!.activeElement?.id).to.equal('parley-15');
    page.remove();
  });

  it('moves focus from the markup’s header to the thread’s title', async () => {
    const { el, markup, page, takeOver } = await overLongFragment();
    markup.querySelector<HTMLElement>('header a')!.focus();
    await takeOver();
    expect(document.activeElement).to.equal(el);
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.contain('title');
    page.remove();
  });

  it('never dips below the markup’s or the view’s height through the swap', async () => {
    const { el, markup, page, takeOver } = await overLongFragment();
    const markupHeight = height(markup);
    const heights: number[] = [];
    const sample = () => heights.push(height(el));
    let sampling = true;
    const frames = () => {
      sample();
      if (sampling) requestAnimationFrame(frames);
    };
    requestAnimationFrame(frames);
    new MutationObserver(sample).observe(el.shadowRoot!, { childList: true, subtree: true });
    await takeOver();
    await nextFrame();
    sampling = false;
    const final = height(el);
    expect(markupHeight, 'the fragment is the longer').to.be.greaterThan(final);
    expect(heights.length).to.be.greaterThan(3);
    expect(Math.min(...heights)).to.be.at.least(Math.min(markupHeight, final) - 1);
    page.remove();
  });
});
