import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import type { Message } from '@parley/server/wire';
import { liveSettings, retryDelay } from './live.js';
import type { ParleyThread } from './parley-thread.js';
import {
  $,
  $$,
  apiError,
  calls,
  deferred,
  FakeEventSource,
  json,
  makeMessage,
  makeThread,
  mount,
  opening,
  openStreams,
  route,
  SERVER,
  seedMessages,
  serveThread,
  submit,
  text,
  threadPath,
  type,
  uniqueKey,
} from './test-support.js';

const defaults = structuredClone(liveSettings);
const eventsUrl = (key: string, id: number) =>
  `${SERVER}api/threads/${encodeURIComponent(key)}/events?lastEventId=${id}`;
/** The element's polite announcements (the last status region: the live note is one too). */
const status = (el: ParleyThread) => text($$(el, '[role=status]').at(-1));
const articleIds = (el: ParleyThread) => $$(el, 'article').map((a) => a.id);
const active = (el: ParleyThread) => el.shadowRoot!.activeElement as HTMLElement | null;
/** The one open stream, once the element has opened it. */
async function stream() {
  await waitUntil(() => openStreams().length === 1, 'one open stream');
  return openStreams()[0]!;
}
/** Lets pushed frames be applied and rendered (they are batched per task). */
async function applied(el: ParleyThread) {
  await new Promise((r) => setTimeout(r));
  await el.updateComplete;
}
/** After the browser's next rendering update (style, layout, content-visibility). */
const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
const created = (message: Message) => ({ type: 'message.created', message });
/** Mounts a thread whose page was read after event 40 (with `nextCursor`, pages to load). */
async function live(
  attrs: Record<string, string> = {},
  messages = seedMessages,
  nextCursor: string | null = null,
) {
  const k = uniqueKey();
  serveThread(k, {}, messages, nextCursor, 40);
  const el = await mount({ thread: k, ...attrs });
  return { k, el, es: await stream() };
}
function setHidden(hidden: boolean) {
  if (hidden)
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  else delete (document as { visibilityState?: unknown }).visibilityState;
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('<parley-thread> live updates', () => {
  beforeEach(() => {
    liveSettings.announceMs = 20;
  });
  afterEach(() => {
    Object.assign(liveSettings, structuredClone(defaults));
    setHidden(false);
  });

  describe('the stream', () => {
    it('opens one stream once the first page is in, after the page’s lastEventId', async () => {
      const { k, es } = await live();
      expect(FakeEventSource.streams).to.have.length(1);
      expect(es.url).to.equal(eventsUrl(k, 40));
    });

    it('opens a stream for a thread no one has posted to yet, and shows its first post', async () => {
      const k = uniqueKey();
      route('GET', threadPath(k), () => apiError(404, 'thread_not_found'));
      const el = await mount({ thread: k });
      const es = await stream();
      expect(es.url).to.equal(eventsUrl(k, 0));
      es.open().push(1, created({ ...opening, id: 1 }));
      es.push(2, { type: 'thread.updated', thread: makeThread({ key: k, messageCount: 1 }) });
      await applied(el);
      expect(articleIds(el)).to.deep.equal(['parley-1']);
      expect(text($(el, '[part~=stats]'))).to.contain('1 msg');
    });

    it('opens nothing with live="off", and follows the attribute when it changes', async () => {
      const k = uniqueKey();
      serveThread(k, {}, seedMessages, null, 40);
      const el = await mount({ thread: k, live: 'off' });
      expect(FakeEventSource.streams).to.have.length(0);

      el.setAttribute('live', 'on');
      const es = await stream();
      expect(es.url).to.equal(eventsUrl(k, 40));
      el.setAttribute('live', 'off');
      await el.updateComplete;
      expect(es.closed).to.equal(true);
      expect(openStreams()).to.have.length(0);
    });

    it('treats a bad live value as on', async () => {
      const { el } = await live({ live: 'yes please' });
      expect(el.live).to.equal('on');
    });

    it('closes the stream while the tab is hidden and reopens it after the last event seen', async () => {
      const { k, el, es } = await live();
      es.open().push(41, { type: 'message.removed', id: 5 });
      await applied(el);

      setHidden(true);
      expect(es.closed).to.equal(true);
      expect(openStreams()).to.have.length(0);
      setHidden(false);
      const again = await stream();
      expect(again).not.to.equal(es);
      expect(again.url).to.equal(eventsUrl(k, 41));
    });

    it('closes the stream when the element leaves the page, and reopens it when it returns', async () => {
      const { k, el, es } = await live();
      es.open().push(43, { type: 'message.removed', id: 5 });
      const parent = el.parentElement!;
      el.remove();
      expect(es.closed).to.equal(true);
      parent.append(el);
      expect((await stream()).url).to.equal(eventsUrl(k, 43));
    });

    it('holds no stream while the element is far off screen', async () => {
      const k = uniqueKey();
      serveThread(k, {}, seedMessages, null, 40);
      const parent = document.createElement('div');
      const spacer = document.createElement('div');
      spacer.style.height = `${innerHeight * 5}px`;
      parent.append(spacer);
      const el = await mount({ thread: k }, parent);
      // The page is in: a stream would have opened by now had the element
      // not waited for the observer, which reports within a frame or two.
      await frame();
      expect(FakeEventSource.streams, 'never opened').to.have.length(0);
      try {
        el.scrollIntoView();
        expect((await stream()).url).to.equal(eventsUrl(k, 40));
        scrollTo(0, 0);
        await waitUntil(() => openStreams().length === 0, 'closed when far away again');
      } finally {
        scrollTo(0, 0);
      }
    });

    it('closes the old stream when re-keyed and opens the other thread’s after its page', async () => {
      const { el, es } = await live();
      const other = uniqueKey();
      serveThread(other, { title: 'The other thread' }, seedMessages, null, 7);
      const loaded = oneEvent(el, 'parley-thread-loaded');
      el.setAttribute('thread', other);
      await loaded;
      expect(es.closed).to.equal(true);
      expect((await stream()).url).to.equal(eventsUrl(other, 7));
    });
  });

  describe('applying events', () => {
    it('shows new replies in place (at the end, or under their parent) once, and announces them politely', async () => {
      const { el, es } = await live();
      es.open();
      es.push(41, created(makeMessage(6)));
      es.push(42, created(makeMessage(7, { parentId: 3 })));
      es.push(42, created(makeMessage(7, { parentId: 3 })));
      es.push(43, created(makeMessage(2)));
      await applied(el);
      expect(articleIds(el)).to.deep.equal([
        'parley-1',
        'parley-2',
        'parley-3',
        'parley-7',
        'parley-4',
        'parley-5',
        'parley-6',
      ]);
      expect($(el, '#parley-3').parentElement!.querySelector('ol #parley-7')).to.exist;
      const region = $(el, '[role=status]');
      expect(region.getAttribute('aria-live')).to.not.equal('assertive');
      await waitUntil(() => status(el) === '2 new replies', 'one announcement for the batch');

      es.push(44, created(makeMessage(8)));
      await waitUntil(() => status(el) === '1 new reply', 'singular');
    });

    it('puts new replies first with sort="newest"', async () => {
      const { el, es } = await live({ sort: 'newest' });
      es.open().push(41, created(makeMessage(6)));
      await applied(el);
      expect(articleIds(el).slice(0, 3)).to.deep.equal(['parley-1', 'parley-6', 'parley-2']);
    });

    it('replaces edited messages, removes removed ones, and follows the thread’s counts and title', async () => {
      const { el, es } = await live({}, [
        opening,
        makeMessage(2),
        makeMessage(3),
        makeMessage(4, { parentId: 3 }),
      ]);
      es.open();
      es.push(
        41,
        created({
          ...makeMessage(2),
          html: '<p>Edited words</p>',
          editedAt: makeMessage(2).createdAt,
          highlighted: true,
        }),
      );
      es.push(42, {
        type: 'message.updated',
        message: { ...makeMessage(4, { parentId: 3 }), html: '<p>Fixed</p>' },
      });
      es.push(43, { type: 'message.removed', id: 3 });
      es.push(44, {
        type: 'thread.updated',
        thread: makeThread({
          title: 'Renamed',
          summary: 'New summary',
          messageCount: 3,
          highlightCount: 1,
        }),
      });
      es.push(45, { type: 'message.updated', message: makeMessage(99) });
      await applied(el);
      expect(text($(el, '#parley-2 [part~=body]'))).to.equal('Edited words');
      expect($(el, '#parley-2 .star')).to.exist;
      expect(text($(el, '#parley-2'))).to.contain('edited');
      expect(text($(el, '#parley-4 [part~=body]'))).to.equal('Fixed');
      // It had a reply: a placeholder keeps the reply in its place.
      expect(text($(el, '#parley-3'))).to.equal('This message was deleted.');
      expect(articleIds(el)).to.not.include('parley-99');
      expect(text($(el, '[part~=title]'))).to.equal('Renamed');
      expect(text($(el, '[part~=summary]'))).to.equal('New summary');
      expect(text($(el, '[part~=stats]'))).to.contain('3 msgs');
      expect(text($(el, '[part~=stats]'))).to.contain('1 highlight');

      es.push(46, { type: 'message.removed', id: 4 });
      await applied(el);
      expect($(el, '#parley-4')).to.equal(null);
    });

    it('hides the form when the thread closes and gives the draft back when it reopens', async () => {
      const { el, es } = await live();
      type(el, '#parley-body', 'A thought in progress');
      es.open().push(41, { type: 'thread.updated', thread: makeThread({ status: 'closed' }) });
      await applied(el);
      expect($(el, 'form[part~=form]')).to.equal(null);
      expect(text($(el, '[part~=status]'))).to.equal('Discussion closed');

      es.push(42, { type: 'thread.updated', thread: makeThread({ status: 'open' }) });
      await applied(el);
      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('A thought in progress');
    });

    it('never moves focus or touches the draft while replies arrive', async () => {
      const { el, es } = await live();
      const body = $<HTMLTextAreaElement>(el, '#parley-body');
      body.focus();
      type(el, '#parley-body', 'Half a sentence');
      body.setSelectionRange(5, 5);
      es.open();
      for (let id = 6; id < 10; id++) es.push(35 + id, created(makeMessage(id)));
      await applied(el);
      await waitUntil(() => status(el) === '4 new replies');
      expect(active(el)).to.equal(body);
      expect(body.value).to.equal('Half a sentence');
      expect(body.selectionStart).to.equal(5);
    });

    describe('while the reader types', () => {
      /** A page much taller than the viewport, so the scroll can be kept, not only clamped. */
      async function tall(attrs: Record<string, string> = {}) {
        const k = uniqueKey();
        serveThread(k, {}, seedMessages, null, 40);
        const page = document.createElement('div');
        page.style.padding = '100vh 0';
        const el = await mount({ thread: k, ...attrs }, page);
        return { el, es: await stream() };
      }
      beforeEach(() => {
        // Our own compensation, not the browser's scroll anchoring.
        document.documentElement.style.overflowAnchor = 'none';
      });
      afterEach(() => {
        document.documentElement.style.overflowAnchor = '';
        scrollTo(0, 0);
      });
      /** Where `selector` is on screen now. */
      const top = (el: ParleyThread, selector: string) =>
        $(el, selector).getBoundingClientRect().top;

      it('keeps an in-place reply box focused, its text, caret and place, as replies land above and below', async () => {
        // Newest first: a new message lands above, and every message after it moves into the next element.
        const { el, es } = await tall({ sort: 'newest' });
        $(el, '#parley-4 .reply').click();
        await waitUntil(() => active(el)?.id === 'parley-r4-body');
        type(el, '#parley-r4-body', 'Half a thought');
        const box = $<HTMLTextAreaElement>(el, '#parley-r4-body');
        box.setSelectionRange(4, 9);
        scrollBy(0, top(el, '#parley-r4-body') - 200);
        const before = top(el, '#parley-r4-body');
        es.open();
        es.push(
          41,
          created(makeMessage(6, { parentId: 2, html: '<p>A</p><p>tall</p><p>one</p>' })),
        );
        es.push(42, created(makeMessage(7)));
        await applied(el);
        expect(articleIds(el)).to.include.members(['parley-6', 'parley-7']);
        const now = active(el) as HTMLTextAreaElement;
        expect(now?.id).to.equal('parley-r4-body');
        expect(now.value).to.equal('Half a thought');
        expect([now.selectionStart, now.selectionEnd]).to.deep.equal([4, 9]);
        await frame();
        expect(top(el, '#parley-r4-body')).to.be.closeTo(before, 1);
        // The next keystrokes land in it.
        type(el, '#parley-r4-body', 'Half a thought, finished');
        expect(JSON.parse(localStorage.getItem('parley:drafts')!)[SERVER][el.thread!][4]).to.equal(
          'Half a thought, finished',
        );
      });

      it('keeps the main form in place while replies are appended above it', async () => {
        const { el, es } = await tall();
        const body = $<HTMLTextAreaElement>(el, '#parley-body');
        body.focus();
        type(el, '#parley-body', 'Typing here');
        body.setSelectionRange(6, 6);
        scrollBy(0, top(el, '#parley-body') - 300);
        const before = top(el, '#parley-body');
        es.open();
        for (let id = 6; id < 9; id++) es.push(35 + id, created(makeMessage(id)));
        await applied(el);
        expect(articleIds(el)).to.include('parley-8');
        expect(top(el, '#parley-body')).to.be.closeTo(before, 1);
        // Still once the new messages have their real heights (content-visibility) and are painted.
        await frame();
        expect(active(el)).to.equal(body);
        expect(body.selectionStart).to.equal(6);
        expect(top(el, '#parley-body')).to.be.closeTo(before, 1);
      });

      it('moves the focus to the nearest message when the one with the open reply box or report step is removed', async () => {
        const { el, es } = await tall();
        $(el, '#parley-4 .reply').click();
        await waitUntil(() => active(el)?.id === 'parley-r4-body');
        type(el, '#parley-r4-body', 'Kept as a draft');
        es.open().push(41, { type: 'message.removed', id: 4 });
        await applied(el);
        expect($(el, '#parley-4')).to.equal(null);
        expect($(el, 'form[part~=reply]')).to.equal(null);
        expect(active(el)?.id).to.equal('parley-5');

        $(el, '#parley-3 .report').click();
        await waitUntil(() => $(el, '#parley-reason-3'));
        $(el, '#parley-reason-3').focus();
        es.push(42, { type: 'message.removed', id: 3 });
        await applied(el);
        expect($(el, 'form[part~=report]')).to.equal(null);
        expect(active(el)?.id).to.equal('parley-5');
        await expect(el).to.be.accessible();
      });
    });

    it('shows the reader’s own post once, whether its event comes before or after the answer', async () => {
      const { el, es } = await live();
      es.open();
      const answer = deferred();
      route('POST', `${threadPath(el.thread!)}/messages`, () => answer.promise);
      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'Mine');
      await submit(el);
      const mine = makeMessage(6, { author: { name: 'Grace' }, html: '<p>Mine</p>' });
      // The event overtakes the answer.
      es.push(41, created(mine));
      es.push(42, { type: 'thread.updated', thread: makeThread({ messageCount: 6 }) });
      await applied(el);
      answer.resolve(json({ message: mine, editToken: 'tok-6' }, 201));
      await waitUntil(() => status(el) === 'Your reply was posted.');
      expect(articleIds(el).filter((id) => id === 'parley-6')).to.have.length(1);
      expect(text($(el, '[part~=stats]'))).to.contain('6 msgs');

      // And the other way round.
      const second = makeMessage(7, { author: { name: 'Grace' } });
      route('POST', `${threadPath(el.thread!)}/messages`, () =>
        json({ message: second, editToken: 'tok-7' }, 201),
      );
      type(el, '#parley-body', 'Mine again');
      await submit(el);
      await waitUntil(() => articleIds(el).includes('parley-7'));
      es.push(43, created(second));
      await applied(el);
      expect(articleIds(el).filter((id) => id === 'parley-7')).to.have.length(1);
      await new Promise((r) => setTimeout(r, liveSettings.announceMs * 3));
      expect(status(el)).to.not.contain('new repl');
    });

    it('keeps what the reader looks at in place when a reply lands above it (newest first)', async () => {
      // Our own compensation, not the browser's scroll anchoring (Safari had none until 2024).
      document.documentElement.style.overflowAnchor = 'none';
      try {
        const many = [opening, ...Array.from({ length: 30 }, (_, i) => makeMessage(40 - i))];
        const { el, es } = await live({ sort: 'newest' }, many);
        // The message, looked up anew each time: the element that showed it may show another one now.
        const top = () => $(el, '#parley-25').getBoundingClientRect().top;
        // Messages are `content-visibility: auto`: those a scroll brings near the
        // viewport are laid out at their real height (not the estimated one) only
        // a frame or two later, which moves what follows them, and so on. The
        // reader looks at a page that has settled (here: unmoved three frames in
        // a row), so the test measures one too.
        let still = 0;
        await waitUntil(
          async () => {
            scrollBy(0, top() - 100);
            await frame();
            still = Math.abs(top() - 100) < 1 ? still + 1 : 0;
            return still === 3;
          },
          'the page settles with the target 100px from the top',
          { interval: 0 },
        );
        const before = top();
        es.open().push(41, created(makeMessage(41, { html: '<p>A</p><p>long</p><p>reply</p>' })));
        await applied(el);
        expect(articleIds(el)[1]).to.equal('parley-41');
        // In place before the page is painted, and still once it is.
        expect(top()).to.be.closeTo(before, 1);
        await frame();
        expect(top()).to.be.closeTo(before, 1);
      } finally {
        document.documentElement.style.overflowAnchor = '';
        scrollTo(0, 0);
      }
    });

    it('shows other readers’ new replies on a thread with pages still to load, moving neither focus nor what was there', async () => {
      const { el, es } = await live({}, seedMessages, 'cursor-1');
      expect($(el, '[part~=load-more]')).to.exist;
      const body = $<HTMLTextAreaElement>(el, '#parley-body');
      body.focus();
      type(el, '#parley-body', 'Half a sentence');
      const before = articleIds(el);
      es.open().push(41, created(makeMessage(6)));
      es.push(42, created(makeMessage(7)));
      await applied(el);
      expect(articleIds(el)).to.include.members(['parley-6', 'parley-7']);
      expect(articleIds(el).slice(0, before.length)).to.deep.equal(before);
      const ids = articleIds(el);
      expect(ids.indexOf('parley-6')).to.be.below(ids.indexOf('parley-7'));
      await waitUntil(() => status(el) === '2 new replies', 'announced politely');
      expect(active(el)).to.equal(body);
      expect(body.value).to.equal('Half a sentence');
    });

    it('reloads the thread quietly on reload, keeping the draft, and follows on from the new page', async () => {
      const { k, el, es } = await live();
      type(el, '#parley-body', 'Still here');
      serveThread(k, { messageCount: 7 }, [...seedMessages, makeMessage(6)], null, 90);
      es.open().push(80, { type: 'reload' });
      expect(es.closed).to.equal(true);
      const again = await stream();
      expect(again.url).to.equal(eventsUrl(k, 90));
      await el.updateComplete;
      expect($(el, '.skeleton')).to.equal(null);
      expect(articleIds(el)).to.include('parley-6');
      expect(text($(el, '[part~=stats]'))).to.contain('7 msgs');
      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('Still here');
    });
  });

  describe('resilience', () => {
    /** Streams the test has taken: `live()`'s first, then each `nextStream()`. */
    let taken = 1;
    beforeEach(() => {
      taken = 1;
    });
    /** The stream the element opens after the last one the test took. */
    async function nextStream() {
      const n = taken++;
      await waitUntil(() => FakeEventSource.streams.length > n, `stream ${n + 1} opened`);
      return FakeEventSource.streams[n]!;
    }
    /** The live-note the element shows, if any. */
    const note = (el: ParleyThread) => text($(el, '[part~=live-note]'));

    it('waits about 1 s, then twice as long each time up to about 30 s, drawn at random between half and all of it', () => {
      expect(retryDelay(0, 0)).to.equal(500);
      expect(retryDelay(0, 0.999)).to.be.closeTo(1000, 1);
      expect(retryDelay(1, 0)).to.equal(1000);
      expect(retryDelay(3, 0.5)).to.equal(6000);
      expect(retryDelay(5, 0)).to.equal(15_000);
      expect(retryDelay(5, 0.999)).to.be.closeTo(30_000, 30);
      expect(retryDelay(60, 0.999)).to.be.closeTo(30_000, 30);
      // Readers who lost the same server come back spread out, not at once.
      const delays = new Set(Array.from({ length: 20 }, () => Math.round(retryDelay(4))));
      expect(delays.size).to.be.greaterThan(10);
    });

    it('opens a dropped or refused stream anew after a growing pause, without telling the page', async () => {
      Object.assign(liveSettings, { retryMs: 40, maxRetryMs: 160 });
      const { el, es } = await live();
      const errors: Event[] = [];
      el.addEventListener('parley-error', (e) => errors.push(e));
      es.open();
      const pauses: number[] = [];
      let current = es;
      for (let i = 0; i < 5; i++) {
        const failed = performance.now();
        // Dropped, as a restarting server does; refused once, as a proxy's 502 is.
        current.fail(i === 2);
        expect(current.closed).to.equal(true);
        current = await nextStream();
        pauses.push(performance.now() - failed);
      }
      // At least half of 40, 80, 160, 160 (the cap), 160 ms: a pause that grows.
      for (const [i, least] of [20, 40, 80, 80, 80].entries())
        expect(pauses[i], `pause ${i + 1}`).to.be.at.least(least - 2);
      expect(errors).to.have.length(0);
    });

    it('starts the backoff afresh once a stream has stayed open a while, not when it drops at once', async () => {
      Object.assign(liveSettings, { retryMs: 10, maxRetryMs: 10_000, refusals: 100 });
      const { es } = await live();
      let current = es;
      let failed = 0;
      // Opens and drops at once, again and again: the pause keeps growing.
      for (let i = 0; i < 7; i++) {
        current.open().fail();
        failed = performance.now();
        current = await nextStream();
      }
      expect(performance.now() - failed).to.be.at.least(320 - 2);
      liveSettings.stableMs = 0;
      current.open().fail();
      failed = performance.now();
      await nextStream();
      // The 8th pause in a row would be at least 640 ms; afresh it is 5 to 10.
      expect(performance.now() - failed).to.be.below(600);
    });

    it('resumes after the last event it applied, so events sent while it was down arrive once, in order', async () => {
      liveSettings.retryMs = 20;
      const { k, el, es } = await live();
      const log: Record<string, unknown>[] = [
        created(makeMessage(6)),
        created(makeMessage(7)),
        created(makeMessage(8)),
      ];
      /** A server's stream: replays the log after the id in its URL. */
      const serve = (stream: FakeEventSource) => {
        stream.open();
        const from = Number(new URL(stream.url).searchParams.get('lastEventId'));
        for (const [i, data] of log.slice(from - 40).entries())
          stream.push(from + 1 + i, data as { type: string });
      };
      serve(es);
      await applied(el);
      es.fail();
      // While it is down: 6 is edited, 7 removed, 9 posted.
      log.push(
        { type: 'message.updated', message: { ...makeMessage(6), html: '<p>Edited</p>' } },
        { type: 'message.removed', id: 7 },
        created(makeMessage(9)),
      );
      const again = await nextStream();
      expect(again.url).to.equal(eventsUrl(k, 43));
      const seen: string[] = [];
      const record = (e: Event) => seen.push((e as MessageEvent).lastEventId);
      for (const type of ['message.created', 'message.updated', 'message.removed'])
        again.addEventListener(type, record);
      serve(again);
      await applied(el);
      expect(seen).to.deep.equal(['44', '45', '46']);
      expect(articleIds(el)).to.deep.equal([
        'parley-1',
        'parley-2',
        'parley-3',
        'parley-4',
        'parley-5',
        'parley-6',
        'parley-8',
        'parley-9',
      ]);
      expect(text($(el, '#parley-6 [part~=body]'))).to.equal('Edited');

      // And after a reload (the last event too old), from the reloaded page's id.
      serveThread(
        k,
        {},
        [...seedMessages, makeMessage(6), makeMessage(8), makeMessage(9)],
        null,
        60,
      );
      again.push(47, { type: 'reload' });
      const third = await nextStream();
      expect(third.url).to.equal(eventsUrl(k, 60));
    });

    it('shows a quiet “Reconnecting…” note while the stream is down, and says once it is back', async () => {
      Object.assign(liveSettings, { noteMs: 30, retryMs: 200 });
      const { el, es } = await live();
      const body = $<HTMLTextAreaElement>(el, '#parley-body');
      body.focus();
      type(el, '#parley-body', 'Half a sentence');
      es.open().fail();
      expect(note(el)).to.equal('');
      await waitUntil(() => note(el) === 'Reconnecting…', 'the note, after a few seconds down');
      const shown = $(el, '[part~=live-note]');
      expect(shown.closest('[role=alert], [aria-live=assertive]') === null).to.equal(true);
      expect(active(el)).to.equal(body);
      await expect(el).to.be.accessible();

      // The retried stream is refused: still reconnecting.
      const retry = await nextStream();
      retry.fail(true);
      expect(note(el)).to.equal('Reconnecting…');
      const back = await nextStream();
      back.open();
      await el.updateComplete;
      expect(note(el)).to.equal('');
      await waitUntil(() => status(el) === 'Live updates resumed.', 'said politely');
      expect($(el, '[role=status]').getAttribute('aria-live')).to.not.equal('assertive');
      expect(active(el)).to.equal(body);
      expect(body.value).to.equal('Half a sentence');
    });

    it('shows no note for a blip', async () => {
      Object.assign(liveSettings, { noteMs: 80, retryMs: 10 });
      const { el, es } = await live();
      const notes: string[] = [];
      const watch = new MutationObserver(() => {
        if ($(el, '[part~=live-note]')) notes.push(note(el));
      });
      watch.observe(el.shadowRoot!, { childList: true, subtree: true, characterData: true });
      es.open().fail();
      (await nextStream()).open();
      // Past the time the note would have shown.
      await new Promise((r) => setTimeout(r, liveSettings.noteMs * 2));
      await el.updateComplete;
      watch.disconnect();
      expect(notes).to.deep.equal([]);
      expect(status(el)).to.not.contain('resumed');
    });

    it('clears the note while the tab is hidden', async () => {
      Object.assign(liveSettings, { noteMs: 10, retryMs: 10_000 });
      const { el, es } = await live();
      es.open().fail();
      await waitUntil(() => note(el) === 'Reconnecting…');
      setHidden(true);
      await el.updateComplete;
      expect(note(el)).to.equal('');
      // Visible again: a fresh try at once, not after the pause.
      setHidden(false);
      const again = await nextStream();
      again.open();
      await el.updateComplete;
      expect(note(el)).to.equal('');
    });

    it('polls after the stream is refused again and again, tells the page once, and goes back to the stream', async () => {
      Object.assign(liveSettings, { pollMs: 30, retryMs: 40, maxRetryMs: 80, refusals: 2 });
      const { k, el, es } = await live();
      const errors: CustomEvent[] = [];
      el.addEventListener('parley-error', (e) => errors.push(e));
      // Answered with something other than a stream (a 429 or a 503), twice.
      es.fail(true);
      expect(es.closed).to.equal(true);
      expect(errors).to.have.length(0);
      const second = await nextStream();
      second.fail(true);
      expect(errors).to.have.length(1);
      expect(errors[0]!.detail.code).to.equal('network');

      // Polling merges what changed meanwhile.
      serveThread(k, { messageCount: 6 }, [...seedMessages, makeMessage(6)], null, 41);
      await waitUntil(() => articleIds(el).includes('parley-6'), 'the poll brings the reply');
      expect(text($(el, '[part~=stats]'))).to.contain('6 msgs');

      // The stream is still tried, resuming after the last event the stream gave.
      const retry = await nextStream();
      expect(retry.url).to.equal(eventsUrl(k, 40));
      retry.fail(true);
      const fourth = await nextStream();
      expect(errors).to.have.length(1);

      fourth.open();
      const polls = calls.length;
      await new Promise((r) => setTimeout(r, liveSettings.pollMs * 3));
      expect(calls.length).to.equal(polls);
      fourth.push(41, created(makeMessage(6)));
      fourth.push(42, created(makeMessage(7)));
      await applied(el);
      expect(articleIds(el).filter((id) => id === 'parley-6')).to.have.length(1);
      expect(articleIds(el)).to.include('parley-7');

      // A later outage is told again, once.
      fourth.fail();
      (await nextStream()).fail(true);
      (await nextStream()).fail(true);
      expect(errors).to.have.length(2);
      (await nextStream()).fail(true);
      expect(errors).to.have.length(2);
    });

    it('finds new replies by polling on a long thread read oldest first', async () => {
      Object.assign(liveSettings, { pollMs: 20, refusals: 1, retryMs: 10_000 });
      const { k, el, es } = await live({}, seedMessages, 'cursor-1');
      route('GET', `${threadPath(k)}/messages`, (req) => {
        expect(new URL(req.url).searchParams.get('sort')).to.equal('newest');
        return json({ messages: [makeMessage(31), makeMessage(30)], nextCursor: 'c' });
      });
      es.fail(true);
      await waitUntil(() => articleIds(el).includes('parley-31'), 'the poll brings them');
      const ids = articleIds(el);
      expect(ids.indexOf('parley-30')).to.be.below(ids.indexOf('parley-31'));
      expect(ids.slice(0, 5)).to.deep.equal(seedMessages.map((m) => `parley-${m.id}`));
    });

    it('polls once the stream has been down for long, whatever the cause', async () => {
      Object.assign(liveSettings, { pollMs: 20, retryMs: 10, maxRetryMs: 20, pollAfterMs: 100 });
      const { el, es } = await live();
      const errors: CustomEvent[] = [];
      el.addEventListener('parley-error', (e) => errors.push(e));
      es.open();
      const start = performance.now();
      es.fail();
      // Dropped each time it is tried (a server that is down), never refused.
      for (let i = 0; i < 40 && !errors.length; i++) (await nextStream()).fail();
      expect(errors).to.have.length(1);
      expect(errors[0]!.detail.code).to.equal('network');
      expect(performance.now() - start).to.be.at.least(100 - 2);
      const before = calls.length;
      await waitUntil(() => calls.length > before, 'polling');
    });

    it('gives up on a stream that never opens, and tries again', async () => {
      Object.assign(liveSettings, { openTimeoutMs: 30, retryMs: 10, pollAfterMs: 60 });
      const k = uniqueKey();
      serveThread(k, {}, seedMessages, null, 40);
      const el = document.createElement('parley-thread');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', k);
      const failed = oneEvent(el, 'parley-error');
      await fixture(el);
      expect((await failed).detail.code).to.equal('network');
      expect(FakeEventSource.streams[0]!.closed).to.equal(true);
      expect(FakeEventSource.streams.length).to.be.at.least(2);
    });

    it('stops polling while the tab is hidden', async () => {
      Object.assign(liveSettings, { pollMs: 20, refusals: 1, retryMs: 10_000 });
      const { el, es } = await live();
      es.fail(true);
      await waitUntil(() => calls.length > 2, 'polling');
      setHidden(true);
      await el.updateComplete;
      const polls = calls.length;
      await new Promise((r) => setTimeout(r, 100));
      expect(calls.length).to.equal(polls);
    });
  });
});
