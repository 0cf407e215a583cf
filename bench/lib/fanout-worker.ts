/**
 * A load-generator process of the fan-out benchmark (bench/fanout.ts forks a
 * few of these with its own `--import tsx`): it holds its share of the event
 * streams, one plain HTTP/1.1 socket each (`agent: false`), parses their
 * frames with the tests' own SseParser, and records per stream the ids,
 * types and arrival times of the events of the current phase. Nothing goes
 * over IPC per event: the parent asks for one summary per phase (`collect`),
 * computed here, with the latencies as one Float64Array.
 *
 * Times are `process.hrtime.bigint()`: on Linux that reads CLOCK_MONOTONIC,
 * one clock for every process on the machine, so an arrival here and a 201
 * read in the parent subtract meaningfully. The parent checks it at start-up
 * (its clock before and after the `ready` message brackets this one's).
 */
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { SseParser } from '@parley/server/testing/sse-parser';

/** What the parent asks. */
export type ToWorker =
  | {
      type: 'open';
      /** Global stream index (for its reader address) and URL of each stream of this worker. */
      targets: { index: number; url: string }[];
      /** Streams being opened at once by this worker. */
      concurrency: number;
    }
  /** Starts a phase: forgets the previous phase's events and pings. */
  | { type: 'begin' }
  /**
   * Ends a phase: waits until every open stream has a `message.created` for
   * each of `posts` (or `timeoutMs`), then `settleMs` more for late
   * duplicates, and answers with a summary.
   */
  | {
      type: 'collect';
      posts: PostTimes[];
      timeoutMs: number;
      settleMs: number;
    }
  | { type: 'close' };

/** A post's id, when it was sent and when its 201 was read (NaN if never), shared clock, ms. */
export interface PostTimes {
  id: number;
  sentMs: number;
  ackMs: number;
}

/** One phase's summary, per worker. */
export interface PhaseSummary {
  /** Streams this worker opened. */
  streams: number;
  /** Streams whose connection had ended (or failed) by the end of the phase. */
  ended: number;
  /** Streams that got every post's `message.created` at least once. */
  delivered: number;
  /**
   * Streams that got every post's `message.created` exactly once, and whose
   * event ids in the phase were consecutive (each the previous + 1, also
   * from the last id before the phase): no gap, duplicate or reordering.
   */
  exact: number;
  /** Streams with a gap, duplicate or out-of-order event id in the phase. */
  orderBroken: number;
  /** (stream, post) pairs received more than once. */
  duplicates: number;
  /** (stream, post) pairs never received. */
  missing: number;
  /** 201 of the post → first arrival on the stream, ms, one per received (stream, post) pair. */
  latencies: Float64Array;
  /** The same from when the post was sent, one per received (stream, post) pair. */
  fromSent: Float64Array;
  /** Events and `: ping` comments per stream in the phase, least and most. */
  eventsMin: number;
  eventsMax: number;
  pingsMin: number;
  pingsMax: number;
  /** This worker's own CPU time in the phase (user + system), ms. */
  cpuMs: number;
}

/** What the worker answers. */
export type FromWorker =
  | { type: 'ready'; clockMs: number }
  | { type: 'opened'; opened: number; failed: number; errors: string[]; seconds: number }
  | { type: 'begun' }
  | { type: 'collected'; summary: PhaseSummary }
  | { type: 'error'; message: string };

/** The shared monotonic clock, in ms. */
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/** An open stream and what it received in the current phase. */
interface Stream {
  req: ClientRequest;
  ended: boolean;
  /** Id of the last event ever received, NaN before the first. */
  lastId: number;
  /** Set once an id was not the previous + 1 in this phase. */
  broken: boolean;
  events: number;
  pings: number;
  /** Message ids of the phase's `message.created` events, and their arrival times. */
  created: number[];
  createdAt: number[];
}

const streams: Stream[] = [];

/** The message id of a `message.created` frame's data, cheaply (the parse is the fallback). */
const CREATED_ID = /^\{"type":"message\.created","message":\{"id":(\d+),/;
function createdId(data: string): number {
  const match = CREATED_ID.exec(data);
  if (match) return Number(match[1]);
  return (JSON.parse(data) as { message: { id: number } }).message.id;
}

/**
 * Each stream is its own reader, as on a real blog: a client may hold only
 * 16 streams, so the benchmark speaks through a trusted proxy (loopback)
 * and gives stream i the address 10.x.y.z.
 */
const readerAddress = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

function openStream(index: number, url: string, timeoutMs = 30_000): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      agent: false,
      headers: { accept: 'text/event-stream', 'x-forwarded-for': readerAddress(index) },
    });
    const stream: Stream = {
      req,
      ended: false,
      lastId: Number.NaN,
      broken: false,
      events: 0,
      pings: 0,
      created: [],
      createdAt: [],
    };
    const timer = setTimeout(
      () => req.destroy(new Error(`no event-stream answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('response', (res: IncomingMessage) => {
      clearTimeout(timer);
      if (res.statusCode !== 200 || !res.headers['content-type']?.startsWith('text/event-stream')) {
        res.resume();
        req.destroy();
        reject(new Error(`answered ${res.statusCode} ${res.headers['content-type']}`));
        return;
      }
      // One reading per chunk: every event parsed from it arrived then.
      let at = 0;
      const parser = new SseParser({
        event(event) {
          stream.events++;
          const id = Number(event.id);
          if (!(id === stream.lastId + 1 || Number.isNaN(stream.lastId))) stream.broken = true;
          if (!Number.isNaN(id)) stream.lastId = id;
          else stream.broken = true;
          if (event.event === 'message.created') {
            stream.created.push(createdId(event.data));
            stream.createdAt.push(at);
          }
        },
        comment(text) {
          if (text === 'ping') stream.pings++;
        },
      });
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        at = nowMs();
        parser.push(chunk);
      });
      const finish = () => {
        stream.ended = true;
      };
      res.on('end', finish);
      res.on('error', finish);
      res.on('close', finish);
      resolve(stream);
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      stream.ended = true;
      reject(error);
    });
    req.end();
  });
}

async function open(message: Extract<ToWorker, { type: 'open' }>): Promise<FromWorker> {
  const start = nowMs();
  const errors = new Map<string, number>();
  let failed = 0;
  let next = 0;
  const { targets } = message;
  await Promise.all(
    Array.from({ length: Math.min(message.concurrency, targets.length) }, async () => {
      while (next < targets.length) {
        const { index, url } = targets[next++]!;
        try {
          streams.push(await openStream(index, url));
        } catch (error) {
          failed++;
          const text = error instanceof Error ? error.message : String(error);
          errors.set(text, (errors.get(text) ?? 0) + 1);
        }
      }
    }),
  );
  return {
    type: 'opened',
    opened: streams.length,
    failed,
    errors: [...errors].map(([text, n]) => `${n} × ${text}`),
    seconds: (nowMs() - start) / 1000,
  };
}

let phaseCpu = process.cpuUsage();

function begin(): FromWorker {
  for (const s of streams) {
    s.broken = false;
    s.events = 0;
    s.pings = 0;
    s.created = [];
    s.createdAt = [];
  }
  phaseCpu = process.cpuUsage();
  return { type: 'begun' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether `s` has every id of `wanted` among its `message.created` events. */
function hasAll(s: Stream, wanted: readonly number[]): boolean {
  if (s.created.length < wanted.length) return false;
  const got = new Set(s.created);
  return wanted.every((id) => got.has(id));
}

async function collect(message: Extract<ToWorker, { type: 'collect' }>): Promise<FromWorker> {
  const wanted = message.posts.map((p) => p.id);
  const times = new Map(message.posts.map((p) => [p.id, p]));
  const deadline = nowMs() + message.timeoutMs;
  const done = new Set<Stream>();
  for (;;) {
    for (const s of streams) if (!done.has(s) && (s.ended || hasAll(s, wanted))) done.add(s);
    if (done.size === streams.length || nowMs() > deadline) break;
    await sleep(25);
  }
  await sleep(message.settleMs);

  const latencies: number[] = [];
  const fromSent: number[] = [];
  let delivered = 0;
  let exact = 0;
  let orderBroken = 0;
  let duplicates = 0;
  let missing = 0;
  for (const s of streams) {
    const seen = new Map<number, number>();
    s.created.forEach((id, i) => {
      const post = times.get(id);
      if (!post) return;
      const count = (seen.get(id) ?? 0) + 1;
      seen.set(id, count);
      // An event parsed before the 201 reached the parent counts as 0 ms; a
      // post whose 201 never came (NaN) is checked for, but has no latency.
      if (count > 1) return;
      if (!Number.isNaN(post.ackMs)) latencies.push(Math.max(0, s.createdAt[i]! - post.ackMs));
      fromSent.push(s.createdAt[i]! - post.sentMs);
    });
    let once = true;
    for (const id of wanted) {
      const count = seen.get(id) ?? 0;
      if (count === 0) missing++;
      if (count > 1) duplicates++;
      if (count !== 1) once = false;
    }
    if (seen.size === wanted.length) delivered++;
    if (s.broken) orderBroken++;
    if (once && !s.broken) exact++;
  }
  const cpu = process.cpuUsage(phaseCpu);
  const ev = streams.map((s) => s.events);
  const pings = streams.map((s) => s.pings);
  const least = (xs: number[]) => (xs.length ? Math.min(...xs) : 0);
  const most = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
  return {
    type: 'collected',
    summary: {
      streams: streams.length,
      ended: streams.filter((s) => s.ended).length,
      delivered,
      exact,
      orderBroken,
      duplicates,
      missing,
      latencies: Float64Array.from(latencies),
      fromSent: Float64Array.from(fromSent),
      eventsMin: least(ev),
      eventsMax: most(ev),
      pingsMin: least(pings),
      pingsMax: most(pings),
      cpuMs: (cpu.user + cpu.system) / 1000,
    },
  };
}

function closeAll(): void {
  for (const s of streams) s.req.destroy();
}

if (process.send) {
  const reply = (message: FromWorker) => process.send?.(message);
  process.on('message', (message: ToWorker) => {
    const answer =
      message.type === 'open'
        ? open(message)
        : message.type === 'begin'
          ? Promise.resolve(begin())
          : message.type === 'collect'
            ? collect(message)
            : null;
    if (answer === null) {
      closeAll();
      process.exit(0);
    }
    answer.then(reply, (error: unknown) =>
      reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The parent gone (crashed, killed): nothing of this worker stays behind.
  process.on('disconnect', () => {
    closeAll();
    process.exit(0);
  });
  reply({ type: 'ready', clockMs: nowMs() });
}
