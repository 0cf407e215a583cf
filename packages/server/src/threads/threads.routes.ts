import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import type { AppServices } from '../app-services.ts';
import { fromZodError, threadNotFound } from '../http/api-error.ts';
import { decodeCursor, keysetPage } from '../http/cursor.ts';
import { etagMatches } from '../http/etag.ts';
import { LruCache } from '../http/lru-cache.ts';
import { validate } from '../http/validate.ts';
import { messagePage } from '../messages/message-page.ts';
import type { Counts, ThreadList, ThreadPage } from '../wire.ts';
import { toThread } from '../wire-mapping.ts';
import { effectiveStatus } from './auto-close.ts';
import {
  countsByKey,
  findPublicThreadByKey,
  findPublicThreadsByKeys,
  listThreads,
} from './threads.repository.ts';
import {
  countsQuery,
  threadBatchQuery,
  threadKeyParams,
  threadListQuery,
  threadQuery,
} from './threads.schemas.ts';

/** Memory for serialized first pages of threads, the most read response. */
const FIRST_PAGE_CACHE_BYTES = 32 * 1024 * 1024;

/** Reader routes for threads, mounted under `/api`. */
export function threadRoutes({ store }: AppDeps, { statusClock }: AppServices) {
  const { db } = store;
  const firstPages = new LruCache(FIRST_PAGE_CACHE_BYTES);
  return new Hono()
    .get(
      '/threads',
      // `?key=a&key=b`: the batch read of the cards on an index page, one
      // request for all of them instead of one per card. The threads come in
      // the order of the keys (each once); a key with no public thread is
      // left out, as a single read answers 404 for it. Validated by hand:
      // repeated `key` parameters arrive as an array.
      async (c, next) => {
        const keys = c.req.queries('key');
        if (!keys) return next();
        const parsed = threadBatchQuery.safeParse({
          key: keys,
          cursor: c.req.query('cursor'),
          sort: c.req.query('sort'),
          limit: c.req.query('limit'),
        });
        if (!parsed.success) throw fromZodError(parsed.error);
        const rows = await findPublicThreadsByKeys(db, parsed.data.key);
        const byKey = new Map(rows.map((row) => [row.key, row]));
        const clock = statusClock();
        const threads = [...new Set(parsed.data.key)].flatMap((key) => {
          const row = byKey.get(key);
          return row ? [toThread(row, clock)] : [];
        });
        return c.json({ threads, nextCursor: null } satisfies ThreadList);
      },
      validate('query', threadListQuery),
      async (c) => {
        const { sort, limit, cursor } = c.req.valid('query');
        const scope = `threads:${sort}`;
        const after = cursor ? decodeCursor(scope, cursor) : undefined;
        const rows = await listThreads(db, { sort, limit, after });
        const clock = statusClock();
        const { page, nextCursor } = keysetPage(rows, limit, scope, (row) =>
          sort === 'active' ? row.last_activity_at : row.created_at,
        );
        const body: ThreadList = { threads: page.map((row) => toThread(row, clock)), nextCursor };
        return c.json(body);
      },
    )
    .get(
      '/threads/:key',
      validate('param', threadKeyParams),
      validate('query', threadQuery),
      async (c) => {
        const { key } = c.req.valid('param');
        const { limit, sort } = c.req.valid('query');
        // A thread whose only messages are held is not there for readers.
        const thread = await findPublicThreadByKey(db, key);
        if (!thread) {
          throw threadNotFound(key);
        }
        // Every change a reader can see bumps the thread's event sequence, so
        // (thread, sequence, page shape) names one exact first page: it makes
        // the ETag, and the key of the serialized page cached in memory. Any
        // number of instances stay consistent: the sequence comes from the database.
        // Auto-close changes the status with time alone, so the status is in it too.
        const clock = statusClock();
        const status = effectiveStatus(thread, clock.now, clock.autoCloseDays);
        const version = `${thread.id}.${thread.event_seq}.${status}.${sort}.${limit}`;
        const etag = `W/"${version}"`;
        c.header('ETag', etag);
        c.header('Cache-Control', 'no-cache');
        if (etagMatches(c.req.header('If-None-Match'), etag)) return c.body(null, 304);
        const body = await firstPages.get(version, async () => {
          const page = await messagePage(db, thread, { sort, limit });
          const body: ThreadPage = {
            thread: toThread(thread, clock),
            ...page,
            lastEventId: Number(thread.event_seq),
          };
          return JSON.stringify(body);
        });
        c.header('Content-Type', 'application/json');
        return c.body(body);
      },
    )
    .get('/counts', async (c) => {
      // Validated by hand: repeated `key` parameters arrive as an array.
      const parsed = countsQuery.safeParse({ key: c.req.queries('key') ?? [] });
      if (!parsed.success) throw fromZodError(parsed.error);
      const found = await countsByKey(db, parsed.data.key);
      // No prototype: a key such as `__proto__` is a thread key like any other.
      const counts: Counts['counts'] = Object.create(null);
      for (const key of parsed.data.key) counts[key] = found.get(key) ?? 0;
      return c.json({ counts } satisfies Counts);
    });
}
