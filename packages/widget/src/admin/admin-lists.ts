/**
 * What `<parley-admin>` has loaded, as a Lit reactive controller: one paged
 * list per message status filter and one of threads, the thread and search
 * text every message list is narrowed by, which lists each tab needs, and
 * which an action in one tab made stale in another (`stale-lists.ts`).
 */
import type { AdminMessage, AdminThread, AdminThreadList } from '@parley/server/wire';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { listMessages, listThreads } from './admin-client.js';
import type { SessionController } from './admin-session.js';
import { httpUrl } from './format.js';
import { PagedList } from './paged-list.js';
import type { Tab } from './parley-admin.js';
import {
  type ListKey,
  type ListName,
  MESSAGE_LISTS,
  SHOWN,
  StaleLists,
  touchedBy,
} from './stale-lists.js';

/** The `status` filter of `GET /api/admin/messages` behind each message list. */
const FILTER = {
  pending: 'pending',
  reported: 'reported',
  hidden: 'hidden',
  spam: 'spam',
  recent: 'published',
} as const;

export class AdminLists implements ReactiveController {
  readonly messages: Record<ListName, PagedList<AdminMessage>>;
  readonly threads: PagedList<AdminThread>;
  /** Thread key every message list is narrowed to; empty for all threads. */
  filter = '';
  /** Text every message list is searched for (body or author name); empty for all. */
  query = '';
  #host: ReactiveControllerHost;
  #stale = new StaleLists();

  constructor(host: ReactiveControllerHost, session: SessionController) {
    this.#host = host;
    host.addController(this);
    const messageList = (name: ListName) =>
      new PagedList<AdminMessage>(host, session, {
        fetch: async (current, cursor, signal) => {
          const filters = { thread: this.filter, q: this.query, cursor };
          // Only the filters in use go in the address (`listMessages` drops empty ones).
          const page = await listMessages(current, { status: FILTER[name], ...filters }, signal);
          return { items: page.messages, nextCursor: page.nextCursor };
        },
        key: (message) => message.id,
      });
    this.messages = {
      pending: messageList('pending'),
      reported: messageList('reported'),
      hidden: messageList('hidden'),
      spam: messageList('spam'),
      recent: messageList('recent'),
    };
    this.threads = new PagedList<AdminThread>(host, session, {
      fetch: async (current, cursor, signal) => {
        const page = await listThreads(current, cursor ? { cursor } : {}, signal);
        return { items: page.threads, nextCursor: page.nextCursor };
      },
      key: (thread) => thread.key,
    });
  }

  hostConnected() {}

  #list(key: ListKey) {
    return key === 'threads' ? this.threads : this.messages[key];
  }

  /** Forgets everything (sign-out), or starts again from `threads`, the sign-in's first page. */
  reset(threads?: AdminThreadList) {
    for (const name of MESSAGE_LISTS) this.messages[name].reset();
    this.threads.reset();
    if (threads) this.threads.fill({ items: threads.threads, nextCursor: threads.nextCursor });
    this.#stale.clear();
    this.filter = this.query = '';
  }

  /** Loads `key` from its first page, fresh. */
  reload(key: ListKey) {
    this.#stale.loading(key);
    return this.#list(key).load();
  }

  /** Loads the lists `tab` shows, unless loaded already and not stale (`force` reloads). */
  loadTab(tab: Tab, force: boolean): Promise<unknown>[] {
    const need = (key: ListKey) =>
      force || this.#stale.has(key) || this.#list(key).state === 'idle';
    const loads: Promise<unknown>[] = [];
    // Every tab: the notice at the top counts what readers' reports hid.
    const keys = new Set<ListKey>(['hidden', ...SHOWN[tab]]);
    // A message tab's thread filter lists the threads: Refresh brings new ones.
    if (force && SHOWN[tab].some((key) => key !== 'threads')) keys.add('threads');
    for (const key of keys) if (need(key)) loads.push(this.reload(key));
    return loads;
  }

  /**
   * Narrows every message list to thread `thread` ('' for all) and search text
   * `query` ('' for none); returns whether that changed anything. The lists
   * load again when next shown (`loadTab`).
   */
  narrow(thread: string, query: string): boolean {
    if (thread === this.filter && query === this.query) return false;
    this.filter = thread;
    this.query = query;
    this.#stale.add(MESSAGE_LISTS);
    this.#host.requestUpdate();
    return true;
  }

  /** The messages `tab` shows, each once (a pending message with reports is in two of its lists). */
  shown(tab: Tab): AdminMessage[] {
    const seen = new Set<number>();
    return SHOWN[tab]
      .flatMap((key) => (key === 'threads' ? [] : this.messages[key].items))
      .filter((message) => !seen.has(message.id) && !!seen.add(message.id));
  }

  /** Whether a list of `tab` still has pages to load. */
  hasMore(tab: Tab): boolean {
    return SHOWN[tab].some((key) => !!this.#list(key).cursor);
  }

  /** Takes message `id` out of every list (deleted, or found missing), and marks the threads stale. */
  removeMessage(id: number, open: Tab) {
    for (const name of MESSAGE_LISTS) this.messages[name].remove(id);
    this.#stale.mark(['threads'], open);
  }

  /**
   * Puts the server's copy of a message (`before` the action) in every list
   * that shows it, and marks stale the lists of tabs other than `open` it may change.
   */
  replaceMessage(before: AdminMessage, message: AdminMessage, open: Tab) {
    const holding = MESSAGE_LISTS.filter((name) => this.messages[name].replace(message));
    this.#stale.mark(touchedBy(before, message, holding), open);
  }

  /** Puts the server's copy of a thread in place; `retitled`: the messages carry its old title. */
  replaceThread(thread: AdminThread, retitled: boolean, open: Tab) {
    this.threads.replace(thread);
    if (retitled) this.#stale.mark(MESSAGE_LISTS, open);
  }

  /** The loaded copy of message `id`, from whichever list holds it. */
  find(id: number): AdminMessage | undefined {
    for (const name of MESSAGE_LISTS) {
      const found = this.messages[name].items.find((message) => message.id === id);
      if (found) return found;
    }
    return undefined;
  }

  /** The title (else the key) of thread `key`. */
  threadName(key: string) {
    return this.threads.items.find((thread) => thread.key === key)?.title || key;
  }

  /** A page of the blog to suggest: the first thread's http(s) URL; '' for none. */
  blogPage() {
    return this.threads.items.map((thread) => httpUrl(thread.url)).find(Boolean)?.href ?? '';
  }
}
