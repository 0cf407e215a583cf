/**
 * The facts about the page a thread sits on, in one place for the element
 * (which loads and shows the thread) and its lazy parts (which post to it and
 * follow it live): the server's base URL, the thread key, and the title and
 * canonical URL a first post gives a new thread.
 */
import { ApiError, serverBase } from '../api/client.js';
import { warnOnce } from './attributes.js';

/** The canonical URL of the page: `<link rel=canonical>`, else its address (hash included). */
const canonicalUrl = () =>
  new URL(document.querySelector<HTMLLinkElement>('link[rel=canonical]')?.href || location.href);

/** The element's attributes the page facts depend on. */
interface PageAttributes {
  server?: string;
  thread?: string;
  threadTitle?: string;
}

/**
 * Where a thread lives and what a new one is called. `base` and `key` are
 * fixed when a load starts (a new object per load); `title` and `url` are read
 * from the page each time they are asked for, as a single-page site may change
 * them after the load.
 */
export interface PageFacts {
  /** Base URL of the server, ending in `/`. */
  readonly base: string;
  /** The thread key: the `thread` attribute, else the canonical URL's path. */
  readonly key: string;
  /** The `thread-title` attribute, else the document's title (may be empty). */
  readonly title: string;
  /** The canonical URL, without its fragment. */
  readonly url: string;
}

/**
 * The page facts for a load of `attributes`' thread. Throws `no_thread_key`
 * (with a console warning) on a page not served over http(s) without a
 * `thread` attribute: its path would key every such page alike.
 */
export function pageFacts(attributes: PageAttributes): PageFacts {
  const url = canonicalUrl();
  if (!attributes.thread && !url.protocol.startsWith('http')) {
    warnOnce('thread', 'no thread key: set the thread attribute on pages not served over http(s).');
    throw new ApiError(0, 'no_thread_key', 'No thread key');
  }
  return {
    base: serverBase(attributes.server, import.meta.url),
    key: attributes.thread || url.pathname,
    get title() {
      return attributes.threadTitle || document.title;
    },
    get url() {
      return canonicalUrl().href.split('#')[0]!;
    },
  };
}
