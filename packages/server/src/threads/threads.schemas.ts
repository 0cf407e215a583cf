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

/** `GET /api/counts?key=a&key=b` query (keys arrive as an array). */
export const countsQuery = z.object({
  key: z
    .array(threadKey)
    .min(1, 'give at least one key')
    .max(MAX_COUNT_KEYS, `at most ${MAX_COUNT_KEYS} keys per request`),
});
