/**
 * Reading a thread longer than one page: gaps and "load more", a link to a
 * message past the first page, where new messages land (`ThreadHost.add`),
 * `reveal`, `liveNote`, the highlights view's own list, the closed notice and
 * the skip link.
 */
import { expect, fixture, nextFrame, oneEvent, waitUntil } from '@open-wc/testing';
import type { Message } from '@parley/server/wire';
import { emulateMedia } from '@web/test-runner-commands';
import { lazy } from './parley-thread.js';
import {
  $,
  $$,
  apiError,
  calls,
  deferred,
  ids,
  json,
  makeMessage,
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
import type { ThreadHost } from './thread-host.js';

/** Replies 10, 11, ... (`n` of them), oldest first. */
const repliesFrom = (first: number, n: number) =>
  Array.from({ length: n }, (_, i) => makeMessage(first + i));

/**
 * Serves `/messages` as the server pages a listing of `listing` (replies,
 * oldest first) by `limit`: a cursor `c<i>` continues at index i; `at=ID` is
 * the page holding ID, starting a quarter page before it; `highlighted=true`
 * pages the highlighted ones with cursors `h<i>`.
 */
function serveListing(key: string, listing: Message[]) {
  route('GET', `${threadPath(key)}/messages`, (req) => {
    const q = new URL(req.url).searchParams;
    const limit = Number(q.get('limit'));
    const page = (list: Message[], from: number, prefix: string) => ({
      messages: list.slice(from, from + limit),
      nextCursor: from + limit < list.length ? `${prefix}${from + limit}` : null,
    });
    if (q.get('highlighted') === 'true') {
      const starred = listing.filter((m) => m.highlighted);
      return json(page(starred, Number(q.get('cursor')?.slice(1) ?? 0), 'h'));
    }
    const at = q.get('at');
    if (at) {
      const i = listing.findIndex((m) => m.id === Number(at));
      if (i < 0) return apiError(404, 'message_not_found');
      const before = Math.max(0, i - Math.floor(limit / 4));
      return json({ ...page(listing, before, 'c'), before });
    }
    return json(page(listing, Number(q.get('cursor')!.slice(1)), 'c'));
  });
}

/** A thread of an opening post and `n` replies (ids 10...), its first page of `limit` served. */
function serveLong(key: string, n: number, limit = 20, over: Partial<Message> = {}) {
  const listing = repliesFrom(10, n).map((m) => ({ ...m, ...over }));
  serveThread(
    key,
    { messageCount: n + 1 },
    [opening, ...listing.slice(0, limit)],
    n > limit ? `c${limit}` : null,
  );
  serveListing(key, listing);
  return listing;
}

/** 60 replies from id 10, every one whose id ends in 5 highlighted (6 in all). */
const highlightedListing = () =>
  repliesFrom(10, 60).map((m) => (m.id % 10 === 5 ? { ...m, highlighted: true } : m));

const replyIds = (el: HTMLElement) =>
  ids($$(el as never, '[part~=messages] article')).map((id) => Number(id.slice(7)));
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The host the element lends its lazy parts, caught as the real live chunk receives it. */
async function catchHost(): Promise<{ host: Promise<ThreadHost>; restore: () => void }> {
  const real = lazy.live;
  let give!: (h: ThreadHost) => void;
  const host = new Promise<ThreadHost>((r) => {
    give = r;
  });
  lazy.live = async () => {
    const chunk = await real();
    return {
      ...chunk,
      LiveUpdates: class extends chunk.LiveUpdates {
        constructor(h: ThreadHost) {
          super(h);
          give(h);
        }
      },
    };
  };
  return {
    host,
    restore: () => {
      lazy.live = real;
    },
  };
}

describe('<parley-thread> long threads', () => {
  let scrolled: { id: string; behavior: string | undefined }[];
  const realScroll = Element.prototype.scrollIntoView;
  beforeEach(() => {
    scrolled = [];
    Element.prototype.scrollIntoView = function (
      this: Element,
      o?: boolean | ScrollIntoViewOptions,
    ) {
      scrolled.push({ id: this.id, behavior: typeof o === 'object' ? o.behavior : undefined });
    };
  });
  afterEach(async () => {
    Element.prototype.scrollIntoView = realScroll;
    history.replaceState(null, '', location.pathname + location.search);
    await emulateMedia({ reducedMotion: 'no-preference' });
  });

  describe('a link to a message past the first page', () => {
    it('reads the page that holds it, puts it after a gap of the replies between, scrolls to it and marks it', async () => {
      history.replaceState(null, '', `${location.pathname}${location.search}#parley-60`);
      const key = uniqueKey();
      serveLong(key, 80);
      const el = await mount({ thread: key });
      await waitUntil(() => $(el, '#parley-60'), 'the linked message is read');
      const at = new URL(calls.find((c) => c.url.includes('at='))!.url).searchParams;
      expect(at.get('at')).to.equal('60');
      expect(at.get('limit')).to.equal('20');
      expect(at.get('sort')).to.equal('oldest');
      // The page starts 5 replies (a quarter page) before 60: 55..74.
      expect(replyIds(el)).to.deep.equal([...range(10, 29), ...range(55, 74)]);
      // 25 replies (30..54) between the first page and the linked one.
      const gap = $<HTMLButtonElement>(el, '[part~=gap]');
      expect(text(gap)).to.equal('25 earlier replies');
      expect(gap.closest('li')!.nextElementSibling!.querySelector('article')!.id).to.equal(
        'parley-55',
      );
      expect(text($(el, '[part~=load-more]'))).to.equal('Load more replies');
      await waitUntil(() => scrolled.some((s) => s.id === 'parley-60'));
      expect($(el, '#parley-60').getAttribute('part')).to.contain('target');
      // Keyboard and screen-reader users start there too.
      expect(el.shadowRoot!.activeElement?.id).to.equal('parley-60');
      expect($(el, '#parley-60').tabIndex).to.equal(-1);
      await expect(el).to.be.accessible();
    });

    it('follows a hashchange to a message not loaded', async () => {
      const key = uniqueKey();
      serveLong(key, 50);
      const el = await mount({ thread: key });
      const changed = oneEvent(window, 'hashchange');
      location.hash = '#parley-45';
      await changed;
      await waitUntil(() => scrolled.some((s) => s.id === 'parley-45'));
      expect($(el, '#parley-45').getAttribute('part')).to.contain('target');
      // 40..59 reaches the end: no "load more" after it, a gap of 10 (30..39) before it.
      expect(text($(el, '[part~=gap]'))).to.equal('10 earlier replies');
      expect($(el, '[part~=load-more]')).to.equal(null);
    });

    it('says quietly that a message the server does not list is not available, with no parley-error', async () => {
      history.replaceState(null, '', `${location.pathname}${location.search}#parley-999`);
      const key = uniqueKey();
      serveLong(key, 30);
      const errors: Event[] = [];
      document.addEventListener('parley-error', (e) => errors.push(e));
      const el = await mount({ thread: key });
      await waitUntil(() => $(el, '[part~=notice]'));
      document.removeEventListener('parley-error', (e) => errors.push(e));
      expect(text($(el, '[part~=notice]'))).to.equal('The linked message is not available.');
      expect(text($(el, '[role=status].vh'))).to.equal('The linked message is not available.');
      expect(errors).to.have.length(0);
      expect(replyIds(el)).to.deep.equal(range(10, 29));
      await expect(el).to.be.accessible();
    });
  });

  describe('gaps', () => {
    it('loads a gap from its cursor, shrinks it, and closes it when it meets the run after it', async () => {
      history.replaceState(null, '', `${location.pathname}${location.search}#parley-70`);
      const key = uniqueKey();
      serveLong(key, 80);
      const el = await mount({ thread: key, 'page-size': '20' });
      await waitUntil(() => $(el, '#parley-70'));
      // First page 10..29; linked page 65..84; gap 30..64 (35).
      expect(text($(el, '[part~=gap]'))).to.equal('35 earlier replies');
      $<HTMLButtonElement>(el, '[part~=gap]').click();
      await waitUntil(() => text($(el, '[part~=gap]')) === '15 earlier replies');
      await el.updateComplete;
      expect(new URL(calls.at(-1)!.url).searchParams.get('cursor')).to.equal('c20');
      expect(replyIds(el)).to.deep.equal([...range(10, 49), ...range(65, 84)]);
      $<HTMLButtonElement>(el, '[part~=gap]').click();
      await waitUntil(() => !$(el, '[part~=gap]'));
      await el.updateComplete;
      // Shown once each, in order, though the last page overlapped the linked one.
      expect(replyIds(el)).to.deep.equal(range(10, 84));
      expect(text($(el, '[part~=load-more]'))).to.equal('Load more replies');
    });

    it('keeps the focus on a gap button while it loads (aria-disabled, not disabled), then moves it to the first reply the page brought', async () => {
      const key = uniqueKey();
      serveThread(key, { messageCount: 41 }, [opening, ...repliesFrom(10, 20)], 'c20');
      const listing = repliesFrom(10, 40);
      const held = deferred();
      route('GET', `${threadPath(key)}/messages`, async (req) => {
        await held.promise;
        const from = Number(new URL(req.url).searchParams.get('cursor')!.slice(1));
        const next = from + 10 < 40 ? `c${from + 10}` : null;
        return json({ messages: listing.slice(from, from + 10), nextCursor: next });
      });
      const el = await mount({ thread: key });
      const more = $<HTMLButtonElement>(el, '[part~=load-more]');
      more.focus();
      more.click();
      await el.updateComplete;
      await waitUntil(() => more.getAttribute('aria-disabled') === 'true');
      expect(more.disabled).to.equal(false);
      expect(el.shadowRoot!.activeElement).to.equal(more);
      await expect(el).to.be.accessible();
      // A second press while it loads asks nothing more.
      more.click();
      held.resolve(new Response());
      await waitUntil(() => $$(el, '[part~=messages] article').length === 30);
      expect(calls.filter((c) => c.url.includes('cursor'))).to.have.length(1);
      // The gap remains, but the focus goes where the reader reads on: the first reply it brought.
      await waitUntil(() => el.shadowRoot!.activeElement?.id === 'parley-30');
      expect($(el, '#parley-30').tabIndex).to.equal(-1);
      expect($(el, '[part~=load-more]').getAttribute('aria-disabled')).to.equal('false');
      $<HTMLButtonElement>(el, '[part~=load-more]').focus();
      $<HTMLButtonElement>(el, '[part~=load-more]').click();
      await waitUntil(() => !$(el, '[part~=load-more]'));
      await waitUntil(() => el.shadowRoot!.activeElement?.id === 'parley-40');
    });

    it('moves the focus from a gap within the list to the first reply it brought', async () => {
      history.replaceState(null, '', `${location.pathname}${location.search}#parley-70`);
      const key = uniqueKey();
      serveLong(key, 80);
      const el = await mount({ thread: key });
      await waitUntil(() => $(el, '#parley-70'));
      $<HTMLButtonElement>(el, '[part~=gap]').focus();
      $<HTMLButtonElement>(el, '[part~=gap]').click();
      await waitUntil(() => el.shadowRoot!.activeElement?.id === 'parley-30');
      expect(text($(el, '[part~=gap]'))).to.equal('15 earlier replies');
    });

    it('keeps a page whose gap a live change replaced while it loaded', async () => {
      const caught = await catchHost();
      try {
        const key = uniqueKey();
        serveThread(key, { messageCount: 41 }, [opening, ...repliesFrom(10, 20)], 'c20');
        const listing = repliesFrom(10, 40);
        const held = deferred();
        route('GET', `${threadPath(key)}/messages`, async () => {
          await held.promise;
          return json({ messages: listing.slice(20, 30), nextCursor: 'c30' });
        });
        const el = await mount({ thread: key });
        const host = await caught.host;
        $<HTMLButtonElement>(el, '[part~=load-more]').click();
        await waitUntil(() => calls.some((c) => c.url.includes('cursor=c20')));
        // A live reply lands at the end, after a gap: the gap is a new object now.
        host.add(makeMessage(200));
        await el.updateComplete;
        held.resolve(new Response());
        await waitUntil(() => $(el, '#parley-39'), 'the page is kept');
        expect(replyIds(el)).to.deep.equal([...range(10, 39), 200]);
        expect($(el, '[part~=gap]').getAttribute('aria-disabled')).to.equal('false');
      } finally {
        caught.restore();
      }
    });

    it('reports a failed load of its code as parley-error', async () => {
      const real = lazy.long;
      lazy.long = () =>
        Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
      try {
        const key = uniqueKey();
        serveLong(key, 30);
        const el = await mount({ thread: key });
        const failed = oneEvent(el, 'parley-error');
        $<HTMLButtonElement>(el, '[part~=load-more]').click();
        // The press asked for the chunk at once: the next test gets the real one, whatever happens here.
        lazy.long = real;
        expect((await failed).detail.code).to.equal('internal');
      } finally {
        lazy.long = real;
      }
    });

    it('reports a failed page read as parley-error, says comments are unavailable, and frees the button', async () => {
      const key = uniqueKey();
      serveThread(key, { messageCount: 30 }, [opening, ...repliesFrom(10, 20)], 'c20');
      route('GET', `${threadPath(key)}/messages`, () => apiError(500, 'internal_error'));
      const el = await mount({ thread: key });
      const failed = oneEvent(el, 'parley-error');
      $<HTMLButtonElement>(el, '[part~=load-more]').click();
      expect((await failed).detail.code).to.equal('internal_error');
      await waitUntil(
        () => text($(el, '[role=status].vh')) === 'Comments are unavailable right now.',
      );
      expect($(el, '[part~=load-more]').getAttribute('aria-disabled')).to.equal('false');
    });
  });

  describe('new messages on a thread with pages unloaded', () => {
    it("puts the reader's own top-level reply at the end, after a gap of the replies not loaded, reveals it and marks it", async () => {
      const key = uniqueKey();
      serveLong(key, 30);
      const message = makeMessage(100, {
        author: { name: 'Grace' },
        createdAt: new Date().toISOString(),
      });
      route('POST', `${threadPath(key)}/messages`, () => json({ message, editToken: 't' }, 201));
      const el = await mount({ thread: key });
      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'Late to this.');
      await submit(el);
      await waitUntil(() => $(el, '#parley-100'));
      // 30 replies, 20 loaded: 10 earlier ones stand between the page and the new reply.
      expect(replyIds(el)).to.deep.equal([...range(10, 29), 100]);
      const gap = $(el, '[part~=gap]');
      expect(text(gap)).to.equal('10 earlier replies');
      expect(gap.closest('li')!.nextElementSibling!.querySelector('article')!.id).to.equal(
        'parley-100',
      );
      expect($(el, '[part~=load-more]')).to.equal(null);
      expect($(el, '#parley-100').getAttribute('part')).to.contain('fresh');
      expect(scrolled.find((s) => s.id === 'parley-100')).to.deep.equal({
        id: 'parley-100',
        behavior: 'smooth',
      });
      await expect(el).to.be.accessible();
      // The gap, loaded, meets the reader's reply, which the server lists too: shown once.
      serveListing(key, [...repliesFrom(10, 30), message]);
      $<HTMLButtonElement>(el, '[part~=gap]').click();
      await waitUntil(() => !$(el, '[part~=gap]'));
      await el.updateComplete;
      expect(replyIds(el)).to.deep.equal([...range(10, 39), 100]);
    });

    it('stops the fresh mark when the element disconnects', async () => {
      const key = uniqueKey();
      serveLong(key, 5);
      const message = makeMessage(100, { createdAt: new Date().toISOString() });
      route('POST', `${threadPath(key)}/messages`, () => json({ message, editToken: 't' }, 201));
      const el = await mount({ thread: key });
      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'Hello.');
      await submit(el);
      await waitUntil(() => $(el, '#parley-100')?.getAttribute('part')?.includes('fresh'));
      const parent = el.parentElement!;
      el.remove();
      parent.append(el);
      await el.updateComplete;
      expect($(el, '#parley-100').getAttribute('part')).to.not.contain('fresh');
    });

    it('links a reply whose parent is not loaded to it, and reads the parent in when followed', async () => {
      history.replaceState(null, '', `${location.pathname}${location.search}#parley-60`);
      const key = uniqueKey();
      const listing = repliesFrom(10, 80).map((m) => (m.id === 56 ? { ...m, parentId: 40 } : m));
      serveThread(key, { messageCount: 81 }, [opening, ...listing.slice(0, 20)], 'c20');
      serveListing(key, listing);
      const el = await mount({ thread: key });
      await waitUntil(() => $(el, '#parley-56'));
      await el.updateComplete;
      const link = $<HTMLAnchorElement>(el, '#parley-56 .meta a[href="#parley-40"]');
      expect(text(link)).to.equal('in reply to an earlier message');
      await expect(el).to.be.accessible();
      const changed = oneEvent(window, 'hashchange');
      link.click();
      await changed;
      await waitUntil(() => $(el, '#parley-40'), 'the parent is read in');
      await el.updateComplete;
      // Now under its parent, with no link.
      expect($(el, '#parley-40').closest('li')!.querySelector('ol #parley-56')).to.not.equal(null);
      expect($(el, '#parley-56 .meta a[href="#parley-40"]')).to.equal(null);
    });

    it('scrolls to a revealed message without motion when the reader prefers reduced motion', async () => {
      await emulateMedia({ reducedMotion: 'reduce' });
      const key = uniqueKey();
      serveLong(key, 5);
      const message = makeMessage(100, { createdAt: new Date().toISOString() });
      route('POST', `${threadPath(key)}/messages`, () => json({ message, editToken: 't' }, 201));
      const el = await mount({ thread: key });
      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'Hello.');
      await submit(el);
      await waitUntil(() => scrolled.some((s) => s.id === 'parley-100'));
      expect(scrolled.find((s) => s.id === 'parley-100')!.behavior).to.equal('auto');
    });

    it('puts a live reply first with newest, nests one whose parent is on the page, and shows the live note', async () => {
      const caught = await catchHost();
      try {
        const key = uniqueKey();
        serveThread(key, { messageCount: 31 }, [opening, ...repliesFrom(10, 20).reverse()], 'c20');
        const el = await mount({ thread: key, sort: 'newest' });
        const host = await caught.host;
        host.add(makeMessage(200));
        host.add(makeMessage(201, { parentId: 15 }));
        await el.updateComplete;
        expect(replyIds(el).slice(0, 2)).to.deep.equal([200, 29]);
        expect($(el, '#parley-15').closest('li')!.querySelector('ol #parley-201')).to.not.equal(
          null,
        );
        expect(text($(el, '[part~=load-more]'))).to.equal('Load more replies');

        host.liveNote = 'Reconnecting…';
        await el.updateComplete;
        const note = $(el, '[part~=live-note]');
        expect(text(note)).to.equal('Reconnecting…');
        // Under the status line, inside the header.
        expect(note.previousElementSibling!.getAttribute('part')).to.equal('status');
        await expect(el).to.be.accessible();
        host.liveNote = '';
        await el.updateComplete;
        expect($(el, '[part~=live-note]')).to.equal(null);

        // reset: a first page read again; gaps start afresh.
        expect(host.hasMore).to.equal(true);
        host.reset({ thread: null, messages: [opening, makeMessage(300)], nextCursor: null });
        await el.updateComplete;
        expect(replyIds(el)).to.deep.equal([300]);
        expect(host.hasMore).to.equal(false);
        expect($(el, '[part~=load-more]')).to.equal(null);
      } finally {
        caught.restore();
      }
    });
  });

  describe('highlights view', () => {
    it("lists the thread's highlights from the server, with its own load more, and no reply gaps", async () => {
      const key = uniqueKey();
      const listing = highlightedListing();
      serveThread(
        key,
        { messageCount: 61, highlightCount: 6 },
        [opening, ...listing.slice(0, 20)],
        'c20',
      );
      serveListing(key, listing);
      const el = await mount({ thread: key, 'page-size': '4' });
      // The first page (page-size 4 is only for the highlights here) holds 15 and 25.
      const tab = $$(el, '[part~=view] button')[1]!;
      tab.click();
      await waitUntil(() => $$(el, '[part~=messages] article').length === 4);
      expect(new URL(calls.at(-1)!.url).searchParams.get('highlighted')).to.equal('true');
      expect(replyIds(el)).to.deep.equal([15, 25, 35, 45]);
      expect($(el, '[part~=gap]')).to.equal(null);
      const more = $<HTMLButtonElement>(el, '[part~=load-more]');
      expect(text(more)).to.equal('Load more highlights');
      await expect(el).to.be.accessible();
      more.click();
      await waitUntil(() => !$(el, '[part~=load-more]'));
      await el.updateComplete;
      expect(replyIds(el)).to.deep.equal([15, 25, 35, 45, 55, 65]);
    });

    it('reads the highlights again, in the new order, when the sort changes in that view', async () => {
      const key = uniqueKey();
      const listing = highlightedListing();
      // The first page (either order) holds no highlight.
      serveThread(
        key,
        { messageCount: 61, highlightCount: 6 },
        [opening, ...repliesFrom(70, 20)],
        'c20',
      );
      serveListing(key, listing);
      const el = await mount({ thread: key });
      $$(el, '[part~=view] button')[1]!.click();
      await waitUntil(() => replyIds(el).length === 6);
      el.setAttribute('sort', 'newest');
      await waitUntil(() =>
        calls.some((c) => /highlighted=true/.test(c.url) && /sort=newest/.test(c.url)),
      );
      await waitUntil(() => replyIds(el).length === 6, 'the highlights, not "No highlights yet."');
      expect($(el, '.empty')).to.equal(null);
    });

    it('drops a next page of highlights that a live reload overtook, with no error', async () => {
      const caught = await catchHost();
      const rejected: unknown[] = [];
      const onRejection = (e: PromiseRejectionEvent) => rejected.push(e.reason);
      addEventListener('unhandledrejection', onRejection);
      try {
        const key = uniqueKey();
        const listing = highlightedListing();
        serveThread(
          key,
          { messageCount: 61, highlightCount: 6 },
          [opening, ...listing.slice(0, 20)],
          'c20',
        );
        serveListing(key, listing);
        const el = await mount({ thread: key, 'page-size': '4' });
        const host = await caught.host;
        const errors: string[] = [];
        el.addEventListener('parley-error', (e) => errors.push(e.detail.message));
        $$(el, '[part~=view] button')[1]!.click();
        await waitUntil(() => replyIds(el).length === 4);
        const held = deferred();
        route('GET', `${threadPath(key)}/messages`, async () => {
          await held.promise;
          return json({ messages: listing.slice(45, 46), nextCursor: null });
        });
        $<HTMLButtonElement>(el, '[part~=load-more]').click();
        await waitUntil(() => calls.some((c) => c.url.includes('cursor=h4')));
        host.reset({ thread: null, messages: [opening, makeMessage(300)], nextCursor: null });
        held.resolve(new Response());
        await waitUntil(() => $(el, '[part~=load-more]')?.getAttribute('aria-disabled') !== 'true');
        await el.updateComplete;
        expect(rejected).to.deep.equal([]);
        expect(errors).to.deep.equal([]);
        expect(replyIds(el)).to.not.include(55);
      } finally {
        removeEventListener('unhandledrejection', onRejection);
        caught.restore();
      }
    });

    it('needs no request while every reply is loaded', async () => {
      const key = uniqueKey();
      serveThread(key, { highlightCount: 1 }, [
        opening,
        makeMessage(2, { highlighted: true }),
        makeMessage(3),
      ]);
      const el = await mount({ thread: key });
      $$(el, '[part~=view] button')[1]!.click();
      await el.updateComplete;
      expect(replyIds(el)).to.deep.equal([2]);
      expect($(el, '[part~=load-more]')).to.equal(null);
      expect(calls).to.have.length(1);
    });
  });

  describe('closed thread and skip link', () => {
    it('shows a closed notice where the form was, and no skip link', async () => {
      const key = uniqueKey();
      serveThread(key, { status: 'closed' });
      const el = await mount({ thread: key });
      const notice = $(el, '[part~=closed-notice]');
      expect(text(notice)).to.equal('This discussion is closed.');
      // Where the form would be: after the replies.
      expect(notice.previousElementSibling!.matches('[part~=messages]')).to.equal(true);
      expect($(el, '#parley-form')).to.equal(null);
      expect($(el, '[part~=skip-link]')).to.equal(null);
      await expect(el).to.be.accessible();
    });

    it('has a skip link, shown on focus, that focuses the form’s first field', async () => {
      const key = uniqueKey();
      serveThread(key);
      const el = await mount({ thread: key });
      const skip = $<HTMLAnchorElement>(el, '[part~=skip-link]');
      expect(text(skip)).to.equal('Skip to the reply form');
      expect(skip.getBoundingClientRect().width).to.be.lessThan(2);
      skip.focus();
      expect(skip.getBoundingClientRect().width).to.be.greaterThan(20);
      await expect(el).to.be.accessible();
      skip.click();
      await waitUntil(() => el.shadowRoot!.activeElement?.id === 'parley-author');
      expect(location.hash).to.equal('');
    });

    it('passes the focus on to the form when it arrives, if followed while the form loads', async () => {
      const realActions = lazy.actions;
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      lazy.actions = async () => {
        await held;
        return realActions();
      };
      try {
        const key = uniqueKey();
        serveThread(key);
        const el = document.createElement('parley-thread');
        el.setAttribute('server', SERVER);
        el.setAttribute('thread', key);
        const loaded = oneEvent(el, 'parley-thread-loaded');
        await fixture(el);
        await loaded;
        await waitUntil(() => $(el, 'form.shell'), 'the placeholder');
        expect($(el, 'form.shell').id).to.equal('parley-form');
        $<HTMLAnchorElement>(el, '[part~=skip-link]').click();
        await nextFrame();
        expect($(el, '#parley-author')).to.equal(null);
        release();
        await waitUntil(() => el.shadowRoot!.activeElement?.id === 'parley-author');
      } finally {
        lazy.actions = realActions;
      }
    });
  });
});

describe('<parley-thread> revealing a post among tall messages', () => {
  /** The message's box lies in the viewport (its top, or all of it when taller). */
  const inView = (m: Element) => {
    const box = m.getBoundingClientRect();
    return box.top >= 0 && box.top < innerHeight && (box.bottom <= innerHeight || box.top < 100);
  };
  /** Whether the page has not scrolled over the last `n` checks (each `waitUntil` poll is one). */
  const still = (n: number) => {
    const seen: number[] = [];
    return () => {
      seen.push(scrollY);
      return seen.length >= n && seen.slice(-n).every((y) => y === seen.at(-1));
    };
  };
  afterEach(() => scrollTo(0, 0));

  it('lands the new message and its confirmation in view once the scroll settles, after Highlights then All', async () => {
    const key = uniqueKey();
    const tall = (id: number) =>
      makeMessage(id, {
        highlighted: id % 7 === 0,
        html: Array.from(
          { length: 12 },
          () => `<p>Message ${id}, a long paragraph of it.</p>`,
        ).join(''),
      });
    const listing = Array.from({ length: 40 }, (_, i) => tall(10 + i));
    serveThread(key, { messageCount: 41, highlightCount: 5 }, [opening, ...listing]);
    const message = makeMessage(100, { createdAt: new Date().toISOString() });
    route('POST', `${threadPath(key)}/messages`, () => json({ message, editToken: 't' }, 201));
    const el = await mount({ thread: key, 'page-size': '100' });
    const [all, starred] = $$(el, '[part~=view] button');
    starred!.click();
    await el.updateComplete;
    all!.click();
    await el.updateComplete;
    $<HTMLElement>(el, '#parley-author').focus();
    type(el, '#parley-author', 'Grace');
    type(el, '#parley-body', 'Late to this.');
    await submit(el);
    await waitUntil(() => $(el, '#parley-100 [part~=confirmation]'));
    // Placeholders take their real heights as the scroll passes them (7rem
    // estimated): as here, where one above the message grows by 1,000 px mid-scroll.
    $(el, '#parley-45').style.paddingBottom = '1000px';
    const settled = still(10);
    await waitUntil(
      () => settled() && inView($(el, '#parley-100')),
      'the new message is in view once the scroll settles',
      { timeout: 3000 },
    );
    const box = $(el, '#parley-100').getBoundingClientRect();
    expect(box.bottom).to.be.at.most(innerHeight);
    expect($(el, '#parley-100 [part~=confirmation]').getBoundingClientRect().bottom).to.be.at.most(
      innerHeight,
    );
  });
});

describe('<parley-thread> following a #parley-<id> link below a tall opening post', () => {
  afterEach(() => {
    history.replaceState(null, '', location.pathname + location.search);
    scrollTo(0, 0);
  });

  it('has the linked message in view once the layout settles, its placeholders above it grown', async () => {
    // As a feed entry's link lands: the messages above the target are laid out
    // at their estimated 7rem while the first scroll runs, and are far taller.
    const paragraphs = (id: number, n: number) =>
      Array.from({ length: n }, () => `<p>Message ${id}, a long paragraph of it.</p>`).join('');
    const tallOpening = { ...opening, html: paragraphs(1, 60) };
    const listing = repliesFrom(10, 20).map((m) => ({ ...m, html: paragraphs(m.id, 14) }));
    const key = uniqueKey();
    serveThread(key, { messageCount: 21 }, [tallOpening, ...listing]);
    history.replaceState(null, '', `${location.pathname}${location.search}#parley-25`);
    const el = await mount({ thread: key });
    const target = () => $(el, '#parley-25');
    // Settled: the target's box has kept its place for 10 polls.
    const tops: number[] = [];
    await waitUntil(
      () => {
        tops.push(target().getBoundingClientRect().top);
        return tops.length >= 10 && tops.slice(-10).every((t) => t === tops.at(-1));
      },
      'the layout settles',
      { timeout: 4000 },
    );
    const box = target().getBoundingClientRect();
    expect(box.height, 'the message fits the viewport').to.be.lessThan(innerHeight);
    expect(box.top).to.be.at.least(0);
    expect(box.bottom).to.be.at.most(innerHeight);
    expect(el.shadowRoot!.activeElement).to.equal(target());
  });
});
