/**
 * The thread as HTML under load: `GET /threads/:key` (the whole 200-message
 * thread as a standalone page with JSON-LD) against `GET /api/threads/:key`
 * (the JSON first page the widget reads) on the same server, interleaved in
 * the same run with the same load generator. The page must serve at least
 * {@link PAGE_RATIO_BUDGET} of the JSON read's requests per second. Both
 * requests say what browsers and crawlers say (`Accept-Encoding: gzip,
 * deflate, br`): the page comes compressed (brotli), the JSON read as it is
 * (Parley does not compress the API; a proxy in front may).
 *
 *   node --import tsx bench/pages.ts [--write]
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { runIfMain } from './lib/cli.ts';
import { threadPath } from './lib/http.ts';
import { checkedRound, combineRounds, type LoadRound, loadFigures, loadRound } from './lib/load.ts';
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
/** What browsers and crawlers (Googlebot, Bingbot) send. */
const ACCEPT = { 'accept-encoding': 'gzip, deflate, br' };

/** A round against `url` as browsers send it, bodies dropped unread (see `discardBodies`). */
function round200(url: string): Promise<LoadRound> {
  return checkedRound({
    url,
    connections: CONNECTIONS,
    durationS: ROUND_S,
    headers: ACCEPT,
    discardBodies: true,
  });
}

/** One GET read in full as it came over the wire: no decoding (fetch would undo the compression). */
function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{
  status: number;
  encoding: string | undefined;
  length: string | undefined;
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          encoding: res.headers['content-encoding'],
          length: res.headers['content-length'],
          body: Buffer.concat(chunks),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** What one answer weighs: as HTML/JSON, and on the wire with {@link ACCEPT}. */
interface Weights {
  page: number;
  pageWire: number;
  pageEncoding: string;
  jsonLd: number;
  jsonWire: number;
  /** The JSON read's Content-Encoding (none: Parley does not compress the API). */
  jsonEncoding: string | undefined;
}

/**
 * Checks what the load will receive, once: the page holds every message of
 * the thread (or the comparison means nothing), its compressed bytes decode
 * to exactly the page a client without `Accept-Encoding` gets, in each
 * encoding, and `Content-Length` is the bytes sent. Returns the sizes.
 */
async function checkAnswers(server: BenchServer): Promise<Weights> {
  const plain = await rawGet(`${server.url}${PAGE_PATH}`, {});
  if (plain.status !== 200) throw new Error(`page: ${plain.status}`);
  if (plain.encoding !== undefined)
    throw new Error(`page without Accept-Encoding: ${plain.encoding}`);
  const html = plain.body.toString('utf8');
  const articles = html.match(/<article /g)?.length ?? 0;
  if (articles !== MESSAGES)
    throw new Error(`the page shows ${articles} messages, not ${MESSAGES}`);
  const decoders: Record<string, (b: Buffer) => Buffer> = {
    br: brotliDecompressSync,
    gzip: gunzipSync,
  };
  const sent: Record<string, number> = {};
  for (const [accept, expected] of [
    [ACCEPT['accept-encoding'], 'br'],
    ['gzip', 'gzip'],
  ] as const) {
    const res = await rawGet(`${server.url}${PAGE_PATH}`, { 'accept-encoding': accept });
    if (res.status !== 200 || res.encoding !== expected) {
      throw new Error(`page (${accept}): ${res.status}, Content-Encoding ${res.encoding}`);
    }
    if (res.length !== String(res.body.byteLength)) {
      throw new Error(
        `page (${accept}): Content-Length ${res.length}, ${res.body.byteLength} bytes sent`,
      );
    }
    if (!decoders[expected]!(res.body).equals(plain.body)) {
      throw new Error(`page (${accept}): the ${expected} body does not decode to the page`);
    }
    sent[expected] = res.body.byteLength;
  }
  const json = await rawGet(`${server.url}${JSON_PATH}`, ACCEPT);
  if (json.status !== 200) throw new Error(`JSON: ${json.status}`);
  const jsonLd = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
  return {
    page: plain.body.byteLength,
    pageWire: sent.br!,
    pageEncoding: 'br',
    jsonLd: Buffer.byteLength(jsonLd),
    jsonWire: json.body.byteLength,
    jsonEncoding: json.encoding,
  };
}

/** Measures the HTML page against the JSON read. */
export async function pagesBench(): Promise<BenchResult> {
  const figures: Figure[] = [];
  const tmp = tempDir('pages');
  let parley: BenchServer | undefined;
  try {
    parley = await startParley({ databaseUrl: `sqlite:${join(tmp.dir, 'parley.db')}` });
    await seedThread(parley.url, KEY, MESSAGES);
    const bytes = await checkAnswers(parley);
    const urls = { page: `${parley.url}${PAGE_PATH}`, json: `${parley.url}${JSON_PATH}` };
    const warm = {
      connections: CONNECTIONS,
      durationS: WARMUP_S,
      headers: ACCEPT,
      discardBodies: true,
    };
    await loadRound({ url: urls.page, ...warm });
    await loadRound({ url: urls.json, ...warm });
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
      {
        name: 'HTML page on the wire',
        value: round(bytes.pageWire / 1024, 1),
        unit: 'KiB',
        note: bytes.pageEncoding,
      },
      {
        name: 'HTML page decoded',
        value: round(bytes.page / 1024, 1),
        unit: 'KiB',
        note: `JSON-LD ${round(bytes.jsonLd / 1024, 1)} KiB of it`,
      },
      {
        name: 'JSON first page on the wire',
        value: round(bytes.jsonWire / 1024, 1),
        unit: 'KiB',
        note: bytes.jsonEncoding ?? 'not compressed by Parley',
      },
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
      `autocannon in the bench process, ${CONNECTIONS} keep-alive connections, ${WARMUP_S} s warm-up per URL, then ${ROUNDS} × ${ROUND_S} s rounds per URL interleaved (A B, B A, ...), against one server. Requests/s = all requests / all round time; p50 and p99 = the median round's.`,
      `Both requests send \`Accept-Encoding: ${ACCEPT['accept-encoding']}\`, as browsers and crawlers do. The page comes brotli-compressed; the JSON read comes as it is: Parley does not compress its API (a proxy in front of it may). Checked once before the load: the br and gzip bodies decode to exactly the page sent without Accept-Encoding, and Content-Length matches the bytes. The load generator drops bodies unread (autocannon 8 otherwise decodes each as UTF-8 text, which costs some three times more per byte for compressed bytes than for ASCII JSON, on the cores the server uses: with it, the page measured 0.5–0.6 of the JSON read).`,
      'Both answers are rendered once per thread version and kept in memory (the page also compressed then, brotli 6 and gzip 6); each request reads the thread row (for the ETag and status) and sends the cached bytes.',
    ],
  };
}

runIfMain(import.meta.url, pagesBench, (result) => {
  if (process.argv.includes('--write')) writeSection(result);
});
