/**
 * One paged list of `<parley-admin>` (messages of one status, or threads),: loads its first page, then "load more" with the
 * cursor the server gave, one item per key. A reload starts a new
 * generation, so a slow answer for an old filter is ignored; the session's
 * signal drops answers that arrive after sign-out or disconnect.
 */
import type { ReactiveControllerHost } from 'lit';
import type { AdminSession } from './admin-client.js';
import type { SessionController } from './admin-session.js';

/** One page of a list, as the server answers it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** How a list fetches a page and tells its items apart. */
export interface PagedListSource<T> {
  fetch(session: AdminSession, cursor: string | undefined, signal: AbortSignal): Promise<Page<T>>;
  key(item: T): string | number;
}

export class PagedList<T> {
  items: T[] = [];
  /** Where the next page starts; null when there is none. */
  cursor: string | null = null;
  /** `idle` until first asked for; `more` while a next page loads. */
  state: 'idle' | 'loading' | 'more' | 'ready' | 'error' = 'idle';
  /** Why the last load failed. */
  error = '';
  #host: ReactiveControllerHost;
  #session: SessionController;
  #source: PagedListSource<T>;
  /** Bumped per reload, so only the latest load's answer is kept. */
  #generation = 0;

  constructor(
    host: ReactiveControllerHost,
    session: SessionController,
    source: PagedListSource<T>,
  ) {
    this.#host = host;
    this.#session = session;
    this.#source = source;
  }

  /** Loads the first page again, or the next one (`more`). */
  async load(more = false) {
    const session = this.#session.current;
    if (!session) return;
    const generation = more ? this.#generation : ++this.#generation;
    const signal = this.#session.signal;
    const cursor = more && this.cursor ? this.cursor : undefined;
    this.state = more ? 'more' : 'loading';
    this.error = '';
    this.#host.requestUpdate();
    try {
      const page = await this.#source.fetch(session, cursor, signal);
      if (generation !== this.#generation || signal.aborted) return;
      const kept = more ? this.items : [];
      const seen = new Set(kept.map((item) => this.#source.key(item)));
      this.fill({
        items: [...kept, ...page.items.filter((item) => !seen.has(this.#source.key(item)))],
        nextCursor: page.nextCursor,
      });
    } catch (e) {
      if (generation !== this.#generation || signal.aborted) return;
      const error = this.#session.fail(e);
      if (signal.aborted) return;
      this.state = 'error';
      this.error = error;
      this.#host.requestUpdate();
    }
  }

  /** Shows `page` as the whole list, loaded. */
  fill(page: Page<T>) {
    this.items = page.items;
    this.cursor = page.nextCursor;
    this.state = 'ready';
    this.error = '';
    this.#host.requestUpdate();
  }

  /** Puts `item` in place of the item with its key; returns whether the list held one. */
  replace(item: T): boolean {
    const key = this.#source.key(item);
    if (!this.items.some((old) => this.#source.key(old) === key)) return false;
    this.items = this.items.map((old) => (this.#source.key(old) === key ? item : old));
    this.#host.requestUpdate();
    return true;
  }

  /** Takes the item with key `key` out of the list; returns whether it held one. */
  remove(key: string | number): boolean {
    const kept = this.items.filter((item) => this.#source.key(item) !== key);
    if (kept.length === this.items.length) return false;
    this.items = kept;
    this.#host.requestUpdate();
    return true;
  }

  /** Back to idle and empty (sign-out); an answer still on its way is ignored. */
  reset() {
    this.#generation++;
    this.items = [];
    this.cursor = null;
    this.state = 'idle';
    this.error = '';
    this.#host.requestUpdate();
  }
}
