/**
 * axe-core on every state of the moderation page, in light and dark, with the
 * whole-page rules on (`<parley-admin>` is its page: landmarks, regions, one
 * `<h1>`): signed out, a refused token, each tab full and empty, a thread
 * card editing its summary, messages with notes, a bulk selection, an export,
 * and errors.
 */
import { waitUntil } from '@open-wc/testing';
import { resetMouse, sendMouse } from '@web/test-runner-commands';
import { expectAccessible, inBothSchemes } from '../testing/axe.js';
import {
  apiError,
  deferred,
  json,
  route,
  serveDeliveries,
  useFakeServer,
} from '../testing/fake-server.js';
import {
  $,
  $$,
  ago,
  button,
  makeDelivery,
  makeMessage,
  mount,
  openTab,
  serve,
  signedIn,
  signIn,
  TOKEN,
  text,
  type,
} from './admin-fixtures.js';
import type { ParleyAdmin } from './parley-admin.js';

useFakeServer();

// What the server's /admin page gives the element: a language and a title.
beforeEach(() => {
  document.documentElement.lang = 'en';
  document.title = 'Parley moderation';
});
afterEach(() => {
  document.documentElement.removeAttribute('lang');
  document.title = '';
});

/** Two axe runs per state, many states per test: seconds on a shared machine. */
const slow = (test: unknown) => (test as { timeout(ms: number): void }).timeout(60_000);

/** Fails unless the page is axe clean in both schemes, naming the state. */
const clean = (el: ParleyAdmin, state: string) =>
  inBothSchemes((scheme) => expectAccessible(el, { page: true, label: `${state}, ${scheme}` }));

/** Every list full: held (one starting a thread), reported, hidden by reports, spam, published. */
function serveFull() {
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
  route('GET', '/api/admin/owner-keys', () =>
    json({ ownerKeys: [{ id: 1, label: 'Laptop', createdAt: ago(60), lastUsedAt: ago(5) }] }),
  );
  serveDeliveries(
    [
      makeDelivery(1, {
        attempts: 9,
        lastError: 'HTTP 500',
        failedAt: ago(1),
        nextAttemptAt: null,
      }),
      makeDelivery(2, { channel: 'mail', type: 'reply', target: 'reader' }),
      makeDelivery(3, { attempts: 1, deliveredAt: ago(3), lastAttemptAt: ago(3) }),
    ],
    TOKEN,
  );
}

describe('<parley-admin> accessibility (axe, light and dark, whole page)', () => {
  it('is clean signed out, and with a refused token', async function () {
    slow(this);
    serve();
    const el = await mount();
    await clean(el, 'sign-in form');
    type(el, '#token', 'wrong-token-wrong-token');
    button(el, 'Sign in').click();
    await waitUntil(() => $(el, '.sign-in [part~=error]'), 'no error shown');
    await clean(el, 'wrong token');
    // The pointer on the main button (its hover colour), as after a click.
    const { x, y, width, height } = button(el, 'Sign in').getBoundingClientRect();
    await sendMouse({
      type: 'move',
      position: [Math.round(x + width / 2), Math.round(y + height / 2)],
    });
    try {
      await clean(el, 'sign-in button hovered');
    } finally {
      await resetMouse();
    }
  });

  it('is clean on every tab with messages, notes, threads, keys and deliveries', async function () {
    slow(this);
    serveFull();
    const el = await signedIn();
    await waitUntil(() => $$(el, '#panel-queue article').length === 2 && $(el, '.notice'));
    await clean(el, 'queue with notes');
    for (const tab of ['Hidden', 'Spam', 'Published', 'Threads', 'Owner', 'Deliveries']) {
      await openTab(el, tab);
      await clean(el, tab);
    }
  });

  it('is clean on every tab when the lists are empty', async function () {
    slow(this);
    serve({}, []);
    route('GET', '/api/admin/owner-keys', () => json({ ownerKeys: [] }));
    serveDeliveries([], TOKEN);
    const el = await signedIn();
    await clean(el, 'empty queue');
    for (const tab of ['Hidden', 'Spam', 'Published', 'Threads', 'Owner', 'Deliveries']) {
      await openTab(el, tab);
      await clean(el, `empty ${tab}`);
    }
  });

  it('is clean with a search that finds nothing, a bulk selection and its confirmation', async function () {
    slow(this);
    serveFull();
    const el = await signedIn();
    await openTab(el, 'Published');
    $<HTMLInputElement>(el, '#panel-recent input[type=checkbox]').click();
    await waitUntil(() => $(el, '[part~=bulk]'), 'no bulk bar');
    await clean(el, 'bulk selection');
    button(el, 'Delete, 1 selected').click();
    await waitUntil(() => text($(el, '[part~=bulk]')).includes('cannot be undone'));
    await clean(el, 'bulk delete confirmation');
    route('GET', '/api/admin/messages', () => json({ messages: [], nextCursor: null }));
    type(el, '#search', 'nothing like this');
    button(el, 'Search').click();
    await waitUntil(() => text($(el, '#panel-recent')).includes('Nothing here matches'));
    await clean(el, 'no match');
  });

  it('is clean with a thread card editing its summary, and while an export runs', async function () {
    slow(this);
    serveFull();
    const answer = deferred();
    route('GET', '/api/admin/export', () => answer.promise);
    const el = await signedIn();
    await openTab(el, 'Threads');
    button(el, 'Edit details, thread Thread /blog/post-1').click();
    await waitUntil(() => $(el, '[part~=form] textarea'), 'no edit form');
    await clean(el, 'editing a thread');
    button(el, 'Export all threads').click();
    await waitUntil(() => $$(el, 'button').some((b) => text(b) === 'Exporting…'), 'no export');
    await clean(el, 'exporting');
    answer.resolve(apiError(500, 'internal_error', { message: 'Broken.' }));
    await waitUntil(() => $(el, '#panel-threads [part~=error]'), 'no export error');
    await clean(el, 'export failed');
  });

  it('is clean when lists fail to load', async function () {
    slow(this);
    serve();
    route('GET', '/api/admin/messages', () =>
      apiError(500, 'internal_error', { message: 'Broken.' }),
    );
    const el = await mount();
    await signIn(el);
    await waitUntil(() => $(el, '#panel-queue [role=alert]'), 'no error shown');
    await clean(el, 'list error');
  });
});
