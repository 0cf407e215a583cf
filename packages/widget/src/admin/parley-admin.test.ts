import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import type { AdminMessage, OwnerKey } from '@parley/server/wire';
import { sendKeys } from '@web/test-runner-commands';
import '../admin.js';
import {
  apiError,
  calls,
  deferred,
  hang,
  json,
  lastCall as last,
  route,
  serveDeliveries,
  useFakeServer,
} from '../testing/fake-server.js';
import {
  $,
  $$,
  ago,
  announced,
  button,
  focused,
  listed,
  makeDelivery,
  makeMessage,
  makeThread,
  mount,
  openTab,
  roots,
  row,
  serve,
  serveStore,
  signedIn,
  signIn,
  TOKEN,
  text,
  threads,
  type,
} from './admin-fixtures.js';
import { TOKEN_KEY } from './admin-session.js';
import { ParleyAdmin } from './parley-admin.js';

useFakeServer();

const OWNER_TOKEN = `pok_${'Q'.repeat(43)}`;

/** Serves the owner-key routes over a list the test can read; returns that list. */
function serveOwnerKeys(initial: OwnerKey[] = []) {
  const keys = [...initial];
  let next = 100;
  route('GET', '/api/admin/owner-keys', () => json({ ownerKeys: keys }));
  route('POST', '/api/admin/owner-keys', async (req) => {
    const body = (await req.json()) as { label?: string };
    const ownerKey = {
      id: next++,
      label: body.label ?? 'Posting link',
      createdAt: ago(0),
      lastUsedAt: null,
    };
    keys.unshift(ownerKey);
    return json({ ownerKey, token: OWNER_TOKEN }, 201);
  });
  for (const id of [1, 2, 3, 100, 101])
    route('DELETE', `/api/admin/owner-keys/${id}`, () => {
      const at = keys.findIndex((k) => k.id === id);
      if (at < 0) return apiError(404, 'not_found');
      keys.splice(at, 1);
      return new Response(null, { status: 204 });
    });
  return keys;
}

/** Answers a PATCH of message `m` with `m` updated by the request body (and `extra`). */
function patchMessage(m: AdminMessage, extra: Partial<AdminMessage> = {}) {
  route('PATCH', `/api/admin/messages/${m.id}`, async (req) =>
    json({ message: { ...m, ...(await req.json()), ...extra } }),
  );
}

/** Signed in on the Owner tab, with a posting link just created and shown. */
async function withNewPostingLink() {
  serve();
  serveOwnerKeys();
  const el = await signedIn();
  await openTab(el, 'Owner');
  type(el, '#owner-url', 'https://blog.example/posts/hello');
  button(el, 'Create posting link').click();
  await waitUntil(() => $(el, '#owner-link'));
  return el;
}

describe('<parley-admin>', () => {
  it('passes an accessibility audit: sign-in, queue, published, threads, deliveries and owner sections', async function () {
    // Eight axe runs: seconds on a busy machine.
    (this as { timeout(ms: number): void }).timeout(20_000);
    serve({
      pending: [makeMessage(1, { status: 'pending', threadPublic: false, threadTitle: 'New' })],
      reported: [
        makeMessage(2, { reportCount: 2, reports: [{ reason: 'Rude', createdAt: ago(1) }] }),
      ],
      published: [makeMessage(3, { highlighted: true, author: { name: 'Ada', role: 'owner' } })],
      hidden: [
        makeMessage(4, {
          status: 'hidden',
          hiddenReason: 'reports',
          reportCount: 3,
          reports: [{ reason: null, createdAt: ago(2) }],
        }),
      ],
      spam: [makeMessage(5, { status: 'spam' })],
    });
    serveOwnerKeys([{ id: 1, label: 'Laptop', createdAt: ago(60), lastUsedAt: ago(5) }]);
    serveDeliveries(
      [
        makeDelivery(1, {
          attempts: 9,
          lastError: 'HTTP 500',
          failedAt: ago(1),
          nextAttemptAt: null,
        }),
        makeDelivery(2, { channel: 'mail', type: 'reply', target: 'reader' }),
      ],
      TOKEN,
    );
    const el = await mount();
    await expect(el).to.be.accessible();
    await signIn(el);
    await waitUntil(() => $$(el, '#panel-queue article').length === 2);
    await waitUntil(() => $(el, '.notice'));
    await expect(el).to.be.accessible();
    for (const tab of ['Hidden', 'Spam', 'Published', 'Threads', 'Deliveries', 'Owner']) {
      await openTab(el, tab);
      await expect(el).to.be.accessible();
    }
    type(el, '#owner-url', 'https://blog.example/post');
    button(el, 'Create posting link').click();
    await waitUntil(() => $(el, '#owner-link'));
    await expect(el).to.be.accessible();
  });

  describe('signing in', () => {
    it('checks the token as a bearer header, keeps it in sessionStorage only, and shows the dashboard', async () => {
      serve();
      const el = await mount();
      const field = $<HTMLInputElement>(el, '#token');
      expect(field.type).to.equal('password');
      expect(text($(el, 'label[for=token]'))).to.equal('Admin token');
      await signIn(el);

      const check = calls[0]!;
      expect(check.method).to.equal('GET');
      expect(new URL(check.url).pathname).to.equal('/api/admin/threads');
      expect(check.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(sessionStorage.getItem(TOKEN_KEY)).to.equal(TOKEN);
      expect(JSON.stringify({ ...localStorage })).not.to.contain(TOKEN);
      // Never in a URL: not in any request's address, nor in the page's.
      for (const call of calls) {
        expect(call.url).not.to.contain(TOKEN);
        expect(call.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      }
      expect(location.href).not.to.contain(TOKEN);

      expect($(el, '#token')).to.equal(null);
      expect($$(el, '[role=tab]').map(text)).to.deep.equal([
        'Queue',
        'Hidden',
        'Spam',
        'Published',
        'Threads',
        'Owner',
        'Deliveries',
      ]);
      expect(focused(el)?.id).to.equal('tab-queue');
      await waitUntil(() => announced(el) === 'Signed in');
    });

    it('shows the server message beside the field for a wrong token, and stores nothing', async () => {
      serve();
      const el = await mount();
      type(el, '#token', 'wrong');
      button(el, 'Sign in').click();
      await waitUntil(() => $(el, '#token-error'), 'no error shown');
      expect(text($(el, '#token-error'))).to.equal('Wrong admin token.');
      expect($(el, '#token-error').getAttribute('role')).to.equal('alert');
      const field = $(el, '#token');
      expect(field.getAttribute('aria-invalid')).to.equal('true');
      expect(field.getAttribute('aria-describedby')).to.equal('token-error');
      expect(sessionStorage.getItem(TOKEN_KEY)).to.equal(null);
      expect(focused(el)).to.equal(field);
    });

    it('shows the server message that explains an unset PARLEY_ADMIN_TOKEN', async () => {
      const message =
        'No admin token is configured: set PARLEY_ADMIN_TOKEN and restart the server.';
      route('GET', '/api/admin/threads', () => apiError(401, 'unauthorized', { message }));
      const el = await mount();
      type(el, '#token', TOKEN);
      button(el, 'Sign in').click();
      await waitUntil(() => $(el, '#token-error'));
      expect(text($(el, '#token-error'))).to.equal(message);
    });

    it('says when to try again after too many failed attempts (429 with Retry-After)', async () => {
      route('GET', '/api/admin/threads', () =>
        apiError(429, 'rate_limited', {
          message: 'Too many requests',
          headers: { 'Retry-After': '42' },
        }),
      );
      const el = await mount();
      type(el, '#token', TOKEN);
      button(el, 'Sign in').click();
      await waitUntil(() => $(el, '#token-error'));
      expect(text($(el, '#token-error'))).to.equal('Too many failed attempts, try again in 42 s');
    });

    it('asks for a token before sending anything, and disables the button while checking', async () => {
      const answer = deferred();
      route('GET', '/api/admin/threads', () => answer.promise);
      const el = await mount();
      button(el, 'Sign in').click();
      await el.updateComplete;
      expect(text($(el, '#token-error'))).to.equal('Enter the admin token.');
      expect(calls).to.have.length(0);

      type(el, '#token', TOKEN);
      button(el, 'Sign in').click();
      await el.updateComplete;
      const busy = $<HTMLButtonElement>(el, 'form button');
      expect(busy.disabled).to.equal(true);
      expect(text(busy)).to.equal('Signing in…');
      answer.resolve(json({ threads: [], nextCursor: null }));
      await oneEvent(el, 'parley-session-changed');
    });

    it('resumes from this tab’s sessionStorage after a reload, and drops a token the server refuses', async () => {
      serve();
      sessionStorage.setItem(TOKEN_KEY, TOKEN);
      const el = await mount();
      await waitUntil(() => $(el, '[role=tablist]'), 'did not resume');
      expect(calls[0]!.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);

      sessionStorage.setItem(TOKEN_KEY, 'stale');
      const again = await mount();
      await waitUntil(() => $(again, '#token-error'), 'stale token not refused');
      expect(sessionStorage.getItem(TOKEN_KEY)).to.equal(null);
    });

    it('drops a stored token that is not a token at all, without asking the server', async () => {
      serve();
      sessionStorage.setItem(TOKEN_KEY, 'two words');
      const el = await mount();
      await waitUntil(() => $(el, '#token-error'), 'the stored token was not refused');
      expect(sessionStorage.getItem(TOKEN_KEY)).to.equal(null);
      expect(calls.length).to.equal(0);
    });

    it('signs out: forgets the token and everything loaded with it', async () => {
      serve({ pending: [makeMessage(1, { status: 'pending' })] });
      const el = await signedIn();
      const out = oneEvent(el, 'parley-session-changed');
      button(el, 'Sign out').click();
      expect((await out).detail.signedIn).to.equal(false);
      await el.updateComplete;
      expect(sessionStorage.getItem(TOKEN_KEY)).to.equal(null);
      expect($(el, '#token')).to.exist;
      expect($(el, 'article')).to.equal(null);
      await waitUntil(() => announced(el) === 'Signed out');
    });

    it('goes back to sign-in with the server message when the token stops working', async () => {
      serve({ pending: [makeMessage(1, { status: 'pending' })] });
      const el = await signedIn();
      route('PATCH', '/api/admin/messages/1', () =>
        apiError(401, 'unauthorized', { message: 'Wrong admin token.' }),
      );
      button(row(el, 'pending', 1), 'Approve').click();
      await waitUntil(() => $(el, '#token-error'), 'not signed out');
      expect(text($(el, '#token-error'))).to.equal('Wrong admin token.');
      expect(sessionStorage.getItem(TOKEN_KEY)).to.equal(null);
    });

    it('reports only the 401 when it signs out during another row’s request, not that request’s abort', async () => {
      serve({
        pending: [makeMessage(1, { status: 'pending' }), makeMessage(2, { status: 'pending' })],
      });
      const el = await signedIn();
      let abortedRequestSettled = false;
      route('PATCH', '/api/admin/messages/1', (req) =>
        Promise.resolve(hang(req)).finally(() => {
          abortedRequestSettled = true;
        }),
      );
      route('PATCH', '/api/admin/messages/2', () =>
        apiError(401, 'unauthorized', { message: 'Wrong admin token.' }),
      );
      const errors: string[] = [];
      el.addEventListener('parley-admin-error', (e) => errors.push(e.detail.code));
      button(row(el, 'pending', 1), 'Approve').click();
      await waitUntil(() => calls.some((c) => c.url.endsWith('/messages/1')));
      button(row(el, 'pending', 2), 'Approve').click();
      await waitUntil(() => $(el, '#token-error'), 'not signed out');
      // Sign-out aborted the first request; by the next check its rejection has been handled.
      await waitUntil(() => abortedRequestSettled, 'the first request was not aborted');
      expect(errors).to.deep.equal(['unauthorized']);
      expect($(el, 'article')).to.equal(null);
    });
  });

  describe('queue', () => {
    it('lists pending messages and approves one: PATCH status published, out of the queue, announced', async () => {
      const m = makeMessage(7, { status: 'pending' });
      serve({ pending: [m, makeMessage(8, { status: 'pending' })] });
      const el = await signedIn();
      const list = calls.find((c) => c.url.includes('status=pending'))!;
      expect(new URL(list.url).pathname).to.equal('/api/admin/messages');
      expect(text($(el, '#h-pending'))).to.equal('Waiting for approval (2)');

      const answer = deferred();
      route('PATCH', '/api/admin/messages/7', () => answer.promise);
      const approve = button(row(el, 'pending', 7), 'Approve');
      expect(approve.getAttribute('aria-label')).to.equal('Approve, message 7 by Reader 7');
      approve.focus();
      approve.click();
      await el.updateComplete;
      // Every button of the row waits for the answer; the other rows do not.
      const buttons = [...row(el, 'pending', 7).querySelectorAll('button')];
      expect(buttons.every((b) => b.disabled)).to.equal(true);
      expect(button(row(el, 'pending', 8), 'Approve').disabled).to.equal(false);

      const req = last('PATCH');
      expect(new URL(req.url).pathname).to.equal('/api/admin/messages/7');
      expect(req.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(req.headers.get('Content-Type')).to.equal('application/json');
      expect(await req.json()).to.deep.equal({ status: 'published' });

      const done = oneEvent(el, 'parley-message-moderated');
      answer.resolve(json({ message: { ...m, status: 'published' } }));
      const event = await done;
      expect(event.detail.action).to.equal('approve');
      await el.updateComplete;
      // Decided: no longer waiting, and counted no more.
      expect(!!$(el, '#a-pending-7')).to.equal(false);
      expect(text($(el, '#h-pending'))).to.equal('Waiting for approval (1)');
      await waitUntil(() => announced(el) === 'Message approved');
      // Focus moves on to the next card, for the next key press.
      await waitUntil(() => focused(el) === row(el, 'pending', 8));
    });

    it('hides a pending message', async () => {
      const m = makeMessage(9, { status: 'pending' });
      serve({ pending: [m] });
      patchMessage(m);
      const el = await signedIn();
      button(row(el, 'pending', 9), 'Hide').click();
      await oneEvent(el, 'parley-message-moderated');
      expect(await last('PATCH').json()).to.deep.equal({ status: 'hidden' });
      await el.updateComplete;
      expect(!!$(el, '#a-pending-9')).to.equal(false);
      await waitUntil(() => announced(el) === 'Message hidden');
    });

    it('keeps a reported message (status published clears its reports) or hides it', async () => {
      const kept = makeMessage(11, { reportCount: 2 });
      const hidden = makeMessage(12, { reportCount: 1 });
      serve({ reported: [kept, hidden] });
      patchMessage(kept, { reportCount: 0 });
      patchMessage(hidden, { reportCount: 0 });
      const el = await signedIn();
      expect(text($(el, '#h-reported'))).to.equal('Reported by readers (2)');
      expect(text(row(el, 'reported', 11).querySelector('.reported'))).to.equal('2 reports');
      expect(text(row(el, 'reported', 12).querySelector('.reported'))).to.equal('1 report');

      button(row(el, 'reported', 11), 'Keep').click();
      await oneEvent(el, 'parley-message-moderated');
      expect(new URL(last('PATCH').url).pathname).to.equal('/api/admin/messages/11');
      expect(await last('PATCH').json()).to.deep.equal({ status: 'published' });
      await el.updateComplete;
      expect(!!$(el, '#a-reported-11')).to.equal(false);
      expect(text($(el, '#h-reported'))).to.equal('Reported by readers (1)');
      await waitUntil(() => announced(el) === 'Message kept, reports cleared');

      const hide = button(row(el, 'reported', 12), 'Hide');
      hide.focus();
      hide.click();
      await oneEvent(el, 'parley-message-moderated');
      expect(await last('PATCH').json()).to.deep.equal({ status: 'hidden' });
      await el.updateComplete;
      expect(!!$(el, '#a-reported-12')).to.equal(false);
      // The list is empty: the focus goes to its heading, not to the page's body.
      await waitUntil(() => focused(el) === $(el, '#h-reported'));
    });

    it('shows the server message in the row and keeps its state when an action fails', async () => {
      serve({ pending: [makeMessage(5, { status: 'pending' })] });
      route('PATCH', '/api/admin/messages/5', () =>
        apiError(404, 'message_not_found', { message: 'No message 5.' }),
      );
      const el = await signedIn();
      button(row(el, 'pending', 5), 'Approve').click();
      await waitUntil(() => row(el, 'pending', 5).querySelector('[role=alert]'));
      const r = row(el, 'pending', 5);
      expect(text(r.querySelector('[role=alert]'))).to.equal('No message 5.');
      expect(text(r.querySelector('.status-pending'))).to.equal('Pending');
      expect(button(r, 'Approve').disabled).to.equal(false);
    });

    it('refreshes the lists on demand and says so when done', async () => {
      serve({ pending: [makeMessage(1, { status: 'pending' })] });
      const el = await signedIn();
      serve({
        pending: [makeMessage(2, { status: 'pending' }), makeMessage(1, { status: 'pending' })],
      });
      button(el, 'Refresh').click();
      await waitUntil(() => announced(el) === 'Lists refreshed');
      expect($$(el, '#panel-queue [part~=author]').map(text)).to.deep.equal([
        'Reader 2',
        'Reader 1',
      ]);
    });

    it('says so when the server cannot be reached, with a retry', async () => {
      serve();
      route('GET', '/api/admin/messages', () => Promise.reject(new TypeError('Failed to fetch')));
      const el = await mount();
      await signIn(el);
      await waitUntil(() => $(el, '#panel-queue [role=alert]'));
      expect(text($(el, '#panel-queue [role=alert]'))).to.contain('could not be reached');
      serve({ pending: [makeMessage(3, { status: 'pending' })] });
      button($(el, '#panel-queue'), 'Retry').click();
      await waitUntil(() => $(el, '#a-pending-3'));
    });
  });

  describe('recent', () => {
    it('lists published messages with their thread, time, sanitized HTML and source as text', async () => {
      serve({ published: [makeMessage(3, { editedAt: ago(1) })] });
      const el = await signedIn();
      await openTab(el, 'Published');
      const req = calls.find((c) => c.url.includes('status=published'))!;
      expect(new URL(req.url).searchParams.has('thread')).to.equal(false);
      const r = row(el, 'recent', 3);
      expect(text(r.querySelector('[part~=author]'))).to.equal('Reader 3');
      expect(text(r.querySelector('.where'))).to.equal(
        'in Thread /blog/post-1 · Jun 1, 2025, 11:57 AM · edited · View on the blog',
      );
      expect(r.querySelector('time')!.getAttribute('datetime')).to.equal(ago(3));
      expect(r.querySelector('[part~=body] strong')?.textContent).to.equal('3');
      expect(r.querySelector('details pre')!.textContent).to.equal('Message number **3**');
    });

    it('links each message to its place on the blog, in a new tab; no link without an http(s) thread url', async () => {
      serve({
        published: [
          makeMessage(3),
          makeMessage(4, { threadUrl: null }),
          makeMessage(5, { threadUrl: 'javascript:alert(1)' }),
          makeMessage(6, { threadUrl: 'https://blog.example/post?x=1#top' }),
        ],
      });
      const el = await signedIn();
      await openTab(el, 'Published');
      const link = row(el, 'recent', 3).querySelector<HTMLAnchorElement>('a[part~=link]')!;
      expect(link.href).to.equal('https://blog.example/blog/post-1#parley-3');
      expect(link.target).to.equal('_blank');
      expect(link.rel).to.equal('noopener noreferrer');
      expect(text(link)).to.equal('View on the blog');
      expect(link.getAttribute('aria-label')).to.equal('View on the blog, message 3 by Reader 3');
      expect(row(el, 'recent', 4).querySelector('a')).to.equal(null);
      expect(row(el, 'recent', 5).querySelector('a')).to.equal(null);
      // The message's anchor replaces the page's own fragment.
      expect(row(el, 'recent', 6).querySelector<HTMLAnchorElement>('a')!.href).to.equal(
        'https://blog.example/post?x=1#parley-6',
      );
    });

    it('hides, highlights and unhighlights (a pressed star) a published message', async () => {
      const m = makeMessage(4);
      serve({ published: [m] });
      const el = await signedIn();
      await openTab(el, 'Published');

      route('PATCH', '/api/admin/messages/4', async (req) =>
        json({ message: { ...m, ...(await req.json()) } }),
      );
      const star = button(row(el, 'recent', 4), 'Highlight');
      expect(star.getAttribute('aria-pressed')).to.equal('false');
      star.click();
      await oneEvent(el, 'parley-message-moderated');
      expect(await last('PATCH').json()).to.deep.equal({ highlighted: true });
      await el.updateComplete;
      expect(button(row(el, 'recent', 4), 'Highlight').getAttribute('aria-pressed')).to.equal(
        'true',
      );
      expect(text(row(el, 'recent', 4).querySelector('.highlighted'))).to.equal('★ Highlighted');
      await waitUntil(() => announced(el) === 'Message highlighted');

      route('PATCH', '/api/admin/messages/4', async (req) =>
        json({ message: { ...m, highlighted: true, ...(await req.json()) } }),
      );
      button(row(el, 'recent', 4), 'Highlight').click();
      await oneEvent(el, 'parley-message-moderated');
      expect(await last('PATCH').json()).to.deep.equal({ highlighted: false });
      await waitUntil(() => announced(el) === 'Highlight removed');

      button(row(el, 'recent', 4), 'Hide').click();
      await oneEvent(el, 'parley-message-moderated');
      expect(await last('PATCH').json()).to.deep.equal({ status: 'hidden' });
      await el.updateComplete;
      expect(!!$(el, '#a-recent-4')).to.equal(false);
    });

    it('deletes only after "Confirm delete" is clicked, and can cancel', async () => {
      serve({ published: [makeMessage(6)] });
      route('DELETE', '/api/admin/messages/6', () => new Response(null, { status: 204 }));
      const el = await signedIn();
      await openTab(el, 'Published');

      const del = button(row(el, 'recent', 6), 'Delete');
      del.click();
      await el.updateComplete;
      expect(calls.some((c) => c.method === 'DELETE')).to.equal(false);
      // The same button now asks for confirmation, so focus stays put.
      expect(text(del)).to.equal('Confirm delete');
      button(row(el, 'recent', 6), 'Cancel').click();
      await el.updateComplete;
      expect(text(del)).to.equal('Delete');

      del.click();
      await el.updateComplete;
      const done = oneEvent(el, 'parley-message-moderated');
      button(row(el, 'recent', 6), 'Confirm delete').click();
      const event = await done;
      expect(event.detail).to.deep.include({ action: 'delete' });
      const req = last('DELETE');
      expect(new URL(req.url).pathname).to.equal('/api/admin/messages/6');
      expect(req.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      await el.updateComplete;
      expect(!!$(el, '#a-recent-6')).to.equal(false);
      await waitUntil(() => announced(el) === 'Message deleted');
    });

    it('loads more with the cursor', async () => {
      serve();
      route('GET', '/api/admin/messages', (req) => {
        const cursor = new URL(req.url).searchParams.get('cursor');
        return cursor === 'page-2'
          ? json({ messages: [makeMessage(2), makeMessage(1)], nextCursor: null })
          : json({ messages: [makeMessage(4), makeMessage(3)], nextCursor: 'page-2' });
      });
      const el = await signedIn();
      await openTab(el, 'Published');
      expect($$(el, '#panel-recent article').length).to.equal(2);
      const more = $<HTMLButtonElement>(el, '#panel-recent [part~=load-more]');
      expect(more.getAttribute('aria-label')).to.equal('Load more, Published messages');
      more.click();
      await waitUntil(() => $$(el, '#panel-recent article').length === 4);
      const req = last('GET');
      expect(new URL(req.url).searchParams.get('cursor')).to.equal('page-2');
      expect(new URL(req.url).searchParams.get('status')).to.equal('published');
      expect($$(el, '#panel-recent [part~=author]').map(text)).to.deep.equal([
        'Reader 4',
        'Reader 3',
        'Reader 2',
        'Reader 1',
      ]);
      expect($(el, '#panel-recent [part~=load-more]')).to.equal(null);
    });

    it('filters by thread, from the select or from a thread’s "Show messages"', async () => {
      serve({ published: [makeMessage(1)] });
      const el = await signedIn();
      await openTab(el, 'Published');
      const select = $<HTMLSelectElement>(el, '#filter');
      expect(text($(el, 'label[for=filter]'))).to.equal('Thread');
      expect([...select.options].map(text)).to.deep.equal([
        'All threads',
        'Thread /blog/post-1',
        '/blog/post-2',
      ]);
      select.value = '/blog/post-2';
      select.dispatchEvent(new Event('change'));
      await waitUntil(() => last('GET').url.includes('thread='));
      expect(new URL(last('GET').url).searchParams.get('thread')).to.equal('/blog/post-2');

      await openTab(el, 'Threads');
      const show = button(el, 'Show messages, thread Thread /blog/post-1');
      show.click();
      await waitUntil(() => new URL(last('GET').url).searchParams.get('thread') === '/blog/post-1');
      await el.updateComplete;
      expect($(el, '#panel-recent').hidden).to.equal(false);
      expect($<HTMLSelectElement>(el, '#filter').value).to.equal('/blog/post-1');
      expect(focused(el)?.id).to.equal('tab-recent');
    });
  });

  describe('threads', () => {
    it('lists threads with their counts and status', async () => {
      serve();
      const el = await signedIn();
      await openTab(el, 'Threads');
      const cards = $$(el, '#panel-threads article');
      expect(cards.map((c) => text(c.querySelector('h3')))).to.deep.equal([
        'Thread /blog/post-1',
        '/blog/post-2',
      ]);
      expect(text(cards[0]!.querySelector('.counts'))).to.equal(
        '5 messages · 1 highlight · 1 pending · 1 reported · last activity Jun 1, 2025, 11:00 AM',
      );
      expect(text(cards[0]!.querySelector('[part~=badge]'))).to.equal('Open');
      expect(cards[0]!.querySelector('a')!.getAttribute('href')).to.equal(
        'https://blog.example/blog/post-1',
      );
    });

    it('closes and reopens a thread with PATCH /api/admin/threads/:key', async () => {
      serve();
      route('PATCH', `/api/admin/threads/${encodeURIComponent('/blog/post-1')}`, async (req) =>
        json({ thread: { ...threads[0], ...(await req.json()) } }),
      );
      const el = await signedIn();
      await openTab(el, 'Threads');

      const close = button(el, 'Close, thread Thread /blog/post-1');
      close.click();
      const event = await oneEvent(el, 'parley-thread-moderated');
      expect(event.detail.thread.status).to.equal('closed');
      const req = last('PATCH');
      expect(new URL(req.url).pathname).to.equal('/api/admin/threads/%2Fblog%2Fpost-1');
      expect(await req.json()).to.deep.equal({ status: 'closed' });
      await el.updateComplete;
      const card = $$(el, '#panel-threads article')[0]!;
      expect(text(card.querySelector('[part~=badge]'))).to.equal('Closed');
      await waitUntil(() => announced(el) === 'Thread closed');

      button(el, 'Reopen, thread Thread /blog/post-1').click();
      await oneEvent(el, 'parley-thread-moderated');
      expect(await last('PATCH').json()).to.deep.equal({ status: 'open' });
      await waitUntil(() => announced(el) === 'Thread reopened');
      expect(text(card.querySelector('[part~=badge]'))).to.equal('Open');
    });

    it('keeps the rows out of reach while the list loads again, so a click never lands on a row that moves', async () => {
      serve();
      const el = await signedIn();
      await openTab(el, 'Threads');
      // The reload answers later, with the other thread now the most active.
      const answer = deferred();
      route('GET', '/api/admin/threads', () => answer.promise);
      button(el, 'Refresh').click();
      await el.updateComplete;
      const list = $(el, '#panel-threads ol[part~=threads]');
      expect(list.inert).to.equal(true);
      expect(list.getAttribute('aria-busy')).to.equal(null);
      const close = button(el, 'Close, thread Thread /blog/post-1');
      const box = close.getBoundingClientRect();
      // The pointer passes through to the section behind; the keyboard cannot reach it either.
      const hit = el.shadowRoot!.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
      expect(list.contains(hit)).to.equal(false);
      close.focus();
      expect(close.matches(':focus')).to.equal(false);
      await expect(el).to.be.accessible();
      answer.resolve(json({ threads: [threads[1], threads[0]], nextCursor: null }));
      await waitUntil(() => announced(el) === 'Lists refreshed');
      expect($(el, '#panel-threads ol[part~=threads]').inert).to.equal(false);
      expect(
        $$(el, '#panel-threads article').map((c) => text(c.querySelector('h3'))),
      ).to.deep.equal(['/blog/post-2', 'Thread /blog/post-1']);
    });

    it('edits the summary, showing field errors from issues, then saves', async () => {
      serve();
      let attempt = 0;
      route('PATCH', `/api/admin/threads/${encodeURIComponent('/blog/post-1')}`, async (req) => {
        const body = await req.json();
        return ++attempt === 1
          ? apiError(400, 'invalid_request', {
              message: 'Some fields are not valid.',
              issues: [{ path: 'summary', message: 'The summary is at most 500 characters.' }],
            })
          : json({ thread: { ...threads[0], ...body } });
      });
      const el = await signedIn();
      await openTab(el, 'Threads');
      const edit = button(el, 'Edit details, thread Thread /blog/post-1');
      edit.click();
      await el.updateComplete;
      expect(edit.getAttribute('aria-expanded')).to.equal('true');
      expect(focused(el)?.id).to.equal('edit-title');
      expect($<HTMLInputElement>(el, '#edit-title').value).to.equal('Thread /blog/post-1');
      expect(text($(el, 'label[for=edit-summary]'))).to.equal('Summary');

      type(el, '#edit-summary', 'x'.repeat(600));
      button($(el, '.edit-form'), 'Save').click();
      await waitUntil(() => $(el, '#edit-summary-error'), 'no field error');
      expect(await last('PATCH').json()).to.deep.equal({ summary: 'x'.repeat(600) });
      expect(text($(el, '#edit-summary-error'))).to.equal('The summary is at most 500 characters.');
      const summary = $(el, '#edit-summary');
      expect(summary.getAttribute('aria-invalid')).to.equal('true');
      expect(summary.getAttribute('aria-describedby')).to.equal(
        'edit-summary-hint edit-summary-error',
      );
      expect(focused(el)).to.equal(summary);

      type(el, '#edit-summary', 'A shorter summary.');
      button($(el, '.edit-form'), 'Save').click();
      await oneEvent(el, 'parley-thread-moderated');
      expect(await last('PATCH').json()).to.deep.equal({ summary: 'A shorter summary.' });
      await el.updateComplete;
      expect($(el, '.edit-form')).to.equal(null);
      expect(text($$(el, '#panel-threads article')[0]!.querySelector('.summary'))).to.equal(
        'A shorter summary.',
      );
      await waitUntil(() => announced(el) === 'Thread saved');
    });

    it('checks the url field before sending', async () => {
      serve();
      const el = await signedIn();
      await openTab(el, 'Threads');
      button(el, 'Edit details, thread Thread /blog/post-1').click();
      await el.updateComplete;
      type(el, '#edit-url', 'javascript:alert(1)');
      button($(el, '.edit-form'), 'Save').click();
      await el.updateComplete;
      expect(text($(el, '#edit-url-error'))).to.equal(
        'Enter a full address starting with https:// or http://.',
      );
      expect(calls.some((c) => c.method === 'PATCH')).to.equal(false);
    });

    it('closes the edit form on Cancel (click or Enter) and on Escape, unsaved, the focus back on "Edit details"', async () => {
      serve();
      const el = await signedIn();
      await openTab(el, 'Threads');
      const edit = button(el, 'Edit details, thread Thread /blog/post-1');
      const closesBy = async (close: () => Promise<unknown>) => {
        edit.click();
        await el.updateComplete;
        expect(focused(el)?.id).to.equal('edit-title');
        type(el, '#edit-title', 'Not saved');
        await close();
        await waitUntil(() => !$(el, '.edit-form'), 'the form stayed open');
        await waitUntil(() => focused(el) === edit, `focus on ${focused(el)?.outerHTML}`);
        expect(edit.getAttribute('aria-expanded')).to.equal('false');
      };

      await closesBy(async () => button($(el, '.edit-form'), 'Cancel').click());
      await closesBy(async () => {
        button($(el, '.edit-form'), 'Cancel').focus();
        await sendKeys({ press: 'Enter' });
      });
      await closesBy(() => sendKeys({ press: 'Escape' }));
      expect(calls.some((c) => c.method === 'PATCH')).to.equal(false);
      edit.click();
      await el.updateComplete;
      expect($<HTMLInputElement>(el, '#edit-title').value).to.equal('Thread /blog/post-1');
    });

    it('keeps the edit form through Escape while it saves, so a failed save can say why', async () => {
      const answer = deferred();
      serve();
      route(
        'PATCH',
        `/api/admin/threads/${encodeURIComponent('/blog/post-1')}`,
        () => answer.promise,
      );
      const el = await signedIn();
      await openTab(el, 'Threads');
      button(el, 'Edit details, thread Thread /blog/post-1').click();
      await el.updateComplete;
      type(el, '#edit-title', 'A new title');
      button($(el, '.edit-form'), 'Save').click();
      await waitUntil(() => calls.some((c) => c.method === 'PATCH'), 'no PATCH sent');
      $(el, '#edit-title').focus();
      await sendKeys({ press: 'Escape' });
      await el.updateComplete;
      expect($(el, '.edit-form'), 'Escape closed the form mid-save').to.exist;
      answer.resolve(apiError(500, 'internal_error', { message: 'The server failed.' }));
      await waitUntil(() => text($(el, '.edit-form [role=alert]')) === 'The server failed.');
    });
  });

  describe('rights and rendering', () => {
    it('gives each message the buttons its status allows, as the READMEs list them', async () => {
      serve({
        pending: [makeMessage(1, { status: 'pending' })],
        reported: [makeMessage(2, { reportCount: 1 })],
        hidden: [makeMessage(3, { status: 'hidden', hiddenReason: 'moderator' })],
        spam: [makeMessage(4, { status: 'spam' })],
        published: [makeMessage(5), makeMessage(6, { reportCount: 1 })],
      });
      const el = await signedIn();
      const buttons = (list: string, id: number) =>
        [...row(el, list, id).querySelectorAll('.actions button')].map((b) =>
          text(b).replace(/^[★☆] /, ''),
        );
      expect(buttons('pending', 1)).to.deep.equal(['Approve', 'Hide', 'Delete']);
      expect(buttons('reported', 2)).to.deep.equal(['Keep', 'Hide', 'Delete']);
      await openTab(el, 'Hidden');
      expect(buttons('hidden', 3)).to.deep.equal(['Restore', 'Delete']);
      await openTab(el, 'Spam');
      expect(buttons('spam', 4)).to.deep.equal(['Approve', 'Delete']);
      await openTab(el, 'Published');
      expect(buttons('recent', 5)).to.deep.equal(['Hide', 'Highlight', 'Delete']);
      expect(buttons('recent', 6)).to.deep.equal(['Keep', 'Hide', 'Delete']);
    });

    it('renders names, titles and sources as text: a hostile name stays text and runs nothing', async () => {
      const evil = '<img src=x onerror="window.__parleyPwned=1">';
      const w = window as unknown as { __parleyPwned?: number };
      delete w.__parleyPwned;
      serve(
        {
          pending: [
            makeMessage(1, {
              status: 'pending',
              author: { name: evil },
              threadKey: '/evil',
              body: evil,
            }),
          ],
        },
        [makeThread('/evil', { title: evil, summary: evil, url: 'javascript:alert(1)' })],
      );
      const el = await signedIn();
      const r = row(el, 'pending', 1);
      expect(text(r.querySelector('[part~=author]'))).to.equal(evil);
      expect(text(r.querySelector('.thread-name'))).to.equal(evil);
      expect(r.querySelector('details pre')!.textContent).to.equal(evil);
      expect(button(r, 'Approve').getAttribute('aria-label')).to.equal(
        `Approve, message 1 by ${evil}`,
      );
      await openTab(el, 'Threads');
      const card = $(el, '#panel-threads article');
      expect(text(card.querySelector('h3'))).to.equal(evil);
      expect(text(card.querySelector('.summary'))).to.equal(evil);
      // A non-http(s) url is shown nowhere as a link.
      expect(card.querySelector('a')).to.equal(null);
      expect($(el, 'img')).to.equal(null);
      await new Promise((r) => setTimeout(r, 50));
      expect(w.__parleyPwned).to.equal(undefined);
    });
  });

  describe('owner posting keys', () => {
    const link = `https://blog.example/posts/hello#parley-owner=${OWNER_TOKEN}`;
    const realClipboard = Object.getOwnPropertyDescriptor(navigator, 'clipboard');
    let copied: string[];
    beforeEach(() => {
      copied = [];
      Object.defineProperty(navigator, 'clipboard', {
        configurable: true,
        value: {
          writeText: async (value: string) => {
            copied.push(value);
          },
        },
      });
    });
    afterEach(() => {
      if (realClipboard) Object.defineProperty(navigator, 'clipboard', realClipboard);
      else delete (navigator as { clipboard?: unknown }).clipboard;
    });

    it('creates a posting link: POST with the label, then the link and key shown once, copied, listed', async () => {
      serve();
      const keys = serveOwnerKeys();
      const el = await signedIn();
      await openTab(el, 'Owner');
      const panel = $(el, '#panel-owner');
      expect(text(panel.querySelector('h2'))).to.equal('Post as the site owner');
      expect(text(panel)).to.contain('“Author” badge');
      expect(text(panel)).to.contain('Never put the admin token in a blog link');
      expect(text(panel)).not.to.contain('stores the admin token');
      expect(text($(el, 'label[for=owner-label]'))).to.equal('Label (optional)');
      expect(text($(el, 'label[for=owner-url]'))).to.equal('A page of your blog with comments');
      expect(text(panel)).to.contain('No posting keys yet.');
      // A thread's page is suggested.
      expect($<HTMLInputElement>(el, '#owner-url').value).to.equal(
        'https://blog.example/blog/post-1',
      );

      type(el, '#owner-url', 'ftp://blog.example/post');
      button(panel, 'Create posting link').click();
      await el.updateComplete;
      expect(calls.some((c) => c.method === 'POST')).to.equal(false);
      expect(text($(el, '#owner-url-error'))).to.equal(
        'Enter a full address starting with https:// or http://.',
      );
      await waitUntil(() => focused(el)?.id === 'owner-url');

      type(el, '#owner-label', '  Laptop ');
      type(el, '#owner-url', 'https://blog.example/posts/hello#comments');
      button(panel, 'Create posting link').click();
      await waitUntil(() => $(el, '#owner-link'));
      const req = last('POST');
      expect(new URL(req.url).pathname).to.equal('/api/admin/owner-keys');
      expect(req.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(await req.json()).to.deep.equal({ label: 'Laptop' });
      expect(text($(el, '#h-owner-link'))).to.equal('Posting link “Laptop”');
      expect($<HTMLInputElement>(el, '#owner-link').value).to.equal(link);
      expect($<HTMLInputElement>(el, '#owner-token').value).to.equal(OWNER_TOKEN);
      expect(text(panel)).to.contain('It is shown only now');
      await waitUntil(() => focused(el)?.id === 'owner-link');
      await waitUntil(() => announced(el).startsWith('Posting link created'));
      const open = [...panel.querySelectorAll('a')].find((a) => text(a) === 'Open it now')!;
      expect(open.href).to.equal(link);
      expect(open.rel).to.equal('noopener noreferrer');
      expect(open.target).to.equal('_blank');

      button(panel, 'Copy, posting link').click();
      await waitUntil(() => announced(el) === 'Copied');
      button(panel, 'Copy, key').click();
      await waitUntil(() => copied.length === 2);
      expect(copied).to.deep.equal([link, OWNER_TOKEN]);

      expect(keys).to.have.length(1);
      expect(text(panel.querySelector('[data-key="100"]'))).to.contain('Laptop');
      expect(text(panel.querySelector('[data-key="100"]'))).to.contain('never used');

      button(panel, 'Done, hide the link').click();
      await waitUntil(() => focused(el)?.id === 'owner-label');
      expect($(el, '#owner-link')).to.equal(null);
      expect(el.shadowRoot!.innerHTML).not.to.contain(OWNER_TOKEN);
      // Nothing of the key is kept by the page.
      expect(JSON.stringify({ ...localStorage, ...sessionStorage })).not.to.contain(OWNER_TOKEN);
    });

    it('selects the link for a manual copy when the clipboard refuses', async () => {
      Object.defineProperty(navigator, 'clipboard', {
        configurable: true,
        value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
      });
      const el = await withNewPostingLink();
      $(el, '#owner-token').focus();
      button(el, 'Copy, posting link').click();
      await waitUntil(() => announced(el).startsWith('Could not copy'));
      const field = $<HTMLInputElement>(el, '#owner-link');
      expect(focused(el)).to.equal(field);
      expect(field.selectionEnd! - field.selectionStart!).to.equal(link.length);
    });

    it('shows a label the server refused beside its field', async () => {
      serve();
      serveOwnerKeys();
      route('POST', '/api/admin/owner-keys', () =>
        apiError(400, 'invalid_request', {
          message: 'Invalid request: label: must be at most 80 characters',
          issues: [{ path: 'label', message: 'must be at most 80 characters' }],
        }),
      );
      const el = await signedIn();
      await openTab(el, 'Owner');
      type(el, '#owner-label', 'x');
      type(el, '#owner-url', 'https://blog.example/posts/hello');
      button(el, 'Create posting link').click();
      await waitUntil(() => $(el, '#owner-label-error'));
      expect(text($(el, '#owner-label-error'))).to.equal('must be at most 80 characters');
      expect($(el, '#owner-label').getAttribute('aria-invalid')).to.equal('true');
      await waitUntil(() => focused(el)?.id === 'owner-label');
      expect($(el, '#owner-link')).to.equal(null);
    });

    it('lists keys with their last use and revokes one only after "Confirm revoke"; focus moves on', async () => {
      serve();
      const keys = serveOwnerKeys([
        { id: 2, label: 'Phone', createdAt: ago(60), lastUsedAt: '2025-06-01T11:55:00.000Z' },
        { id: 1, label: 'Laptop', createdAt: ago(600), lastUsedAt: null },
      ]);
      const el = await signedIn();
      await openTab(el, 'Owner');
      await waitUntil(() => $(el, '[data-key="2"]'));
      const phone = $(el, '[data-key="2"]');
      expect(text(phone)).to.contain('Phone');
      expect(text(phone)).to.contain('last used Jun 1, 2025, 11:55 AM');
      expect(text($(el, '[data-key="1"]'))).to.contain('never used');

      const revoke = button(phone, 'Revoke');
      expect(revoke.getAttribute('aria-label')).to.equal('Revoke, key Phone');
      revoke.focus();
      revoke.click();
      await el.updateComplete;
      expect(calls.some((c) => c.method === 'DELETE')).to.equal(false);
      expect(text(revoke)).to.equal('Confirm revoke');
      button(phone, 'Cancel').click();
      await el.updateComplete;
      expect(text(revoke)).to.equal('Revoke');

      revoke.click();
      await el.updateComplete;
      button(phone, 'Confirm revoke').click();
      await waitUntil(() => !$(el, '[data-key="2"]'));
      const req = last('DELETE');
      expect(new URL(req.url).pathname).to.equal('/api/admin/owner-keys/2');
      expect(req.headers.get('Authorization')).to.equal(`Bearer ${TOKEN}`);
      expect(keys.map((k) => k.id)).to.deep.equal([1]);
      await waitUntil(() => announced(el) === 'Key revoked: it can no longer post');
      await waitUntil(() => focused(el) === button(el, 'Revoke, key Laptop'));

      button(el, 'Revoke, key Laptop').click();
      await el.updateComplete;
      button(el, 'Confirm revoke, key Laptop').click();
      await waitUntil(() => text($(el, '#panel-owner')).includes('No posting keys yet.'));
      await waitUntil(() => focused(el)?.id === 'h-owner-keys');
    });

    it('goes back to sign-in when the admin token stops working, forgetting a shown key', async () => {
      const el = await withNewPostingLink();
      route('DELETE', '/api/admin/owner-keys/100', () =>
        apiError(401, 'unauthorized', { message: 'Gone.' }),
      );
      button(el, 'Revoke, key Posting link').click();
      await el.updateComplete;
      const out = oneEvent(el, 'parley-session-changed');
      button(el, 'Confirm revoke, key Posting link').click();
      expect((await out).detail.signedIn).to.equal(false);
      route('GET', '/api/admin/threads', () => json({ threads: [], nextCursor: null }));
      await signIn(el);
      await openTab(el, 'Owner');
      expect($(el, '#owner-link')).to.equal(null);
      expect(el.shadowRoot!.innerHTML).not.to.contain(OWNER_TOKEN);
    });
  });

  describe('spam, hidden and reports', () => {
    it('lists spam on its own tab, approves one and deletes another', async () => {
      const a = makeMessage(21, { status: 'spam' });
      serve({ spam: [a, makeMessage(22, { status: 'spam' })] });
      patchMessage(a);
      route('DELETE', '/api/admin/messages/22', () => new Response(null, { status: 204 }));
      const el = await signedIn();
      expect(calls.some((c) => c.url.includes('status=spam'))).to.equal(false);
      await openTab(el, 'Spam');
      expect(calls.some((c) => c.url.includes('status=spam'))).to.equal(true);
      expect(text($(el, '#h-spam'))).to.equal('Kept as spam (2)');
      expect(text(row(el, 'spam', 21).querySelector('.status-spam'))).to.equal('Spam');

      button(row(el, 'spam', 21), 'Approve').click();
      await oneEvent(el, 'parley-message-moderated');
      expect(new URL(last('PATCH').url).pathname).to.equal('/api/admin/messages/21');
      expect(await last('PATCH').json()).to.deep.equal({ status: 'published' });
      await el.updateComplete;
      expect(!!$(el, '#a-spam-21')).to.equal(false);
      expect(text($(el, '#h-spam'))).to.equal('Kept as spam (1)');

      button(row(el, 'spam', 22), 'Delete').click();
      await el.updateComplete;
      const done = oneEvent(el, 'parley-message-moderated');
      button(row(el, 'spam', 22), 'Confirm delete').click();
      await done;
      expect(new URL(last('DELETE').url).pathname).to.equal('/api/admin/messages/22');
      await el.updateComplete;
      expect(!!$(el, '#a-spam-22')).to.equal(false);
    });

    it('marks messages hidden by readers’ reports, counts them on the Hidden tab and at the top, and restores one', async () => {
      const byReports = makeMessage(31, {
        status: 'hidden',
        hiddenReason: 'reports',
        reportCount: 3,
        reports: [
          { reason: 'Spam link', createdAt: ago(3) },
          { reason: null, createdAt: ago(4) },
        ],
      });
      const byModerator = makeMessage(32, { status: 'hidden', hiddenReason: 'moderator' });
      serve({ hidden: [byReports, byModerator] });
      patchMessage(byReports, { reportCount: 0, hiddenReason: null });
      route('DELETE', '/api/admin/messages/32', () => new Response(null, { status: 204 }));
      const el = await signedIn();
      // Loaded with the queue, for the notice.
      await waitUntil(() => $(el, '.notice'));
      expect(text($(el, '.notice p'))).to.equal(
        'Readers’ reports hid 1 message. Review them: restore what is fine, delete the rest.',
      );
      expect(text($(el, '#tab-hidden'))).to.equal('Hidden1, 1 hidden by reports');
      button(el, 'Review hidden messages').click();
      await waitUntil(() => focused(el)?.id === 'tab-hidden');
      expect($(el, '#panel-hidden').hidden).to.equal(false);
      await el.updateComplete;
      // There, the notice's button is hidden (its room kept, so the tabs stay put).
      expect(getComputedStyle(button(el, 'Review hidden messages')).visibility).to.equal('hidden');

      const r = row(el, 'hidden', 31);
      expect(text(r.querySelector('.by-reports'))).to.equal('Hidden by readers’ reports');
      expect(text(r.querySelector('.reasons h4'))).to.equal('Readers’ reasons (latest 2 of 3)');
      expect([...r.querySelectorAll('.reasons li')].map(text)).to.deep.equal([
        'Spam link · Jun 1, 2025, 11:57 AM',
        'No reason given · Jun 1, 2025, 11:56 AM',
      ]);
      expect(text(row(el, 'hidden', 32).querySelector('.by-moderator'))).to.equal(
        'Hidden by a moderator',
      );

      button(r, 'Restore').click();
      await oneEvent(el, 'parley-message-moderated');
      expect(await last('PATCH').json()).to.deep.equal({ status: 'published' });
      await el.updateComplete;
      expect(!!$(el, '#a-hidden-31')).to.equal(false);
      expect(text($(el, '#h-hidden'))).to.equal('Hidden messages (1)');
      expect($(el, '.notice')).to.equal(null);
      expect(text($(el, '#tab-hidden'))).to.equal('Hidden');

      button(row(el, 'hidden', 32), 'Delete').click();
      await el.updateComplete;
      const done = oneEvent(el, 'parley-message-moderated');
      button(row(el, 'hidden', 32), 'Confirm delete').click();
      await done;
      expect(new URL(last('DELETE').url).pathname).to.equal('/api/admin/messages/32');
    });

    it('shows readers’ reasons as text: a hostile reason stays text and runs nothing', async () => {
      const evil = '<img src=x onerror="window.__parleyReason=1">';
      serve({
        reported: [
          makeMessage(41, { reportCount: 1, reports: [{ reason: evil, createdAt: ago(1) }] }),
        ],
      });
      const el = await signedIn();
      const r = row(el, 'reported', 41);
      expect(text(r.querySelector('.reasons h4'))).to.equal('Readers’ reasons');
      expect(text(r.querySelector('.reason'))).to.equal(evil);
      expect(r.querySelector('.reasons img')).to.equal(null);
      expect((window as { __parleyReason?: number }).__parleyReason).to.equal(undefined);
    });

    it('says which title approving a message would make public, when its thread is not public yet', async () => {
      serve({
        pending: [
          makeMessage(51, {
            status: 'pending',
            threadPublic: false,
            threadTitle: 'CASINO – this blog is for sale',
          }),
          makeMessage(52, { status: 'pending', threadPublic: false, threadTitle: null }),
          makeMessage(53, { status: 'pending', threadPublic: true, threadTitle: 'Public' }),
          makeMessage(54, { status: 'pending' }),
        ],
      });
      const el = await signedIn();
      expect(text(row(el, 'pending', 51).querySelector('.thread-private'))).to.equal(
        'This message started a thread readers cannot see yet. Approving it makes the thread public with the title “CASINO – this blog is for sale”.',
      );
      expect(text(row(el, 'pending', 52).querySelector('.thread-private'))).to.contain(
        'it has no title',
      );
      expect(row(el, 'pending', 53).querySelector('.thread-private')).to.equal(null);
      expect(row(el, 'pending', 54).querySelector('.thread-private')).to.equal(null);
    });
  });

  describe('lists across tabs', () => {
    it('shows a message busy in every list that holds it while an action on it runs', async () => {
      const m = makeMessage(51, { status: 'pending', reportCount: 1 });
      serve({ pending: [m], reported: [m] });
      const answer = deferred();
      route('PATCH', '/api/admin/messages/51', () => answer.promise);
      const el = await signedIn();
      button(row(el, 'pending', 51), 'Approve').click();
      await el.updateComplete;
      // Waiting and Reported show the same message: neither lets a second action start.
      for (const list of ['pending', 'reported']) {
        await waitUntil(() => row(el, list, 51).getAttribute('aria-busy') === 'true', list);
        const buttons = [...row(el, list, 51).querySelectorAll('button')];
        expect(
          buttons.every((b) => b.disabled),
          list,
        ).to.equal(true);
      }
      button(row(el, 'reported', 51), 'Hide').click();
      expect(calls.filter((c) => c.method === 'PATCH').length).to.equal(1);

      // Published with its report still undecided: out of Waiting, still Reported.
      answer.resolve(json({ message: { ...m, status: 'published' } }));
      await oneEvent(el, 'parley-message-moderated');
      await waitUntil(() => !$(el, '#a-pending-51'));
      await waitUntil(() => !row(el, 'reported', 51).hasAttribute('aria-busy'));
      expect(button(row(el, 'reported', 51), 'Hide').disabled).to.equal(false);
    });

    it('shows a message hidden in Recent on the Hidden tab, without reloading Recent', async () => {
      serveStore([
        makeMessage(61),
        makeMessage(62),
        makeMessage(63, { status: 'hidden', hiddenReason: 'moderator' }),
      ]);
      const el = await signedIn();
      await openTab(el, 'Published');
      expect(listed('hidden')).to.equal(1);
      const hide = button(row(el, 'recent', 61), 'Hide');
      hide.focus();
      hide.click();
      await oneEvent(el, 'parley-message-moderated');
      await waitUntil(() => announced(el) === 'Message hidden');
      // The list in view changes in place (the message leaves it), and the
      // focus moves on to the next card.
      expect(!!$(el, '#a-recent-61')).to.equal(false);
      expect(listed('published')).to.equal(1);
      await waitUntil(() => focused(el) === row(el, 'recent', 62));

      await openTab(el, 'Hidden');
      expect($$(el, '#panel-hidden [part~=author]').map(text)).to.deep.equal([
        'Reader 61',
        'Reader 63',
      ]);
      expect(text($(el, '#h-hidden'))).to.equal('Hidden messages (2)');
      expect(text(row(el, 'hidden', 61).querySelector('.by-moderator'))).to.equal(
        'Hidden by a moderator',
      );
      // Loaded again once, not at every visit; Recent, changed in place, is not reloaded.
      await openTab(el, 'Published');
      await openTab(el, 'Hidden');
      expect(listed('hidden')).to.equal(2);
      expect(listed('published')).to.equal(1);
    });

    it('shows a message restored from Hidden in Recent, and the reports notice and count follow', async () => {
      serveStore([
        makeMessage(71),
        makeMessage(72, { status: 'hidden', hiddenReason: 'reports', reportCount: 2 }),
      ]);
      const el = await signedIn();
      await openTab(el, 'Published');
      expect($$(el, '#panel-recent [part~=author]').map(text)).to.deep.equal(['Reader 71']);
      await waitUntil(() => $(el, '.notice'));
      expect(text($(el, '#tab-hidden'))).to.equal('Hidden1, 1 hidden by reports');

      await openTab(el, 'Hidden');
      button(row(el, 'hidden', 72), 'Restore').click();
      await oneEvent(el, 'parley-message-moderated');
      await waitUntil(() => announced(el) === 'Message restored');
      expect($(el, '.notice')).to.equal(null);
      expect(text($(el, '#tab-hidden'))).to.equal('Hidden');
      expect(listed('hidden')).to.equal(1);

      await openTab(el, 'Published');
      expect($$(el, '#panel-recent [part~=author]').map(text)).to.deep.equal([
        'Reader 71',
        'Reader 72',
      ]);
      expect(text(row(el, 'recent', 72).querySelector('.status-published'))).to.equal('Published');
      // The Queue's reported list held it too: it no longer does.
      await openTab(el, 'Queue');
      expect(!!$(el, '#a-reported-72')).to.equal(false);
      expect($(el, '.notice')).to.equal(null);
    });

    it('shows a message approved in Spam in Recent', async () => {
      serveStore([makeMessage(81), makeMessage(82, { status: 'spam' })]);
      const el = await signedIn();
      await openTab(el, 'Published');
      await openTab(el, 'Spam');
      button(row(el, 'spam', 82), 'Approve').click();
      await oneEvent(el, 'parley-message-moderated');
      await waitUntil(() => announced(el) === 'Message approved');
      expect(listed('spam')).to.equal(1);

      await openTab(el, 'Published');
      expect($$(el, '#panel-recent [part~=author]').map(text)).to.deep.equal([
        'Reader 81',
        'Reader 82',
      ]);
      // The threads' counts changed too: the Threads tab asks again.
      const threadLists = () => calls.filter((c) => c.url.endsWith('/api/admin/threads')).length;
      expect(threadLists()).to.equal(1);
      await openTab(el, 'Threads');
      expect(threadLists()).to.equal(2);
    });
  });

  describe('keyboard and page integration', () => {
    it('uses real, labelled buttons, and arrow keys move between tabs', async () => {
      serve({
        pending: [makeMessage(1, { status: 'pending' })],
        reported: [makeMessage(2, { reportCount: 1 })],
      });
      const el = await signedIn();
      for (const b of $$<HTMLButtonElement>(el, 'button')) {
        const name = b.getAttribute('aria-label') ?? text(b);
        expect(name, b.outerHTML).not.to.equal('');
        // The accessible name starts with the visible text (WCAG 2.5.3, label in name).
        expect(name.startsWith(text(b).replace(/^[★☆] /, '')), name).to.equal(true);
      }
      for (const field of $$(el, 'input, select, textarea'))
        expect(
          (field.getRootNode() as ShadowRoot).querySelector(`label[for="${field.id}"]`),
          field.id,
        ).to.exist;
      expect($$(el, '[role=tab]').map((t) => t.tabIndex)).to.deep.equal([
        0, -1, -1, -1, -1, -1, -1,
      ]);
      expect($$(el, 'h1, h2').map((h) => h.tagName)).to.include.members(['H1', 'H2']);

      const tablist = $(el, '[role=tablist]');
      const key = async (k: string) => {
        tablist.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
        await el.updateComplete;
        await el.updateComplete;
      };
      $(el, '#tab-queue').focus();
      await key('ArrowRight');
      expect(focused(el)?.id).to.equal('tab-hidden');
      expect($(el, '#tab-hidden').getAttribute('aria-selected')).to.equal('true');
      expect($(el, '#panel-hidden').hidden).to.equal(false);
      expect($(el, '#panel-queue').hidden).to.equal(true);
      await key('End');
      expect(focused(el)?.id).to.equal('tab-deliveries');
      await key('ArrowRight');
      expect(focused(el)?.id).to.equal('tab-queue');
      await key('ArrowLeft');
      expect(focused(el)?.id).to.equal('tab-deliveries');
      await key('Home');
      expect(focused(el)?.id).to.equal('tab-queue');
    });

    it('is registered once, even when the entry runs twice', async () => {
      expect(customElements.get('parley-admin')).to.equal(ParleyAdmin);
      await import(/* @vite-ignore */ `../admin.ts?again=${Date.now()}`);
      expect(customElements.get('parley-admin')).to.equal(ParleyAdmin);
    });

    it('lets the page style the cards’ parts through parley-admin::part, as it does its own', async () => {
      serve({ pending: [makeMessage(1, { status: 'pending' })] });
      const style = document.createElement('style');
      style.textContent = `
        parley-admin::part(message) { outline-color: rgb(1, 2, 3); }
        parley-admin::part(button) { outline-color: rgb(4, 5, 6); }
        parley-admin::part(thread) { outline-color: rgb(7, 8, 9); }
      `;
      document.head.append(style);
      try {
        const el = await signedIn();
        await openTab(el, 'Threads');
        const outline = (node: Element) => getComputedStyle(node).outlineColor;
        expect(outline(row(el, 'pending', 1))).to.equal('rgb(1, 2, 3)');
        expect(outline(button(row(el, 'pending', 1), 'Approve'))).to.equal('rgb(4, 5, 6)');
        expect(outline(button(el, 'Sign out'))).to.equal('rgb(4, 5, 6)');
        const thread = $(el, '#panel-threads [part~=thread]');
        expect(outline(thread)).to.equal('rgb(7, 8, 9)');
        expect(outline(thread.querySelector('[part~=button]')!)).to.equal('rgb(4, 5, 6)');
      } finally {
        style.remove();
      }
    });

    it('styles only its shadow roots and its cards’: adopted style sheets, no style element or attribute', async () => {
      serve({ pending: [makeMessage(1, { status: 'pending' })] });
      const el = await signedIn();
      await openTab(el, 'Threads');
      const shadowRoots = roots(el.shadowRoot!) as ShadowRoot[];
      expect(shadowRoots.map((root) => root.host.localName)).to.include.members([
        'parley-admin',
        'parley-admin-message',
        'parley-admin-thread',
      ]);
      for (const root of shadowRoots) {
        expect(root.querySelector('style, [style]'), root.host.localName).to.equal(null);
        expect(root.adoptedStyleSheets.length, root.host.localName).to.be.greaterThan(0);
      }
    });
  });
});
