import { z } from 'zod';
import { cursorParam, limitParam, sortParam, threadKey } from '../http/fields.ts';

/** Path parameters of `/api/threads/:key/...`. */
export const threadKeyParams = z.object({ key: threadKey });

/** `GET /api/threads/:key` query. */
export const threadQuery = z.object({
  limit: limitParam(50),
  sort: sortParam,
});

/** `GET /api/threads` query. */
export const threadListQuery = z.object({
  sort: z
    .enum(['active', 'recent'], { error: 'must be active or recent' })
    .optional()
    .transform((v) => v ?? 'active'),
  limit: limitParam(50),
  cursor: cursorParam,
});

/** Most keys one `GET /api/counts` may ask about. */
const MAX_COUNT_KEYS = 100;

/** Up to 100 thread keys, as repeated `key` query parameters arrive (an array). */
const threadKeys = z
  .array(threadKey)
  .min(1, 'give at least one key')
  .max(MAX_COUNT_KEYS, `at most ${MAX_COUNT_KEYS} keys per request`);

/** `GET /api/counts?key=a&key=b` query (keys arrive as an array). */
export const countsQuery = z.object({ key: threadKeys });

/**
 * `GET /api/threads?key=a&key=b` query: the batch read of index cards, the
 * same up to 100 keys as `/api/counts`. A cursor means nothing to it (it is
 * one page), nor do `sort` (the threads come in the keys' order) and `limit`
 * (every key is read), so each is refused rather than silently ignored.
 */
export const threadBatchQuery = z.object({
  key: threadKeys,
  cursor: z.undefined({ error: 'a cursor cannot be combined with key' }),
  sort: z.undefined({
    error: 'sort cannot be combined with key: the threads come in the order of the keys',
  }),
  limit: z.undefined({ error: 'limit cannot be combined with key: every key is read' }),
});
