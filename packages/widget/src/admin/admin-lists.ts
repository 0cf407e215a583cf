/**
 * What `<parley-admin>` has loaded, as a Lit reactive controller: one paged
 * list per message status filter and one of threads, the thread the Recent
 * list is filtered by, which lists each tab needs, and which an action in
 * one tab made stale in another (`stale-lists.ts`).
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
  /** Thread key the Recent list is filtered by; empty for all threads. */
  filter = '';
  #host: ReactiveControllerHost;
  #stale = new StaleLists();

  constructor(host: ReactiveControllerHost, session: SessionController) {
    this.#host = host;
    host.addController(this);
    const messageList = (name: ListName) =>
      new PagedList<AdminMessage>(host, session, {
        fetch: async (current, cursor, signal) => {
          const thread = name === 'recent' && this.filter ? this.filter : undefined;
          const page = await listMessages(
            current,
            { status: FILTER[name], ...(thread ? { thread } : {}), ...(cursor ? { cursor } : {}) },
            signal,
          );
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
    this.filter = '';
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
    if (need('hidden')) loads.push(this.reload('hidden'));
    if (tab === 'queue') {
      if (need('pending')) loads.push(this.reload('pending'));
      if (need('reported')) loads.push(this.reload('reported'));
    } else if (tab === 'spam') {
      if (need('spam')) loads.push(this.reload('spam'));
    } else if (tab === 'recent') {
      if (need('recent')) loads.push(this.reload('recent'));
      if (force) loads.push(this.reload('threads'));
    } else if (tab === 'threads' && need('threads')) loads.push(this.reload('threads'));
    return loads;
  }

  /** Shows only thread `key`'s messages in Recent ('' for all). */
  filterBy(key: string) {
    this.filter = key;
    this.#host.requestUpdate();
    return this.reload('recent');
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

  /** The title (else the key) of thread `key`. */
  threadName(key: string) {
    return this.threads.items.find((thread) => thread.key === key)?.title || key;
  }

  /** A page of the blog to suggest: the first thread's http(s) URL; '' for none. */
  blogPage() {
    return this.threads.items.map((thread) => httpUrl(thread.url)).find(Boolean)?.href ?? '';
  }
}
