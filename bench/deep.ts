/**
 * A deep thread must read as fast as a short one: the first page and a page
 * 90% of the way into a 100,000-message thread against the same pages of a
 * 100-message thread in the same database (budget: big/small ≤ 1.2).
 *
 *   node --import tsx bench/deep.ts
 */

import { join } from 'node:path';
import { migrateToLatest, openStore } from '@parley/server';
import type { MessagePage } from '@parley/server/wire';
import Database from 'better-sqlite3';
import { runIfMain } from './lib/cli.ts';
import { send, threadPath } from './lib/http.ts';
import { writeSection } from './lib/markdown.ts';
import { type BenchServer, startParley } from './lib/parley-server.ts';
import type { BenchResult, Figure } from './lib/report.ts';
import { median, round } from './lib/stats.ts';
import { tempDir } from './lib/temp.ts';

/** A 1,000× deeper thread may cost at most this much more per page. */
export const DEEP_RATIO_BUDGET = 1.2;
const BIG = { key: '/bench/deep-100k', messages: 100_000 };
const SMALL = { key: '/bench/deep-100', messages: 100 };
const LIMIT = 50;
const WARM_UP = 50;
const SAMPLES = 200;
const EPOCH = Date.parse('2026-01-01T00:00:00.000Z');

/**
 * Seeds straight into the file with the real schema: the server's own
 * migrations first, then one transaction of prepared inserts (100,000 posts
 * through the API would take minutes and measure nothing we want here).
 */
async function seed(file: string): Promise<void> {
  const store = await openStore(`sqlite:${file}`);
  try {
    await migrateToLatest(store.db);
  } finally {
    await store.close();
  }
  const db = new Database(file);
  try {
    const thread = db.prepare(
      `insert into threads (key, title, status, message_count, highlight_count, last_activity_at, event_seq, created_at, updated_at)
       values (?, ?, 'open', ?, 0, ?, ?, ?, ?)`,
    );
    const message = db.prepare(
      `insert into messages (thread_id, parent_id, kind, author_name, body, html, status, highlighted, edit_token_hash, created_at, updated_at)
       values (?, null, ?, ?, ?, ?, 'published', 0, ?, ?, ?)`,
    );
    const at = (i: number) => new Date(EPOCH + i * 1000).toISOString();
    db.transaction(() => {
      for (const t of [BIG, SMALL]) {
        const last = at(t.messages - 1);
        const { lastInsertRowid } = thread.run(
          t.key,
          `Thread of ${t.messages}`,
          t.messages,
          last,
          t.messages,
          at(0),
          last,
        );
        for (let i = 0; i < t.messages; i++) {
          const time = at(i);
          message.run(
            lastInsertRowid,
            i === 0 ? 'opening' : 'reply',
            `Reader ${i % 50}`,
            `message ${i}`,
            `<p>message ${i}</p>`,
            '0'.repeat(64),
            time,
            time,
          );
        }
      }
    })();
  } finally {
    db.close();
  }
}

/**
 * A cursor after which at least `LIMIT` replies remain, about 90% of the way
 * in: walks pages of up to 100 once, as a reader clicking "load more" would.
 */
async function deepCursor(
  baseUrl: string,
  key: string,
  replies: number,
): Promise<{ cursor: string; position: number }> {
  // In the small thread 90% in leaves fewer than LIMIT replies; stop where a full page remains.
  const target = Math.min(Math.floor(replies * 0.9), replies - LIMIT);
  let position = 0;
  let cursor: string | null = null;
  // Bounded by the page count the target needs.
  for (let pages = 0; position < target && pages <= target / 100 + 1; pages++) {
    const limit = Math.min(100, target - position);
    const url: string = cursor
      ? `${baseUrl}${threadPath(key, '/messages')}?limit=${limit}&cursor=${encodeURIComponent(cursor)}`
      : `${baseUrl}${threadPath(key)}?limit=${limit}`;
    const reply = await send<MessagePage>('GET', url);
    if (reply.status !== 200) throw new Error(`walking ${key}: ${reply.status}`);
    position += reply.body.messages.filter((_, i) => cursor !== null || i > 0).length;
    cursor = reply.body.nextCursor;
    if (!cursor) throw new Error(`walking ${key}: the thread ended at reply ${position}`);
  }
  return { cursor: cursor!, position };
}

/** One timed GET that must answer 200 (with `expect` messages, if given); resolves to its ms. */
async function timedGet(url: string, expect?: number): Promise<number> {
  const reply = await send<MessagePage>('GET', url);
  if (reply.status !== 200 || (expect !== undefined && reply.body.messages.length !== expect)) {
    throw new Error(
      `${url}: ${reply.status} with ${reply.body?.messages?.length} messages, expected ${expect}`,
    );
  }
  return reply.ms;
}

/**
 * Sequential requests to the big and the small thread, alternating (and
 * alternating which goes first), so background load on the machine falls on
 * both alike. `request(thread, i)` makes the i-th request; the first
 * `warmUp` pairs are not counted. Returns the medians, big then small.
 */
async function alternate(
  request: (thread: typeof BIG, i: number) => Promise<number>,
  warmUp: number,
  samples: number,
): Promise<[number, number]> {
  const big: number[] = [];
  const small: number[] = [];
  for (let i = 0; i < warmUp + samples; i++) {
    const order = i % 2 === 0 ? [BIG, SMALL] : [SMALL, BIG];
    for (const t of order) {
      const ms = await request(t, i);
      if (i >= warmUp) (t === BIG ? big : small).push(ms);
    }
  }
  return [median(big), median(small)];
}

/** Measures deep threads. */
export async function deepBench(): Promise<BenchResult> {
  const tmp = tempDir('deep');
  const file = join(tmp.dir, 'parley.db');
  let parley: BenchServer | undefined;
  try {
    const seedStart = Date.now();
    await seed(file);
    const seedS = (Date.now() - seedStart) / 1000;
    parley = await startParley({ databaseUrl: `sqlite:${file}` });
    const base = parley.url;
    const cursors = new Map<string, { cursor: string; position: number }>();
    for (const t of [BIG, SMALL]) cursors.set(t.key, await deepCursor(base, t.key, t.messages - 1));
    const firstUrl = (t: typeof BIG) => `${base}${threadPath(t.key)}?limit=${LIMIT}`;
    const deepUrl = (t: typeof BIG) =>
      `${base}${threadPath(t.key, '/messages')}?limit=${LIMIT}&cursor=${encodeURIComponent(cursors.get(t.key)!.cursor)}`;

    // Parley caches serialized first pages by (thread version, sort, limit):
    // each distinct limit/sort pair misses once, which is what the first
    // reader after every new post pays. 20 warm-up pairs, then 40 misses each.
    // Both sorts of each limit side by side, so the measured 40 are limits 40-59, both sorts.
    const uncachedShapes = Array.from({ length: 30 }, (_, i) =>
      ['oldest', 'newest'].map((sort) => `limit=${30 + i}&sort=${sort}`),
    ).flat();
    const [bigUncached, smallUncached] = await alternate(
      (t, i) => timedGet(`${base}${threadPath(t.key)}?${uncachedShapes[i]}`),
      20,
      uncachedShapes.length - 20,
    );
    // First page: opening post + LIMIT replies; a deep page: LIMIT replies.
    const [bigFirst, smallFirst] = await alternate(
      (t) => timedGet(firstUrl(t), LIMIT + 1),
      WARM_UP,
      SAMPLES,
    );
    const [bigDeep, smallDeep] = await alternate(
      (t) => timedGet(deepUrl(t), LIMIT),
      WARM_UP,
      SAMPLES,
    );
    const big = {
      first: bigFirst,
      uncached: bigUncached,
      deep: bigDeep,
      position: cursors.get(BIG.key)!.position,
    };
    const small = {
      first: smallFirst,
      uncached: smallUncached,
      deep: smallDeep,
      position: cursors.get(SMALL.key)!.position,
    };
    const figures: Figure[] = [
      { name: '100,000-message thread: first page', value: round(big.first, 2), unit: 'ms' },
      { name: '100-message thread: first page', value: round(small.first, 2), unit: 'ms' },
      {
        name: 'first page big / small',
        value: round(big.first / small.first, 2),
        unit: '×',
        budget: { op: '<=', limit: DEEP_RATIO_BUDGET },
      },
      {
        name: '100,000-message thread: first page, uncached',
        value: round(big.uncached, 2),
        unit: 'ms',
      },
      {
        name: '100-message thread: first page, uncached',
        value: round(small.uncached, 2),
        unit: 'ms',
      },
      {
        name: 'first page uncached big / small',
        value: round(big.uncached / small.uncached, 2),
        unit: '×',
        budget: { op: '<=', limit: DEEP_RATIO_BUDGET },
      },
      {
        name: '100,000-message thread: deep page',
        value: round(big.deep, 2),
        unit: 'ms',
        note: `after reply ${big.position}`,
      },
      {
        name: '100-message thread: deep page',
        value: round(small.deep, 2),
        unit: 'ms',
        note: `after reply ${small.position}`,
      },
      {
        name: 'deep page big / small',
        value: round(big.deep / small.deep, 2),
        unit: '×',
        budget: { op: '<=', limit: DEEP_RATIO_BUDGET },
      },
    ];
    return {
      id: 'deep',
      title: '5. Deep threads (100,000 messages)',
      command: 'node --import tsx bench/deep.ts',
      figures,
      notes: [
        `Seeded straight into SQLite after the server's migrations (one transaction, ${seedS.toFixed(1)} s): threads of ${BIG.messages.toLocaleString('en-US')} and ${SMALL.messages} messages, short bodies, one second apart.`,
        `Each figure: median of ${SAMPLES} sequential keep-alive GETs after ${WARM_UP} warm-up ones, limit=${LIMIT}, alternating big and small thread so background load hits both alike; both pages return ${LIMIT} replies (the first page also the opening post).`,
        `Deep page: a cursor found once by walking pages of 100 about 90% in; in the 100-message thread it stops where a full page of ${LIMIT} remains, so both pages carry the same rows.`,
        "The first page is served from Parley's in-memory page cache (keyed by thread version, sort and limit) after its first request; 'uncached' is the median of 40 first requests for distinct limit/sort pairs (limits 40–59, both sorts, after 20 warm-up ones, alternating too): what the first reader after each new post pays. The deep page is not cached.",
      ],
    };
  } finally {
    await parley?.stop();
    tmp.remove();
  }
}

runIfMain(import.meta.url, deepBench, (result) => {
  if (process.argv.includes('--write')) writeSection(result);
});
