/**
 * What `<parley-admin>` has loaded: one paged
 * list per message status filter and one of threads, the thread and search
 * text every message list is narrowed by, which lists each tab needs, and
 * which an action in one tab made stale in another (`stale-lists.ts`).
 */
import type { AdminMessage, AdminThread, AdminThreadList } from '@parley/server/wire';
import type { ReactiveControllerHost } from 'lit';
import { listMessages, listThreads } from './admin-client.js';
import type { SessionController } from './admin-session.js';
import { httpUrl } from './format.js';
import { PagedList } from './paged-list.js';
import type { Tab } from './parley-admin.js';
import {
  type ListKey,
  type ListName,
  listsOf,
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

export class AdminLists {
  readonly messages: Record<ListName, PagedList<AdminMessage>>;
  readonly threads: PagedList<AdminThread>;
  /**
   * Every hidden message, whatever the search and thread filter: what the
   * reports notice and the Hidden tab's count are about (the site, not the
   * search). Loaded only while the lists are narrowed; else `messages.hidden` is it.
   */
  readonly allHidden: PagedList<AdminMessage>;
  #allHiddenStale = false;
  /** Thread key every message list is narrowed to; empty for all threads. */
  filter = '';
  /** Text every message list is searched for (body or author name); empty for all. */
  query = '';
  #host: ReactiveControllerHost;
  #stale = new StaleLists();

  constructor(host: ReactiveControllerHost, session: SessionController) {
    this.#host = host;
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
    this.allHidden = new PagedList<AdminMessage>(host, session, {
      fetch: async (current, cursor, signal) => {
        const page = await listMessages(current, { status: 'hidden', cursor }, signal);
        return { items: page.messages, nextCursor: page.nextCursor };
      },
      key: (message) => message.id,
    });
    this.threads = new PagedList<AdminThread>(host, session, {
      fetch: async (current, cursor, signal) => {
        const page = await listThreads(current, cursor ? { cursor } : {}, signal);
        return { items: page.threads, nextCursor: page.nextCursor };
      },
      key: (thread) => thread.key,
    });
  }

  #list(key: ListKey) {
    return key === 'threads' ? this.threads : this.messages[key];
  }

  /** Forgets everything (sign-out), or starts again from `threads`, the sign-in's first page. */
  reset(threads?: AdminThreadList) {
    for (const name of MESSAGE_LISTS) this.messages[name].reset();
    this.threads.reset();
    this.allHidden.reset();
    this.#allHiddenStale = false;
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
    const narrowed = this.#narrowed();
    const keys = new Set<ListKey>([...(narrowed ? [] : ['hidden' as const]), ...SHOWN[tab]]);
    if (narrowed && (force || this.#allHiddenStale || this.allHidden.state === 'idle')) {
      this.#allHiddenStale = false;
      loads.push(this.allHidden.load());
    }
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
    // The whole Hidden list, as loaded, is what the notice keeps counting.
    const hidden = this.messages.hidden;
    if (!this.#narrowed() && hidden.state === 'ready' && !this.#stale.has('hidden'))
      this.allHidden.fill({ items: hidden.items, nextCursor: hidden.cursor });
    else if (!this.#narrowed()) this.#allHiddenStale = true;
    this.filter = thread;
    this.query = query;
    this.#stale.add(MESSAGE_LISTS);
    this.#host.requestUpdate();
    return true;
  }

  #narrowed() {
    return !!(this.filter || this.query);
  }

  /** The hidden messages the reports notice counts: all of them, never a search's. */
  noticeList(): PagedList<AdminMessage> {
    return this.#narrowed() ? this.allHidden : this.messages.hidden;
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
    this.allHidden.remove(id);
    this.#stale.mark(['threads'], open);
  }

  /**
   * Puts the server's copy of a message (`before` the action) in every list
   * that shows it and still would, takes it out of those it left (a decided
   * message leaves the Queue, a restored one Hidden), and marks stale the
   * lists it joins and those of tabs other than `open` it may change.
   */
  replaceMessage(before: AdminMessage, message: AdminMessage, open: Tab) {
    const now = listsOf(message);
    const holding: ListName[] = [];
    for (const name of MESSAGE_LISTS) {
      if (!now.includes(name)) this.messages[name].remove(message.id);
      else if (this.messages[name].replace(message)) holding.push(name);
    }
    if (!now.includes('hidden')) this.allHidden.remove(message.id);
    else if (!this.allHidden.replace(message)) this.#allHiddenStale = true;
    this.#stale.mark(touchedBy(before, message, holding), open);
    // A list it joins lacks it, even the open tab's: loaded again when next shown.
    this.#stale.add(now.filter((name) => !holding.includes(name)));
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
