/**
 * What the browser tests of `<parley-admin>` share: fixtures (threads,
 * messages), the admin API served over the fake server (`../testing/fake-server.ts`),
 * and finding things through the cards' shadow roots. Each test file still
 * calls `useFakeServer()` itself.
 */
import { fixture, oneEvent, waitUntil } from '@open-wc/testing';
import type { AdminBulkRequest, AdminMessage, AdminThread, Delivery } from '@parley/server/wire';
import '../admin.js';
import { apiError, calls, json, MIN, NOW, route, SERVER } from '../testing/fake-server.js';
import { ParleyAdmin } from './parley-admin.js';

export const TOKEN = 'admin-secret-token';
/** `min` minutes before the tests' now. */
export const ago = (min: number) => new Date(NOW - min * MIN).toISOString();

export function makeThread(key: string, over: Partial<AdminThread> = {}): AdminThread {
  return {
    key,
    title: `Thread ${key}`,
    summary: 'What the thread is about.',
    url: `https://blog.example${key}`,
    status: 'open',
    messageCount: 5,
    highlightCount: 1,
    lastActivityAt: ago(60),
    createdAt: ago(600),
    summarySource: 'manual',
    pendingCount: 1,
    reportedCount: 1,
    public: true,
    ...over,
  };
}

export function makeMessage(id: number, over: Partial<AdminMessage> = {}): AdminMessage {
  return {
    id,
    parentId: null,
    kind: 'reply',
    author: { name: `Reader ${id}` },
    html: `<p>Message number <strong>${id}</strong></p>`,
    createdAt: ago(id),
    editedAt: null,
    highlighted: false,
    status: 'published',
    threadKey: '/blog/post-1',
    body: `Message number **${id}**`,
    reportCount: 0,
    hiddenReason: null,
    reports: [],
    threadTitle: 'Thread /blog/post-1',
    threadUrl: 'https://blog.example/blog/post-1',
    threadPublic: true,
    ...over,
  };
}

/** A webhook delivery made `id` minutes ago, still to be sent; `over` sets its state. */
export function makeDelivery(id: number, over: Partial<Delivery> = {}): Delivery {
  return {
    id,
    channel: 'webhook',
    type: 'message.created',
    target: 'https://hooks.example',
    attempts: 0,
    createdAt: ago(id),
    lastAttemptAt: null,
    lastError: null,
    nextAttemptAt: ago(0),
    deliveredAt: null,
    failedAt: null,
    ...over,
  };
}

export const threads = [makeThread('/blog/post-1'), makeThread('/blog/post-2', { title: null })];

/** Serves the admin API: one list per status filter, threads, and echoing PATCHes. */
export function serve(
  lists: Partial<
    Record<'pending' | 'reported' | 'published' | 'hidden' | 'spam', AdminMessage[]>
  > = {},
  threadList: AdminThread[] = threads,
) {
  route('GET', '/api/admin/threads', (req) =>
    req.headers.get('Authorization') === `Bearer ${TOKEN}`
      ? json({ threads: threadList, nextCursor: null })
      : apiError(401, 'unauthorized', { message: 'Wrong admin token.' }),
  );
  route('GET', '/api/admin/messages', (req) => {
    const status = new URL(req.url).searchParams.get('status') as keyof typeof lists;
    return json({ messages: lists[status] ?? [], nextCursor: null });
  });
}

/**
 * Serves the admin API over one set of messages that PATCH, DELETE and bulk
 * requests change, as the server does: each list is what its filters
 * (`status`, `thread`, `q` in the body or author name, any case) select now.
 * Returns the set, by id.
 */
export function serveStore(messages: AdminMessage[]) {
  const store = new Map(messages.map((m) => [m.id, m]));
  const selects: Record<string, (m: AdminMessage) => boolean> = {
    pending: (m) => m.status === 'pending',
    published: (m) => m.status === 'published',
    hidden: (m) => m.status === 'hidden',
    spam: (m) => m.status === 'spam',
    reported: (m) => m.reportCount > 0,
  };
  serve();
  route('GET', '/api/admin/messages', (req) => {
    const params = new URL(req.url).searchParams;
    const select = selects[params.get('status')!]!;
    const thread = params.get('thread');
    const q = params.get('q')?.toLowerCase();
    const found = [...store.values()].filter(
      (m) =>
        select(m) &&
        (!thread || m.threadKey === thread) &&
        (!q || `${m.body}\n${m.author.name}`.toLowerCase().includes(q)),
    );
    return json({ messages: found, nextCursor: null });
  });
  const decide = (id: number, status: 'published' | 'hidden') => {
    const hiddenReason = status === 'hidden' ? ('moderator' as const) : null;
    const message = { ...store.get(id)!, status, hiddenReason, reportCount: 0, reports: [] };
    store.set(id, message);
    return message;
  };
  for (const m of messages) {
    route('PATCH', `/api/admin/messages/${m.id}`, async (req) => {
      const { status } = (await req.json()) as { status: 'published' | 'hidden' };
      return json({ message: decide(m.id, status) });
    });
    route('DELETE', `/api/admin/messages/${m.id}`, () => {
      store.delete(m.id);
      return new Response(null, { status: 204 });
    });
  }
  route('POST', '/api/admin/messages/bulk', async (req) => {
    const { ids, action } = (await req.json()) as AdminBulkRequest;
    const missing = ids.filter((id) => !store.has(id));
    const found = ids.filter((id) => store.has(id));
    if (action === 'delete') {
      for (const id of found) store.delete(id);
      return json({ messages: [], deleted: found, missing });
    }
    const status = action === 'publish' ? 'published' : 'hidden';
    return json({ messages: found.map((id) => decide(id, status)), deleted: [], missing });
  });
  return store;
}

/** How many times the list with status filter `status` was asked for. */
export const listed = (status: string) =>
  calls.filter((c) => new URL(c.url).searchParams.get('status') === status).length;

export async function mount() {
  const el = await fixture<ParleyAdmin>(`<parley-admin server=${SERVER}></parley-admin>`);
  await el.updateComplete;
  return el;
}

/** `root` and every open shadow root inside it (the cards'), depth first. */
export function roots(root: ParentNode): ParentNode[] {
  const found = [root];
  for (const node of root.querySelectorAll('*'))
    if (node.shadowRoot) found.push(...roots(node.shadowRoot));
  return found;
}
/** A node's parent element, stepping out of a shadow root to its host. */
const parentOf = (node: Element) =>
  node.parentElement ?? (node.parentNode as ShadowRoot | null)?.host ?? null;
/**
 * Whether `node` matches `selector` (a list of compound selectors joined by
 * spaces) when a descendant may sit in a shadow root of its ancestor:
 * `#panel-queue article` finds a card's article inside the Queue panel.
 */
function matchesThroughShadows(node: Element, selector: string): boolean {
  return selector.split(',').some((one) => {
    const ancestors = one.trim().split(/\s+/);
    if (!node.matches(ancestors.pop()!)) return false;
    for (let at = parentOf(node); at && ancestors.length; at = parentOf(at))
      if (at.matches(ancestors.at(-1)!)) ancestors.pop();
    return ancestors.length === 0;
  });
}
/** What `selector` finds under `scope` (the page's shadow root for the page), cards included. */
export const $$ = <T extends Element = HTMLElement>(
  scope: ParleyAdmin | Element,
  selector: string,
) =>
  roots(scope instanceof ParleyAdmin ? scope.shadowRoot! : scope).flatMap((root) =>
    [...root.querySelectorAll<T>('*')].filter((node) => matchesThroughShadows(node, selector)),
  );
export const $ = <T extends Element = HTMLElement>(
  scope: ParleyAdmin | Element,
  selector: string,
) => ($$<T>(scope, selector)[0] ?? null) as T;
/** The focused element inside `el`, looked for through the cards' shadow roots. */
export const focused = (el: ParleyAdmin): Element | null => {
  let node: Element | null = el.shadowRoot!.activeElement;
  while (node?.shadowRoot?.activeElement) node = node.shadowRoot.activeElement;
  return node;
};
export const text = (node: Element | null | undefined) =>
  node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
/** The button whose accessible name (aria-label, else text) starts with `name`, inside `scope`. */
export const button = (scope: ParleyAdmin | Element, name: string) => {
  const found = $$<HTMLButtonElement>(scope, 'button').find((b) =>
    (b.getAttribute('aria-label') ?? text(b)).startsWith(name),
  );
  if (!found) throw new Error(`no button named "${name}"`);
  return found;
};
export const row = (el: ParleyAdmin, list: string, id: number) =>
  $(el, `#a-${list}-${id}`).closest('article')!;
export const announced = (el: ParleyAdmin) => text($(el, '[role=status]'));

export function type(el: ParleyAdmin, selector: string, value: string) {
  const field = $<HTMLInputElement>(el, selector);
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

export async function signIn(el: ParleyAdmin, token = TOKEN) {
  type(el, '#token', token);
  const changed = oneEvent(el, 'parley-session-changed');
  button(el, 'Sign in').click();
  await changed;
  await el.updateComplete;
}

/** Mounts, signs in, and waits until the queue lists have loaded. */
export async function signedIn() {
  const el = await mount();
  await signIn(el);
  await waitUntil(() => !$(el, '#panel-queue [aria-busy=true]'), 'queue did not load');
  return el;
}

export async function openTab(el: ParleyAdmin, name: string) {
  button(el, name).click();
  await el.updateComplete;
  await waitUntil(() => !$(el, '[role=tabpanel]:not([hidden]) [aria-busy=true]'), 'tab not loaded');
}
