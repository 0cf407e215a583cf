/**
 * The thread as HTML, outside `/api`: `GET /threads/:key` (a standalone page
 * for readers without JavaScript, crawlers and feed readers following a
 * link) and `GET /threads/:key/fragment` (the same discussion markup alone,
 * for a static site build or a server-side include to put into the article).
 *
 * - `?page=N` (1-based, default 1): threads longer than `PAGE_SIZE` messages
 *   are cut into pages whose replies stay with their root (`page-plan.ts`).
 * - Errors: the page answers people, so with a small HTML page (400 for a
 *   malformed key or page number, 404 for a thread readers cannot see or a
 *   page past the last); the fragment, with the same statuses, answers with
 *   `text/html` that is only an HTML comment saying what happened: a
 *   server-side include pastes whatever it gets into the article (a post
 *   nobody commented on yet is a 404), so readers must see nothing of it,
 *   while a build still checks the status.
 * - JSON-LD: in the discussion's section, so in the page and the fragment
 *   alike (the page search engines index is the blog's, which includes the
 *   fragment). A data block: no CSP blocks it, it runs nothing.
 * - Caching, as `GET /api/threads/:key`: the version (thread id, event
 *   sequence, last update, effective status, page) makes a weak ETag and the
 *   key of the rendered HTML kept in memory; the ETag also carries the public
 *   URL (in every link) and the markup's format and style hash, so neither a
 *   `PARLEY_PUBLIC_URL` change nor an upgrade keeps a stale copy valid.
 *   `Cache-Control: no-cache`, so
 *   every use revalidates (a 304 costs one indexed row read) and nobody sees
 *   a stale or an auto-closed-but-still-open thread.
 * - Compression: each rendering is kept as it is and brotli- and
 *   gzip-compressed, all made once when it is rendered; a request gets the
 *   best its `Accept-Encoding` takes (`Vary: Accept-Encoding`). A 200-message
 *   page is some 256 KiB of HTML and 32 KiB in brotli: sending the plain bytes
 *   to every crawler and browser cost five times the JSON read's throughput.
 *   The ETag is weak, so it stays the same in every encoding.
 * - Held, hidden and spam messages are never read (see `pages.repository.ts`);
 *   a deleted message keeps its place for its replies and shows nothing.
 */
import { createHash } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppConfig, AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import type { ThreadRow } from '../db/schema.ts';
import { ApiError, fromZodError, threadNotFound } from '../http/api-error.ts';
import { type EncodedBody, encodeBody, negotiate, sendEncoded } from '../http/content-encoding.ts';
import { etagMatches } from '../http/etag.ts';
import { LruCache } from '../http/lru-cache.ts';
import { ownUrl, publicBase, threadPath, under } from '../http/public-url.ts';
import { detectLanguage } from '../summaries/language.ts';
import { effectiveStatus } from '../threads/auto-close.ts';
import { findPublicThreadByKey } from '../threads/threads.repository.ts';
import { threadKeyParams } from '../threads/threads.schemas.ts';
import type { Message } from '../wire.ts';
import { type StatusClock, toMessage, toThread } from '../wire-mapping.ts';
import { discussionPosting, htmlToText, jsonLdScript } from './json-ld.ts';
import { type PagePlan, planPages } from './page-plan.ts';
import { fill, pageStrings as t } from './page-strings.ts';
import { readListedMessages, readOutline } from './pages.repository.ts';
import { renderDiscussion, type ShownMessage } from './thread-markup.ts';
import { pageCsp, renderErrorPage, renderPage, STYLE_HASH } from './thread-page.ts';

/** Memory for rendered pages and fragments (a 200-message page is about 330 KB in its three encodings). */
const RENDERED_CACHE_BYTES = 32 * 1024 * 1024;
/**
 * Memory for page plans (the latest of each thread, shared by its pages and
 * fragments), by {@link planBytes}: a 20,000-message thread's plan is some
 * 2.7 MB, so a count bound let a few hundred versions of one take a gigabyte.
 */
const PLAN_CACHE_BYTES = 16 * 1024 * 1024;
/**
 * Estimated bytes a plan holds per listed message: its `PlacedMessage`, its
 * `pageOf` and `replyCount` entries, with V8's object and map overheads
 * (measured on a 20,000-message outline: 134 bytes a message; rounded up).
 */
const PLAN_BYTES_PER_MESSAGE = 160;
/**
 * Bumped whenever the markup says something else for the same data (its
 * elements, its words), so validators handed out before an upgrade stop
 * matching. The style's hash is mixed in as well (the CSP names it).
 */
const PAGE_FORMAT = 2;
/** Characters of the discussion's text the language is told from (the detector reads 20,000 at most). */
const LANGUAGE_SAMPLE = 20_000;
/** Longest meta description, in code points: about what search results show. */
const DESCRIPTION_LENGTH = 160;
/** Longest `<title>`, in code points: what tabs and results show (the `<h1>` keeps the whole title). */
const TITLE_LENGTH = 70;

/** `?page=`: a whole number from 1, at most six digits; absent is 1. */
const pageQuery = z.object({
  page: z
    .string()
    .regex(/^[1-9]\d{0,5}$/, 'must be a whole number from 1')
    .transform(Number)
    .optional()
    .transform((v) => v ?? 1),
});

type Kind = 'page' | 'fragment';

/** A thread's plan as the cache keeps it: for which version, and its estimated size. */
interface KeptPlan {
  version: string;
  plan: PagePlan;
  byteLength: number;
}

/** The estimated memory of `plan` (see {@link PLAN_BYTES_PER_MESSAGE}). */
function planBytes(plan: PagePlan): number {
  return 256 + plan.pageOf.size * PLAN_BYTES_PER_MESSAGE;
}

/** `text` safe inside an HTML comment: no `--` (which could end it) and no `<` or `>`. */
function commentText(text: string): string {
  return text.replace(/-+/g, '-').replace(/[<>]/g, ' ');
}

/** Thrown by a render when the thread has fewer pages than asked for. */
class PastLastPage extends Error {
  constructor(readonly pages: number) {
    super('past the last page');
  }
}

/** The absolute URL of page `n` of the thread `key` on this server. */
function pageUrl(config: AppConfig, key: string, n: number): string {
  const path = threadPath(key);
  const query: Record<string, string> = n > 1 ? { page: String(n) } : {};
  const base = publicBase(config);
  return base ? under(base, path, query) : `/${path}${n > 1 ? `?page=${n}` : ''}`;
}

/** `text` cut to `max` code points at a word, with an ellipsis when cut. */
function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const points = [...flat];
  if (points.length <= max) return flat;
  const cut = points.slice(0, max - 1).join('');
  return `${cut.replace(/\s+\S*$/, '')}…`;
}

/**
 * The discussion's language, when it is not the page's own: told from the
 * title, the summary and the page's message texts (already extracted for the
 * JSON-LD), at most {@link LANGUAGE_SAMPLE} characters of them.
 */
function discussionLanguage(
  title: string | null,
  summary: string | null,
  messages: readonly ShownMessage[],
  textOf: (m: Message) => string,
): string | undefined {
  const parts: string[] = [title ?? '', summary ?? ''];
  let length = parts[0]!.length + parts[1]!.length;
  for (const { message } of messages) {
    if (length >= LANGUAGE_SAMPLE) break;
    if (message.deleted) continue;
    const text = textOf(message).slice(0, LANGUAGE_SAMPLE - length);
    parts.push(text);
    length += text.length + 1;
  }
  const lang = detectLanguage(parts.join('\n'));
  return lang === t.lang ? undefined : lang;
}

/** The page routes, mounted at the root (outside `/api` and its guards). */
export function pageRoutes({ store, config }: AppDeps, { statusClock }: AppServices) {
  const { db } = store;
  // Kept as bytes: a page's emoji make its text a two-byte string, which
  // costs some 5 ms to encode per send at 250 KB; bytes are sent as they are.
  // The cache shares a load between concurrent misses, so a version is
  // rendered and compressed once however many readers ask for it at once.
  const rendered = new LruCache<EncodedBody>(RENDERED_CACHE_BYTES);
  const encoder = new TextEncoder();
  const plans = new LruCache<KeptPlan>(PLAN_CACHE_BYTES);
  // The public URL is in every link, the format and style hash in the markup and CSP.
  const variant = createHash('sha256')
    .update(`${PAGE_FORMAT} ${publicBase(config) ?? ''} ${STYLE_HASH}`)
    .digest('base64url')
    .slice(0, 8);
  // Framing is allowed where embedding is: a blog may iframe the page for
  // readers without JavaScript; any other site may not (clickjacking a link).
  const csp = pageCsp(config.origins === '*' ? '*' : ["'self'", ...config.origins].join(' '));

  /**
   * The plan of the thread at this version, read once and shared by its
   * pages and fragments. Only the latest version of a thread is kept: an
   * older one's plan is of no use once the thread changed.
   */
  async function planOf(thread: ThreadRow, version: string): Promise<PagePlan> {
    const key = String(thread.id);
    const load = async (): Promise<KeptPlan> => {
      const plan = planPages(await readOutline(db, thread.id));
      return { version, plan, byteLength: planBytes(plan) };
    };
    const kept = await plans.get(key, load);
    if (kept.version === version) return kept.plan;
    // The thread changed: replace its plan. (A load another request began
    // meanwhile is shared; it read the outline as recently as this would.)
    plans.delete(key);
    return (await plans.get(key, load)).plan;
  }

  /** Renders page `page` of `thread` as a page or a fragment. */
  async function render(
    kind: Kind,
    thread: ThreadRow,
    clock: StatusClock,
    planVersion: string,
    page: number,
  ): Promise<string> {
    const plan = await planOf(thread, planVersion);
    const placed = plan.pages[page - 1];
    if (!placed) throw new PastLastPage(plan.pages.length);
    const answeredIds = placed.flatMap((p) => (p.answers === undefined ? [] : [p.answers]));
    const ids = new Set([...placed.map((p) => p.id), ...answeredIds]);
    if (plan.opening !== undefined) ids.add(plan.opening);
    const rows = await readListedMessages(db, thread.id, [...ids]);
    const byId = new Map<number, Message>(rows.map((row) => [row.id, toMessage(row)]));
    const key = thread.key;
    const urlOf = (n: number) => pageUrl(config, key, n);
    const answered = new Map<number, { name: string | null; href: string }>();
    for (const id of answeredIds) {
      const m = byId.get(id);
      const on = plan.pageOf.get(id) ?? page;
      const anchor = `#parley-${id}`;
      answered.set(id, {
        name: !m || m.deleted ? null : m.author.name,
        href: on === page ? anchor : `${urlOf(on)}${anchor}`,
      });
    }
    const messages: ShownMessage[] = placed.flatMap((p) => {
      const message = byId.get(p.id);
      return message ? [{ placed: p, message }] : [];
    });
    const wire = toThread(thread, clock);
    // Each message's text once: the JSON-LD, the description and the language read it.
    const texts = new Map<number, string>();
    const textOf = (m: Message) => {
      let text = texts.get(m.id);
      if (text === undefined) {
        text = htmlToText(m.html);
        texts.set(m.id, text);
      }
      return text;
    };
    const opening = plan.opening === undefined ? undefined : byId.get(plan.opening);
    const openingText = opening && !opening.deleted ? textOf(opening) : '';
    const blog = thread.url ? thread.url.split('#')[0]! : null;
    const mainUrl = blog ?? urlOf(1);
    const posting = discussionPosting({
      thread: wire,
      url: mainUrl,
      opening,
      replies: messages.filter((m) => m.placed.depth > 0),
      replyCount: plan.replyCount,
      textOf,
      messageUrl: (id) => `${blog ?? urlOf(plan.pageOf.get(id) ?? page)}#parley-${id}`,
    });
    const view = {
      thread: wire,
      messages,
      answered,
      page,
      pages: plan.pages.length,
      pageUrl: urlOf,
      lang: discussionLanguage(wire.title, wire.summary, messages, textOf),
      jsonLd: jsonLdScript(posting),
    };
    if (kind === 'fragment') return `${renderDiscussion(view, 2)}\n`;

    const title = wire.title || wire.key;
    const description = wire.summary || openingText;
    return renderPage(
      {
        title: excerpt(
          page > 1 ? `${title} (${fill(t.pageOf, { page, pages: plan.pages.length })})` : title,
          TITLE_LENGTH,
        ),
        description: description ? excerpt(description, DESCRIPTION_LENGTH) : null,
        // The blog's page shows the discussion's first page; a later page is its own.
        canonical: page === 1 && blog ? blog : urlOf(page),
        prev: page > 1 ? urlOf(page - 1) : undefined,
        next: page < plan.pages.length ? urlOf(page + 1) : undefined,
        threadFeed: ownUrl(config, threadPath(key, 'feed.atom')),
        siteFeed: ownUrl(config, 'feed.atom'),
        joinUrl: blog,
      },
      renderDiscussion(view, 1),
    );
  }

  /**
   * An error as the route's audience reads it: an HTML page for people; for
   * the fragment, which an include pastes into an article, an HTML comment
   * (`note`) that readers never see. Same status either way.
   */
  function refuse(
    c: Context,
    kind: Kind,
    error: ApiError,
    title: string,
    text: string,
    note: string,
  ) {
    c.header('Content-Type', 'text/html; charset=utf-8');
    c.header('Cache-Control', 'no-store');
    if (kind === 'fragment') return c.body(`<!-- Parley: ${commentText(note)} -->\n`, error.status);
    return c.body(renderErrorPage(title, text), error.status);
  }

  async function serve(c: Context, kind: Kind) {
    c.header('Content-Security-Policy', csp);
    if (kind === 'fragment') {
      // Public, read-only data: any page may fetch it. Set first, so errors carry it too.
      c.header('Access-Control-Allow-Origin', '*');
      // The page is the document to index; the fragment is a part of it.
      c.header('X-Robots-Tag', 'noindex');
    }
    const params = threadKeyParams.safeParse({ key: c.req.param('key') });
    const query = pageQuery.safeParse({ page: c.req.query('page') });
    const invalid = !params.success ? params.error : !query.success ? query.error : undefined;
    if (invalid || !params.success || !query.success) {
      const error = fromZodError(invalid!);
      const why = error.issues?.map((i) => `${i.path} ${i.message}`).join('; ') ?? '';
      return refuse(
        c,
        kind,
        error,
        t.badRequestTitle,
        fill(t.badRequest, { why }),
        fill(t.fragmentBadRequest, { why }),
      );
    }
    const { key } = params.data;
    const { page } = query.data;
    const thread = await findPublicThreadByKey(db, key);
    if (!thread) {
      return refuse(c, kind, threadNotFound(key), t.notFoundTitle, t.notFound, t.fragmentNotFound);
    }
    const clock = statusClock();
    const status = effectiveStatus(thread, clock.now, clock.autoCloseDays);
    // Every change readers can see bumps the event sequence; a summary or a
    // moderator's edit also moves `updated_at`; auto-close changes the
    // status with time alone. Together they name one exact rendering.
    const planVersion = `${thread.id}.${thread.event_seq}.${Date.parse(thread.updated_at)}`;
    const version = `${planVersion}.${status}.${page}`;
    const etag = `W/"${variant}.${version}"`;
    // On the 304 too: a cache keeps one answer per encoding it was sent.
    c.header('Vary', 'Accept-Encoding');
    if (etagMatches(c.req.header('If-None-Match'), etag)) {
      c.header('ETag', etag);
      c.header('Cache-Control', 'no-cache');
      return c.body(null, 304);
    }
    let body: EncodedBody;
    try {
      body = await rendered.get(`${kind}:${version}`, async () =>
        encodeBody(encoder.encode(await render(kind, thread, clock, planVersion, page)), 'fast'),
      );
    } catch (error) {
      if (!(error instanceof PastLastPage)) throw error;
      const notFound = new ApiError(
        404,
        'not_found',
        `The thread ${key} has no page ${page}; it has ${error.pages}.`,
      );
      return refuse(
        c,
        kind,
        notFound,
        t.notFoundTitle,
        fill(t.pageNotFound, { page, pages: error.pages }),
        fill(t.fragmentPageNotFound, { page, pages: error.pages }),
      );
    }
    c.header('ETag', etag);
    c.header('Cache-Control', 'no-cache');
    c.header('Content-Type', 'text/html; charset=utf-8');
    return sendEncoded(c, body, negotiate(c.req.header('Accept-Encoding')));
  }

  return new Hono()
    .get('/threads/:key', (c) => serve(c, 'page'))
    .get('/threads/:key/fragment', (c) => serve(c, 'fragment'));
}
