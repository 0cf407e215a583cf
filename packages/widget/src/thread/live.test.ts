import { expect, fixture, oneEvent, waitUntil } from '@open-wc/testing';
import type { Message } from '@parley/server/wire';
import { liveSettings } from './live.js';
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
const status = (el: ParleyThread) => text($(el, '[role=status]'));
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
/** Mounts a thread whose page was read after event 40. */
async function live(attrs: Record<string, string> = {}, messages = seedMessages) {
  const k = uniqueKey();
  serveThread(k, {}, messages, null, 40);
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
      // Two frames: the observer has reported by then.
      for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r));
      expect(openStreams()).to.have.length(0);
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
    it('reopens a stream the server ended (a restart) after the last event, without telling the page', async () => {
      liveSettings.reopenMs = 30;
      const { k, el, es } = await live();
      const errors: Event[] = [];
      el.addEventListener('parley-error', (e) => errors.push(e));
      es.open().push(44, { type: 'message.removed', id: 5 });
      // EventSource reconnects by itself after a dropped connection...
      es.fail();
      expect(es.closed).to.equal(false);
      es.open();
      // ...but gives up on a 503; the element opens a stream anew.
      es.fail(true);
      expect(es.closed).to.equal(true);
      const again = await stream();
      expect(again.url).to.equal(eventsUrl(k, 44));
      expect(errors).to.have.length(0);
    });

    it('polls after repeated failures, tells the page once, and goes back to the stream', async () => {
      Object.assign(liveSettings, { pollMs: 30, retryMs: [150, 300], reopenMs: 50 });
      const { k, el, es } = await live();
      const errors: CustomEvent[] = [];
      el.addEventListener('parley-error', (e) => errors.push(e));
      es.open();
      es.fail();
      es.fail();
      expect(es.closed).to.equal(false);
      es.fail();
      expect(es.closed).to.equal(true);
      expect(errors).to.have.length(1);
      expect(errors[0]!.detail.code).to.equal('network');

      // Polling merges what changed meanwhile.
      serveThread(k, { messageCount: 6 }, [...seedMessages, makeMessage(6)], null, 41);
      await waitUntil(() => articleIds(el).includes('parley-6'), 'the poll brings the reply');
      expect(text($(el, '[part~=stats]'))).to.contain('6 msgs');
      await waitUntil(() => calls.filter((c) => c.url.includes(threadPath(k))).length > 3);

      // The retried stream resumes after the last event the stream gave.
      const retry = await stream();
      expect(retry.url).to.equal(eventsUrl(k, 40));
      retry.fail(true);
      expect(retry.closed).to.equal(true);
      const third = await stream();
      expect(errors).to.have.length(1);

      third.open();
      await new Promise((r) => setTimeout(r, 100));
      const polls = calls.length;
      await new Promise((r) => setTimeout(r, 100));
      expect(calls.length).to.equal(polls);
      third.push(41, created(makeMessage(6)));
      third.push(42, created(makeMessage(7)));
      await applied(el);
      expect(articleIds(el).filter((id) => id === 'parley-6')).to.have.length(1);
      expect(articleIds(el)).to.include('parley-7');
      expect(errors).to.have.length(1);
    });

    it('gives up on a stream that never opens', async () => {
      Object.assign(liveSettings, { openTimeoutMs: 30, pollMs: 1000, retryMs: [1000] });
      const k = uniqueKey();
      serveThread(k, {}, seedMessages, null, 40);
      const el = document.createElement('parley-thread');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', k);
      const failed = oneEvent(el, 'parley-error');
      await fixture(el);
      expect((await failed).detail.code).to.equal('network');
      expect(FakeEventSource.streams[0]!.closed).to.equal(true);
    });

    it('stops polling while the tab is hidden', async () => {
      Object.assign(liveSettings, { pollMs: 20, retryMs: [10_000] });
      const { el, es } = await live();
      for (let i = 0; i < 3; i++) es.fail();
      await waitUntil(() => calls.length > 2, 'polling');
      setHidden(true);
      await el.updateComplete;
      const polls = calls.length;
      await new Promise((r) => setTimeout(r, 100));
      expect(calls.length).to.equal(polls);
    });
  });
});
