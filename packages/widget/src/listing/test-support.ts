/**
 * What the index elements' browser tests share: the fake server's routes for
 * `GET /api/counts`, `GET /api/threads?key=` and `GET /api/threads?sort=`,
 * and reading an element's rendered text.
 */
import type { Thread } from '@parley/server/wire';
import { calls, json, route } from '../testing/fake-server.js';
import { makeThread } from '../thread/test-support.js';

/** The requests made to `path` (`/api/counts`, `/api/threads`) so far. */
export const callsTo = (path: string) => calls.filter((c) => new URL(c.url).pathname === path);

/** The `key` parameters of a request. */
export const keysOf = (req: Request) => new URL(req.url).searchParams.getAll('key');

/** Serves `GET /api/counts` from `counts` (a key it lacks counts 0), read at each request. */
export function serveCounts(counts: Record<string, number>) {
  route('GET', '/api/counts', (req) =>
    json({ counts: Object.fromEntries(keysOf(req).map((k) => [k, counts[k] ?? 0])) }),
  );
}

/**
 * Serves `GET /api/threads` over `threads` (read at each request): with `key`
 * parameters the batch read (the threads with those keys, in their order);
 * else the list, by `sort` (active: last activity, recent: creation, newest
 * first), `limit` at a time, with the offset as an opaque cursor.
 */
export function serveThreads(threads: Thread[]) {
  route('GET', '/api/threads', (req) => {
    const params = new URL(req.url).searchParams;
    const keys = params.getAll('key');
    if (keys.length)
      return json({
        threads: keys.flatMap((k) => threads.filter((t) => t.key === k)),
        nextCursor: null,
      });
    const by = params.get('sort') === 'recent' ? 'createdAt' : 'lastActivityAt';
    const sorted = [...threads].sort((a, b) => b[by].localeCompare(a[by]));
    const limit = Number(params.get('limit') ?? 50);
    const at = Number(params.get('cursor') ?? 0);
    const next = at + limit < sorted.length ? String(at + limit) : null;
    return json({ threads: sorted.slice(at, at + limit), nextCursor: next });
  });
}

/** `n` threads `/t0`, `/t1`, ... each active an hour before the one before it. */
export const manyThreads = (n: number, over: Partial<Thread> = {}) =>
  Array.from({ length: n }, (_, i) =>
    makeThread({
      key: `/t${i}`,
      title: `Thread ${i}`,
      url: `https://blog.example/t${i}`,
      messageCount: i,
      lastActivityAt: new Date(Date.parse('2025-06-01T11:00:00Z') - i * 3_600_000).toISOString(),
      createdAt: new Date(Date.parse('2025-05-01T00:00:00Z') + i * 3_600_000).toISOString(),
      ...over,
    }),
  );

/** The text a reader sees in `el`'s shadow root, whitespace collapsed. */
export const shownText = (el: Element) =>
  ((el.shadowRoot ?? el).textContent ?? '').replace(/\s+/g, ' ').trim();

/**
 * Makes the test page one that supports dark mode (`color-scheme: light
 * dark`), as a site showing the elements in dark would be: its background and
 * text follow the scheme `inBothSchemes` emulates, so colour contrast is
 * checked against the page the elements would sit on.
 */
export function useDarkCapablePage() {
  const root = document.documentElement.style;
  beforeEach(() => {
    root.colorScheme = 'light dark';
    // Axe takes a page without a background colour for white: say it, as a site does.
    root.background = 'Canvas';
    root.color = 'CanvasText';
  });
  afterEach(() => {
    root.colorScheme = root.background = root.color = '';
  });
}

/**
 * The `detail` of the next `type` event on `el`, typed through
 * `HTMLElementEventMap` (what the React and Vue typings read): an event
 * missing from `thread/events.ts` fails the typecheck here.
 */
export const nextDetail = <
  K extends 'parley-count-loaded' | 'parley-card-loaded' | 'parley-threads-loaded' | 'parley-error',
>(
  el: HTMLElement,
  type: K,
) =>
  new Promise<HTMLElementEventMap[K]['detail']>((resolve) =>
    el.addEventListener(type, (e) => resolve(e.detail), { once: true }),
  );
