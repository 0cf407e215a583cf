/**
 * What the moderation page does after a decision and around its lists: a
 * decided message leaves the lists it no longer belongs to and the lists it
 * joins load again; "Load more", search, the thread filter and bulk actions
 * keep the focus and the live region right; readers' words never reorder
 * the text around them.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import { calls, deferred, json, route, useFakeServer } from '../testing/fake-server.js';
import {
  $,
  $$,
  announced,
  button,
  focused,
  listed,
  makeMessage,
  openTab,
  row,
  serveStore,
  signedIn,
  text,
  type,
} from './admin-fixtures.js';
import type { ParleyAdmin } from './parley-admin.js';

useFakeServer();

const ids = (el: ParleyAdmin, list: string) =>
  $$(el, `[id^=a-${list}-]`).map((h) => Number(h.id.split('-').at(-1)));
const shows = (el: ParleyAdmin, list: string, id: number) => !!$(el, `#a-${list}-${id}`);

async function decide(el: ParleyAdmin, list: string, id: number, name: string) {
  const done = oneEvent(el, 'parley-message-moderated');
  button(row(el, list, id), name).click();
  await done;
  await el.updateComplete;
}

function store() {
  return serveStore([
    makeMessage(1, { status: 'pending' }),
    makeMessage(2, { status: 'pending' }),
    makeMessage(3, {
      reportCount: 1,
      reports: [{ reason: 'rude', createdAt: makeMessage(3).createdAt }],
    }),
    makeMessage(4, { status: 'hidden', hiddenReason: 'moderator' }),
    makeMessage(5, { status: 'spam' }),
    makeMessage(6, { status: 'spam' }),
  ]);
}

describe('<parley-admin> after a decision', () => {
  it('takes a decided message out of every list it left, counts follow, and the lists it joins load again', async () => {
    store();
    const el = await signedIn();
    expect(text($(el, '#h-pending'))).to.equal('Waiting for approval (2)');
    await decide(el, 'pending', 1, 'Approve');
    expect(shows(el, 'pending', 1)).to.equal(false);
    expect(text($(el, '#h-pending'))).to.equal('Waiting for approval (1)');
    await decide(el, 'reported', 3, 'Keep');
    expect(text($(el, '#h-reported'))).to.equal('Reported by readers (0)');
    // Leaving the tab and coming back shows the same, without Refresh.
    await openTab(el, 'Spam');
    await openTab(el, 'Queue');
    expect(ids(el, 'pending')).to.deep.equal([2]);
    expect(ids(el, 'reported')).to.deep.equal([]);

    await openTab(el, 'Hidden');
    await decide(el, 'hidden', 4, 'Restore');
    expect(ids(el, 'hidden')).to.deep.equal([]);
    await openTab(el, 'Spam');
    await decide(el, 'spam', 5, 'Approve');
    expect(ids(el, 'spam')).to.deep.equal([6]);
    // Every message approved, kept or restored is in Published, loaded again once.
    await openTab(el, 'Published');
    expect(ids(el, 'recent')).to.have.members([1, 3, 4, 5]);
    expect(listed('published')).to.equal(1);
    await decide(el, 'recent', 4, 'Hide');
    expect(ids(el, 'recent')).to.have.members([1, 3, 5]);
    await openTab(el, 'Hidden');
    expect(ids(el, 'hidden')).to.deep.equal([4]);
  });

  it('does the same for bulk decisions, in the Queue and in Hidden', async () => {
    serveStore([
      makeMessage(1, { status: 'pending' }),
      makeMessage(2, { status: 'pending' }),
      makeMessage(3, { status: 'pending' }),
      makeMessage(4, { status: 'hidden', hiddenReason: 'moderator' }),
    ]);
    const el = await signedIn();
    for (const id of [1, 2]) $<HTMLInputElement>(row(el, 'pending', id), 'input').click();
    await el.updateComplete;
    button(el, 'Approve, 2 selected messages').click();
    await waitUntil(() => announced(el) === '2 messages approved');
    expect(ids(el, 'pending')).to.deep.equal([3]);
    expect(text($(el, '#h-pending'))).to.equal('Waiting for approval (1)');
    await openTab(el, 'Spam');
    await openTab(el, 'Queue');
    expect(ids(el, 'pending')).to.deep.equal([3]);

    await openTab(el, 'Hidden');
    $<HTMLInputElement>(el, '#select-all').click();
    await el.updateComplete;
    button(el, 'Restore, 1 selected message').click();
    await waitUntil(() => announced(el) === '1 message restored');
    expect(ids(el, 'hidden')).to.deep.equal([]);
    // The list is empty: the focus goes to the search field, not to the page's body.
    await waitUntil(() => focused(el)?.id === 'search', 'focus lost');
    await openTab(el, 'Published');
    expect(ids(el, 'recent')).to.have.members([1, 2, 4]);
  });
});

describe('<parley-admin> lists', () => {
  it('offers "View on the blog" only for messages the blog shows', async () => {
    serveStore([
      makeMessage(1, { status: 'pending', reportCount: 1 }),
      makeMessage(2, { reportCount: 1 }),
      makeMessage(3, { status: 'hidden', reportCount: 1 }),
    ]);
    const el = await signedIn();
    expect(!!$(row(el, 'pending', 1), '[part~=link]')).to.equal(false);
    expect(!!$(row(el, 'reported', 1), '[part~=link]')).to.equal(false);
    expect(!!$(row(el, 'reported', 3), '[part~=link]')).to.equal(false);
    expect($(row(el, 'reported', 2), '[part~=link]').getAttribute('href')).to.equal(
      'https://blog.example/blog/post-1#parley-2',
    );
  });

  it('moves the focus to the first card "Load more" brought, and says how many', async () => {
    serveStore([]);
    route('GET', '/api/admin/messages', (req) => {
      const params = new URL(req.url).searchParams;
      if (params.get('status') !== 'published') return json({ messages: [], nextCursor: null });
      return params.get('cursor') === 'page-2'
        ? json({ messages: [makeMessage(2), makeMessage(1)], nextCursor: null })
        : json({ messages: [makeMessage(4), makeMessage(3)], nextCursor: 'page-2' });
    });
    const el = await signedIn();
    await openTab(el, 'Published');
    const more = $<HTMLButtonElement>(el, '#panel-recent [part~=load-more]');
    more.focus();
    more.click();
    await waitUntil(() => announced(el) === '2 more messages');
    await waitUntil(() => focused(el) === row(el, 'recent', 2), 'focus lost');
    await expect(el).to.be.accessible();
  });

  it('clears what the live region said about the last tab when another opens', async () => {
    store();
    const el = await signedIn();
    type(el, '#search', 'message');
    $<HTMLFormElement>(el, 'form[role=search]').requestSubmit();
    await waitUntil(() => announced(el) === '3 messages found');
    await openTab(el, 'Spam');
    expect(announced(el)).to.equal('');
  });

  it('says that a single delete cannot be undone, tied to its confirm button', async () => {
    store();
    const el = await signedIn();
    button(row(el, 'pending', 1), 'Delete').click();
    await el.updateComplete;
    const confirm = button(row(el, 'pending', 1), 'Confirm delete');
    const words = $(row(el, 'pending', 1), `#${confirm.getAttribute('aria-describedby')}`);
    expect(text(words)).to.equal('Delete this message for good? This cannot be undone.');
    await expect(el).to.be.accessible();
  });

  it('names each thread of the filter without spaces around it', async () => {
    store();
    const el = await signedIn();
    const options = $$<HTMLOptionElement>(el, '#filter option');
    expect(options.map((o) => o.textContent)).to.deep.equal([
      'All threads',
      'Thread /blog/post-1',
      '/blog/post-2',
    ]);
  });

  it('applies a thread chosen with arrow keys once the keys pause, not at every key', async () => {
    store();
    const el = await signedIn();
    const select = $<HTMLSelectElement>(el, '#filter');
    select.focus();
    // What Chromium does on a closed select: a change at every arrow key.
    for (const key of ['/blog/post-1', '/blog/post-2']) {
      select.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
      select.value = key;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    }
    await waitUntil(() => calls.some((c) => c.url.includes('thread=')), 'the filter did not apply');
    const threads = calls.map((c) => new URL(c.url).searchParams.get('thread')).filter(Boolean);
    expect([...new Set(threads)]).to.deep.equal(['/blog/post-2']);
  });

  it('counts every message readers’ reports hid, whatever the search', async () => {
    serveStore([
      makeMessage(1, { status: 'pending' }),
      makeMessage(2, { status: 'hidden', hiddenReason: 'reports', reportCount: 2 }),
      makeMessage(3, { status: 'hidden', hiddenReason: 'reports', reportCount: 2 }),
    ]);
    const el = await signedIn();
    await waitUntil(() => $(el, '.notice'));
    const notice =
      'Readers’ reports hid 2 messages. Review them: restore what is fine, delete the rest.';
    expect(text($(el, '.notice p'))).to.equal(notice);
    await openTab(el, 'Hidden');
    type(el, '#search', 'number **3**');
    $<HTMLFormElement>(el, 'form[role=search]').requestSubmit();
    await waitUntil(() => announced(el) === '1 message found');
    expect(text($(el, '#tab-hidden'))).to.equal('Hidden2, 2 hidden by reports');
    await openTab(el, 'Queue');
    expect(text($(el, '.notice p'))).to.equal(notice);
  });

  it('says only what the latest search found', async () => {
    store();
    const el = await signedIn();
    const said: string[] = [];
    new MutationObserver(() => said.push(announced(el))).observe($(el, '[role=status]'), {
      childList: true,
      subtree: true,
      characterData: true,
    });
    const first = deferred();
    route('GET', '/api/admin/messages', async (req) => {
      if (new URL(req.url).searchParams.get('q') === 'reader') await first.promise;
      return json({ messages: [], nextCursor: null });
    });
    type(el, '#search', 'reader');
    $<HTMLFormElement>(el, 'form[role=search]').requestSubmit();
    type(el, '#search', 'nobody');
    $<HTMLFormElement>(el, 'form[role=search]').requestSubmit();
    await waitUntil(() => announced(el) === 'No messages found');
    first.resolve(json({}));
    // Answered after the second search started: dropped, and never announced.
    await first.promise;
    for (let frame = 0; frame < 3; frame++) await new Promise(requestAnimationFrame);
    await el.updateComplete;
    expect(said.filter(Boolean)).to.deep.equal(['No messages found']);
  });
});

describe('<parley-admin> readers’ words', () => {
  it('isolates names, thread titles and reasons: a right-to-left override reorders nothing after it', async () => {
    const evil = '\u202eevil';
    serveStore([
      makeMessage(1, {
        status: 'pending',
        reportCount: 1,
        author: { name: evil },
        threadPublic: false,
        threadTitle: evil,
        reports: [{ reason: evil, createdAt: makeMessage(1).createdAt }],
      }),
    ]);
    const el = await signedIn();
    const card = row(el, 'pending', 1);
    for (const selector of ['[part~=author]', '.thread-name', '.reason', '.thread-private bdi'])
      expect(getComputedStyle($(card, selector)).unicodeBidi, selector).to.equal('isolate');
    // The date after the reason still reads left to right: "Jun" before "1".
    const time = $(card, '.reasons time');
    const words = [...time.childNodes].find(
      (node) => node.nodeType === Node.TEXT_NODE && node.textContent?.trim(),
    )!;
    expect(words.textContent).to.match(/^Jun 1/);
    const range = document.createRange();
    const at = (from: number) => {
      range.setStart(words, from);
      range.setEnd(words, from + 1);
      return range.getBoundingClientRect().left;
    };
    expect(at(0)).to.be.below(at(4));
  });
});
