/**
 * Reading a thread under load: `GET /api/threads/:key?limit=50` on a
 * 200-message thread at 50 keep-alive connections, Parley against a bare
 * baseline serving the same rows from the same SQLite file, interleaved in
 * the same run with the same load generator. Also conditional GETs (when the
 * server supports ETag), Parley's memory, and the same read on PostgreSQL.
 *
 *   node --import tsx bench/read.ts
 */
import { join } from 'node:path';
import { startBaseline } from './lib/baseline.ts';
import { runIfMain } from './lib/cli.ts';
import { send, threadPath } from './lib/http.ts';
import { checkedRound, combineRounds, type LoadRound, loadFigures, loadRound } from './lib/load.ts';
import { writeSection } from './lib/markdown.ts';
import { type BenchServer, startParley } from './lib/parley-server.ts';
import { dropBenchDatabase, freshBenchDatabase, postgresReachable } from './lib/postgres.ts';
import type { BenchResult, Figure } from './lib/report.ts';
import { mib, readRss, sampleRss } from './lib/rss.ts';
import { seedThread } from './lib/seed.ts';
import { round } from './lib/stats.ts';
import { tempDir } from './lib/temp.ts';

/** Parley must serve at least this share of the baseline's requests per second. */
export const READ_RATIO_BUDGET = 0.8;
const KEY = '/bench/read-200';
const MESSAGES = 200;
const CONNECTIONS = 50;
const WARMUP_S = 3;
const ROUND_S = 5;
const ROUNDS = 4;
const PG_ROUNDS = 2;
const PATH = `${threadPath(KEY)}?limit=50`;

interface Page {
  thread: { messageCount: number };
  messages: { id: number; html: string }[];
  nextCursor: string | null;
}

/** Both servers must answer with the same 51 messages, or the comparison means nothing. */
async function assertSamePage(a: BenchServer, b: BenchServer): Promise<void> {
  const [pa, pb] = await Promise.all([
    send<Page>('GET', `${a.url}${PATH}`),
    send<Page>('GET', `${b.url}${PATH}`),
  ]);
  if (pa.status !== 200 || pb.status !== 200) {
    throw new Error(`first page: Parley ${pa.status}, baseline ${pb.status}`);
  }
  const ids = (p: Page) => p.messages.map((m) => m.id).join(',');
  if (
    ids(pa.body) !== ids(pb.body) ||
    pa.body.thread.messageCount !== pb.body.thread.messageCount
  ) {
    throw new Error(
      `the baseline serves other messages than Parley:\n${ids(pa.body)}\n${ids(pb.body)}`,
    );
  }
  if (pa.body.messages.some((m, i) => m.html !== pb.body.messages[i]!.html)) {
    throw new Error('the baseline serves other HTML than Parley');
  }
}

function round200(url: string, expected = '200', headers?: Record<string, string>) {
  return checkedRound({
    url,
    connections: CONNECTIONS,
    durationS: ROUND_S,
    expected,
    ...(headers ? { headers } : {}),
  });
}

/** Whether the server revalidates with ETag: the ETag it sent, if a conditional GET gets a 304. */
async function etagSupport(server: BenchServer): Promise<string | undefined> {
  const first = await send('GET', `${server.url}${PATH}`);
  const etag = first.headers.etag;
  if (typeof etag !== 'string') return undefined;
  const again = await send('GET', `${server.url}${PATH}`, { headers: { 'if-none-match': etag } });
  return again.status === 304 ? etag : undefined;
}

/** The SQLite part: Parley and the baseline, interleaved. */
async function readSqlite(figures: Figure[], notes: string[]): Promise<void> {
  const tmp = tempDir('read');
  const file = join(tmp.dir, 'parley.db');
  let parley: BenchServer | undefined;
  let bare: BenchServer | undefined;
  try {
    parley = await startParley({ databaseUrl: `sqlite:${file}` });
    await seedThread(parley.url, KEY, MESSAGES);
    bare = await startBaseline(file);
    await assertSamePage(parley, bare);
    // Let the seeding's garbage settle before reading memory "at rest".
    await new Promise((r) => setTimeout(r, 1_000));
    const rssAtRest = readRss(parley.pid);

    const urls = { parley: `${parley.url}${PATH}`, bare: `${bare.url}${PATH}` };
    await loadRound({ url: urls.parley, connections: CONNECTIONS, durationS: WARMUP_S });
    await loadRound({ url: urls.bare, connections: CONNECTIONS, durationS: WARMUP_S });

    const parleyRounds: LoadRound[] = [];
    const bareRounds: LoadRound[] = [];
    let rssPeak = rssAtRest;
    const runParley = async () => {
      const sampler = sampleRss(parley!.pid);
      parleyRounds.push(await round200(urls.parley));
      rssPeak = Math.max(rssPeak, sampler.stop().peak);
    };
    const runBare = async () => {
      bareRounds.push(await round200(urls.bare));
    };
    // A, B, B, A, A, B, ...: alternating who goes first cancels slow drift
    // (thermal, other work on the machine) instead of always favouring one.
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        await runParley();
        await runBare();
      } else {
        await runBare();
        await runParley();
      }
    }
    const p = combineRounds(parleyRounds);
    const b = combineRounds(bareRounds);
    figures.push(
      ...loadFigures('SQLite, Parley', parleyRounds),
      ...loadFigures('SQLite, bare baseline', bareRounds),
      {
        name: 'SQLite, Parley / bare requests/s',
        value: round(p.rps / b.rps, 2),
        unit: '×',
        budget: { op: '>=', limit: READ_RATIO_BUDGET },
      },
      { name: 'Parley RSS at rest (after seeding)', value: mib(rssAtRest), unit: 'MiB' },
      {
        name: 'Parley RSS peak under read load',
        value: mib(rssPeak),
        unit: 'MiB',
        note: 'sampled every 100 ms',
      },
    );

    const etag = await etagSupport(parley);
    if (etag) {
      const rounds = [
        await round200(urls.parley, '304', { 'if-none-match': etag }),
        await round200(urls.parley, '304', { 'if-none-match': etag }),
      ];
      figures.push(...loadFigures('SQLite, Parley with ETag revalidation (304)', rounds));
    } else {
      notes.push(
        'Conditional GET: Parley sends no ETag (or never answers 304) on /api/threads/:key, so there is no "with ETag revalidation" row.',
      );
    }
  } finally {
    await bare?.stop();
    await parley?.stop();
    tmp.remove();
  }
}

/** The PostgreSQL part: Parley alone, report only. */
async function readPostgres(figures: Figure[], notes: string[]): Promise<void> {
  if (!(await postgresReachable())) {
    notes.push('PostgreSQL: not reachable on 127.0.0.1:5432, skipped.');
    return;
  }
  let parley: BenchServer | undefined;
  try {
    parley = await startParley({ databaseUrl: await freshBenchDatabase() });
    await seedThread(parley.url, KEY, MESSAGES);
    const url = `${parley.url}${PATH}`;
    await loadRound({ url, connections: CONNECTIONS, durationS: WARMUP_S });
    const rounds: LoadRound[] = [];
    for (let i = 0; i < PG_ROUNDS; i++) rounds.push(await round200(url));
    figures.push(...loadFigures('PostgreSQL, Parley', rounds));
  } finally {
    await parley?.stop();
    await dropBenchDatabase().catch(() => {});
  }
}

/** Measures reads. */
export async function readBench(): Promise<BenchResult> {
  const figures: Figure[] = [];
  const notes: string[] = [
    `${MESSAGES}-message thread seeded through the API; each request returns the opening post + 50 replies (51 messages, ~45 KB of JSON).`,
    `autocannon in the bench process, ${CONNECTIONS} keep-alive connections, ${WARMUP_S} s warm-up per server, then ${ROUNDS} × ${ROUND_S} s rounds per server interleaved (A B, B A, ...); servers and load generator share the machine's cores.`,
    "Requests/s = all requests / all round time; p50 and p99 = the median round's.",
    'Bare baseline: bench/baseline-server.ts, Hono + @hono/node-server + better-sqlite3 opened read-only on the same file, one prepared query on messages_thread_idx.',
  ];
  await readSqlite(figures, notes);
  await readPostgres(figures, notes);
  return {
    id: 'read',
    title: '3. Reading a thread under load',
    command: 'node --import tsx bench/read.ts',
    figures,
    notes,
  };
}

runIfMain(import.meta.url, readBench, (result) => {
  if (process.argv.includes('--write')) writeSection(result);
});
