/**
 * `parley-server import-disqus`: a Disqus export (`<disqus>` with
 * `<thread dsq:id>` and `<post dsq:id>` elements) read into import records.
 *
 * Two streaming passes over the file, so nothing but small facts is held:
 * posts may come before their parents and even before their threads, and
 * whether a reply's parent is kept (not spam, not deleted, in a kept thread)
 * is only known once the whole file has been seen. The first pass keeps, per
 * thread, its key and title, and per post its parent, thread and fate (a few
 * dozen bytes each); the second converts each kept post's HTML and hands it
 * on. Skips are counted in the first pass, threads are handed on after it.
 *
 * What is left out, and counted once per thread or post by the first reason
 * that applies: `deleted thread`, `thread without a usable link`, `thread on
 * another site` for threads (the last only for a thread with posts); for posts `thread missing` (its thread is not in
 * the file), `in a deleted thread`, `in a thread without a usable link`, `on
 * another site`, then `spam`, `deleted`, `empty` (nothing visible left once
 * sanitized), `longer than 10,000 characters` (its markdown). Threads
 * without a kept post make no thread. A post whose
 * dsq:id an earlier post had is counted as `duplicate message`, a thread
 * whose dsq:id an earlier thread had as `duplicate thread` (the first is the
 * one imported).
 */
import {
  authorName,
  type CommentFacts,
  DUPLICATE_MESSAGE,
  DUPLICATE_THREAD,
  keptParent,
  type LegacyImportOptions,
  type LegacyReader,
  legacyReader,
  type Page,
  pageOf,
  Tally,
  tallySharedKeys,
  titleOf,
  utcTime,
} from './legacy-rules.ts';
import type { ImportThread } from './records.ts';
import {
  exportFileError,
  readXmlRecords,
  type XmlRecord,
  type XmlRecordSpec,
} from './xml-records.ts';

const DISQUS = 'http://disqus.com';
const INTERNALS = 'http://disqus.com/disqus-internals';

const THREAD = 'disqus/thread';
const POST = 'disqus/post';

const spec: XmlRecordSpec = {
  namespaces: (uri) => (uri === DISQUS || uri === '' ? '' : uri === INTERNALS ? 'dsq' : undefined),
  checkRoot: (name) =>
    name === 'disqus'
      ? null
      : name === 'rss'
        ? 'not a Disqus export but a WordPress one (WXR): read it with `parley-server import-wordpress`'
        : `not a Disqus export: the root element is <${name}>, not <disqus>`,
  records: new Map([
    [THREAD, new Set(['@dsq:id', 'link', 'title', 'createdAt', 'isClosed', 'isDeleted'])],
    [
      POST,
      new Set([
        '@dsq:id',
        'message',
        'createdAt',
        'isDeleted',
        'isSpam',
        'author/name',
        'thread@dsq:id',
        'parent@dsq:id',
      ]),
    ],
  ]),
};

/** A thread as the first pass found it. */
interface ThreadFacts {
  /** Why its posts are left out, or null. */
  why: string | null;
  thread: ImportThread | null;
  /** Where its link puts it; null without a usable link (or deleted). */
  page: Page | null;
  /** Posts it would import, whatever its origin. */
  importable: number;
  /** Posts that name it. */
  posts: number;
}

const isTrue = (value: string | undefined) => value?.trim() === 'true';

/** The record's `dsq:id`, or a clear error naming its line. */
function idOf(file: string, record: XmlRecord, what: string): string {
  const id = record.fields.get('@dsq:id')?.trim();
  if (!id) throw exportFileError(file, record.line, null, `a <${what}> without a dsq:id`);
  return id;
}

/**
 * Reads the Disqus export at `path`: threads keyed by their link's URL path,
 * posts as top-level replies or replies by `<parent>`, never an email, IP or
 * username (a post without a name is `Anonymous`'s).
 * Rejects with the line and column on malformed XML, a root other than
 * `<disqus>`, a thread or post without `dsq:id`, or a post whose `createdAt`
 * is not a time. Throws at once when an origin in `options` is not one.
 */
export function readDisqus(path: string, options: LegacyImportOptions = {}): LegacyReader {
  return legacyReader(options, async (sink, { only, origins, sharedKeys, bodies }) => {
    const threads = new Map<string, ThreadFacts>();
    const posts = new Map<string, CommentFacts>();
    const skipped = new Tally();

    await readXmlRecords(path, spec, (record) => {
      if (record.path === THREAD) {
        const id = idOf(path, record, 'thread');
        if (threads.has(id)) {
          skipped.add(DUPLICATE_THREAD);
          return;
        }
        if (isTrue(record.fields.get('isDeleted'))) {
          skipped.add('deleted thread');
          threads.set(id, {
            why: 'in a deleted thread',
            thread: null,
            page: null,
            importable: 0,
            posts: 0,
          });
          return;
        }
        const page = pageOf(record.fields.get('link'));
        if (page === null) {
          skipped.add('thread without a usable link');
          threads.set(id, {
            why: 'in a thread without a usable link',
            thread: null,
            page: null,
            importable: 0,
            posts: 0,
          });
          return;
        }
        const elsewhere = only !== null && !only.has(page.origin);
        threads.set(id, {
          why: elsewhere ? 'on another site' : null,
          page,
          importable: 0,
          posts: 0,
          thread: {
            key: page.key,
            title: titleOf(record.fields.get('title')),
            summary: null,
            url: page.url,
            status: isTrue(record.fields.get('isClosed')) ? 'closed' : 'open',
            createdAt: utcTime(record.fields.get('createdAt')),
          },
        });
        return;
      }
      const id = idOf(path, record, 'post');
      if (posts.has(id)) {
        skipped.add(DUPLICATE_MESSAGE);
        return;
      }
      const createdAt = record.fields.get('createdAt');
      if (utcTime(createdAt) === null) {
        throw exportFileError(
          path,
          record.line,
          null,
          `post ${id}: createdAt ${JSON.stringify(createdAt ?? '')} is not a time`,
        );
      }
      const why = isTrue(record.fields.get('isSpam'))
        ? 'spam'
        : isTrue(record.fields.get('isDeleted'))
          ? 'deleted'
          : bodies.verdict(id, record.fields.get('message') ?? '');
      posts.set(id, {
        parent: record.fields.get('parent@dsq:id')?.trim() || null,
        thread: record.fields.get('thread@dsq:id')?.trim() ?? '',
        index: record.index,
        why,
      });
    });

    // A thread's fate decides its posts' before their own (spam in a
    // deleted thread counts as in a deleted thread).
    for (const facts of posts.values()) {
      const thread = threads.get(facts.thread);
      if (thread?.thread && facts.why === null) thread.importable++;
      if (thread !== undefined) thread.posts++;
      if (thread === undefined) facts.why = 'thread missing';
      else if (thread.why !== null) facts.why = thread.why;
      if (facts.why !== null) skipped.add(facts.why);
    }
    const emitted = new Set<string>();
    const imported: Page[] = [];
    for (const thread of threads.values()) {
      // A page someone only opened is no thread, on this site or another.
      if (thread.why === 'on another site' && thread.posts > 0)
        skipped.add('thread on another site');
      if (thread.page === null || thread.importable === 0) continue;
      origins.set(thread.page.origin, (origins.get(thread.page.origin) ?? 0) + 1);
      if (thread.why !== null) continue;
      imported.push(thread.page);
      // Two threads of one path (another origin, an `http:` and an `https:`
      // link, another query) are one thread today: the first in the file
      // gives its facts, and `sharedKeys` tells.
      if (emitted.has(thread.page.key)) continue;
      emitted.add(thread.page.key);
      await sink.thread(thread.thread!);
    }
    tallySharedKeys(imported, sharedKeys);
    for (const [why, count] of skipped.entries()) sink.skip(why, count);

    await readXmlRecords(path, spec, async (record) => {
      if (record.path !== POST) return;
      const id = idOf(path, record, 'post');
      const facts = posts.get(id)!;
      if (facts.why !== null || facts.index !== record.index) return;
      const parent = keptParent(posts, id);
      await sink.message({
        sourceId: `disqus:${id}`,
        threadKey: threads.get(facts.thread)!.thread!.key,
        parentSourceId: parent === null ? null : `disqus:${parent}`,
        kind: 'reply',
        status: 'published',
        hiddenReason: null,
        author: {
          name: authorName(record.fields.get('author/name')),
          role: null,
        },
        body: bodies.markdown(id),
        highlighted: false,
        createdAt: utcTime(record.fields.get('createdAt'))!,
        editedAt: null,
        updatedAt: null,
      });
    });
  });
}
