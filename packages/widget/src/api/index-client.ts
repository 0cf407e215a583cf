/**
 * The API calls of the index elements (`<parley-count>`, `<parley-card>`,
 * `<parley-threads>`): one small function per endpoint, each taking an
 * `AbortSignal`. Apart from `client.ts` so that `/widget.js` does not carry
 * them: they travel in the index elements' lazy chunks.
 */
import type { Counts, ThreadList } from '@parley/server/wire';
import { request } from './client.js';

/** How `GET /api/threads` orders the forum index: by last activity or by creation. */
export type ThreadsSort = 'active' | 'recent';

/** The most keys one `GET /api/counts` or `GET /api/threads?key=` takes. */
export const MAX_KEYS = 100;

const keyQuery = (keys: readonly string[]) =>
  new URLSearchParams(keys.map((k) => ['key', k])).toString();

/** `GET /api/counts?key=a&key=b`: published message counts (0 for unknown keys), up to {@link MAX_KEYS} keys. */
export const getCounts = (base: string, keys: readonly string[], signal: AbortSignal) =>
  request<Counts>(`${base}api/counts?${keyQuery(keys)}`, signal);

/** `GET /api/threads?key=a&key=b`: the public threads with these keys, up to {@link MAX_KEYS}. */
export const getThreads = (base: string, keys: readonly string[], signal: AbortSignal) =>
  request<ThreadList>(`${base}api/threads?${keyQuery(keys)}`, signal);

/** `GET /api/threads?sort=&limit=&cursor=`: one page of the forum index. */
export const listThreads = (
  base: string,
  o: { sort: ThreadsSort; limit: number; cursor?: string | null },
  signal: AbortSignal,
) =>
  request<ThreadList>(
    `${base}api/threads?${new URLSearchParams({ sort: o.sort, limit: `${o.limit}`, ...(o.cursor ? { cursor: o.cursor } : {}) })}`,
    signal,
  );
