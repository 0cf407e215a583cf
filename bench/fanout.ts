/**
 * Live fan-out: 1,000 readers hold the event stream of one thread open, then
 * one message is posted. Measured: the time from the POST's 201 until each
 * stream has the `message.created` event (p50, p99, max over the streams),
 * and the server memory each open stream costs ((RSS with the streams open -
 * RSS before) / streams). Once on one instance on SQLite, and once across two
 * instances sharing one PostgreSQL database (streams split between A and B,
 * the post sent to A: B's readers get it through LISTEN/NOTIFY).
 *
 *   node --import tsx bench/fanout.ts
 */

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { PostMessageResponse } from '@parley/server/wire';
import { runIfMain } from './lib/cli.ts';
import { send, threadPath } from './lib/http.ts';
import { type BenchServer, startParley } from './lib/parley-server.ts';
import { dropBenchDatabase, freshBenchDatabase, postgresReachable } from './lib/postgres.ts';
import type { BenchResult, Figure } from './lib/report.ts';
import { readRss } from './lib/rss.ts';
import { type BenchStream, openManyStreams } from './lib/sse.ts';
import { percentile, round } from './lib/stats.ts';
import { tempDir } from './lib/temp.ts';

const STREAMS = 1_000;
/** Streams being opened at once. */
const OPEN_CONCURRENCY = 50;
/** Every stream must have the event within this long, or the run fails. */
const DELIVERY_TIMEOUT_MS = 30_000;
const KEY = '/bench/fanout';
const PG_DATABASE = 'parley_bench_fanout';
/** In the measured post's body, so a stream can recognise it before the 201 gives its id. */
const BODY_MARK = 'fanout-7f3a';

/** One setup's figures. */
interface FanoutRun {
  p50: number;
  p99: number;
  max: number;
  delivered: number;
  bytesPerStream: number;
  openSeconds: number;
}

/**
 * Sockets this benchmark needs: a client and a server end per stream, plus
 * slack; and the server's default stream cap (the limit less a quarter of it)
 * must admit them all.
 */
function checkFileLimit(): number {
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
  const needed = Math.max(STREAMS + 256, Math.ceil((STREAMS * 4) / 3));
  if (Number.isFinite(limit) && limit < needed) {
    throw new Error(
      `the open-file limit is ${limit}; ${STREAMS} streams need about ${needed} ` +
        `per process: raise it (ulimit -n ${STREAMS * 2 + 512}) and run again`,
    );
  }
  return limit;
}

/**
 * Each stream is its own reader, as on a real blog: a client may hold only 16
 * streams, so the benchmark speaks through a trusted proxy (loopback) and gives
 * stream i the address 10.x.y.z.
 */
const TRUSTED_PROXY = '127.0.0.1';
const readerHeaders = (i: number) => ({
  'X-Forwarded-For': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS of every server, summed, after a short settle so lazy allocations have happened. */
async function totalRss(servers: readonly BenchServer[]): Promise<number> {
  await sleep(1_000);
  return servers.reduce((sum, s) => sum + readRss(s.pid), 0);
}

async function createThread(baseUrl: string): Promise<void> {
  const reply = await send('POST', `${baseUrl}${threadPath(KEY, '/messages')}`, {
    json: {
      author: 'Opener',
      body: 'Fan-out benchmark.',
      kind: 'opening',
      thread: { title: 'Fan-out' },
    },
  });
  if (reply.status !== 201) throw new Error(`creating the thread: ${reply.status}`);
}

/**
 * Opens the streams (stream i on `servers[i % servers.length]`), posts once
 * to `servers[0]`, and waits for every stream to have the message.
 */
async function fanout(servers: readonly BenchServer[]): Promise<FanoutRun> {
  const post = servers[0]!.url;
  await createThread(post);
  const before = await totalRss(servers);
  const openStart = process.hrtime.bigint();
  let streams: BenchStream[] = [];
  try {
    streams = await openManyStreams(
      STREAMS,
      (i) => `${servers[i % servers.length]!.url}${threadPath(KEY, '/events')}`,
      OPEN_CONCURRENCY,
      readerHeaders,
    );
    const openSeconds = Number(process.hrtime.bigint() - openStart) / 1e9;
    const withStreams = await totalRss(servers);

    let id: number | undefined;
    const arrivals = new Map<BenchStream, bigint>();
    let allArrived: () => void = () => {};
    const everyone = new Promise<void>((resolve) => {
      allArrived = resolve;
    });
    const record = (stream: BenchStream, data: string, at: bigint) => {
      if (arrivals.has(stream)) return;
      // Before the 201 the id is unknown: match the body, which is unique to this post.
      const message = (JSON.parse(data) as { message?: { id: number; html: string } }).message;
      if (id === undefined ? !message?.html.includes(BODY_MARK) : message?.id !== id) return;
      arrivals.set(stream, at);
      if (arrivals.size === streams.length) allArrived();
    };
    for (const stream of streams) {
      stream.onEvent = (event) => {
        if (event.event === 'message.created') record(stream, event.data, event.at);
      };
    }

    const reply = await send<PostMessageResponse>(
      'POST',
      `${post}${threadPath(KEY, '/messages')}`,
      { json: { author: 'Poster', body: `The fan-out message ${BODY_MARK}.` } },
    );
    const acknowledged = process.hrtime.bigint();
    if (reply.status !== 201) throw new Error(`the measured post answered ${reply.status}`);
    id = reply.body.message.id;

    const timer = setTimeout(allArrived, DELIVERY_TIMEOUT_MS);
    await everyone;
    clearTimeout(timer);
    // An event parsed before the 201 reached this process counts as 0 ms.
    const latencies = [...arrivals.values()].map((at) =>
      Math.max(0, Number(at - acknowledged) / 1e6),
    );
    if (arrivals.size < streams.length) {
      const ended = streams.filter((s) => s.ended).length;
      throw new Error(
        `${arrivals.size} of ${streams.length} streams had the message after ` +
          `${DELIVERY_TIMEOUT_MS / 1000} s (${ended} streams had ended)`,
      );
    }
    return {
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      max: round(Math.max(...latencies)),
      delivered: arrivals.size,
      bytesPerStream: (withStreams - before) / STREAMS,
      openSeconds: round(openSeconds),
    };
  } finally {
    for (const stream of streams) stream?.close();
  }
}

function figures(run: FanoutRun | undefined, where: string, budget: boolean): Figure[] {
  const v = (x: number | undefined) => (x === undefined ? null : x);
  return [
    { name: `201 → message.created on a stream, p50 (${where})`, value: v(run?.p50), unit: 'ms' },
    { name: `201 → message.created on a stream, p99 (${where})`, value: v(run?.p99), unit: 'ms' },
    { name: `201 → message.created on a stream, max (${where})`, value: v(run?.max), unit: 'ms' },
    {
      name: `streams that received the message (${where})`,
      value: v(run?.delivered),
      unit: '',
      ...(budget ? { budget: { op: '>=' as const, limit: STREAMS } } : {}),
    },
    {
      name: `server memory per open stream (${where})`,
      value: run ? round(run.bytesPerStream / 1024) : null,
      unit: 'KiB',
    },
  ];
}

/** The benchmark: SQLite on one instance, then PostgreSQL across two. */
export async function fanoutBench(): Promise<BenchResult> {
  const fileLimit = checkFileLimit();
  const notes: string[] = [
    `${STREAMS.toLocaleString('en-US')} streams on one thread, opened ${OPEN_CONCURRENCY} at a time over plain HTTP/1.1 (one socket each) from the benchmark process, then one post; the clock starts when the POST's 201 has been read and stops when a stream has parsed the event, so the figures include this process reading ${STREAMS.toLocaleString('en-US')} sockets on the same cores as the servers.`,
    "Memory per stream: (sum of the servers' RSS with every stream open − before), 1 s after the last stream opened, divided by the streams: heap and socket buffers together, noisy at the scale of a few KiB.",
    `Open-file limit of this process: ${fileLimit}.`,
  ];
  const figs: Figure[] = [];

  const tmp = tempDir('fanout');
  let sqliteRun: FanoutRun | undefined;
  try {
    const server = await startParley({
      databaseUrl: `sqlite:${join(tmp.dir, 'fanout.db')}`,
      trustedProxies: TRUSTED_PROXY,
    });
    try {
      sqliteRun = await fanout([server]);
    } finally {
      await server.stop();
    }
  } finally {
    tmp.remove();
  }
  figs.push(...figures(sqliteRun, 'SQLite, one instance', true));
  notes.push(`SQLite: ${STREAMS} streams opened in ${sqliteRun.openSeconds} s.`);

  if (await postgresReachable()) {
    const url = await freshBenchDatabase(PG_DATABASE);
    let pgRun: FanoutRun | undefined;
    const servers: BenchServer[] = [];
    try {
      // One after the other: the first migrates the empty database.
      servers.push(await startParley({ databaseUrl: url, trustedProxies: TRUSTED_PROXY }));
      servers.push(await startParley({ databaseUrl: url, trustedProxies: TRUSTED_PROXY }));
      pgRun = await fanout(servers);
    } finally {
      for (const server of servers) await server.stop();
      await dropBenchDatabase(PG_DATABASE);
    }
    figs.push(...figures(pgRun, 'PostgreSQL, two instances', true));
    notes.push(
      `PostgreSQL: ${STREAMS / 2} streams on each instance, the post sent to instance A; ` +
        `streams opened in ${pgRun.openSeconds} s.`,
    );
  } else {
    figs.push(...figures(undefined, 'PostgreSQL, two instances', false));
    notes.push('PostgreSQL was not reachable: its figures were skipped.');
  }
  return {
    id: 'fanout',
    title: '6. Live fan-out (1,000 open streams)',
    command: 'node --import tsx bench/fanout.ts',
    figures: figs,
    notes,
  };
}

runIfMain(import.meta.url, fanoutBench);
