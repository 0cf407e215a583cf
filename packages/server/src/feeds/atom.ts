/**
 * Atom 1.0 (RFC 4287) feeds of published messages: one per thread, one for
 * the whole site. Written by the `feed` library; this file decides what goes
 * in and guards against the ways its serializer (xml-js) mishandles text.
 *
 * - Every URL is absolute, under the server's public base (`public-url.ts`):
 *   Atom ids must be absolute IRIs, and the library parses each link with
 *   `new URL`. The routes serve no feed when no base is known.
 * - An entry's id is the message's anchor on the thread's HTML page
 *   (`…/threads/<key>#parley-<id>`): stable as long as PARLEY_PUBLIC_URL is.
 *   Its link goes to the message where readers read it: the blog page
 *   (`thread.url` with `#parley-<id>`) when the thread has one, else that
 *   same HTML page.
 * - Names, titles and keys come from readers, so they are text everywhere:
 *   the entry title is `type="html"` (the library's choice), so it is
 *   HTML-escaped here and `<script>` in a name arrives as those letters.
 *   The content is the stored HTML, already rendered and sanitized at write
 *   time, carried as escaped text (`type="html"`), never as XML elements.
 * - Characters XML 1.0 cannot carry (C0 controls, lone surrogates, U+FFFE/F)
 *   are dropped rather than making the whole feed ill-formed.
 */
import { Feed } from 'feed';
import { escapeHtml } from '../http/html.ts';
import { threadPath, under } from '../http/public-url.ts';
import type { FeedMessageRow, SiteFeedMessageRow } from './feeds.repository.ts';

/** The media type of every feed Parley serves. */
export const ATOM_CONTENT_TYPE = 'application/atom+xml; charset=utf-8';

/** What the `<generator>` element names. */
const GENERATOR = 'Parley';

/**
 * `updated` of a site feed with nothing in it at all (no public thread yet):
 * nothing significant has happened, and a fixed time keeps the body, and so
 * its ETag, the same until something does.
 */
const NOTHING_YET = '1970-01-01T00:00:00.000Z';

/** Everything XML 1.0 cannot carry (its `Char` production); lone surrogates included, by the `u` flag. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text XML can carry. */
function xmlChars(text: string): string {
  return text.replace(NOT_XML_CHAR, '');
}

/**
 * Text for an element the library writes as text (feed title, author
 * names). xml-js first turns every `&amp;` back into `&` "to avoid double
 * escaping", so a title `Q&amp;A` would read `Q&A`; escaping each `&` here
 * first makes that step undo exactly this, and the text round-trips.
 */
function plainText(text: string): string {
  return xmlChars(text).replace(/&/g, '&amp;');
}

/** Text for an element the library writes as `type="html"` (entry titles): escaped, so it stays text. */
function htmlText(text: string): string {
  return escapeHtml(xmlChars(text));
}

/**
 * A message's stored HTML as CDATA content. xml-js splits only the first
 * `]]>` of a CDATA section, so a second one would end it and let the rest
 * be read as XML; `]]&gt;` means the same in HTML text and attributes (the
 * sanitizer already writes a `>` in text as `&gt;`; this holds whatever it does).
 */
function htmlContent(html: string): string {
  return xmlChars(html).replaceAll(']]>', ']]&gt;');
}

/** The thread fields a feed names. */
interface FeedThread {
  key: string;
  title: string | null;
  url: string | null;
}

/** How a thread is named: its title, else its key. */
function threadName(thread: FeedThread): string {
  const title = thread.title?.trim();
  return title ? title : thread.key;
}

/** Absolute URL of a thread's HTML page (`threads/<key>`) or of its feed. */
function threadUrl(base: string, key: string, sub?: 'feed.atom'): string {
  return under(base, threadPath(key, sub));
}

/**
 * The thread's page on the blog, if it has a web URL. Checked, not trusted:
 * the library parses every link and would throw on a bad one.
 */
function blogPage(thread: FeedThread): URL | undefined {
  const url = thread.url ? URL.parse(thread.url) : null;
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url : undefined;
}

/** The stable id of a message's entry: its anchor on the thread's HTML page. */
function entryId(base: string, key: string, messageId: number): string {
  return `${threadUrl(base, key)}#parley-${messageId}`;
}

/** Where an entry links: the message on the blog when the thread has a url, else on the HTML page. */
function entryLink(base: string, thread: FeedThread, messageId: number): string {
  const blog = blogPage(thread);
  if (!blog) return entryId(base, thread.key, messageId);
  blog.hash = `parley-${messageId}`;
  return blog.href;
}

/** The later of two ISO times. */
function later(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** When a message last changed as readers see it. */
function messageUpdated(message: FeedMessageRow): string {
  return message.edited_at ?? message.created_at;
}

/** A feed with nothing but its head: `id` is its own URL, as is its `self` link. */
function newFeed(options: {
  base: string;
  self: string;
  title: string;
  /** The HTML page the feed follows, if it has one (the site feed has none to name). */
  alternate: string | undefined;
  updated: string;
}): Feed {
  return new Feed({
    id: options.self,
    title: plainText(options.title),
    updated: new Date(options.updated),
    generator: GENERATOR,
    link: options.alternate,
    feed: options.self,
    // RFC 4287 wants an author on the feed unless every entry has one; an
    // empty feed has no entry to have one, so the site stands in.
    author: { name: plainText(new URL(options.base).host) },
  });
}

/** Adds one message as an entry titled `title`. */
function addEntry(
  feed: Feed,
  base: string,
  thread: FeedThread,
  message: FeedMessageRow,
  title: string,
): void {
  feed.addItem({
    id: entryId(base, thread.key, message.id),
    title: htmlText(title),
    link: entryLink(base, thread, message.id),
    date: new Date(messageUpdated(message)),
    published: new Date(message.created_at),
    author: [{ name: plainText(message.author_name) }],
    content: htmlContent(message.html),
  });
}

/** An entry's title: who wrote, and where (feed readers list entries by it). */
function entryTitle(author: string, thread: FeedThread): string {
  return `${author} on ${threadName(thread)}`;
}

/**
 * A thread's feed: its newest published messages (`messages`, newest
 * first). `updated` is the latest change among them, else the thread's last
 * activity (`lastActivityAt`) when none is left.
 */
export function threadFeedXml(
  base: string,
  thread: FeedThread & { lastActivityAt: string },
  messages: readonly FeedMessageRow[],
): string {
  const updated = messages.map(messageUpdated).reduce(later, messages[0]?.created_at ?? '');
  const feed = newFeed({
    base,
    self: threadUrl(base, thread.key, 'feed.atom'),
    title: threadName(thread),
    alternate: blogPage(thread)?.href ?? threadUrl(base, thread.key),
    updated: updated || thread.lastActivityAt,
  });
  for (const message of messages) {
    addEntry(feed, base, thread, message, entryTitle(message.author_name, thread));
  }
  return feed.atom1();
}

/**
 * The site's feed: the newest published messages of every public thread
 * (`messages`, newest first). `updated` is the latest change among them,
 * else `lastActivity` (the most recently active public thread's), else a
 * fixed time.
 */
export function siteFeedXml(
  base: string,
  messages: readonly SiteFeedMessageRow[],
  lastActivity: string | undefined,
): string {
  const updated = messages.map(messageUpdated).reduce(later, messages[0]?.created_at ?? '');
  const feed = newFeed({
    base,
    self: under(base, 'feed.atom'),
    title: `Discussions on ${new URL(base).host}`,
    // No `rel=alternate`: the server's root is no page (a 404), and the site
    // behind the threads may be many blogs. Atom does not require one.
    alternate: undefined,
    updated: updated || lastActivity || NOTHING_YET,
  });
  for (const message of messages) {
    const thread = {
      key: message.thread_key,
      title: message.thread_title,
      url: message.thread_url,
    };
    addEntry(feed, base, thread, message, entryTitle(message.author_name, thread));
  }
  return feed.atom1();
}
