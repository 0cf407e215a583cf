/**
 * Live fan-out: N readers (default 1,000) hold the event stream of one
 * thread open; the budgets of "10,000 readers live on one post".
 *
 * On one instance on SQLite:
 *   1. one message is posted: every stream must get it, p99 from the POST's
 *      201 to the parsed event ≤ 500 ms; server memory ≤ 16 KiB per open
 *      stream ((RSS with the streams open − RSS before) / streams);
 *   2. two idle windows with the streams open and no posts (heartbeats
 *      included): in the second, the server's CPU must stay under 2% of one
 *      core (the first, right after the post, is shown beside it);
 *   3. a burst of 100 posts in 10 s: every stream must get every event, in
 *      order, exactly once, and a reader GETting the thread meanwhile must
 *      see a p99 under 100 ms.
 * Then across two instances sharing one PostgreSQL database (N/2 streams on
 * each, the post sent to A: B's readers get it through LISTEN/NOTIFY): step 1.
 *
 * The streams are held and read by worker processes (bench/lib/fanout-worker.ts),
 * not by this one, so the load generator is not what is measured.
 *
 *   node --import tsx bench/fanout.ts                  (1,000 streams)
 *   node --import tsx bench/fanout.ts --streams 10000
 *   BENCH_FANOUT_STREAMS=10000 node --import tsx bench/run.ts
 *   node --import tsx bench/fanout.ts --streams 10000 --write   (into docs/benchmarks.md)
 *
 * `--streams N` (or `--streams=N`) wins over BENCH_FANOUT_STREAMS. Every
 * process needs about N + 256 open files (`ulimit -n`): the run refuses to
 * start otherwise.
 */

import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { join } from 'node:path';
import type { PostMessageResponse } from '@parley/server/wire';
import { track } from './lib/children.ts';
import { runIfMain } from './lib/cli.ts';
import type { FromWorker, PhaseSummary, PostTimes, ToWorker } from './lib/fanout-worker.ts';
import { send, threadPath } from './lib/http.ts';
import { writeSection } from './lib/markdown.ts';
import { type BenchServer, startParley } from './lib/parley-server.ts';
import { dropBenchDatabase, freshBenchDatabase, postgresReachable } from './lib/postgres.ts';
import { processCpuMs } from './lib/proc-cpu.ts';
import type { BenchResult, Figure } from './lib/report.ts';
import { readRss } from './lib/rss.ts';
import { percentile, round } from './lib/stats.ts';
import { tempDir } from './lib/temp.ts';

const DEFAULT_STREAMS = 1_000;
const STREAMS_ENV = 'BENCH_FANOUT_STREAMS';
/** Load-generator processes: one per core of the 2-core reference machine. */
const MAX_WORKERS = 2;
/** Streams being opened at once, per worker (thousands at once would measure the accept queue). */
const OPEN_CONCURRENCY = 25;
/** Every stream must have the single post within this long. */
const DELIVERY_TIMEOUT_MS = 30_000;
/** ... and the burst's posts within this long after the last 201. */
const BURST_TIMEOUT_MS = 60_000;
/**
 * The idle window. The server's heartbeat (a `: ping` comment per stream
 * every 20 s, `live.heartbeatMs`) has no setting, so the window is long
 * enough for at least two rounds of it on every stream.
 */
const IDLE_WINDOW_MS = 45_000;
const HEARTBEAT_MS = 20_000;
const BURST_POSTS = 100;
const BURST_INTERVAL_MS = 100;
/**
 * How long a burst post may wait for its 201 before this process gives up
 * on it (its request destroyed): long, so a slow server is measured rather
 * than cut short.
 */
const POST_TIMEOUT_MS = 120_000;
/** Budgets. */
const DELIVERY_P99_MS = 500;
const KIB_PER_STREAM = 16;
const IDLE_CPU_PERCENT = 2;
const READ_P99_MS = 100;

const KEY = '/bench/fanout';
const PG_DATABASE = 'parley_bench_fanout';
const TRUSTED_PROXY = '127.0.0.1';
const WORKER = new URL('./lib/fanout-worker.ts', import.meta.url);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The clock the workers use too (CLOCK_MONOTONIC on Linux), in ms. */
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const count = (n: number) => n.toLocaleString('en-US');

/** A stream count, from `--streams` or BENCH_FANOUT_STREAMS: a positive integer. */
function parseStreams(text: string, from: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new Error(`${from}: expected a positive integer (streams to open), got "${text}"`);
  }
  return Number(text);
}

/** The stream count of this run: BENCH_FANOUT_STREAMS, else the default. */
function streamsFromEnv(): number {
  const env = process.env[STREAMS_ENV];
  return env === undefined || env === '' ? DEFAULT_STREAMS : parseStreams(env, STREAMS_ENV);
}

/** `--streams N` / `--streams=N` from the command line, over the environment. */
function streamsFromArgs(args: readonly string[]): number {
  let streams = streamsFromEnv();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--streams') {
      const value = args[++i];
      if (value === undefined) throw new Error('--streams: expected a positive integer');
      streams = parseStreams(value, '--streams');
    } else if (arg.startsWith('--streams=')) {
      streams = parseStreams(arg.slice('--streams='.length), '--streams');
    } else if (arg !== '--write') {
      throw new Error(`unknown argument "${arg}" (usage: bench/fanout.ts [--streams N] [--write])`);
    }
  }
  return streams;
}

/**
 * The soft open-file limit, which every child inherits, against what each
 * process needs: a server holds a socket per stream, and its default stream
 * cap (the limit less max(256, a quarter of it): events/stream-limits.ts)
 * must admit them all; a worker holds its share of the client ends.
 */
function checkFileLimit(streams: number, workers: number): number {
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString().trim());
  if (!Number.isFinite(limit)) return limit;
  const serverCap = limit - Math.max(256, Math.floor(limit / 4));
  const perWorker = Math.ceil(streams / workers) + 256;
  const problems: string[] = [];
  if (limit < streams + 256 || serverCap < streams) {
    problems.push(
      `the SQLite server holds ${count(streams)} streams: it needs ${count(Math.max(streams + 256, Math.ceil((streams * 4) / 3)))} files (its default stream cap is ${count(serverCap)} with this limit)`,
    );
  }
  if (limit < perWorker) {
    problems.push(`each of ${workers} workers holds ${count(perWorker - 256)} client sockets`);
  }
  if (problems.length > 0) {
    throw new Error(
      `the open-file limit (ulimit -n) is ${count(limit)} per process, too low: ${problems.join('; ')}. ` +
        `Raise it (ulimit -n ${Math.ceil((streams * 4) / 3) + 512}) and run again.`,
    );
  }
  return limit;
}

/** A forked load generator, asked one thing at a time. */
interface Worker {
  child: ChildProcess;
  ask(message: ToWorker): Promise<FromWorker>;
}

/**
 * Forks a worker with this process's own flags (`--import tsx`) and checks
 * the clocks: the worker's reading of CLOCK_MONOTONIC must fall between this
 * process's readings before the fork and after its answer, or arrival times
 * there and 201s here could not be subtracted.
 */
async function startWorker(): Promise<Worker> {
  const before = nowMs();
  const child = track(
    fork(WORKER, [], {
      execArgv: process.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  let pending: { resolve(m: FromWorker): void; reject(e: Error): void } | undefined;
  const exited = new Error('a fan-out worker exited');
  child.on('message', (message: FromWorker) => {
    const p = pending;
    pending = undefined;
    if (message.type === 'error') p?.reject(new Error(`fan-out worker: ${message.message}`));
    else p?.resolve(message);
  });
  child.once('exit', (code, signal) => {
    exited.message = `a fan-out worker exited (${code ?? signal})`;
    pending?.reject(exited);
    pending = undefined;
  });
  const next = () =>
    new Promise<FromWorker>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) reject(exited);
      else pending = { resolve, reject };
    });
  const ready = await next();
  const after = nowMs();
  if (ready.type !== 'ready' || ready.clockMs < before || ready.clockMs > after) {
    child.kill('SIGKILL');
    throw new Error(
      `the worker's monotonic clock is not this process's (${JSON.stringify(ready)}, here ${before}..${after} ms)`,
    );
  }
  return {
    child,
    ask(message) {
      const answer = next();
      child.send(message);
      return answer;
    },
  };
}

/** Ends the workers: they close their sockets and exit (SIGKILL if they do not). */
async function stopWorkers(workers: readonly Worker[]): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.child.exitCode !== null || w.child.signalCode !== null) return;
      const gone = new Promise((r) => w.child.once('exit', r));
      w.child.send({ type: 'close' } satisfies ToWorker);
      const timer = setTimeout(() => w.child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    }),
  );
}

/** Asks every worker the same, and insists on the answer's type. */
async function askAll<T extends FromWorker['type']>(
  workers: readonly Worker[],
  message: ToWorker,
  type: T,
): Promise<Extract<FromWorker, { type: T }>[]> {
  const answers = await Promise.all(workers.map((w) => w.ask(message)));
  for (const a of answers) if (a.type !== type) throw new Error(`expected ${type}, got ${a.type}`);
  return answers as Extract<FromWorker, { type: T }>[];
}

/** The workers' summaries of one phase, merged: each worker's CPU time kept apart. */
type Phase = Omit<PhaseSummary, 'cpuMs'> & { workerCpuMs: number[] };

function merge(summaries: readonly PhaseSummary[]): Phase {
  const sum = (f: (s: PhaseSummary) => number) => summaries.reduce((a, s) => a + f(s), 0);
  const joined = (f: (s: PhaseSummary) => Float64Array) => {
    const all = new Float64Array(sum((s) => f(s).length));
    let at = 0;
    for (const s of summaries) {
      all.set(f(s), at);
      at += f(s).length;
    }
    return all.sort();
  };
  const latencies = joined((s) => s.latencies);
  const fromSent = joined((s) => s.fromSent);
  return {
    streams: sum((s) => s.streams),
    ended: sum((s) => s.ended),
    delivered: sum((s) => s.delivered),
    exact: sum((s) => s.exact),
    orderBroken: sum((s) => s.orderBroken),
    duplicates: sum((s) => s.duplicates),
    missing: sum((s) => s.missing),
    latencies,
    fromSent,
    eventsMin: Math.min(...summaries.map((s) => s.eventsMin)),
    eventsMax: Math.max(...summaries.map((s) => s.eventsMax)),
    pingsMin: Math.min(...summaries.map((s) => s.pingsMin)),
    pingsMax: Math.max(...summaries.map((s) => s.pingsMax)),
    workerCpuMs: summaries.map((s) => round(s.cpuMs, 0)),
  };
}

/** Nearest-rank percentile of sorted samples (as stats.ts's `percentile`); NaN for none. */
function sortedPercentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

async function phase(
  workers: readonly Worker[],
  posts: PostTimes[],
  timeoutMs: number,
  settleMs: number,
): Promise<Phase> {
  const answers = await askAll(
    workers,
    { type: 'collect', posts, timeoutMs, settleMs },
    'collected',
  );
  return merge(answers.map((a) => a.summary));
}

/** RSS of every server, summed, after a short settle so lazy allocations have happened. */
async function totalRss(servers: readonly BenchServer[]): Promise<number> {
  await sleep(1_000);
  return servers.reduce((sum, s) => sum + readRss(s.pid), 0);
}

/**
 * Posts on a connection of its own: a pooled keep-alive socket the server
 * closes as it is reused would fail the post for the client's sake.
 */
async function post(baseUrl: string, body: string, timeoutMs = 30_000): Promise<PostTimes> {
  const sentMs = nowMs();
  const reply = await send<PostMessageResponse>(
    'POST',
    `${baseUrl}${threadPath(KEY, '/messages')}`,
    { json: { author: 'Poster', body }, fresh: true, timeoutMs },
  );
  const ackMs = nowMs();
  if (reply.status !== 201) throw new Error(`a post answered ${reply.status}`);
  return { id: reply.body.message.id, sentMs, ackMs };
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

/** The burst's figures. */
interface Burst {
  delivery: Phase;
  postErrors: string[];
  /** Posts without a 201 that the thread holds all the same. */
  committedAnyway: number;
  /** Posts answered 201, and posts the thread holds (with or without a 201). */
  answered: number;
  held: number;
  /** Sent → 201 of each answered post, ms. */
  postMs: number[];
  postSeconds: number;
  reads: number[];
  readErrors: number;
  serverCpuPercent: number;
}

/** The idle windows' figures: right after the post, then the one after it. */
interface Idle {
  afterPostPercent: number;
  steadyPercent: number;
  windowS: number;
  /** The two windows together, as the streams saw them. */
  window: Phase;
}

/** One setup's figures. */
interface FanoutRun {
  streams: number;
  opened: number;
  openFailures: string[];
  openSeconds: number;
  bytesPerStream: number;
  single: Phase;
  idle?: Idle;
  burst?: Burst;
}

/** Sequential keep-alive GETs of the thread until `stop.done`. */
async function readLoop(url: string, stop: { done: boolean }) {
  const ms: number[] = [];
  let errors = 0;
  while (!stop.done) {
    try {
      const reply = await send('GET', url);
      if (reply.status === 200) ms.push(reply.ms);
      else errors++;
    } catch {
      errors++;
    }
  }
  return { ms, errors };
}

const burstBody = (k: number) => `Burst message ${k + 1} of ${BURST_POSTS}.`;

/**
 * The burst posts whose 201 never came but which the thread holds: every
 * stream must get them too (their latency is unknown: NaN).
 */
async function committedAnyway(
  server: BenchServer,
  results: readonly (PostTimes | Error)[],
  sentAt: readonly number[],
): Promise<PostTimes[]> {
  const page = await send<{ messages: { id: number; html: string }[] }>(
    'GET',
    `${server.url}${threadPath(KEY)}?limit=100&sort=newest`,
  );
  const found: PostTimes[] = [];
  results.forEach((r, k) => {
    if (!(r instanceof Error)) return;
    const message = page.body.messages.find((m) => m.html.includes(burstBody(k)));
    if (message) found.push({ id: message.id, sentMs: sentAt[k]!, ackMs: Number.NaN });
  });
  return found;
}

/** 100 posts, one every 100 ms (paced: each starts on time, whether or not the last has its 201). */
async function burst(server: BenchServer, workers: readonly Worker[]): Promise<Burst> {
  await askAll(workers, { type: 'begin' }, 'begun');
  const stop = { done: false };
  const reading = readLoop(`${server.url}${threadPath(KEY)}`, stop);
  const cpu0 = processCpuMs(server.pid);
  const t0 = nowMs();
  const sent: Promise<PostTimes | Error>[] = [];
  const sentAt: number[] = [];
  for (let k = 0; k < BURST_POSTS; k++) {
    const wait = t0 + k * BURST_INTERVAL_MS - nowMs();
    if (wait > 0) await sleep(wait);
    sentAt.push(nowMs());
    const at = round((sentAt[k]! - t0) / 1000, 2);
    sent.push(
      post(server.url, burstBody(k), POST_TIMEOUT_MS).catch(
        (e: Error) =>
          new Error(`post ${k + 1} (sent at ${at} s): ${e.message.replace(server.url, '')}`),
      ),
    );
  }
  const results = await Promise.all(sent);
  const postSeconds = (nowMs() - t0) / 1000;
  stop.done = true;
  const { ms: reads, errors: readErrors } = await reading;
  const answered = results.filter((r): r is PostTimes => !(r instanceof Error));
  const posts = [...answered];
  if (posts.length < BURST_POSTS) posts.push(...(await committedAnyway(server, results, sentAt)));
  const delivery = await phase(workers, posts, BURST_TIMEOUT_MS, 1_000);
  const serverCpuPercent = ((processCpuMs(server.pid) - cpu0) / (nowMs() - t0)) * 100;
  return {
    delivery,
    postErrors: groupErrors(results.filter((r) => r instanceof Error).map((e) => e.message)),
    committedAnyway: posts.length - answered.length,
    answered: answered.length,
    held: posts.length,
    postMs: answered.map((p) => p.ackMs - p.sentMs),
    postSeconds,
    reads,
    readErrors,
    serverCpuPercent,
  };
}

async function idle(server: BenchServer, workers: readonly Worker[]): Promise<Idle> {
  // Let the single post's work finish before the window opens.
  await sleep(2_000);
  await askAll(workers, { type: 'begin' }, 'begun');
  const cpu0 = processCpuMs(server.pid);
  const t0 = nowMs();
  await sleep(IDLE_WINDOW_MS);
  const cpu1 = processCpuMs(server.pid);
  const t1 = nowMs();
  await sleep(IDLE_WINDOW_MS);
  const cpu2 = processCpuMs(server.pid);
  const t2 = nowMs();
  const window = await phase(workers, [], 0, 0);
  return {
    afterPostPercent: ((cpu1 - cpu0) / (t1 - t0)) * 100,
    steadyPercent: ((cpu2 - cpu1) / (t2 - t1)) * 100,
    windowS: (t1 - t0) / 1000,
    window,
  };
}

/**
 * Opens `streams` streams (stream i on `servers[i % servers.length]`, held
 * by worker floor(i / share)), posts once to `servers[0]` and waits for
 * every stream to have it; then, if asked, the idle window and the burst.
 */
async function fanout(
  servers: readonly BenchServer[],
  streams: number,
  workerCount: number,
  extras: boolean,
): Promise<FanoutRun> {
  const target = servers[0]!;
  await createThread(target.url);
  const before = await totalRss(servers);
  const workers: Worker[] = [];
  try {
    for (let w = 0; w < workerCount; w++) workers.push(await startWorker());
    const share = Math.ceil(streams / workerCount);
    const opened = await Promise.all(
      workers.map((worker, w) => {
        const targets = [];
        for (let i = w * share; i < Math.min(streams, (w + 1) * share); i++) {
          targets.push({
            index: i,
            url: `${servers[i % servers.length]!.url}${threadPath(KEY, '/events')}`,
          });
        }
        return worker.ask({ type: 'open', targets, concurrency: OPEN_CONCURRENCY });
      }),
    );
    let openCount = 0;
    let openSeconds = 0;
    const openFailures: string[] = [];
    for (const o of opened) {
      if (o.type !== 'opened') throw new Error(`expected opened, got ${o.type}`);
      openCount += o.opened;
      openSeconds = Math.max(openSeconds, o.seconds);
      openFailures.push(...o.errors);
    }
    const withStreams = await totalRss(servers);

    await askAll(workers, { type: 'begin' }, 'begun');
    const single = await phase(
      workers,
      [await post(target.url, 'The fan-out message.')],
      DELIVERY_TIMEOUT_MS,
      200,
    );
    const run: FanoutRun = {
      streams,
      opened: openCount,
      openFailures,
      openSeconds: round(openSeconds),
      bytesPerStream: (withStreams - before) / Math.max(1, openCount),
      single,
    };
    if (extras) {
      run.idle = await idle(target, workers);
      run.burst = await burst(target, workers);
    }
    return run;
  } finally {
    await stopWorkers(workers);
  }
}

function singleFigures(
  run: FanoutRun | undefined,
  where: string,
  streams: number,
  budget: boolean,
): Figure[] {
  const v = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : round(x));
  const p = (q: number) => (run ? sortedPercentile(run.single.latencies, q) : undefined);
  return [
    { name: `201 → message.created on a stream, p50 (${where})`, value: v(p(50)), unit: 'ms' },
    {
      name: `201 → message.created on a stream, p99 (${where})`,
      value: v(p(99)),
      unit: 'ms',
      ...(budget ? { budget: { op: '<=' as const, limit: DELIVERY_P99_MS } } : {}),
    },
    { name: `201 → message.created on a stream, max (${where})`, value: v(p(100)), unit: 'ms' },
    {
      name: `streams that received the message (${where})`,
      value: run ? run.single.delivered : null,
      unit: '',
      ...(budget ? { budget: { op: '>=' as const, limit: streams } } : {}),
    },
    {
      name: `server memory per open stream (${where})`,
      value: run ? round(run.bytesPerStream / 1024) : null,
      unit: 'KiB',
      ...(budget && where.startsWith('SQLite')
        ? { budget: { op: '<=' as const, limit: KIB_PER_STREAM } }
        : {}),
    },
  ];
}

function extraFigures(run: FanoutRun | undefined, streams: number): Figure[] {
  const v = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);
  const b = run?.burst;
  return [
    {
      name: 'server CPU while idle, % of one core (SQLite, one instance)',
      value: v(run?.idle && round(run.idle.steadyPercent, 2)),
      unit: '%',
      budget: { op: '<', limit: IDLE_CPU_PERCENT },
    },
    {
      name: 'server CPU in the first idle window after the post, % of one core (SQLite, one instance)',
      value: v(run?.idle && round(run.idle.afterPostPercent, 2)),
      unit: '%',
    },
    {
      name: `burst posts answered 201 within ${POST_TIMEOUT_MS / 1000} s (SQLite, one instance)`,
      value: v(b?.answered),
      unit: '',
      budget: { op: '>=', limit: BURST_POSTS },
    },
    {
      name: 'streams that got every stored burst post in order, exactly once (SQLite, one instance)',
      value: v(b?.delivery.exact),
      unit: '',
      budget: { op: '>=', limit: streams },
      ...(b && b.held < BURST_POSTS
        ? { note: `${b.held} of the ${BURST_POSTS} posts were stored` }
        : {}),
    },
    {
      name: 'GET of the thread during the burst, p99 (SQLite, one instance)',
      value: v(b && round(percentile(b.reads, 99))),
      unit: 'ms',
      budget: { op: '<', limit: READ_P99_MS },
    },
    {
      name: '201 → message.created during the burst, p99 (SQLite, one instance)',
      value: v(b && round(sortedPercentile(b.delivery.latencies, 99))),
      unit: 'ms',
    },
    {
      name: 'POST sent → message.created during the burst, p99 (SQLite, one instance)',
      value: v(b && round(sortedPercentile(b.delivery.fromSent, 99))),
      unit: 'ms',
    },
    {
      name: 'POST sent → its 201 during the burst, p99 (SQLite, one instance)',
      value: v(b && round(percentile(b.postMs, 99))),
      unit: 'ms',
    },
  ];
}

/** `post 3 (sent at 0.2 s): why` lines as `why: posts 3 (0.2 s), 4 (0.3 s)`, one per reason. */
function groupErrors(lines: readonly string[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const line of lines) {
    const m = /^post (\d+) \(sent at ([\d.]+) s\): (.*)$/.exec(line);
    const [what, reason] = m ? [`${m[1]} (${m[2]} s)`, m[3]!] : ['?', line];
    byReason.set(reason, [...(byReason.get(reason) ?? []), what]);
  }
  return [...byReason].map(([reason, posts]) => `${reason}: posts ${posts.join(', ')}`);
}

/** What one setup's run says in words: counts, failures, the workers. */
function runNotes(run: FanoutRun, where: string): string[] {
  const notes = [
    `${where}: ${count(run.opened)} of ${count(run.streams)} streams opened in ${run.openSeconds} s` +
      (run.openFailures.length ? `; failures: ${run.openFailures.join('; ')}` : '') +
      `. The single post: ${count(run.single.delivered)} streams got it, ${count(run.single.missing)} did not within ${DELIVERY_TIMEOUT_MS / 1000} s, ${count(run.single.duplicates)} twice or more; ${count(run.single.ended)} streams had ended; worker CPU ${run.single.workerCpuMs.join(' + ')} ms.`,
  ];
  if (run.idle) {
    const { window } = run.idle;
    notes.push(
      `${where}, idle: two windows of ${round(run.idle.windowS)} s, ${window.pingsMin} to ${window.pingsMax} \`: ping\` comments per stream over both and ${window.eventsMax} events; worker CPU ${window.workerCpuMs.join(' + ')} ms; ${count(window.ended)} streams had ended by its end.`,
    );
  }
  if (run.burst) {
    const b = run.burst;
    const d = b.delivery;
    notes.push(
      `${where}, burst: ${b.answered} of ${BURST_POSTS} posts answered 201` +
        (b.postErrors.length
          ? ` (${b.postErrors.join('; ')}; ${b.committedAnyway} of those the thread holds anyway, and the streams were checked for them too)`
          : '') +
        `, the last ${round(b.postSeconds)} s after the first was sent; per stream ${d.eventsMin} to ${d.eventsMax} events. ` +
        `${count(d.delivered)} streams got every post, ${count(d.exact)} every post exactly once with consecutive ids; ` +
        `${count(d.orderBroken)} streams had a gap, duplicate or reordered id, ${count(d.duplicates)} (stream, post) pairs came twice or more, ${count(d.missing)} never (within ${BURST_TIMEOUT_MS / 1000} s of the last 201); ` +
        `delivery from the 201 p50 ${round(sortedPercentile(d.latencies, 50))} ms, max ${round(sortedPercentile(d.latencies, 100))} ms; from the send p50 ${round(sortedPercentile(d.fromSent, 50))} ms, max ${round(sortedPercentile(d.fromSent, 100))} ms; ` +
        `sent → 201 p50 ${round(percentile(b.postMs, 50))} ms, max ${round(Math.max(...b.postMs))} ms; ` +
        `${count(d.ended)} streams had ended. Reads: ${count(b.reads.length)} GETs answered 200 (p50 ${round(percentile(b.reads, 50))} ms), ${b.readErrors} failed. ` +
        `Server CPU from the first post to the last delivery: ${round(b.serverCpuPercent)}% of one core; worker CPU ${d.workerCpuMs.join(' + ')} ms.`,
    );
  }
  return notes;
}

/** What the server logged that a reader of the figures should know: errors, dropped clients. */
function serverNotes(server: BenchServer, where: string): string[] {
  const counts = new Map<string, number>();
  for (const line of server.logs()) {
    const msg = String(line.msg ?? '');
    const level = String(line.level ?? '');
    if (/live events|error|fail/i.test(msg) || level === 'error' || level === 'warn') {
      counts.set(msg, (counts.get(msg) ?? 0) + 1);
    }
  }
  const notes = [...counts].map(([msg, n]) => `${where} logged ${n} × "${msg}".`);
  const stderr = server.stderr().trim();
  if (stderr) notes.push(`${where} wrote to stderr: ${stderr.slice(0, 300)}`);
  return notes;
}

/** The benchmark: SQLite on one instance, then PostgreSQL across two. */
export async function fanoutBench(streams = streamsFromEnv()): Promise<BenchResult> {
  const workerCount = Math.min(MAX_WORKERS, streams);
  const fileLimit = checkFileLimit(streams, workerCount);
  const n = count(streams);
  const notes: string[] = [
    `${n} streams on one thread, held by ${workerCount} worker processes (bench/lib/fanout-worker.ts, ~${count(Math.ceil(streams / workerCount))} each, forked with this process's --import tsx), each opening ${OPEN_CONCURRENCY} at a time over plain HTTP/1.1 (one socket each, agent: false), every stream its own reader (X-Forwarded-For 10.x.y.z through the trusted proxy 127.0.0.1). The workers parse the frames (SseParser) and time each chunk's arrival with process.hrtime.bigint() (CLOCK_MONOTONIC, shared by the processes: checked when each worker starts); this process posts, reads and times the 201s. The workers share the 2 cores with the servers.`,
    `Delivery: from the moment this process has read the POST's 201 to the moment a worker has parsed the stream's message.created; an event parsed before the 201 counts as 0 ms. p99 and max over every (stream, post) pair that arrived.`,
    "Memory per stream: (sum of the servers' RSS with every stream open − before), 1 s after the last stream opened, divided by the streams opened: heap and socket buffers together, noisy at the scale of a few KiB.",
    `Idle CPU: utime + stime of the server process (every thread: V8's collector threads included) from /proc/<pid>/stat (10 ms ticks) over two back-to-back ${IDLE_WINDOW_MS / 1000} s windows with every stream open and no posts, the first starting 2 s after the single post was delivered. The budget is on the second: the first also holds the aftermath of opening the streams and of the post (V8's memory reducer runs a few full collections of the heap once allocation stops, some 20 s after the post), shown beside it. The heartbeat (\`: ping\` every ${HEARTBEAT_MS / 1000} s per stream) has no setting, so each window is long enough for at least two rounds of it; the Node process's own idle work is included.`,
    `Burst: ${BURST_POSTS} posts to the thread from this process, one started every ${BURST_INTERVAL_MS} ms (paced, not waiting for the previous 201), with the ${n} streams open; meanwhile one sequential keep-alive loop GETs ${threadPath(KEY)} from this process, from the first post until every post has its 201 or was given up (after ${POST_TIMEOUT_MS / 1000} s). Each post on a connection of its own (a reused keep-alive socket the server closes meanwhile would fail a post for the client's sake); the reads keep theirs. A stream counts as in order, exactly once when each of the ${BURST_POSTS} posts came as message.created exactly once and every event id was the previous + 1 (thread.updated events interleave).`,
    `The idle window and the burst run on SQLite only; PostgreSQL measures the single post. Open-file limit of every process: ${count(fileLimit)}.`,
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
      sqliteRun = await fanout([server], streams, workerCount, true);
    } finally {
      await server.stop();
      notes.push(...serverNotes(server, 'The SQLite server'));
    }
  } finally {
    tmp.remove();
  }
  figs.push(...singleFigures(sqliteRun, 'SQLite, one instance', streams, true));
  figs.push(...extraFigures(sqliteRun, streams));
  notes.push(...runNotes(sqliteRun, 'SQLite'));

  if (await postgresReachable()) {
    const url = await freshBenchDatabase(PG_DATABASE);
    let pgRun: FanoutRun | undefined;
    const servers: BenchServer[] = [];
    try {
      // One after the other: the first migrates the empty database.
      servers.push(await startParley({ databaseUrl: url, trustedProxies: TRUSTED_PROXY }));
      servers.push(await startParley({ databaseUrl: url, trustedProxies: TRUSTED_PROXY }));
      pgRun = await fanout(servers, streams, workerCount, false);
    } finally {
      for (const server of servers) await server.stop();
      servers.forEach((s, i) => {
        notes.push(...serverNotes(s, `PostgreSQL instance ${'AB'[i]}`));
      });
      await dropBenchDatabase(PG_DATABASE);
    }
    figs.push(...singleFigures(pgRun, 'PostgreSQL, two instances', streams, true));
    notes.push(
      ...runNotes(
        pgRun,
        `PostgreSQL (${count(Math.ceil(streams / 2))} streams on A, ${count(Math.floor(streams / 2))} on B, the post sent to A)`,
      ),
    );
  } else {
    figs.push(...singleFigures(undefined, 'PostgreSQL, two instances', streams, false));
    notes.push('PostgreSQL was not reachable: its figures were skipped.');
  }
  return {
    id: 'fanout',
    title: `6. Live fan-out (${n} open streams)`,
    command: `node --import tsx bench/fanout.ts${streams === DEFAULT_STREAMS ? '' : ` --streams ${streams}`}`,
    figures: figs,
    notes,
  };
}

runIfMain(
  import.meta.url,
  async () => fanoutBench(streamsFromArgs(process.argv.slice(2))),
  (result) => {
    if (process.argv.includes('--write')) writeSection(result);
  },
);
