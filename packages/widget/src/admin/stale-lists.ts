/**
 * Which lists of `<parley-admin>` an action may have changed, kept so a list
 * loads again when its tab is next shown. Each list is loaded once and then
 * updated in place by the actions taken in it; an action in one tab can move
 * a message into another tab's list (hide in Recent puts it in Hidden,
 * restore or approve puts it in Recent) or change a thread's counts, and
 * those lists must not be shown as they were.
 */
import type { AdminMessage } from '@parley/server/wire';
import type { Tab } from './parley-admin.js';

/** The message lists, one per status filter of `GET /api/admin/messages`. */
export type ListName = 'pending' | 'reported' | 'hidden' | 'spam' | 'recent';
/** Every list of the page. */
export type ListKey = ListName | 'threads';

export const MESSAGE_LISTS: readonly ListName[] = [
  'pending',
  'reported',
  'hidden',
  'spam',
  'recent',
];

/** What each tab shows, and updates in place while it is open. */
export const SHOWN: Record<Tab, readonly ListKey[]> = {
  queue: ['pending', 'reported'],
  hidden: ['hidden'],
  spam: ['spam'],
  recent: ['recent'],
  threads: ['threads'],
  owner: [],
  deliveries: [],
};

/** The lists the server's filters put `message` in (Recent may be narrowed to a thread: still one). */
export function listsOf(message: AdminMessage): ListName[] {
  const lists: ListName[] = [];
  const { status } = message;
  if (status === 'pending') lists.push('pending');
  else if (status === 'published') lists.push('recent');
  else if (status === 'hidden') lists.push('hidden');
  else if (status === 'spam') lists.push('spam');
  // `reported` is every message with undecided reports, whatever its status.
  if (message.reportCount > 0 && status !== 'deleted') lists.push('reported');
  return lists;
}

/**
 * What an action on a message may have changed: the lists it was in and is
 * in now, those that hold a copy of it, and the threads (their counts, and
 * whether they are public, follow every message action).
 */
export function touchedBy(
  before: AdminMessage,
  after: AdminMessage,
  holding: readonly ListName[],
): ListKey[] {
  return [...new Set<ListKey>([...listsOf(before), ...listsOf(after), ...holding, 'threads'])];
}

/** The lists to load again before they are shown. */
export class StaleLists {
  #stale = new Set<ListKey>();

  /** Marks `lists` stale, except those `open` shows: they were updated in place. */
  mark(lists: Iterable<ListKey>, open: Tab) {
    for (const list of lists) if (!SHOWN[open].includes(list)) this.#stale.add(list);
  }

  /** Marks `lists` stale, whatever is open (the filters changed: even the open tab reloads). */
  add(lists: Iterable<ListKey>) {
    for (const list of lists) this.#stale.add(list);
  }

  has(list: ListKey): boolean {
    return this.#stale.has(list);
  }

  /** A load of `list` started: what it brings is fresh (an action after this marks it again). */
  loading(list: ListKey) {
    this.#stale.delete(list);
  }

  clear() {
    this.#stale.clear();
  }
}
