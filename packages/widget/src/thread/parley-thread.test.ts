import { aTimeout, expect, fixture, nextFrame, oneEvent, waitUntil } from '@open-wc/testing';
import type { Message } from '@parley/server/wire';
import { clientSettings } from '../api/client.js';
import { lazy, ParleyThread } from './parley-thread.js';
import {
  $,
  $$,
  ago,
  apiError,
  calls,
  deferred,
  HOUR,
  hang,
  ids,
  json,
  MIN,
  makeMessage,
  makeThread,
  mount,
  NOW,
  opening,
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

describe('<parley-thread>', () => {
  it('passes an accessibility audit (thread, replies and form)', async () => {
    const key = uniqueKey();
    serveThread(key, { highlightCount: 1 }, [
      ...seedMessages,
      makeMessage(6, { parentId: 2, highlighted: true }),
    ]);
    const el = await mount({ thread: key, 'back-href': '/forum' });
    await expect(el).to.be.accessible();
  });

  it('passes an accessibility audit in the empty and unavailable states', async () => {
    const empty = await mount({ thread: uniqueKey() });
    await expect(empty).to.be.accessible();
    const key = uniqueKey();
    route('GET', threadPath(key), () => apiError(500, 'internal_error'));
    const down = await mount({ thread: key });
    await expect(down).to.be.accessible();
  });

  describe('reader view', () => {
    it('shows the back link, title, summary, stats line and status like the seed page', async () => {
      const key = uniqueKey();
      serveThread(key);
      const el = await mount({
        thread: key,
        'back-href': '/forum',
        'back-label': '← Back to Forum',
      });

      const back = $<HTMLAnchorElement>(el, '[part~=back-link]');
      expect(text(back)).to.equal('← Back to Forum');
      expect(back.getAttribute('href')).to.equal('/forum');
      expect(text($(el, 'h2[part~=title]'))).to.equal('The Efficiency Wars');
      expect(text($(el, '[part~=summary]'))).to.equal(
        'How DeepSeek R1 challenges Western AI dominance.',
      );
      expect(text($(el, '[part~=stats]'))).to.equal('5 msgs · 0 highlights · 1h ago');
      expect(text($(el, '[part~=status]'))).to.equal('Discussion in progress');
    });

    it('draws the stats icons as inline SVG, each with a text alternative, and no emoji', async () => {
      const key = uniqueKey();
      serveThread(key);
      const el = await mount({ thread: key });
      const stats = $(el, '[part~=stats]');
      // A machine without an emoji font showed boxes for them.
      expect(stats.textContent).not.to.match(/\p{Extended_Pictographic}/u);
      const icons = $$(el, '[part~=stats] svg[role=img]');
      expect(icons).to.have.length(3);
      // Drawn in the text's colour, one text high.
      const style = getComputedStyle(icons[0]!);
      expect(style.stroke).to.equal(getComputedStyle(stats).color);
      expect(icons[0]!.getBoundingClientRect().height).to.be.within(10, 20);
      expect(icons.map((i) => i.getAttribute('aria-label'))).to.deep.equal([
        'Messages:',
        'Highlights:',
        'Last activity:',
      ]);
      expect($$(el, '[part~=stats] [aria-hidden=true]').map(text)).to.deep.equal(['·', '·']);
    });

    it('uses singular forms for one message and one highlight', async () => {
      const key = uniqueKey();
      serveThread(key, { messageCount: 1, highlightCount: 1, lastActivityAt: ago(3 * MIN) }, [
        opening,
      ]);
      const el = await mount({ thread: key });
      expect(text($(el, '[part~=stats]'))).to.equal('1 msg · 1 highlight · 3m ago');
    });

    it('has a default back label and no back link without back-href', async () => {
      const key = uniqueKey();
      serveThread(key);
      const without = await mount({ thread: key });
      expect($(without, '[part~=back-link]')).to.equal(null);
      const withLink = await mount({ thread: key, 'back-href': '/' });
      expect(text($(withLink, '[part~=back-link]'))).to.equal('← Back');
    });

    it('lists the opening post first, then the replies oldest first', async () => {
      const key = uniqueKey();
      const path = serveThread(key);
      const el = await mount({ thread: key });

      const url = new URL(calls[0]!.url);
      expect(url.origin + url.pathname).to.equal(`${SERVER.slice(0, -1)}${path}`);
      expect(url.searchParams.get('sort')).to.equal('oldest');
      expect(url.searchParams.get('limit')).to.equal('20');

      const first = $(el, 'article[part~=message-opening]');
      expect(first.id).to.equal('parley-1');
      expect(text(first.querySelector('[part~=author]'))).to.equal('Ada');
      expect(first.querySelector('.badge')?.textContent).to.equal('Author');
      expect(first.querySelector('[part~=body] strong')?.textContent).to.equal('DeepSeek-R1');
      expect(ids($$(el, '[part~=messages] article'))).to.deep.equal([
        'parley-2',
        'parley-3',
        'parley-4',
        'parley-5',
      ]);
      const reply = $(el, '#parley-2');
      expect(text(reply.querySelector('[part~=author]'))).to.equal('Reader 2');
      expect(text(reply.querySelector('[part~=body]'))).to.equal('Message number 2');
      expect(text(reply.querySelector('[part~=time]'))).to.equal('8 minutes ago');
    });

    it('nests replies under their parent to a depth of 3, then lists deeper ones flat, marked "in reply to"', async () => {
      const key = uniqueKey();
      serveThread(key, {}, [
        opening,
        makeMessage(2, { parentId: 1 }),
        makeMessage(3, { parentId: 2 }),
        makeMessage(4, { parentId: 3 }),
        makeMessage(5, { parentId: 4 }),
        makeMessage(6, { parentId: 5 }),
        makeMessage(7),
      ]);
      const el = await mount({ thread: key });

      const list = $(el, 'ol[part~=messages]');
      expect(ids([...list.querySelectorAll(':scope > li > article')])).to.deep.equal([
        'parley-2',
        'parley-7',
      ]);
      const depth2 = list.querySelector(':scope > li > ol')!;
      expect(ids([...depth2.querySelectorAll(':scope > li > article')])).to.deep.equal([
        'parley-3',
      ]);
      const depth3 = depth2.querySelector(':scope > li > ol')!;
      expect(ids([...depth3.querySelectorAll(':scope > li > article')])).to.deep.equal([
        'parley-4',
        'parley-5',
        'parley-6',
      ]);
      expect(depth3.querySelector('ol')).to.equal(null);
      expect(text($(el, '#parley-4 .meta'))).not.to.contain('in reply to');
      expect(text($(el, '#parley-5 .meta'))).to.contain('in reply to Reader 4');
      expect(text($(el, '#parley-6 .meta'))).to.contain('in reply to Reader 5');
    });

    it('keeps long code inside a phone-wide thread: a code block scrolls, inline code wraps', async () => {
      const long = 'x'.repeat(200);
      const html = `<pre><code>${long}</code></pre><p>See <code>${long}</code> and https://example.com/${long}</p>`;
      const key = uniqueKey();
      // The opening post, a reply at each nested depth, and two past it, listed flat.
      serveThread(key, {}, [
        { ...opening, html },
        ...[2, 3, 4, 5, 6].map((id) => makeMessage(id, { parentId: id - 1, html })),
      ]);
      const phone = document.createElement('div');
      phone.style.width = '390px';
      const el = await mount({ thread: key }, phone);

      const right = el.getBoundingClientRect().right;
      for (const article of $$(el, 'article')) {
        // Off screen a message is not laid out (content-visibility: auto): bring
        // each one in and let the browser lay it out before measuring.
        article.scrollIntoView();
        await nextFrame();
        await nextFrame();
        expect(el.scrollWidth, `thread width with ${article.id} in view`).to.equal(el.clientWidth);
        const pre = article.querySelector('pre')!;
        expect(pre.scrollWidth, `${article.id} pre scrolls`).to.be.above(pre.clientWidth);
        const inline = article.querySelector<HTMLElement>('p code')!;
        for (const box of [article, pre, inline])
          expect(box.getBoundingClientRect().right, `${article.id} ${box.localName}`).to.be.at.most(
            right,
          );
      }
    });

    it('shows a reply chain thousands deep without overflowing', async () => {
      const key = uniqueKey();
      const chain = [
        opening,
        ...Array.from({ length: 3000 }, (_, i) => makeMessage(i + 2, { parentId: i + 1 })),
      ];
      serveThread(key, { messageCount: 3001 }, chain);
      const el = await mount({ thread: key });
      await waitUntil(() => $$(el, 'article').length === 3001, 'all rendered', { timeout: 10_000 });
      expect($(el, 'ol ol ol ol')).to.equal(null);
    });

    it('marks highlighted messages with a star', async () => {
      const key = uniqueKey();
      serveThread(key, { highlightCount: 1 }, [
        opening,
        makeMessage(2, { highlighted: true }),
        makeMessage(3),
      ]);
      const el = await mount({ thread: key });
      const star = $(el, '#parley-2 [role=img]');
      expect(star.getAttribute('aria-label')).to.equal('Highlighted');
      expect($(el, '#parley-2').classList.contains('highlighted')).to.equal(true);
      expect($(el, '#parley-3 [role=img]')).to.equal(null);
    });

    it('shows relative times with the exact time on hover, kept current by a timer', async () => {
      const intervals: [() => void, number][] = [];
      const realSetInterval = window.setInterval;
      const realClearInterval = window.clearInterval;
      const cleared: unknown[] = [];
      window.setInterval = ((fn: () => void, ms: number) => {
        intervals.push([fn, ms]);
        return 4242;
      }) as typeof setInterval;
      window.clearInterval = ((id: number) => cleared.push(id)) as typeof clearInterval;
      try {
        const key = uniqueKey();
        serveThread(key);
        const el = await mount({ thread: key });
        const time = $(el, '#parley-2 time');
        expect(time.getAttribute('datetime')).to.equal(ago(8 * MIN));
        // The exact time is written when the pointer (or focus) reaches it.
        time.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
        expect(time.getAttribute('title')).to.equal('June 1, 2025 at 11:52 AM');
        const stats = $(el, '[part~=stats] time');
        stats
          .closest('p')!
          .dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
        expect(stats.getAttribute('title')).to.match(/2025/);
        expect(text(time)).to.equal('8 minutes ago');

        const tick = intervals.find(([, ms]) => ms >= 1000 && ms <= 60_000);
        expect(tick, 'a refresh timer started on connect').to.exist;
        Date.now = () => NOW + 2 * HOUR;
        tick![0]();
        await el.updateComplete;
        expect(text($(el, '#parley-2 time'))).to.equal('2 hours ago');
        expect(text($(el, '[part~=stats] time'))).to.equal('3h ago');

        el.remove();
        expect(cleared).to.include(4242);
      } finally {
        window.setInterval = realSetInterval;
        window.clearInterval = realClearInterval;
      }
    });

    it('formats numbers and times in the closest lang, and the locale attribute wins', async () => {
      const key = uniqueKey();
      serveThread(key, { messageCount: 1234 });
      const wrapper = document.createElement('div');
      wrapper.lang = 'de';
      const el = await mount({ thread: key }, wrapper);
      expect(text($(el, '[part~=stats]'))).to.contain('1.234 Beiträge');
      expect(text($(el, '#parley-2 time'))).to.equal('vor 8 Minuten');

      el.locale = 'en-US';
      await el.updateComplete;
      expect(text($(el, '[part~=stats]'))).to.contain('1,234 msgs');

      el.locale = 'not a locale!';
      await el.updateComplete;
      expect(text($(el, '[part~=stats]'))).to.contain('1,234 msgs');
    });

    it('shows "Discussion closed" and no form or reply buttons on a closed thread', async () => {
      const key = uniqueKey();
      serveThread(key, { status: 'closed' });
      const el = await mount({ thread: key });
      expect(text($(el, '[part~=status]'))).to.equal('Discussion closed');
      expect($(el, 'form')).to.equal(null);
      // No Reply (nor Edit): only Report, on the readers' messages, stays possible.
      expect($$(el, 'article button').map(text)).to.deep.equal([
        'Report',
        'Report',
        'Report',
        'Report',
      ]);
    });

    it('shows the empty state with the form when no one has posted yet (404 thread_not_found)', async () => {
      const key = uniqueKey();
      route('GET', threadPath(key), () => apiError(404, 'thread_not_found'));
      const el = document.createElement('parley-thread');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', key);
      el.setAttribute('thread-title', 'My first post');
      const loaded = oneEvent(el, 'parley-thread-loaded');
      await fixture(el);
      expect((await loaded).detail).to.deep.equal({ thread: null });
      await el.updateComplete;

      expect(text($(el, '[part~=title]'))).to.equal('My first post');
      expect(text($(el, '.empty'))).to.contain('start the discussion');
      expect($(el, '[part~=stats]')).to.equal(null);
      expect($(el, 'form[part~=form]')).to.exist;
    });

    it('renders server-sanitized HTML, but names, titles and summaries only as text', async () => {
      const key = uniqueKey();
      const evil = '<img src=x onerror="window.__parleyXss=1">';
      (window as { __parleyXss?: number }).__parleyXss = undefined;
      serveThread(key, { title: evil, summary: evil }, [
        opening,
        makeMessage(2, {
          author: { name: evil },
          html: '<p><em>fine</em> <a href="https://x.example" rel="nofollow ugc noopener noreferrer">link</a></p>',
        }),
      ]);
      const el = await mount({ thread: key });
      expect(text($(el, '[part~=title]'))).to.equal(evil);
      expect(text($(el, '[part~=summary]'))).to.equal(evil);
      expect(text($(el, '#parley-2 [part~=author]'))).to.equal(evil);
      expect($(el, '#parley-2 [part~=body] em')?.textContent).to.equal('fine');
      expect($(el, 'img')).to.equal(null);
      // Give a broken image the time to fire its onerror, had one been created.
      await aTimeout(50);
      expect((window as { __parleyXss?: number }).__parleyXss).to.equal(undefined);
    });
  });

  describe('states', () => {
    it('reserves space with a skeleton while loading', async () => {
      const key = uniqueKey();
      const reply = deferred();
      route('GET', threadPath(key), () => reply.promise);
      const el = document.createElement('parley-thread');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', key);
      await fixture(el);
      const skeleton = $(el, '.skeleton');
      expect(skeleton.getBoundingClientRect().height).to.be.greaterThan(150);
      expect($(el, '[part~=thread]').getAttribute('aria-busy')).to.equal('true');
      expect(text(skeleton)).to.equal('Loading comments…');
      // The font probe (warm-up.ts's, a chunk fetched beside the thread) is
      // laid out while the thread loads, but neither seen nor read out.
      await waitUntil(() => $(el, '[aria-hidden=true]'), 'the font probe is laid out');
      const probe = $(el, '[aria-hidden=true]');
      expect(probe.querySelector('h2')).not.to.equal(null);
      expect(probe.getBoundingClientRect().height).to.be.at.most(1);
      expect($(el, '[part~=thread]').getBoundingClientRect().height).to.be.lessThan(
        skeleton.getBoundingClientRect().height + 16,
      );
      const loaded = oneEvent(el, 'parley-thread-loaded');
      reply.resolve(
        json({ thread: makeThread({ key }), messages: seedMessages, nextCursor: null }),
      );
      await loaded;
      await el.updateComplete;
      expect($(el, '.skeleton')).to.equal(null);
      expect($(el, '[aria-hidden=true] h2')).to.equal(null);
    });

    it('renders the thread whatever becomes of the warm-up chunk: failed, or stalled past a moment', async function () {
      (this as { timeout(ms: number): void }).timeout(10_000);
      const real = lazy.warmUp;
      try {
        for (const warmUp of [
          () => Promise.reject(new TypeError('Failed to fetch dynamically imported module')),
          () => new Promise<never>(() => {}),
        ]) {
          lazy.warmUp = warmUp;
          const key = uniqueKey();
          serveThread(key);
          const el = await mount({ thread: key });
          expect(text($(el, '[part~=title]'))).to.equal('The Efficiency Wars');
          expect($$(el, 'article[part~=message]')).to.have.length(seedMessages.length);
          expect($(el, '.skeleton')).to.equal(null);
        }
      } finally {
        lazy.warmUp = real;
      }
    });

    it('shows a quiet unavailable message on a 500, emits parley-error, and Retry recovers', async () => {
      const key = uniqueKey();
      let failing = true;
      route('GET', threadPath(key), () =>
        failing
          ? apiError(500, 'internal_error')
          : json({ thread: makeThread({ key }), messages: seedMessages, nextCursor: null }),
      );
      const errors: CustomEvent[] = [];
      const onError = (e: Event) => errors.push(e as CustomEvent);
      document.addEventListener('parley-error', onError);
      try {
        const el = await mount({ thread: key });
        expect(text($(el, '.unavailable p'))).to.equal('Comments are unavailable right now.');
        expect(errors.map((e) => e.detail.code)).to.deep.equal(['internal_error']);

        failing = false;
        const loaded = oneEvent(el, 'parley-thread-loaded');
        $<HTMLButtonElement>(el, '.unavailable button').click();
        await loaded;
        await el.updateComplete;
        expect($(el, '.unavailable')).to.equal(null);
        expect(text($(el, '[part~=title]'))).to.equal('The Efficiency Wars');
      } finally {
        document.removeEventListener('parley-error', onError);
      }
    });

    it('shows the unavailable state when the server is unreachable', async () => {
      const key = uniqueKey();
      route('GET', threadPath(key), () => Promise.reject(new TypeError('Failed to fetch')));
      const el = document.createElement('parley-thread');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', key);
      const failed = oneEvent(el, 'parley-error');
      await fixture(el);
      expect((await failed).detail.code).to.equal('network');
      await el.updateComplete;
      expect($(el, '.unavailable')).to.exist;
    });

    it('gives up on a hanging server after its timeout', async () => {
      clientSettings.timeoutMs = 100;
      const key = uniqueKey();
      route('GET', threadPath(key), hang);
      const el = document.createElement('parley-thread');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', key);
      const failed = oneEvent(el, 'parley-error');
      await fixture(el);
      expect((await failed).detail.code).to.equal('timeout');
      await el.updateComplete;
      expect(text($(el, '.unavailable p'))).to.equal('Comments are unavailable right now.');
      expect(calls[0]!.signal.aborted).to.equal(true);
    });

    it('renders a long page a batch per task, the first batch at once, then all of it', async () => {
      const key = uniqueKey();
      const replies = Array.from({ length: 60 }, (_, i) => makeMessage(i + 10));
      serveThread(key, { messageCount: 60 }, replies);
      const seen: number[] = [];
      const el = await mount({ thread: key }, undefined, (e) =>
        seen.push($$(e, '[part~=messages] article').length),
      );
      const first = seen.find((n) => n > 0)!;
      expect(first, 'not everything in one task').to.be.lessThan(60);
      expect(new Set(seen).size, `several batches: ${seen}`).to.be.greaterThan(2);
      expect(ids($$(el, '[part~=messages] article'))).to.deep.equal(
        replies.map((m) => `parley-${m.id}`),
      );
    });

    it('renders a long branch a slice per task too, in reading order', async () => {
      const key = uniqueKey();
      // One wide branch (40 answers to one reply) and one deep chain (40 long).
      const wide = Array.from({ length: 40 }, (_, i) => makeMessage(i + 11, { parentId: 10 }));
      const deep = Array.from({ length: 40 }, (_, i) =>
        makeMessage(i + 61, { parentId: i ? i + 60 : 51 }),
      );
      const replies = [makeMessage(10), ...wide, makeMessage(51), ...deep];
      serveThread(key, { messageCount: replies.length }, replies);
      const seen: number[] = [];
      const el = await mount({ thread: key }, undefined, (e) =>
        seen.push($$(e, '[part~=messages] article').length),
      );
      const first = seen.find((n) => n > 0)!;
      expect(first).to.be.greaterThan(1);
      expect(first, 'not a whole branch in one task').to.be.lessThan(40);
      expect(ids($$(el, '[part~=messages] article'))).to.deep.equal([
        'parley-10',
        ...wide.map((m) => `parley-${m.id}`),
        'parley-51',
        ...deep.map((m) => `parley-${m.id}`),
      ]);
      // Deep replies past the third level are flat, each saying whom it answers.
      expect(text($(el, '#parley-63 .meta'))).to.contain('in reply to Reader 62');
      expect(text($(el, '#parley-100 .meta'))).to.contain('in reply to Reader 99');
    });

    it('loads further pages with the cursor and hides "load more" on the last page', async () => {
      const key = uniqueKey();
      serveThread(key, { messageCount: 7 }, seedMessages.slice(0, 3), 'cursor-1');
      // Pages by cursor, as the server serves them: no cursor is the first
      // page, a cursor it did not issue is a 400 naming `cursor`.
      const pages: Record<string, { messages: Message[]; nextCursor: string | null }> = {
        '': { messages: seedMessages.slice(1, 3), nextCursor: 'cursor-1' },
        'cursor-1': { messages: [makeMessage(4), makeMessage(5)], nextCursor: 'cursor-2' },
        'cursor-2': { messages: [makeMessage(5), makeMessage(6)], nextCursor: null },
      };
      route('GET', `${threadPath(key)}/messages`, (req) => {
        const page = pages[new URL(req.url).searchParams.get('cursor') ?? ''];
        return page
          ? json(page)
          : apiError(400, 'invalid_request', {
              issues: [{ path: 'cursor', message: 'is not a cursor this server issued' }],
            });
      });
      const el = await mount({ thread: key });
      expect($$(el, '[part~=messages] article')).to.have.length(2);

      const more = $<HTMLButtonElement>(el, '[part~=load-more]');
      expect(text(more)).to.equal('Load more replies');
      more.click();
      await waitUntil(() => $$(el, '[part~=messages] article').length === 4);
      const url = new URL(calls[1]!.url);
      expect(url.searchParams.get('cursor')).to.equal('cursor-1');
      expect(url.searchParams.get('limit')).to.equal('20');
      expect(url.searchParams.get('sort')).to.equal('oldest');

      $<HTMLButtonElement>(el, '[part~=load-more]').click();
      await waitUntil(() => !$(el, '[part~=load-more]'));
      expect(new URL(calls[2]!.url).searchParams.get('cursor')).to.equal('cursor-2');
      // Message 5 came back on both pages: shown once.
      expect(ids($$(el, '[part~=messages] article'))).to.deep.equal([
        'parley-2',
        'parley-3',
        'parley-4',
        'parley-5',
        'parley-6',
      ]);
    });
  });

  describe('posting', () => {
    it('posts a reply, shows it, clears the message but not the name, and announces it', async () => {
      const key = uniqueKey();
      serveThread(key);
      const response = deferred();
      route('POST', `${threadPath(key)}/messages`, () => response.promise);
      const el = await mount({ thread: key, 'thread-title': 'The Efficiency Wars' });
      const posted = oneEvent(el, 'parley-message-posted');

      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'MoE cuts latency via **sparse** activation.');
      await submit(el);

      const button = $<HTMLButtonElement>(el, 'button.primary');
      expect(button.disabled).to.equal(true);
      expect(text(button)).to.equal('Posting…');
      // The post waits for the server to say whether it wants a proof of work (here: 404, no).
      await waitUntil(() => calls.some((c) => c.method === 'POST'));
      const req = calls.find((c) => c.method === 'POST')!;
      expect(req.headers.get('Content-Type')).to.equal('application/json');
      expect(await req.clone().json()).to.deep.equal({
        author: 'Grace',
        body: 'MoE cuts latency via **sparse** activation.',
        thread: { title: 'The Efficiency Wars', url: location.href.split('#')[0] },
        website: '',
      });

      const message = makeMessage(6, {
        author: { name: 'Grace' },
        html: '<p>MoE cuts latency via <strong>sparse</strong> activation.</p>',
        createdAt: ago(0),
      });
      response.resolve(json({ message, editToken: 'token-6' }, 201));
      expect((await posted).detail.message).to.deep.equal(message);
      await el.updateComplete;

      expect($(el, '#parley-6 [part~=body] strong')?.textContent).to.equal('sparse');
      expect(text($(el, '#parley-6 time'))).to.equal('now');
      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('');
      expect($<HTMLInputElement>(el, '#parley-author').value).to.equal('Grace');
      expect(button.disabled).to.equal(false);
      expect(text($(el, '[role=status]'))).to.equal('Your reply was posted.');
      expect(text($(el, '[part~=stats]'))).to.equal('6 msgs · 0 highlights · now');
      await waitUntil(() => el.shadowRoot!.activeElement?.id === 'parley-body');

      expect(JSON.parse(localStorage.getItem('parley:edit-tokens')!)).to.deep.equal({
        [SERVER]: { 6: 'token-6' },
      });
      // The name is remembered on this browser, for the next thread too.
      const next = await mount({ thread: key });
      expect($<HTMLInputElement>(next, '#parley-author').value).to.equal('Grace');
    });

    it('replies to a message: the post carries parentId and the reply shows under its parent', async () => {
      const key = uniqueKey();
      serveThread(key);
      route('POST', `${threadPath(key)}/messages`, async (req) => {
        const body = await req.json();
        return json(
          {
            message: makeMessage(9, { parentId: body.parentId, author: { name: body.author } }),
            editToken: 't',
          },
          201,
        );
      });
      const el = await mount({ thread: key });
      const replyButton = $<HTMLButtonElement>(el, '#parley-3 button');
      expect(replyButton.getAttribute('aria-label')).to.equal('Reply to Reader 3');
      replyButton.click();
      await waitUntil(() => el.shadowRoot!.activeElement?.id === 'parley-r3-body');
      expect(text($(el, '#parley-3 .replying'))).to.equal('Reply to Reader 3');

      type(el, '#parley-r3-author', 'Linus');
      type(el, '#parley-r3-body', 'Agreed.');
      const posted = oneEvent(el, 'parley-message-posted');
      await submit(el);
      await posted;
      await el.updateComplete;
      const body = await calls
        .find((c) => c.method === 'POST')!
        .clone()
        .json();
      expect(body.parentId).to.equal(3);
      expect($(el, '#parley-3').parentElement!.querySelector(':scope > ol > li > #parley-9')).to
        .exist;
      expect($(el, '.reply-box')).to.equal(null);
    });

    it('counts the message length in code points', async () => {
      const key = uniqueKey();
      serveThread(key);
      const el = await mount({ thread: key });
      type(el, '#parley-body', 'héllo 😀');
      await el.updateComplete;
      expect(text($(el, '#parley-count'))).to.equal('7 / 10,000');

      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', '😀'.repeat(10_001));
      await el.updateComplete;
      expect($(el, '#parley-count').classList.contains('over')).to.equal(true);
      await submit(el);
      expect(text($(el, '#parley-body-error'))).to.contain('10,000');
      expect(calls.filter((c) => c.method === 'POST')).to.have.length(0);
    });

    it('asks for a name and a message before sending anything', async () => {
      const key = uniqueKey();
      serveThread(key);
      const el = await mount({ thread: key });
      type(el, '#parley-body', '   ');
      await submit(el);
      expect(text($(el, '#parley-author-error'))).to.equal('Please enter your name.');
      expect(text($(el, '#parley-body-error'))).to.equal('Please write a message.');
      expect(calls.filter((c) => c.method === 'POST')).to.have.length(0);
      await waitUntil(() => el.shadowRoot!.activeElement?.id === 'parley-author');
    });

    it('keeps the draft and says so when the network fails', async () => {
      const key = uniqueKey();
      serveThread(key);
      route('POST', `${threadPath(key)}/messages`, () =>
        Promise.reject(new TypeError('Failed to fetch')),
      );
      const el = await mount({ thread: key });
      const failed = oneEvent(el, 'parley-error');
      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'A long thoughtful draft.');
      await submit(el);
      expect((await failed).detail.code).to.equal('network');
      await waitUntil(() => !$<HTMLButtonElement>(el, 'button.primary').disabled);

      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('A long thoughtful draft.');
      expect($<HTMLInputElement>(el, '#parley-author').value).to.equal('Grace');
      const alert = $(el, 'form [role=alert]');
      expect(text(alert)).to.contain('Your reply is kept here');
      expect($$(el, 'article')).to.have.length(5);
    });

    it('shows server field errors beside their fields, in its own words, with aria-invalid and aria-describedby', async () => {
      const key = uniqueKey();
      serveThread(key);
      route('POST', `${threadPath(key)}/messages`, () =>
        apiError(400, 'invalid_request', {
          issues: [
            { path: 'author', message: 'Name contains control characters' },
            { path: 'body', message: 'Message must not be empty' },
          ],
        }),
      );
      const el = await mount({ thread: key });
      type(el, '#parley-author', 'Gr\u202eace');
      type(el, '#parley-body', 'Draft to keep');
      await submit(el);
      await waitUntil(() => $(el, '#parley-author-error'));

      const author = $(el, '#parley-author');
      const body = $(el, '#parley-body');
      expect(author.getAttribute('aria-invalid')).to.equal('true');
      expect(author.getAttribute('aria-describedby')).to.equal('parley-author-error');
      // The widget's words (in the reader's language), not the server's English.
      expect(text($(el, '#parley-author-error'))).to.equal(
        'Please use a name of at most 80 characters, in plain text.',
      );
      expect(body.getAttribute('aria-invalid')).to.equal('true');
      expect(body.getAttribute('aria-describedby')!.split(' ')).to.include('parley-body-error');
      expect(text($(el, '#parley-body-error'))).to.equal(
        'Please check your message: the server did not accept it.',
      );
      expect($(el, 'form [role=alert]')).to.equal(null);
      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('Draft to keep');
      await waitUntil(() => el.shadowRoot!.activeElement === author);
    });

    it('explains a closed thread and a rate limit, keeping the draft', async () => {
      const key = uniqueKey();
      serveThread(key);
      let answer = () => apiError(409, 'thread_closed');
      route('POST', `${threadPath(key)}/messages`, () => answer());
      const el = await mount({ thread: key });
      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'Draft');
      await submit(el);
      await waitUntil(() => $(el, 'form [role=alert]'));
      expect(text($(el, 'form [role=alert]'))).to.equal('This discussion is closed.');

      answer = () => json({ error: { code: 'rate_limited', message: 'slow down' } }, 429);
      await waitUntil(() => !$<HTMLButtonElement>(el, 'button.primary').disabled);
      await submit(el);
      await waitUntil(() => text($(el, 'form [role=alert]')).includes('too quickly'));
      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('Draft');

      // The same words twice in ten minutes: said plainly, not as a failure to retry.
      answer = () => apiError(409, 'duplicate_message');
      await waitUntil(() => !$<HTMLButtonElement>(el, 'button.primary').disabled);
      await submit(el);
      await waitUntil(() => text($(el, 'form [role=alert]')).includes('already posted'));
      expect($<HTMLTextAreaElement>(el, '#parley-body').value).to.equal('Draft');
    });

    it('creates the thread with the first post and then shows its stats', async () => {
      const key = uniqueKey();
      route('GET', threadPath(key), () => apiError(404, 'thread_not_found'));
      route('POST', `${threadPath(key)}/messages`, () =>
        json({ message: makeMessage(1, { createdAt: ago(0) }), editToken: 't1' }, 201),
      );
      const el = await mount({ thread: key, 'thread-title': 'Hello world' });
      type(el, '#parley-author', 'Grace');
      type(el, '#parley-body', 'First!');
      const posted = oneEvent(el, 'parley-message-posted');
      await submit(el);
      await posted;
      await el.updateComplete;
      expect($(el, '.empty')).to.equal(null);
      expect(text($(el, '[part~=stats]'))).to.equal('1 msg · 0 highlights · now');
      expect($(el, '#parley-1')).to.exist;
    });
  });

  describe('permalinks', () => {
    let scrolled: string[];
    const realScroll = Element.prototype.scrollIntoView;
    beforeEach(() => {
      scrolled = [];
      Element.prototype.scrollIntoView = function (this: Element) {
        scrolled.push(this.id);
      };
    });
    afterEach(() => {
      Element.prototype.scrollIntoView = realScroll;
      history.replaceState(null, '', location.pathname + location.search);
    });

    it('links each message time to #parley-<id>, and scrolls to and marks the message the hash names', async () => {
      history.replaceState(null, '', `${location.pathname}${location.search}#parley-3`);
      const key = uniqueKey();
      serveThread(key);
      const el = await mount({ thread: key });
      expect($(el, '#parley-2 a[part~=time]').getAttribute('href')).to.equal('#parley-2');
      await waitUntil(() => scrolled.includes('parley-3'));
      expect($(el, '#parley-3').getAttribute('part')).to.contain('target');

      const changed = oneEvent(window, 'hashchange');
      location.hash = '#parley-4';
      await changed;
      await waitUntil(() => scrolled.includes('parley-4'));
      expect($(el, '#parley-4').getAttribute('part')).to.contain('target');
      expect($(el, '#parley-3').getAttribute('part')).not.to.contain('target');
    });

    it('scrolls to a hash that names a reply far down a long page, once its batch is in', async () => {
      history.replaceState(null, '', `${location.pathname}${location.search}#parley-65`);
      const key = uniqueKey();
      const replies = Array.from({ length: 60 }, (_, i) => makeMessage(i + 10));
      serveThread(key, { messageCount: 60 }, replies);
      let firstBatch = 0;
      const el = await mount({ thread: key }, undefined, (e) => {
        firstBatch ||= $$(e, 'article').length;
      });
      expect(firstBatch, 'the target is not in the first batch').to.be.lessThan(56);
      expect(scrolled).to.include('parley-65');
      expect($(el, '#parley-65').getAttribute('part')).to.contain('target');
    });
  });

  describe('long pages', () => {
    it('finishes rendering a long page when it is moved in the document mid-way', async () => {
      const key = uniqueKey();
      const replies = Array.from({ length: 60 }, (_, i) => makeMessage(i + 10));
      serveThread(key, { messageCount: 60 }, replies);
      const other = document.createElement('div');
      document.body.append(other);
      let movedAt = 0;
      // Moved right after a batch is rendered, while the next one is due.
      const el = await mount({ thread: key }, undefined, (e) => {
        const n = $$(e, 'article').length;
        if (!movedAt && n > 0 && n < 60) {
          movedAt = n;
          other.append(e);
        }
      });
      expect(movedAt).to.be.greaterThan(0);
      expect($$(el, 'article')).to.have.length(60);
      expect($$(el, '[part~=actions]')).to.have.length(60);
      other.remove();
    });
  });

  describe('attributes', () => {
    it('re-keys when the thread attribute changes: aborts the old request and shows the other thread', async () => {
      const slow = uniqueKey();
      const fast = uniqueKey();
      route('GET', threadPath(slow), hang);
      serveThread(fast, { title: 'The other thread' });
      const el = document.createElement('parley-thread');
      el.setAttribute('server', SERVER);
      el.setAttribute('thread', slow);
      const errors: Event[] = [];
      el.addEventListener('parley-error', (e) => errors.push(e));
      await fixture(el);

      const loaded = oneEvent(el, 'parley-thread-loaded');
      el.setAttribute('thread', fast);
      expect((await loaded).detail.thread?.key).to.equal(fast);
      await el.updateComplete;
      expect(calls[0]!.signal.aborted).to.equal(true);
      expect(text($(el, '[part~=title]'))).to.equal('The other thread');
      expect(errors).to.have.length(0);
    });

    it('re-keys when the server changes', async () => {
      const key = uniqueKey();
      serveThread(key);
      const el = await mount({ thread: key });
      const failed = oneEvent(el, 'parley-error');
      el.server = 'https://other.test/parley';
      await failed;
      expect(calls.at(-1)!.url).to.match(/^https:\/\/other\.test\/parley\/api\/threads\//);
    });

    it('falls back to the defaults on bad theme, sort and page-size values, warning once', async () => {
      const warnings: string[] = [];
      const realWarn = console.warn;
      console.warn = (m: string) => warnings.push(m);
      try {
        const key = uniqueKey();
        serveThread(key);
        const el = await mount({
          thread: key,
          theme: 'neon',
          sort: 'sideways',
          'page-size': 'lots',
        });
        expect(el.theme).to.equal('auto');
        expect(el.sort).to.equal('oldest');
        expect(el.pageSize).to.equal(20);
        const url = new URL(calls[0]!.url);
        expect(url.searchParams.get('sort')).to.equal('oldest');
        expect(url.searchParams.get('limit')).to.equal('20');
        expect(warnings.some((w) => w.includes('sort="sideways"'))).to.equal(true);

        await mount({ thread: key, sort: 'sideways' });
        expect(warnings.filter((w) => w.includes('sort='))).to.have.length(1);

        const big = await mount({ thread: key, 'page-size': '500', sort: 'newest' });
        expect(big.pageSize).to.equal(100);
        const last = new URL(calls.at(-1)!.url);
        expect(last.searchParams.get('limit')).to.equal('100');
        expect(last.searchParams.get('sort')).to.equal('newest');
        const small = await mount({ thread: key, 'page-size': '0' });
        expect(small.pageSize).to.equal(1);
      } finally {
        console.warn = realWarn;
      }
    });

    it('follows the theme attribute through its custom properties', async () => {
      const key = uniqueKey();
      serveThread(key);
      // The accent as used (a link's colour): the property itself holds light-dark().
      const accent = (el: ParleyThread) => getComputedStyle($(el, '[part~=skip-link]')).color;
      const dark = await mount({ thread: key, theme: 'dark' });
      expect(accent(dark)).to.equal('rgb(143, 176, 255)');
      const light = await mount({ thread: key, theme: 'light' });
      expect(accent(light)).to.equal('rgb(47, 95, 208)');
      // auto follows the page, which sets no color-scheme here: light, whatever the OS.
      const bad = await mount({ thread: key, theme: 'neon' });
      expect(accent(bad)).to.equal('rgb(47, 95, 208)');
    });

    it('keys the thread by the canonical link path, else location.pathname', async () => {
      const link = document.createElement('link');
      link.rel = 'canonical';
      link.href = 'https://blog.example/posts/hello-world?utm=x#comments';
      document.head.append(link);
      try {
        await mount();
        expect(new URL(calls[0]!.url).pathname).to.equal('/api/threads/%2Fposts%2Fhello-world');
      } finally {
        link.remove();
      }
      await mount();
      expect(new URL(calls[1]!.url).pathname).to.equal(
        `/api/threads/${encodeURIComponent(location.pathname)}`,
      );
    });

    it('talks to the server that served the script when no server is set', async () => {
      const el = document.createElement('parley-thread');
      el.setAttribute('thread', uniqueKey());
      const done = oneEvent(el, 'parley-error');
      await fixture(el);
      await done;
      const base = new URL('.', new URL('./parley-thread.ts', import.meta.url)).href;
      expect(calls[0]!.url.startsWith(`${base}api/threads/`)).to.equal(true);
    });
  });

  describe('integration with the page', () => {
    it('is registered once, even when the define module runs twice', async () => {
      expect(customElements.get('parley-thread')).to.equal(ParleyThread);
      await import(/* @vite-ignore */ `../define.ts?again=${Date.now()}`);
      expect(customElements.get('parley-thread')).to.equal(ParleyThread);
    });

    it('fires composed events that reach the document', async () => {
      const key = uniqueKey();
      serveThread(key);
      const seen = oneEvent(document, 'parley-thread-loaded');
      await mount({ thread: key });
      const event = await seen;
      expect(event.composed).to.equal(true);
      expect(event.detail.thread.key).to.equal(key);
    });

    it('styles only its shadow root, with adopted style sheets', async () => {
      const key = uniqueKey();
      serveThread(key);
      const el = await mount({ thread: key });
      expect(el.shadowRoot!.querySelector('style')).to.equal(null);
      expect(el.shadowRoot!.adoptedStyleSheets.length).to.be.greaterThan(0);
    });

    it('labels its fields and exposes roles', async () => {
      const key = uniqueKey();
      serveThread(key);
      const el = await mount({ thread: key });
      for (const id of ['parley-author', 'parley-body']) {
        const label = $(el, `label[for=${id}]`);
        expect(label, id).to.exist;
        expect($(el, `#${id}`).hasAttribute('required')).to.equal(true);
      }
      expect(text($(el, 'label[for=parley-author]'))).to.equal('Name');
      expect(text($(el, 'label[for=parley-body]'))).to.equal('Message');
      expect(text($(el, '#parley-hint'))).to.equal(
        'Markdown: **bold**, _italic_, `code`, [links](https://…)',
      );
      expect($(el, '[role=status]')).to.exist;
      expect($(el, 'form').getAttribute('aria-labelledby')).to.equal('parley-form-title');
      expect($(el, 'ol[part~=messages]').getAttribute('aria-label')).to.equal('Replies');
      const article = $(el, '#parley-2');
      expect(
        text(el.shadowRoot!.getElementById(article.getAttribute('aria-labelledby')!)),
      ).to.equal('Reader 2');
    });
  });
});
