/**
 * The floor under every open live stream: what node:http itself costs per
 * held event stream, and what HTTP/2 from a reverse proxy would change
 * (issue: "if HTTP/2 between a reverse proxy and Parley would change the
 * picture, measure it"). Bare Node servers, no Parley: N streams held over
 * HTTP/1.1 (one socket each, as browsers behind nginx reach Parley: nginx
 * speaks only HTTP/1.x to its upstreams) and over cleartext HTTP/2 (the same
 * N streams multiplexed over 10 connections, as an HTTP/2-speaking proxy
 * would), then one event queued on every stream.
 *
 *   node --import tsx bench/transport.ts [--streams N] [--write]
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import http2 from 'node:http2';
import { track } from './lib/children.ts';
import { runIfMain } from './lib/cli.ts';
import { writeSection } from './lib/markdown.ts';
import type { BenchResult, Figure } from './lib/report.ts';
import { round } from './lib/stats.ts';
import type { FromTransport, ToTransport, TransportMode } from './lib/transport-server.ts';

const SERVER = new URL('./lib/transport-server.ts', import.meta.url);
const SESSIONS = 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function streamsFromArgs(args: readonly string[]): number {
  const at = args.indexOf('--streams');
  if (at === -1) return 10_000;
  const n = Number(args[at + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error('--streams: expected a positive integer');
  return n;
}

interface Measured {
  kibPerStream: number;
  broadcastMs: number;
  received: number;
}

async function measure(mode: TransportMode, n: number): Promise<Measured> {
  const child = track(
    fork(SERVER, [mode], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const next = () => new Promise<FromTransport>((resolve) => child.once('message', resolve));
  const ask = (message: ToTransport) => {
    const answer = next();
    child.send(message);
    return answer;
  };
  const closers: (() => void)[] = [];
  try {
    const listening = await next();
    if (listening.type !== 'listening') throw new Error('the transport server did not start');
    const url = `http://127.0.0.1:${listening.port}`;
    await sleep(1_000);
    const before = await ask('rss');
    let received = 0;
    const count = (chunk: Buffer | string) => {
      if (String(chunk).includes('message.created')) received++;
    };
    if (mode === 'h2') {
      const sessions = Array.from({ length: SESSIONS }, () => http2.connect(url));
      for (const session of sessions) closers.push(() => session.destroy());
      for (let i = 0; i < n; i += 200) {
        await Promise.all(
          Array.from({ length: Math.min(200, n - i) }, (_, j) => {
            const req = (sessions[(i + j) % SESSIONS] as http2.ClientHttp2Session).request({
              ':path': '/',
            });
            req.on('data', count);
            req.end();
            return new Promise((resolve) => req.once('response', resolve));
          }),
        );
      }
    } else {
      for (let i = 0; i < n; i += 100) {
        await Promise.all(
          Array.from({ length: Math.min(100, n - i) }, () => {
            const req = http.request(url, { agent: false });
            closers.push(() => req.destroy());
            req.end();
            return new Promise((resolve) =>
              req.once('response', (res) => {
                res.on('data', count);
                resolve(undefined);
              }),
            );
          }),
        );
      }
    }
    await sleep(1_000);
    const open = await ask('rss');
    if (before.type !== 'rss' || open.type !== 'rss') throw new Error('no memory reading');
    const sent = await ask('broadcast');
    if (sent.type !== 'broadcast') throw new Error('no broadcast reading');
    for (let waited = 0; received < n && waited < 10_000; waited += 100) await sleep(100);
    return {
      kibPerStream: (open.rss - before.rss) / open.streams / 1024,
      broadcastMs: sent.ms,
      received,
    };
  } finally {
    for (const close of closers) close();
    child.kill();
  }
}

export async function transportBench(n = 10_000): Promise<BenchResult> {
  const h1 = await measure('h1', n);
  const h2 = await measure('h2', n);
  const figures: Figure[] = [];
  for (const [label, m] of [
    ['HTTP/1.1, a socket each', h1],
    [`HTTP/2 (h2c), ${SESSIONS} connections`, h2],
  ] as const) {
    figures.push(
      {
        name: `bare node server memory per open stream (${label})`,
        value: round(m.kibPerStream),
        unit: 'KiB',
      },
      {
        name: `queueing one event on every stream (${label})`,
        value: round(m.broadcastMs),
        unit: 'ms',
      },
      {
        name: `streams that received it (${label})`,
        value: m.received,
        unit: '',
        budget: { op: '>=', limit: n },
      },
    );
  }
  return {
    id: 'transport',
    title: `11. The floor under a live stream: node:http and HTTP/2 (${n.toLocaleString('en-US')} streams)`,
    command: 'node --import tsx bench/transport.ts',
    figures,
    notes: [
      `Bare Node servers (bench/lib/transport-server.ts, no Parley): each request gets a 200 text/event-stream head and one comment and is held; ${n.toLocaleString('en-US')} streams opened from this process, over HTTP/1.1 (agent: false, a socket each) and over cleartext HTTP/2 (${SESSIONS} sessions, the streams spread over them).`,
      'Memory: (server RSS with the streams open − before, 1 s after the last opened) / streams. Queueing: the server loop writing one ~350-byte event to every stream (the writes the kernel then sends are not in it); "received": streams whose client saw the event within 10 s.',
      'Read beside section 6: Parley holds a stream for about this floor plus a little, so HTTP/2 between a proxy and Parley would save about what the two rows differ by; nginx, the proxy the README deploys, speaks only HTTP/1.x to its upstreams, so it would also mean another proxy.',
    ],
  };
}

runIfMain(
  import.meta.url,
  () => transportBench(streamsFromArgs(process.argv.slice(2))),
  (result) => {
    if (process.argv.includes('--write')) writeSection(result);
  },
);
