/**
 * The rules the Disqus and WordPress importers share, so a blog's comments
 * land under the same thread keys whichever system they come from:
 *
 * - a thread's key is its page link's URL path exactly as the widget keys a
 *   page (`new URL(link).pathname`: percent-encoding as the URL parser leaves
 *   it, query and hash dropped, nothing else normalised), so imported comments
 *   show on today's page without any mapping;
 * - `--origin` keeps only the threads on the given origins; without it every
 *   origin is imported and the reader tallies them, so the summary can warn
 *   when a file mixes a blog with, say, `http://localhost:4000` test pages;
 * - a thread's stored link loses a username and password and the tracking
 *   parameters (`utm_*`, `fbclid`, `gclid`): a post's `?utm_source=` copy is
 *   the post's link;
 * - threads whose links differ but give one key (`?p=123` permalinks all key
 *   `/`, a post's localhost copy) are merged into that key's thread, as the
 *   widget keys those pages, and tallied by key so the command can warn that
 *   their comments now share one thread;
 * - a reply whose parent is left out (a reply to a deleted comment is common)
 *   is kept and attached to its nearest kept ancestor in the same thread, or
 *   made top-level when none is left: the conversation stays in place;
 * - a comment whose markdown is longer than a posted body may be is left
 *   out and counted, as an empty one is;
 * - names and titles lose control and bidi characters and are cut to the
 *   server's lengths; an email, IP or username is never passed on.
 */
import SQLite from 'better-sqlite3';
import { decodeHTML } from 'entities';
import { showableLine, threadKey } from '../../http/fields.ts';
import { MAX_AUTHOR, MAX_TITLE } from '../../messages/messages.schemas.ts';
import { htmlToMarkdown } from './html-to-markdown.ts';
import type { ImportReader, ImportSink } from './records.ts';

/** What both importers take. */
export interface LegacyImportOptions {
  /**
   * Origins (`https://old.blog.example`) whose threads are imported; threads
   * on any other origin are left out and counted. Default: every origin.
   */
  origins?: string[] | undefined;
}

/**
 * An {@link ImportReader} that also tallies the origins of the threads it
 * met and the keys several links landed on, filled while it reads: after it
 * resolves, more than one origin means the file mixes sites (and, without
 * `--origin`, their threads merged by path), and a shared key that several
 * posts' comments were merged into one thread, which the summary should say.
 */
export type LegacyReader = ImportReader & {
  /**
   * Threads with comments to import, by their link's origin, whether
   * `--origin` kept them or not. Filled anew by each read.
   */
  readonly origins: ReadonlyMap<string, number>;
  /**
   * Keys that threads of two or more different links were imported into,
   * each with how many distinct links (without their fragment) landed on it:
   * `/` for a blog with `?p=123` permalinks. Only threads with comments
   * imported count (with `--origin`, only those on its origins); a key with
   * one link is not listed. Filled anew by each read.
   */
  readonly sharedKeys: ReadonlyMap<string, number>;
};

/** Where a page link puts a thread. */
export interface Page {
  key: string;
  /** The link without its fragment. */
  link: string;
  /** {@link link}; null when longer than a thread's url may be. */
  url: string | null;
  origin: string;
}

/** The origins `--origin` names, normalised; a clear error for one that is not http(s). */
function parseOrigins(origins: readonly string[] | undefined): Set<string> | null {
  if (origins === undefined || origins.length === 0) return null;
  return new Set(
    origins.map((value) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new Error(`--origin ${value}: not a URL (expected e.g. https://old.blog.example)`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new Error(`--origin ${value}: not an http or https origin`);
      }
      return url.origin;
    }),
  );
}

/** A query parameter's name, as `URLSearchParams` reads it. */
const decodeQueryName = (pair: string) => [...new URLSearchParams(pair).keys()][0] ?? '';

/** Query parameters that only say where a visitor came from: never part of a page's address. */
const TRACKING = /^(?:utm_.*|fbclid|gclid)$/;

/**
 * Where a thread with this page link goes, or null for no http(s) link a key
 * can come from. Its stored link drops what must not be shown or only
 * tracked: a username and password (`http://user:pass@host/` would be
 * public in every thread's JSON), `utm_*`, `fbclid` and `gclid`; other query
 * parameters stay (`?p=42` names the page).
 */
export function pageOf(link: string | undefined): Page | null {
  let url: URL;
  try {
    url = new URL((link ?? '').trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!threadKey.safeParse(url.pathname).success) return null;
  url.username = '';
  url.password = '';
  // Parameter by parameter, the others left as written (`searchParams` would
  // write them all anew, `%20` as `+`).
  const kept = url.search
    .slice(1)
    .split('&')
    .filter((pair) => !TRACKING.test(decodeQueryName(pair)));
  url.search = kept.join('&');
  const href = url.href.split('#')[0]!;
  return {
    key: url.pathname,
    link: href,
    url: href.length <= 2048 ? href : null,
    origin: url.origin,
  };
}

/**
 * Fills `into` (cleared first) with the keys that two or more distinct links
 * of `pages` share, each with how many: {@link LegacyReader.sharedKeys}.
 */
export function tallySharedKeys(pages: Iterable<Page>, into: Map<string, number>): void {
  const links = new Map<string, Set<string>>();
  for (const page of pages) links.set(page.key, (links.get(page.key) ?? new Set()).add(page.link));
  into.clear();
  for (const [key, distinct] of links) if (distinct.size > 1) into.set(key, distinct.size);
}

/**
 * Names and titles as both exports hold them: HTML-escaped once more inside
 * the XML (WordPress saves `Tom & Jerry` as `Tom &amp; Jerry`; Disqus writes
 * a title's `&` as `&amp;amp;`), while Parley keeps them as plain text.
 * Decoded once, then made a shown line.
 */
function shownText(text: string | undefined, max: number): string {
  return showableLine(decodeHTML(text ?? ''), max);
}

/**
 * An author's shown name, else `Anonymous`: never a username or an email in
 * its place (an import stores neither, as the README promises).
 */
export function authorName(name: string | undefined): string {
  return shownText(name, MAX_AUTHOR) || 'Anonymous';
}

/** A thread title, or null when none is left. */
export function titleOf(text: string | undefined): string | null {
  return shownText(text, MAX_TITLE) || null;
}

/** What a legacy reader's passes share: the origins `--origin` keeps and the tallies it reports. */
export interface ReadState {
  /** The origins to keep; null: every origin. */
  readonly only: Set<string> | null;
  readonly origins: Map<string, number>;
  readonly sharedKeys: Map<string, number>;
  /** Each comment's markdown, from the first pass to the second. */
  readonly bodies: Bodies;
}

/**
 * A {@link LegacyReader} around a format's two passes: `--origin` parsed at
 * once (a bad one throws before anything is read), the tallies emptied for
 * each read, and a {@link Bodies} of its own per read, closed whatever
 * happens.
 */
export function legacyReader(
  options: LegacyImportOptions,
  passes: (sink: ImportSink, state: ReadState) => Promise<void>,
): LegacyReader {
  const only = parseOrigins(options.origins);
  const origins = new Map<string, number>();
  const sharedKeys = new Map<string, number>();
  const read = async (sink: ImportSink) => {
    origins.clear();
    sharedKeys.clear();
    const bodies = new Bodies();
    try {
      await passes(sink, { only, origins, sharedKeys, bodies });
    } finally {
      bodies.close();
    }
  };
  return Object.assign(read, { origins, sharedKeys });
}

/**
 * A time as ISO 8601 UTC with milliseconds, from `2012-04-02T16:26:02Z`,
 * `2012-04-02T16:26:02` or `2012-04-02 16:26:02` (no zone: UTC, as both
 * exports write UTC); null when it is not one.
 */
export function utcTime(text: string | undefined): string | null {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      (text ?? '').trim(),
    );
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${fraction.slice(0, 4)}${offset}`);
  if (Number.isNaN(date.getTime()) || Number(y) < 1970) return null;
  // `Date` rolls 2012-02-30 over to March: refuse what it had to repair.
  if (zone === 'Z' && date.toISOString().slice(0, 19) !== `${y}-${mo}-${d}T${h}:${mi}:${s}`) {
    return null;
  }
  return date.toISOString();
}

/**
 * What the first pass learned about one comment. Both readers keep one per
 * comment of the file, in a Map by id, for the whole read: the only memory
 * that grows with the file. It is bounded enough: measured (a one-off run
 * of each reader over `writeLegacyExport`'s 100,000-comment files, heap
 * after GC), the heap grows 16 to 19 MB per 100,000 comments, under 200
 * bytes each (id, parent, thread, fate), never their text. A million
 * comments, more than any blog's export, would take some 200 MB, well inside
 * Node's default heap; keeping these facts on disk instead would cost a
 * lookup per comment for a file size no one has. The Disqus reader's
 * 100,000-post test holds the growth under half the file's size.
 */
export interface CommentFacts {
  parent: string | null;
  /** Its thread (an id or ordinal of the file's). */
  thread: string;
  /** Its ordinal among the file's comments: tells a duplicate id's first copy. */
  index: number;
  /** Why it is left out; null when it is kept. */
  why: string | null;
}

/**
 * The parent a kept comment is imported under: its parent if kept, else that
 * parent's nearest kept ancestor in the same thread, else none (top-level).
 */
export function keptParent(comments: ReadonlyMap<string, CommentFacts>, id: string): string | null {
  const self = comments.get(id)!;
  const seen = new Set<string>([id]);
  let parent = self.parent;
  while (parent !== null && !seen.has(parent)) {
    const facts = comments.get(parent);
    if (facts === undefined || facts.thread !== self.thread) return null;
    if (facts.why === null) return parent;
    seen.add(parent);
    parent = facts.parent;
  }
  return null;
}

/**
 * The longest body the server takes, in code points: `bodyText`'s limit in
 * `http/fields.ts`, which does not export the number (the readers' tests
 * hold the two equal). A Parley export's reader refuses a longer body, so a
 * site's own export could not be imported again.
 */
export const MAX_BODY = 10_000;

/** The skip count of a comment whose markdown is longer than {@link MAX_BODY}. */
const TOO_LONG = `longer than ${MAX_BODY.toLocaleString('en-US')} characters`;

/**
 * The markdown of every comment the first pass converted, kept for the
 * second in a temporary SQLite file rather than in memory (a million
 * comments' bodies would not fit), so each comment is converted once. The
 * first pass must convert: whether a comment is left out (empty, or longer
 * than a post may be) decides where its replies go, and the markdown can be
 * many times longer than its HTML (each nesting level prefixes every line),
 * so no length of the HTML alone tells.
 */
export class Bodies {
  readonly #db = new SQLite('');
  readonly #put: SQLite.Statement<[string, string]>;
  readonly #get: SQLite.Statement<[string], { markdown: string }>;
  #pending = 0;

  constructor() {
    this.#db.pragma('journal_mode = OFF');
    this.#db.pragma('synchronous = OFF');
    this.#db.exec('create table bodies (id text primary key, markdown text not null)');
    this.#put = this.#db.prepare('insert or replace into bodies (id, markdown) values (?, ?)');
    this.#get = this.#db.prepare('select markdown from bodies where id = ?');
  }

  /**
   * Converts comment `id`'s HTML, keeps the markdown when the comment can be
   * imported, and says why it cannot: `empty`, or longer than a post may be;
   * null when it can.
   */
  verdict(id: string, html: string): string | null {
    const markdown = htmlToMarkdown(html);
    if (markdown === '') return 'empty';
    // Code points are at most UTF-16 units: only a long string needs counting.
    if (markdown.length > MAX_BODY) {
      let count = 0;
      for (const _ of markdown) if (++count > MAX_BODY) return TOO_LONG;
    }
    // Inserts commit a thousand at a time: one transaction per row is slow.
    if (this.#pending === 0) this.#db.exec('begin');
    this.#put.run(id, markdown);
    if (++this.#pending === 1000) this.#commit();
    return null;
  }

  /** Commits what the first pass wrote so far. */
  #commit(): void {
    if (this.#pending === 0) return;
    this.#db.exec('commit');
    this.#pending = 0;
  }

  /** The markdown the first pass kept for comment `id`. */
  markdown(id: string): string {
    this.#commit();
    const row = this.#get.get(id);
    if (!row) throw new Error(`no body kept for comment ${id}`);
    return row.markdown;
  }

  close(): void {
    this.#db.close();
  }
}

/**
 * The skip count of a comment whose id the file already gave: the words the
 * loader's staging counts a repeated source id with, so a summary says one
 * thing for one thing. (Staging's own constant is not exported: keep the two
 * the same.)
 */
export const DUPLICATE_MESSAGE = 'duplicate message';

/** The skip count of a thread whose id the file already gave, in staging's words as above. */
export const DUPLICATE_THREAD = 'duplicate thread';

/** Counts by reason, handed to the sink in one call each when a pass ends. */
export class Tally {
  readonly #counts = new Map<string, number>();

  /** One more left out for `why`. */
  add(why: string): void {
    this.#counts.set(why, (this.#counts.get(why) ?? 0) + 1);
  }

  /** Every count, as `sink.skip` takes them. */
  entries(): [string, number][] {
    return [...this.#counts];
  }
}
