/**
 * The thread as HTML under load: `GET /threads/:key` (the whole 200-message
 * thread as a standalone page with JSON-LD) against `GET /api/threads/:key`
 * (the JSON first page the widget reads) on the same server, interleaved in
 * the same run with the same load generator. The page must serve at least
 * {@link PAGE_RATIO_BUDGET} of the JSON read's requests per second.
 *
 *   node --import tsx bench/pages.ts [--write]
 */
import { join } from 'node:path';
import { runIfMain } from './lib/cli.ts';
import { threadPath } from './lib/http.ts';
import { combineRounds, type LoadRound, loadRound } from './lib/load.ts';
import { writeSection } from './lib/markdown.ts';
import { type BenchServer, startParley } from './lib/parley-server.ts';
import type { BenchResult, Figure } from './lib/report.ts';
import { seedThread } from './lib/seed.ts';
import { round } from './lib/stats.ts';
import { tempDir } from './lib/temp.ts';

/** The HTML page must serve at least this share of the JSON read's requests per second. */
const PAGE_RATIO_BUDGET = 0.8;
const KEY = '/bench/page-200';
const MESSAGES = 200;
const CONNECTIONS = 50;
const WARMUP_S = 3;
const ROUND_S = 5;
const ROUNDS = 4;
const PAGE_PATH = `/threads/${encodeURIComponent(KEY)}`;
const JSON_PATH = threadPath(KEY);

/** A round of load that insists every answer was a 200. */
async function round200(url: string): Promise<LoadRound> {
  const result = await loadRound({ url, connections: CONNECTIONS, durationS: ROUND_S });
  const other = Object.entries(result.statusCodes).filter(([code]) => code !== '200');
  if (other.length > 0 || result.errors > 0) {
    throw new Error(
      `${url}: expected only 200, got ${JSON.stringify(result.statusCodes)}, ${result.errors} errors`,
    );
  }
  return result;
}

function loadFigures(label: string, rounds: LoadRound[]): Figure[] {
  const c = combineRounds(rounds);
  return [
    {
      name: `${label}: requests/s`,
      value: round(c.rps),
      unit: 'req/s',
      note: `rounds ${round(c.minRps, 0)}–${round(c.maxRps, 0)}`,
    },
    { name: `${label}: p50 latency`, value: c.p50, unit: 'ms' },
    { name: `${label}: p99 latency`, value: c.p99, unit: 'ms' },
  ];
}

/** The page must hold every message of the thread, or the comparison means nothing. */
async function pageBytes(server: BenchServer): Promise<{ page: number; json: number }> {
  const page = await fetch(`${server.url}${PAGE_PATH}`);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`page: ${page.status}`);
  const articles = html.match(/<article /g)?.length ?? 0;
  if (articles !== MESSAGES)
    throw new Error(`the page shows ${articles} messages, not ${MESSAGES}`);
  const json = await fetch(`${server.url}${JSON_PATH}`);
  const jsonText = await json.text();
  if (json.status !== 200) throw new Error(`JSON: ${json.status}`);
  return { page: Buffer.byteLength(html), json: Buffer.byteLength(jsonText) };
}

/** Measures the HTML page against the JSON read. */
export async function pagesBench(): Promise<BenchResult> {
  const figures: Figure[] = [];
  const tmp = tempDir('pages');
  let parley: BenchServer | undefined;
  try {
    parley = await startParley({ databaseUrl: `sqlite:${join(tmp.dir, 'parley.db')}` });
    await seedThread(parley.url, KEY, MESSAGES);
    const bytes = await pageBytes(parley);
    const urls = { page: `${parley.url}${PAGE_PATH}`, json: `${parley.url}${JSON_PATH}` };
    await loadRound({ url: urls.page, connections: CONNECTIONS, durationS: WARMUP_S });
    await loadRound({ url: urls.json, connections: CONNECTIONS, durationS: WARMUP_S });
    const pageRounds: LoadRound[] = [];
    const jsonRounds: LoadRound[] = [];
    // A, B, B, A, ...: alternating who goes first cancels slow drift.
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        pageRounds.push(await round200(urls.page));
        jsonRounds.push(await round200(urls.json));
      } else {
        jsonRounds.push(await round200(urls.json));
        pageRounds.push(await round200(urls.page));
      }
    }
    const p = combineRounds(pageRounds);
    const j = combineRounds(jsonRounds);
    figures.push(
      ...loadFigures('HTML page, GET /threads/:key', pageRounds),
      ...loadFigures('JSON read, GET /api/threads/:key', jsonRounds),
      {
        name: 'HTML page / JSON read requests/s',
        value: round(p.rps / j.rps, 2),
        unit: '×',
        budget: { op: '>=', limit: PAGE_RATIO_BUDGET },
      },
      { name: 'HTML page size', value: round(bytes.page / 1024, 1), unit: 'KiB' },
      { name: 'JSON first page size', value: round(bytes.json / 1024, 1), unit: 'KiB' },
    );
  } finally {
    await parley?.stop();
    tmp.remove();
  }
  return {
    id: 'pages',
    title: '9. The thread as an HTML page',
    command: 'node --import tsx bench/pages.ts',
    figures,
    notes: [
      `${MESSAGES}-message thread seeded through the API on SQLite. The page shows all ${MESSAGES} messages (one HTML page holds up to 200) with its JSON-LD; the JSON read is the widget's default first page (the opening post + 50 replies).`,
      `autocannon in the bench process, ${CONNECTIONS} keep-alive connections, ${WARMUP_S} s warm-up per URL, then ${ROUNDS} × ${ROUND_S} s rounds per URL interleaved (A B, B A, ...), against one server.`,
      'Both answers are rendered once per thread version and kept in memory; each request reads the thread row (for the ETag and status) and sends the cached text.',
    ],
  };
}

runIfMain(import.meta.url, pagesBench, (result) => {
  if (process.argv.includes('--write')) writeSection(result);
});
