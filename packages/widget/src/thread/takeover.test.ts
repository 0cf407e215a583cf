/**
 * Taking over server-rendered markup: a page may put the thread's HTML
 * fragment (`GET /threads/:key/fragment`) inside `<parley-thread>`, for
 * readers without JS and search engines. While the element loads, that markup
 * stays on screen (through a slot) instead of the skeleton; once the thread is
 * in, the shadow view replaces it, with no collapse in between.
 */
import { expect, fixture, oneEvent } from '@open-wc/testing';
import type { ParleyThread } from './parley-thread.js';
import {
  $,
  apiError,
  deferred,
  json,
  makeThread,
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
  <section id="parley-thread" aria-labelledby="t">
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
    await new Promise((r) => setTimeout(r, 50));
    sample();

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

  it('shows the skeleton, with its reserved height, when the element has no element children', async () => {
    for (const inner of ['', '\n    \n  ', 'Comments need JavaScript.']) {
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
