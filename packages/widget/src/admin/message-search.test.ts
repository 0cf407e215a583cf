import { expect, waitUntil } from '@open-wc/testing';
import { calls, useFakeServer } from '../testing/fake-server.js';
import {
  $,
  $$,
  announced,
  button,
  focused,
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

/** The list requests made with search text `q`, as `status` (and `thread`) they asked for. */
const searched = (q: string) =>
  calls
    .map((c) => new URL(c.url).searchParams)
    .filter((p) => p.get('q') === q)
    .map((p) => [p.get('status'), p.get('thread')] as const);

/** The authors listed in the open tab's panel. */
const authors = (el: ParleyAdmin) =>
  $$(el, '[role=tabpanel]:not([hidden]) [part~=author]').map(text);

function store() {
  return serveStore([
    makeMessage(1, { status: 'pending', body: 'A question about Lisp' }),
    makeMessage(2, { status: 'pending', author: { name: 'Lisp Fan' }, body: 'Hello' }),
    makeMessage(3, { status: 'pending', body: 'Nothing to see' }),
    makeMessage(4, { status: 'hidden', body: 'lisp again', threadKey: '/blog/post-2' }),
    makeMessage(5, { status: 'hidden', body: 'LISP', threadKey: '/blog/post-1' }),
    makeMessage(6, { status: 'published', body: 'Unrelated' }),
  ]);
}

describe('<parley-admin> search and thread filter', () => {
  it('searches by text and author as the moderator types, once typing pauses, with the tab’s statuses', async () => {
    store();
    const el = await signedIn();
    const field = $<HTMLInputElement>(el, '#search');
    expect(text($(el, 'label[for=search]'))).to.equal('Search messages');
    expect($(el, 'form[role=search]')).to.exist;
    type(el, '#search', 'l');
    type(el, '#search', 'li');
    type(el, '#search', 'lisp');
    // Debounced: nothing is asked while the moderator is still typing.
    expect(calls.some((c) => c.url.includes('q='))).to.equal(false);
    await waitUntil(() => authors(el).length === 2, 'the search did not run');
    // Hidden is not searched from the Queue: the reports notice counts every hidden message.
    expect(searched('lisp')).to.have.deep.members([
      ['pending', null],
      ['reported', null],
    ]);
    expect(searched('l')).to.deep.equal([]);
    expect(searched('li')).to.deep.equal([]);
    // Body or author name, any case.
    expect(authors(el)).to.deep.equal(['Reader 1', 'Lisp Fan']);
    await waitUntil(() => announced(el) === '2 messages found');
    expect(field.value).to.equal('lisp');
    await expect(el).to.be.accessible();

    // The search holds in every message tab, with that tab's status.
    await openTab(el, 'Hidden');
    expect(authors(el)).to.deep.equal(['Reader 4', 'Reader 5']);
    expect($<HTMLInputElement>(el, '#search').value).to.equal('lisp');
  });

  it('searches at once on Enter, and combines the search with the thread filter', async () => {
    store();
    const el = await signedIn();
    await openTab(el, 'Hidden');
    $<HTMLInputElement>(el, '#search').value = 'lisp';
    $<HTMLFormElement>(el, 'form[role=search]').requestSubmit();
    // No pause on submit: the request is on its way already.
    expect(searched('lisp')).to.deep.include(['hidden', null]);
    await waitUntil(() => authors(el).length === 2);

    const select = $<HTMLSelectElement>(el, '#filter');
    select.value = '/blog/post-2';
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => authors(el).length === 1);
    expect(searched('lisp')).to.deep.include(['hidden', '/blog/post-2']);
    expect(authors(el)).to.deep.equal(['Reader 4']);
    await waitUntil(() => announced(el) === '1 message found');
  });

  it('says so when nothing matches, in each list of the tab', async () => {
    store();
    const el = await signedIn();
    type(el, '#search', 'zebra');
    await waitUntil(() => $$(el, '#panel-queue .empty').length === 2 && !authors(el).length);
    expect($$(el, '#panel-queue .empty').map(text)).to.deep.equal([
      'Nothing here matches “zebra”.',
      'Nothing here matches “zebra”.',
    ]);
    await waitUntil(() => announced(el) === 'No messages found');
    await expect(el).to.be.accessible();
  });

  it('filters every message list by thread, not only Published, and "Show all" clears it', async () => {
    store();
    const el = await signedIn();
    for (const tab of ['Queue', 'Hidden', 'Spam', 'Published']) {
      await openTab(el, tab);
      expect($(el, '[role=tabpanel]:not([hidden]) #filter'), tab).to.exist;
    }
    await openTab(el, 'Hidden');
    const select = $<HTMLSelectElement>(el, '#filter');
    select.value = '/blog/post-1';
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => authors(el).length === 1);
    expect(authors(el)).to.deep.equal(['Reader 5']);
    expect(
      calls.some((c) => {
        const p = new URL(c.url).searchParams;
        return p.get('status') === 'hidden' && p.get('thread') === '/blog/post-1' && !p.has('q');
      }),
    ).to.equal(true);
    expect(row(el, 'hidden', 5)).to.exist;

    // Queue follows the same filter when opened.
    await openTab(el, 'Queue');
    expect(authors(el)).to.deep.equal(['Reader 1', 'Lisp Fan', 'Reader 3']);
    expect(text($(el, '#panel-queue .empty'))).to.equal('Nothing here in Thread /blog/post-1.');
    type(el, '#search', 'zebra');
    await waitUntil(() => !authors(el).length);
    expect(text($(el, '#panel-queue .empty'))).to.equal(
      'Nothing here matches “zebra” in Thread /blog/post-1.',
    );

    button(el, 'Show all').click();
    await waitUntil(() => authors(el).length === 3);
    expect($<HTMLSelectElement>(el, '#filter').value).to.equal('');
    expect($<HTMLInputElement>(el, '#search').value).to.equal('');
    expect(focused(el)?.id).to.equal('search');
  });
});
