/**
 * HTTP load through autocannon, used programmatically: fixed connection
 * count, keep-alive, fixed duration. It runs inside the bench process, so the
 * servers and the load generator share the machine's cores; every server is
 * measured the same way, which is what makes the comparisons fair.
 */
import autocannon from 'autocannon';
import type { Figure } from './report.ts';
import { round } from './stats.ts';

/** One load round's figures. */
export interface LoadRound {
  /** Completed requests, any status. */
  requests: number;
  durationS: number;
  rps: number;
  /** Latency percentiles in ms (autocannon records whole milliseconds). */
  p50: number;
  p99: number;
  /** Count per status code, e.g. `{ '200': 51234 }`. */
  statusCodes: Record<string, number>;
  /** Connection errors, timeouts included. */
  errors: number;
}

/** Settings for {@link loadRound}. */
export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  /**
   * Do not keep response bodies (default false). autocannon 8 appends every
   * body chunk to a string (`req.body += data`), decoding it as UTF-8: cheap
   * for ASCII JSON, some three times costlier per byte for compressed bytes,
   * which are not text. The load generator shares the cores with the server,
   * so that cost lands on whichever answer is compressed. Bodies are never
   * read here (status codes are), so dropping them changes nothing else.
   */
  discardBodies?: boolean;
}

/** Runs one round of load against `url`. */
export async function loadRound(options: LoadOptions): Promise<LoadRound> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    pipelining: 1,
    // A stuck server must not hang the run: requests time out, and a round
    // that is mostly errors bails out.
    timeout: 10,
    headers: options.headers ?? {},
    ...(options.discardBodies
      ? {
          // Not in autocannon's types: its client's queue of requests in flight.
          setupClient: (client: autocannon.Client) => {
            const internal = client as unknown as { pipelinedRequests: { addBody(): void } };
            internal.pipelinedRequests.addBody = () => {};
          },
        }
      : {}),
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = (stat as { count: number }).count;
  }
  const requests = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    requests,
    durationS: result.duration,
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statusCodes,
    errors: result.errors,
  };
}

/** Rounds combined: total requests over total time, and the median round's percentiles. */
export function combineRounds(rounds: readonly LoadRound[]): LoadRound & {
  minRps: number;
  maxRps: number;
} {
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const mid = (values: number[]) => sorted(values)[values.length >> 1] ?? Number.NaN;
  const requests = rounds.reduce((a, r) => a + r.requests, 0);
  const durationS = rounds.reduce((a, r) => a + r.durationS, 0);
  const statusCodes: Record<string, number> = {};
  for (const r of rounds) {
    for (const [code, n] of Object.entries(r.statusCodes))
      statusCodes[code] = (statusCodes[code] ?? 0) + n;
  }
  const rps = rounds.map((r) => r.rps);
  return {
    requests,
    durationS,
    rps: requests / durationS,
    p50: mid(rounds.map((r) => r.p50)),
    p99: mid(rounds.map((r) => r.p99)),
    statusCodes,
    errors: rounds.reduce((a, r) => a + r.errors, 0),
    minRps: Math.min(...rps),
    maxRps: Math.max(...rps),
  };
}

/**
 * A round of load that insists every answer had the `expected` status and
 * no connection failed: a figure over errors would measure the wrong thing.
 */
export async function checkedRound(
  options: LoadOptions & { expected?: string },
): Promise<LoadRound> {
  const { expected = '200', ...load } = options;
  const result = await loadRound(load);
  const other = Object.entries(result.statusCodes).filter(([code]) => code !== expected);
  if (other.length > 0 || result.errors > 0) {
    throw new Error(
      `${load.url}: expected only ${expected}, got ${JSON.stringify(result.statusCodes)}, ${result.errors} errors`,
    );
  }
  return result;
}

/** The figures of `label`'s rounds: requests/s (with the rounds' range), p50 and p99. */
export function loadFigures(label: string, rounds: LoadRound[]): Figure[] {
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
