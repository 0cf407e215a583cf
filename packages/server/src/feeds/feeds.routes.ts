import { createHash } from 'node:crypto';
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import { threadNotFound } from '../http/api-error.ts';
import { etagMatches } from '../http/etag.ts';
import { LruCache } from '../http/lru-cache.ts';
import { publicBase } from '../http/public-url.ts';
import { DATA_CSP } from '../http/security-headers.ts';
import { validate } from '../http/validate.ts';
import { findPublicThreadByKey } from '../threads/threads.repository.ts';
import { threadKeyParams } from '../threads/threads.schemas.ts';
import { ATOM_CONTENT_TYPE, siteFeedXml, threadFeedXml } from './atom.ts';
import {
  latestPublicActivity,
  newestSiteMessages,
  newestThreadMessages,
  siteFeedVersion,
} from './feeds.repository.ts';

/** Entries in a feed: the newest published messages, at most this many. */
export const FEED_ENTRIES = 50;

/**
 * Bumped whenever what a feed says for the same data changes (its form, its
 * titles), so validators handed out before an upgrade stop matching.
 */
const FEED_FORMAT = 2;

/** Memory for built thread feeds (50 entries of big messages are some 100-500 KB). */
const THREAD_FEEDS_BYTES = 16 * 1024 * 1024;

/**
 * Headers of every feed response, errors included.
 * - `Access-Control-Allow-Origin: *`: a feed is public, carries no
 *   credentials and answers the same to everyone, so any page may read it
 *   (a blog's "latest comments" box); `ETag` is exposed for its revalidation.
 * - `Content-Security-Policy: default-src 'none'`: a browser that opens a
 *   feed may render the XML as a document; it is data and may run or load
 *   nothing (the content is escaped text, this holds whatever happens).
 */
function feedHeaders(): MiddlewareHandler {
  return async function feedHeaders(c, next) {
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', '*');
    c.res.headers.set('Access-Control-Expose-Headers', 'ETag');
    c.res.headers.set('Content-Security-Policy', DATA_CSP);
  };
}

/**
 * Answers with the feed `xml` under `etag`, or 304 when the client has it.
 * `Cache-Control: no-cache`: caches keep the feed but ask each time (a cheap
 * 304), so a message hidden or deleted leaves every copy at the next poll
 * rather than after some max-age.
 */
function feedResponse(c: Context, etag: string, xml: () => Promise<string>): Promise<Response> {
  c.header('ETag', etag);
  c.header('Cache-Control', 'no-cache');
  if (etagMatches(c.req.header('If-None-Match'), etag)) return Promise.resolve(c.body(null, 304));
  return xml().then((body) => {
    c.header('Content-Type', ATOM_CONTENT_TYPE);
    return c.body(body);
  });
}

/**
 * Atom feeds of published messages, outside `/api`: `GET /feed.atom` (the
 * whole site) and `GET /threads/:key/feed.atom` (one public thread). Only
 * published messages of public threads appear: never pending, hidden, spam
 * or deleted ones, never a thread whose only messages are held. Mounted at
 * `/`; GET only.
 *
 * Every URL in a feed is absolute under the server's public base
 * (`PARLEY_PUBLIC_URL`, else the address `main` listens on, so a running
 * server always has one). An app built without either (in-process, without
 * `listenUrl`) serves no feed: the paths answer 404, as `/widget.js` does
 * without a widget folder, and the start-up log says why.
 */
export function feedRoutes({ store, config }: AppDeps, { logger }: AppServices) {
  const { db } = store;
  const routes = new Hono();
  const base = publicBase(config);
  if (!base) {
    logger.info({ msg: 'feeds off: no public URL is known for their links (PARLEY_PUBLIC_URL)' });
    return routes;
  }
  // The base is in every link of a thread's feed: its validator changes with it.
  const variant = createHash('sha256')
    .update(`${FEED_FORMAT} ${base}`)
    .digest('base64url')
    .slice(0, 8);
  const headers = feedHeaders();
  // Built feeds, by version: a poll whose validator is stale gets the kept
  // bytes, one that is current a 304, neither a rebuild. The site feed keeps
  // its latest version only (there is one site feed).
  const threadFeeds = new LruCache(THREAD_FEEDS_BYTES);
  let siteFeed: { version: string; xml: Promise<string> } | undefined;
  routes.use('/feed.atom', headers);
  routes.use('/threads/:key/feed.atom', headers);
  return routes
    .get('/feed.atom', async (c) => {
      // Building it (two reads and 50 entries, tens of ms with big messages)
      // is what a poll must not cost: a cheap version of every public thread
      // names it, makes its ETag, and keys the one kept copy.
      const version = await siteFeedVersion(db);
      const etag = `W/"${variant}.site.${version}"`;
      return feedResponse(c, etag, () => {
        if (siteFeed?.version !== version) {
          const xml = Promise.all([
            newestSiteMessages(db, FEED_ENTRIES),
            latestPublicActivity(db),
          ]).then(([messages, lastActivity]) => siteFeedXml(base, messages, lastActivity));
          const kept = { version, xml };
          siteFeed = kept;
          xml.catch(() => {
            if (siteFeed === kept) siteFeed = undefined;
          });
        }
        return siteFeed.xml;
      });
    })
    .get('/threads/:key/feed.atom', validate('param', threadKeyParams), async (c) => {
      const { key } = c.req.valid('param');
      // A thread whose only messages are held is not there for readers.
      const thread = await findPublicThreadByKey(db, key);
      if (!thread) throw threadNotFound(key);
      // Every change readers can see (a message posted, edited, hidden or
      // deleted, the title or url changed) bumps the thread's event
      // sequence in the same transaction: it names one version of the feed,
      // and a poll that has it costs one indexed read.
      const etag = `W/"${variant}.${thread.id}.${thread.event_seq}"`;
      return feedResponse(c, etag, () =>
        threadFeeds.get(`${thread.id}.${thread.event_seq}`, async () =>
          threadFeedXml(
            base,
            {
              key: thread.key,
              title: thread.title,
              url: thread.url,
              lastActivityAt: thread.last_activity_at,
            },
            await newestThreadMessages(db, thread.id, FEED_ENTRIES),
          ),
        ),
      );
    });
}
