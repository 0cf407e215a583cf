/**
 * The security review's probes (issue 10), replayed against real
 * `parley-server` processes: for each, what was sent, what the server did, and
 * whether the defence HELD. Every verdict is decided from the server's
 * answers, never assumed; a route that does not exist yet is a NOT HELD with
 * the status seen, and the run goes on.
 *
 * Bounded and local: the servers, a tiny "blog" and every request stay on
 * 127.0.0.1; request counts are fixed and the slow probes have deadlines, so
 * the whole run takes about two minutes on two cores and stops by itself.
 * Clients are told apart with `X-Forwarded-For`, which the servers believe
 * from 127.0.0.1 only (`PARLEY_TRUSTED_PROXIES=127.0.0.1`).
 *
 *   node --import tsx bench/attack.ts            (prints one line per probe)
 *   node --import tsx bench/attack.ts --write    (also puts its section in docs/benchmarks.md)
 */

import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '@parley/server/testing/free-port';
import Database from 'better-sqlite3';
import { runIfMain } from './lib/cli.ts';
import { writeSection } from './lib/markdown.ts';
import { type BenchServer, startBenchServer } from './lib/parley-server.ts';
import { ROOT, WIDGET_DIST } from './lib/paths.ts';
import { dropBenchDatabase, freshBenchDatabase, postgresReachable } from './lib/postgres.ts';
import { call, holdStream, type RawReply, replayOf, trickle } from './lib/raw-http.ts';
import type { BenchResult, Figure } from './lib/report.ts';
import { readRss } from './lib/rss.ts';
import { median, percentile, round } from './lib/stats.ts';
import { tempDir } from './lib/temp.ts';

const TITLE = '7. Attacks replayed (issue 10 security review)';
const COMMAND = 'node --import tsx bench/attack.ts';
/** A strong admin token for the probe servers (never a real one). */
const ADMIN_TOKEN = 'attack-bench-3f9c1e7a52d84b06e1c9';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const PG_DATABASE = 'parley_bench_attack';
const enc = encodeURIComponent;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const from = (address: string) => ({ 'x-forwarded-for': address });

// ---------------------------------------------------------------- results

/** One probe's outcome. */
interface Probe {
  group: string;
  name: string;
  /** What was sent. */
  sent: string;
  /** What the server did. */
  did: string;
  held: boolean;
  /** The measured figures (counts, latencies, bytes), without budgets. */
  figures: Figure[];
}

const probes: Probe[] = [];

function line(p: Probe): string {
  const figs = p.figures.map((f) => `${f.name} ${f.value ?? 'n/a'}${f.unit ? ` ${f.unit}` : ''}`);
  return `${p.held ? 'HELD    ' : 'NOT HELD'}  [${p.group}] ${p.name} | sent: ${p.sent} | server: ${p.did} | ${figs.join(', ')}`;
}

/**
 * Runs one probe; an exception (a server that would not start, a refused
 * connection) is a NOT HELD that says what went wrong.
 */
async function probe(
  group: string,
  name: string,
  sent: string,
  run: () => Promise<{ did: string; held: boolean; figures?: Figure[] }>,
): Promise<void> {
  let result: Probe;
  try {
    const r = await run();
    result = { group, name, sent, did: r.did, held: r.held, figures: r.figures ?? [] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    result = {
      group,
      name,
      sent,
      did: `probe failed: ${message.split('\n')[0]}`,
      held: false,
      figures: [],
    };
  }
  probes.push(result);
  console.log(line(result));
}

const fig = (name: string, value: number | null, unit = ''): Figure => ({ name, value, unit });

/** Status codes counted: `201×10, 429×10`. */
function tally(statuses: readonly number[]): string {
  const counts = new Map<number, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s === 0 ? 'no answer' : s}×${n}`)
    .join(', ');
}

const errorCode = (reply: RawReply): string | undefined =>
  (reply.json as { error?: { code?: string } } | undefined)?.error?.code;

/** A status with its error code, if any: `400 challenge_required`. */
const said = (reply: RawReply): string => {
  const code = errorCode(reply);
  return code ? `${reply.status} ${code}` : String(reply.status);
};

const issuePaths = (reply: RawReply): string[] =>
  (
    (reply.json as { error?: { issues?: { path: string }[] } } | undefined)?.error?.issues ?? []
  ).map((i) => i.path);

// ---------------------------------------------------------------- the blog

/** A blog on its own loopback port: 200 for the articles it has, 404 for anything else. */
interface Blog {
  origin: string;
  /** Registers an article at `path` and returns its URL. */
  article(path: string): string;
  /** How many requests it has answered (the Parley server's URL checks). */
  fetches(): number;
  close(): Promise<void>;
}

async function startBlog(): Promise<Blog> {
  const articles = new Set<string>();
  let fetches = 0;
  const port = await freePort();
  const server: Server = createServer((req, res) => {
    fetches++;
    const path = (req.url ?? '/').split('?')[0]!;
    if (articles.has(path)) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>${path}</title><p>An article.</p>`);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    article(path) {
      articles.add(path);
      return `${origin}${path}`;
    },
    fetches: () => fetches,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------- servers

/**
 * Starts `parley-server` on loopback with `settings` (environment variables),
 * and none of the operator's own, which would skew the probes.
 */
function startServer(databaseUrl: string, settings: Record<string, string>): Promise<BenchServer> {
  return startBenchServer({ DATABASE_URL: databaseUrl, ...settings });
}

/** User + system CPU time of `pid` so far, in ms (Linux /proc; USER_HZ is 100). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Server pids by base URL, for the /proc readings. */
const pids = new Map<string, number>();
function createdPid(base: string): number {
  const pid = pids.get(base);
  if (pid === undefined) throw new Error(`no pid known for ${base}`);
  return pid;
}

/**
 * The settings every probe server on the blog has, besides `settings`: clients
 * are told apart by X-Forwarded-For, believed from 127.0.0.1 only, and the blog
 * is the allowed origin. URL checks are off unless `settings` turn them on: the
 * thread-URL probes have a server of their own that checks URLs; on the others
 * no probe depends on the server fetching the loopback blog.
 */
function onBlog(blog: Blog, settings: Record<string, string> = {}): Record<string, string> {
  return {
    PARLEY_TRUSTED_PROXIES: '127.0.0.1',
    PARLEY_ORIGINS: blog.origin,
    PARLEY_VERIFY_URLS: 'off',
    ...settings,
  };
}

/**
 * Starts a server on `databaseUrl` with `settings`, runs `fn` against it (its
 * base URL) and stops it afterwards; a server that does not start throws with
 * its output, which makes the probe around it NOT HELD.
 */
async function runServer<T>(
  databaseUrl: string,
  settings: Record<string, string>,
  fn: (base: string) => Promise<T>,
): Promise<T> {
  let server: BenchServer | undefined;
  try {
    server = await startServer(databaseUrl, settings);
    pids.set(server.url, server.pid);
    return await fn(server.url);
  } finally {
    await server?.stop();
  }
}

/**
 * {@link runServer} on a fresh SQLite database in a temporary folder named
 * after `name`, removed afterwards; `fn` also gets the database file.
 */
async function withServer<T>(
  name: string,
  settings: Record<string, string>,
  fn: (base: string, dbPath: string) => Promise<T>,
): Promise<T> {
  const tmp = tempDir(name);
  try {
    const dbPath = join(tmp.dir, 'parley.db');
    return await runServer(`sqlite:${dbPath}`, settings, (base) => fn(base, dbPath));
  } finally {
    tmp.remove();
  }
}

// ---------------------------------------------------------------- API helpers

interface PostOptions {
  body: string;
  author?: string;
  /** A client address, sent as X-Forwarded-For. */
  as?: string;
  title?: string;
  url?: string;
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

function post(base: string, key: string, o: PostOptions): Promise<RawReply> {
  const thread =
    o.title !== undefined || o.url !== undefined ? { thread: { title: o.title, url: o.url } } : {};
  return call('POST', `${base}/api/threads/${enc(key)}/messages`, {
    json: { author: o.author ?? 'Probe', body: o.body, ...thread, ...o.extra },
    headers: { ...(o.as ? from(o.as) : {}), ...o.headers },
  });
}

const messageId = (reply: RawReply) =>
  (reply.json as { message?: { id?: number } } | undefined)?.message?.id;

/** A thread as readers see it: its status, published count and listed message ids. */
async function readerView(
  base: string,
  key: string,
): Promise<{ status: number; count: number; ids: number[]; text: string }> {
  const reply = await call('GET', `${base}/api/threads/${enc(key)}?limit=100`);
  const page = reply.json as
    | { thread?: { messageCount?: number }; messages?: { id: number }[] }
    | undefined;
  return {
    status: reply.status,
    count: page?.thread?.messageCount ?? 0,
    ids: (page?.messages ?? []).map((m) => m.id),
    text: reply.text,
  };
}

/**
 * Creates a thread of `n` messages, each from its own address (10.tag.0.i),
 * so no one client's limits get in the way; returns their ids.
 */
async function seedThread(
  base: string,
  blog: Blog,
  key: string,
  n: number,
  tag: number,
): Promise<number[]> {
  const url = blog.article(key);
  const ids: number[] = [];
  for (let i = 1; i <= n; i++) {
    const reply = await post(base, key, {
      body: `Message ${i} of ${key}: an ordinary reader's comment.`,
      author: `Reader ${i}`,
      as: `10.${tag}.0.${i}`,
      ...(i === 1 ? { title: `Thread ${key}`, url } : {}),
    });
    const id = messageId(reply);
    if (reply.status !== 201 || id === undefined) {
      throw new Error(`seeding ${key}: post ${i} got ${reply.status} ${reply.text.slice(0, 200)}`);
    }
    ids.push(id);
  }
  return ids;
}

function report(base: string, id: number, as: string): Promise<RawReply> {
  return call('POST', `${base}/api/messages/${id}/report`, {
    json: { reason: 'spam' },
    headers: from(as),
  });
}

// ---------------------------------------------------------------- probes: reports

async function reportsFromOneNetwork(
  base: string,
  blog: Blog,
  key: string,
  tag: number,
  reporters: string[],
  label: string,
): Promise<void> {
  await probe(
    'reports',
    `three addresses of one ${label} report 40 messages`,
    `40 messages, then ${reporters.join(', ')} each report all 40 (120 reports)`,
    async () => {
      const ids = await seedThread(base, blog, key, 40, tag);
      const statuses: number[] = [];
      const start = performance.now();
      for (const id of ids) {
        for (const r of reporters) statuses.push((await report(base, id, r)).status);
      }
      const seconds = (performance.now() - start) / 1000;
      const view = await readerView(base, key);
      const hidden = 40 - view.count;
      return {
        did: `reports answered ${tally(statuses)}; ${hidden} of 40 messages hidden from readers`,
        held: view.status === 200 && hidden === 0,
        figures: [
          fig('messages hidden', hidden),
          fig('reports accepted', statuses.filter((s) => s === 202).length),
          fig('time', round(seconds, 2), 's'),
        ],
      };
    },
  );
}

async function reportProbes(base: string, blog: Blog): Promise<void> {
  await reportsFromOneNetwork(
    base,
    blog,
    '/p/reports-v4',
    11,
    ['198.51.100.1', '198.51.100.2', '198.51.100.3'],
    'IPv4 /24',
  );
  await reportsFromOneNetwork(
    base,
    blog,
    '/p/reports-v6',
    12,
    ['2001:db8:64:1::1', '2001:db8:64:1::2', '2001:db8:64:1::3'],
    'IPv6 /64',
  );

  await probe(
    'reports',
    'one client reports the same message again',
    'client A (198.51.101.7) reports a message twice, client B (198.51.102.7) once; threshold 3',
    async () => {
      const key = '/p/report-twice';
      const [id] = await seedThread(base, blog, key, 1, 13);
      const statuses = [
        (await report(base, id!, '198.51.101.7')).status,
        (await report(base, id!, '198.51.101.7')).status,
        (await report(base, id!, '198.51.102.7')).status,
      ];
      const view = await readerView(base, key);
      const admin = await call('GET', `${base}/api/admin/messages?thread=${enc(key)}`, {
        headers: ADMIN,
      });
      const row = (
        admin.json as { messages?: { id: number; reportCount?: number }[] } | undefined
      )?.messages?.find((m) => m.id === id);
      const counted = row?.reportCount ?? null;
      return {
        did: `reports answered ${tally(statuses)}; the admin API counts ${counted ?? 'n/a'} report(s); message ${view.count === 1 ? 'still shown' : 'hidden'} (that a report counts once across a UTC midnight salt rotation needs the unit test: the server clock cannot be moved over HTTP)`,
        held: view.count === 1 && counted === 2,
        figures: [fig('reports counted', counted)],
      };
    },
  );

  await probe(
    'reports',
    'one client sends 30 reports',
    '198.51.103.9 reports 30 different messages, one after another',
    async () => {
      const ids = await seedThread(base, blog, '/p/report-flood', 30, 14);
      const replies: RawReply[] = [];
      for (const id of ids) replies.push(await report(base, id, '198.51.103.9'));
      const accepted = replies.filter((r) => r.status === 202).length;
      const refused = replies.filter((r) => r.status === 429);
      const retryAfter = refused[0]?.headers['retry-after'];
      return {
        did: `answered ${tally(replies.map((r) => r.status))}${retryAfter ? `, Retry-After ${retryAfter} s` : ''}`,
        held:
          accepted <= 10 &&
          accepted + refused.length === 30 &&
          refused.length > 0 &&
          refused.every((r) => r.headers['retry-after'] !== undefined),
        figures: [fig('reports accepted', accepted), fig('refused with 429', refused.length)],
      };
    },
  );

  await probe(
    'reports',
    "readers report the owner's message",
    'the owner posts (admin token); 198.51.104.1, 198.51.105.1, 198.51.106.1 (three networks) report it',
    async () => {
      const key = '/p/owner-reported';
      const created = await post(base, key, {
        body: 'A word from the site owner.',
        author: 'Owner',
        title: 'Owner thread',
        url: blog.article(key),
        headers: ADMIN,
      });
      const id = messageId(created);
      if (created.status !== 201 || id === undefined) {
        return { did: `the owner's post got ${created.status}`, held: false };
      }
      const statuses: number[] = [];
      for (const r of ['198.51.104.1', '198.51.105.1', '198.51.106.1']) {
        statuses.push((await report(base, id, r)).status);
      }
      const view = await readerView(base, key);
      const shown = view.ids.includes(id);
      return {
        did: `reports answered ${tally(statuses)}; the owner's message is ${shown ? 'still shown' : 'hidden'}`,
        held: shown,
        figures: [fig("owner's messages hidden", shown ? 0 : 1)],
      };
    },
  );
}

// ---------------------------------------------------------------- probes: clients are networks

async function networkProbes(base: string, blog: Blog): Promise<void> {
  await probe(
    'networks',
    '20 addresses of one IPv6 /64 post',
    '20 posts, one from each of 2001:db8:aaaa:1::1 .. ::20 (PARLEY_RATE_LIMIT 10 a minute)',
    async () => {
      const key = '/p/ratelimit-v6';
      const url = blog.article(key);
      const replies: RawReply[] = [];
      for (let i = 1; i <= 20; i++) {
        replies.push(
          await post(base, key, {
            body: `Post number ${i} from a neighbour.`,
            as: `2001:db8:aaaa:1::${i.toString(16)}`,
            ...(i === 1 ? { title: 'Rate limit', url } : {}),
          }),
        );
      }
      const accepted = replies.filter((r) => r.status === 201).length;
      const limited = replies.filter((r) => r.status === 429).length;
      return {
        did: `answered ${tally(replies.map((r) => r.status))}`,
        held: accepted <= 10 && limited === 20 - accepted,
        figures: [fig('posts accepted', accepted), fig('refused with 429', limited)],
      };
    },
  );

  await probe(
    'networks',
    'admin sign-in failures from one IPv6 /64',
    '12 wrong admin tokens, one from each of 2001:db8:bbbb:1::1 .. ::c',
    async () => {
      const replies: RawReply[] = [];
      for (let i = 1; i <= 12; i++) {
        replies.push(
          await call('GET', `${base}/api/admin/messages`, {
            headers: {
              authorization: `Bearer wrong-guess-${i}-0000000000000000`,
              ...from(`2001:db8:bbbb:1::${i.toString(16)}`),
            },
          }),
        );
      }
      const firstLock = replies.findIndex((r) => r.status === 429);
      const retryAfter = Number(replies[firstLock]?.headers['retry-after'] ?? Number.NaN);
      const guesses = firstLock === -1 ? 12 : firstLock;
      return {
        did: `answered ${tally(replies.map((r) => r.status))}${firstLock === -1 ? '; never locked' : `; locked after ${guesses} failures for ${round(retryAfter / 60)} min`}`,
        // Locked as one client, and for minutes, not hours.
        held: firstLock !== -1 && guesses <= 10 && retryAfter > 0 && retryAfter <= 30 * 60,
        figures: [
          fig('wrong guesses answered before the lockout', guesses),
          fig('lockout', Number.isNaN(retryAfter) ? null : round(retryAfter / 60), 'min'),
        ],
      };
    },
  );

  for (const weak of ['aaaaaaaaaaaaaaaa', 'passwordpassword']) {
    await probe(
      'networks',
      `weak admin token "${weak}"`,
      `parley-server started with PARLEY_ADMIN_TOKEN=${weak}`,
      async () => {
        try {
          await withServer('attack-weak', { PARLEY_ADMIN_TOKEN: weak }, async () => {});
          return { did: 'started and answered /healthz 200', held: false };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const said = message.split('\n').find((l) => /ADMIN_TOKEN|admin token/i.test(l));
          return {
            did: said ? `refused to start: ${said.trim().slice(0, 160)}` : message.slice(0, 160),
            // A refused setting exits with status 2, naming the setting.
            held: /exited \(2\)/.test(message) && said !== undefined,
          };
        }
      },
    );
  }
}

// ---------------------------------------------------------------- probes: live streams

async function openStreams(
  base: string,
  key: string,
  count: number,
  clientFor: (i: number) => string,
): Promise<{ statuses: number[]; retryAfter: (string | undefined)[]; close(): void }> {
  const held: { close(): void }[] = [];
  const statuses: number[] = [];
  const retryAfter: (string | undefined)[] = [];
  for (let i = 0; i < count; i++) {
    const stream = await holdStream(`${base}/api/threads/${enc(key)}/events`, from(clientFor(i)));
    statuses.push(stream.status);
    const ra = stream.headers['retry-after'];
    retryAfter.push(Array.isArray(ra) ? ra[0] : ra);
    if (stream.status === 200) held.push(stream);
    else stream.close();
  }
  return {
    statuses,
    retryAfter,
    close: () => {
      for (const s of held) s.close();
    },
  };
}

async function streamProbes(base: string): Promise<void> {
  await probe(
    'streams',
    'one client opens 40 streams',
    '40 event streams from 192.0.2.77, held open together',
    async () => {
      const run = await openStreams(base, '/p/streams', 40, () => '192.0.2.77');
      run.close();
      const accepted = run.statuses.filter((s) => s === 200).length;
      const refusals = run.statuses
        .map((s, i) => ({ s, ra: run.retryAfter[i] }))
        .filter((r) => r.s !== 200);
      return {
        did: `answered ${tally(run.statuses)}${refusals[0]?.ra ? `, Retry-After ${refusals[0].ra} s` : ''}`,
        held:
          accepted >= 1 &&
          accepted <= 16 &&
          refusals.every((r) => r.s === 429 && r.ra !== undefined),
        figures: [fig('streams accepted', accepted)],
      };
    },
  );
}

/**
 * A client asking for a long thread's whole history (`lastEventId=0`) again
 * and again: each open may replay at most 256 KiB (`REPLAY_BYTES`, and the
 * round that crosses it) before the server sends `reload`, however long the
 * history.
 */
async function replayProbe(base: string, blog: Blog): Promise<void> {
  const key = '/p/replay';
  const messages = 10;
  // Characters HTML and JSON both escape: ~47 KB of event per message.
  const long = (i: number) => `${i} ${'<&>"'.repeat(2_490)}`;
  const url = blog.article(key);
  // Each message edited 3 times: every edit's event carries the whole
  // message again, so the history (~1.5 MB) is far longer than one replay.
  const edits = 3;
  for (let i = 1; i <= messages; i++) {
    const as = `10.77.0.${i}`;
    const reply = await post(base, key, {
      body: long(i),
      as,
      ...(i === 1 ? { title: 'Replay', url } : {}),
    });
    const token = (reply.json as { editToken?: string } | undefined)?.editToken;
    if (reply.status !== 201 || !token)
      throw new Error(`seeding ${key}: ${reply.status} ${reply.text}`);
    for (let e = 1; e <= edits; e++) {
      const edit = await call('PATCH', `${base}/api/messages/${messageId(reply)}`, {
        json: { body: `${long(i)} (edit ${e})` },
        headers: { ...from(as), authorization: `Bearer ${token}` },
      });
      if (edit.status !== 200) throw new Error(`editing ${key}: ${edit.status} ${edit.text}`);
    }
  }
  // At most one open's replay: REPLAY_BYTES, the 128 KiB round that crosses
  // it and the reload (packages/server/src/events/stream.ts).
  const bound = (256 + 128 + 1) * 1024;
  const opens = 20;
  await probe(
    'streams',
    'a long history asked for again and again',
    `${opens} event streams from ${key}'s first event (lastEventId=0; ${messages} messages of ~47 KB, each edited ${edits} times), one after another from 192.0.2.78`,
    async () => {
      const replays = [];
      for (let i = 0; i < opens; i++)
        replays.push(
          await replayOf(
            `${base}/api/threads/${enc(key)}/events?lastEventId=0`,
            from('192.0.2.78'),
          ),
        );
      const most = Math.max(...replays.map((r) => r.bytes));
      const reloaded = replays.filter((r) => r.reloaded).length;
      return {
        did: `answered ${tally(replays.map((r) => r.status))}; ${reloaded} of ${opens} ended in reload, at most ${round(most / 1024, 0)} KiB each`,
        held: reloaded === opens && most <= bound,
        figures: [
          fig('most bytes one open was sent', round(most / 1024, 1), 'KiB'),
          fig('opens that ended in reload', reloaded),
        ],
      };
    },
  );
  const clients = 4;
  const streams = 16;
  const seconds = 10;
  await probe(
    'streams',
    'a long history asked for by 64 streams, reopening as fast as answered',
    `${clients} clients × ${streams} streams reopen ${key} from event 0 for ${seconds} s, while one reader GETs the thread every 100 ms`,
    async () => {
      let stop = false;
      let opens = 0;
      let bytes = 0;
      const statuses: number[] = [];
      const flood = async (address: string) => {
        while (!stop) {
          const r = await replayOf(
            `${base}/api/threads/${enc(key)}/events?lastEventId=0`,
            from(address),
          );
          opens++;
          bytes += r.bytes;
          statuses.push(r.status);
        }
      };
      const reads: number[] = [];
      const reader = async () => {
        while (!stop) {
          const r = await call('GET', `${base}/api/threads/${enc(key)}?limit=20`, {
            headers: from('192.0.2.90'),
          });
          if (r.status === 200) reads.push(r.ms);
          await sleep(100);
        }
      };
      const running = [reader()];
      for (let c = 0; c < clients; c++)
        for (let i = 0; i < streams; i++) running.push(flood(`192.0.2.${100 + c}`));
      await sleep(seconds * 1000);
      stop = true;
      await Promise.all(running);
      const p99 = percentile(reads, 99);
      return {
        did: `answered ${tally(statuses)}, ${round(bytes / opens / 1024, 0)} KiB an open; the reader's GETs p50 ${round(median(reads), 1)} ms, p99 ${round(p99, 1)} ms`,
        // Reads stay quick. Before the replay bound (38e9009), every open
        // took the whole 1.5 MB history and the reader's p99 was 341 ms here.
        // The budget is loose because the reader shares its process and the
        // 2 cores with the 64 streams (p99 29–131 ms over four runs since).
        held: bytes / opens <= bound && p99 < 250,
        figures: [
          fig('opens', opens),
          fig('bytes an open', round(bytes / opens / 1024, 1), 'KiB'),
          fig('reader GET p50', round(median(reads), 1), 'ms'),
          fig('reader GET p99', round(p99, 1), 'ms'),
        ],
      };
    },
  );
}

async function globalStreamCap(blog: Blog): Promise<void> {
  const cap = 20;
  await probe(
    'streams',
    `streams from many clients, PARLEY_MAX_STREAMS=${cap}`,
    `${cap + 5} event streams, each from its own address (10.200.0.1 ..)`,
    () =>
      withServer(
        'attack-streams',
        onBlog(blog, { PARLEY_MAX_STREAMS: String(cap) }),
        async (base) => {
          const run = await openStreams(base, '/p/cap', cap + 5, (i) => `10.200.0.${i + 1}`);
          run.close();
          const accepted = run.statuses.filter((s) => s === 200).length;
          const refused = run.statuses.filter((s) => s !== 200);
          return {
            did: `answered ${tally(run.statuses)}`,
            held: accepted >= 1 && accepted <= cap && refused.every((s) => s === 503),
            figures: [fig('streams accepted', accepted)],
          };
        },
      ),
  );
}

/** Starts the two slow-request probes; they run alongside the others and are awaited at the end. */
function slowProbes(base: string): Promise<void> {
  const bound = 40;
  const judge = (r: Awaited<ReturnType<typeof trickle>>) => ({
    did:
      r.closedAfterS === null
        ? `still open after ${bound} s (client gave up)`
        : `closed the connection after ${round(r.closedAfterS)} s${r.answer ? ` (${r.answer})` : ''}`,
    held: r.closedAfterS !== null && r.closedAfterS <= 15,
    figures: [
      fig('held open', r.closedAfterS === null ? null : round(r.closedAfterS), 's'),
      fig('bytes sent', r.bytesSent, 'B'),
    ],
  });
  const headers = trickle(base, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X-Slow: 1\r\n', {
    intervalMs: 1_000,
    boundS: bound,
  });
  const body = trickle(
    base,
    `POST /api/threads/${enc('/p/slow')}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"author":"Slow","body":"`,
    'x',
    { intervalMs: 1_000, boundS: bound },
  );
  return (async () => {
    await probe(
      'streams',
      'slow headers',
      `a raw socket sending one header byte a second (≤ ${bound} s)`,
      async () => judge(await headers),
    );
    await probe(
      'streams',
      'slow body',
      `a POST declaring 4,000 bytes, then one byte a second (≤ ${bound} s)`,
      async () => judge(await body),
    );
  })();
}

// ---------------------------------------------------------------- probes: titles and thread URLs

async function moderationTitleProbe(blog: Blog): Promise<void> {
  const title = 'CASINO – this blog is for sale';
  await probe(
    'titles',
    'first post of a thread under PARLEY_MODERATION=all',
    `a new thread titled "${title}"; then the admin approves it`,
    () =>
      withServer(
        'attack-moderation',
        onBlog(blog, { PARLEY_MODERATION: 'all', PARLEY_ADMIN_TOKEN: ADMIN_TOKEN }),
        async (base) => {
          const key = '/p/for-sale';
          const stream = await holdStream(
            `${base}/api/threads/${enc(key)}/events`,
            from('192.0.2.90'),
          );
          const created = await post(base, key, {
            body: 'Great deals!',
            title,
            url: blog.article(key),
            as: '192.0.2.91',
          });
          const thread = await call('GET', `${base}/api/threads/${enc(key)}`);
          const list = await call('GET', `${base}/api/threads?sort=recent`);
          const page = await call('GET', `${base}/threads/${enc(key)}`);
          await sleep(500);
          stream.close();
          const leaks = [
            thread.status !== 404 ? `GET thread ${thread.status}` : '',
            list.text.includes('CASINO') ? 'listed in /api/threads' : '',
            page.text.includes('CASINO') ? `HTML page ${page.status}` : '',
            stream.received().includes('CASINO') ? 'sent on the live stream' : '',
          ].filter(Boolean);
          const id = messageId(created);
          const approve =
            id === undefined
              ? undefined
              : await call('PATCH', `${base}/api/admin/messages/${id}`, {
                  json: { status: 'published' },
                  headers: ADMIN,
                });
          const after = await call('GET', `${base}/api/threads/${enc(key)}`);
          const status = (created.json as { status?: string } | undefined)?.status;
          return {
            did: `post ${created.status} ${status ?? ''}; before approval: ${leaks.length === 0 ? 'thread 404, not listed, not streamed' : `title public (${leaks.join(', ')})`}; approval ${approve?.status ?? 'n/a'}, then thread ${after.status}`,
            held: created.status === 201 && leaks.length === 0 && after.status === 200,
            figures: [fig('places the pending title showed', leaks.length)],
          };
        },
      ),
  );
}

async function titleAndUrlProbes(base: string, blog: Blog): Promise<void> {
  await probe(
    'titles',
    'held word in a title',
    'PARLEY_HELD_WORDS=casino; a new thread titled "Casino night" with a plain body',
    async () => {
      const key = '/p/held-title';
      const reply = await post(base, key, {
        body: 'Nothing to see in the body.',
        title: 'Casino night',
        url: blog.article(key),
        as: '192.0.2.92',
      });
      const status = (reply.json as { status?: string } | undefined)?.status;
      return {
        did: `answered ${reply.status} ${status ?? errorCode(reply) ?? ''}`,
        held: reply.status === 201 && status === 'pending',
        figures: [],
      };
    },
  );
}

/** Probes on a server with URL checks on: it fetches the loopback blog. */
async function threadUrlProbes(blog: Blog): Promise<void> {
  await withServer(
    'attack-thread-urls',
    onBlog(blog, { PARLEY_VERIFY_URLS: 'on' }),
    async (base) => {
      await probe(
        'thread URLs',
        'threads for invented URLs on the allowed origin',
        '5 first posts whose thread.url is a page the blog does not have (404), and 1 for a real article',
        async () => {
          const before = blog.fetches();
          const invented: RawReply[] = [];
          for (let i = 1; i <= 5; i++) {
            const key = `/p/invented-${i}`;
            invented.push(
              await post(base, key, {
                body: `First! (${i})`,
                title: `Invented ${i}`,
                url: `${blog.origin}${key}`,
                as: '192.0.2.150',
              }),
            );
          }
          const realKey = '/p/real-article';
          const real = await post(base, realKey, {
            body: 'A real comment.',
            title: 'Real article',
            url: blog.article(realKey),
            as: '192.0.2.152',
          });
          const refused = invented.filter(
            (r) => r.status === 400 && issuePaths(r).includes('thread.url'),
          ).length;
          return {
            did: `invented URLs answered ${tally(invented.map((r) => r.status))}; the real article ${real.status}; the blog was fetched ${blog.fetches() - before} time(s)`,
            held: refused === 5 && real.status === 201,
            figures: [fig('threads created for invented URLs', 5 - refused)],
          };
        },
      );

      await probe(
        'thread URLs',
        'Host: evil.example',
        'a first post with Host: evil.example, Origin: http://evil.example, thread.url http://evil.example/phish',
        async () => {
          const key = '/p/evil-host';
          const reply = await post(base, key, {
            body: 'Click here.',
            title: 'Log in again',
            url: 'http://evil.example/phish',
            as: '192.0.2.151',
            headers: { host: 'evil.example', origin: 'http://evil.example' },
          });
          const view = await readerView(base, key);
          return {
            did: `answered ${said(reply)}; thread ${view.status === 404 ? 'not created' : `exists (${view.status})`}`,
            held: (reply.status === 400 || reply.status === 403) && view.status === 404,
            figures: [],
          };
        },
      );
    },
  );
}

// ---------------------------------------------------------------- probes: CPU and the asset cache

/** Markdown that is slow to render (some 30 ms on today's main), 9.8 KB. */
const COSTLY_BODY = '*a* _b_ `c` '.repeat(900).slice(0, 9_800);

async function cpuProbe(base: string, blog: Blog): Promise<void> {
  const edits = 1_500;
  const boundS = 20;
  await probe(
    'CPU',
    'edits with a wrong token while a reader reads',
    `${edits.toLocaleString('en-US')} PATCHes of a 9.8 KB costly markdown body with a wrong token, 8 at a time (≤ ${boundS} s), while one reader GETs the thread; before them as many with a one-line body`,
    async () => {
      const key = '/p/cpu';
      const created = await post(base, key, {
        body: 'Edit me if you can.',
        title: 'CPU',
        url: blog.article(key),
        as: '192.0.2.170',
      });
      const id = messageId(created);
      if (id === undefined) return { did: `the post got ${created.status}`, held: false };
      const readUrl = `${base}/api/threads/${enc(key)}`;
      const pid = createdPid(base);
      const baseline: number[] = [];
      for (let i = 0; i < 200; i++) baseline.push((await call('GET', readUrl)).ms);

      /** `edits` refused edits with `body`, 8 at a time, while the reader reads. */
      const flood = async (body: string) => {
        let sent = 0;
        let stop = false;
        const statuses: number[] = [];
        const deadline = Date.now() + boundS * 1000;
        const cpuBefore = cpuMs(pid);
        const start = performance.now();
        const attacker = async () => {
          while (sent < edits && Date.now() < deadline) {
            sent++;
            const r = await call('PATCH', `${base}/api/messages/${id}`, {
              json: { body },
              headers: { authorization: 'Bearer not-the-edit-token', ...from('192.0.2.171') },
            });
            statuses.push(r.status);
          }
        };
        const during: number[] = [];
        const reader = async () => {
          while (!stop) {
            during.push((await call('GET', readUrl)).ms);
            await sleep(10);
          }
        };
        const readerDone = reader();
        await Promise.all(Array.from({ length: 8 }, attacker));
        stop = true;
        await readerDone;
        return {
          sent,
          statuses,
          seconds: round((performance.now() - start) / 1000),
          cpuPerEdit: round((cpuMs(pid) - cpuBefore) / Math.max(1, sent), 2),
          d50: round(median(during), 1),
          d99: round(percentile(during, 99), 1),
        };
      };
      // The same flood with a one-line body first: readers always queue
      // behind a flood on one event loop; what must not happen is that a
      // refused costly body costs more than a refused cheap one.
      const cheap = await flood('A short edit.');
      const costly = await flood(COSTLY_BODY);
      const b50 = round(median(baseline), 1);
      const b99 = round(percentile(baseline, 99), 1);
      return {
        did: `costly edits answered ${tally(costly.statuses)} in ${costly.seconds} s, ${costly.cpuPerEdit} ms of server CPU each (one-line edits: ${cheap.cpuPerEdit} ms); reader median ${b50} ms alone, ${cheap.d50} ms during one-line edits, ${costly.d50} ms during costly ones (p99 ${b99}, ${cheap.d99}, ${costly.d99} ms)`,
        held:
          costly.sent === edits &&
          costly.cpuPerEdit <= 2 * cheap.cpuPerEdit + 1 &&
          costly.d50 <= 2 * cheap.d50 + 5,
        figures: [
          fig('costly edits sent', costly.sent),
          fig('server CPU per costly edit', costly.cpuPerEdit, 'ms'),
          fig('server CPU per one-line edit', cheap.cpuPerEdit, 'ms'),
          fig('reader median alone', b50, 'ms'),
          fig('reader p99 alone', b99, 'ms'),
          fig('reader median, one-line edits', cheap.d50, 'ms'),
          fig('reader p99, one-line edits', cheap.d99, 'ms'),
          fig('reader median, costly edits', costly.d50, 'ms'),
          fig('reader p99, costly edits', costly.d99, 'ms'),
        ],
      };
    },
  );
}

/** The smallest lazy chunk of the built widget, or undefined when it is not built. */
function widgetChunk(): string | undefined {
  const dir = join(WIDGET_DIST, 'widget');
  if (!existsSync(dir)) return undefined;
  const chunks = readdirSync(dir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ f, size: statSync(join(dir, f)).size }))
    .sort((a, b) => a.size - b.size);
  return chunks[0]?.f;
}

async function assetProbe(base: string): Promise<void> {
  // A server of its own, so its memory reflects these requests and nothing before them.
  const total = 2_000;
  const boundS = 20;
  await probe(
    'assets',
    '/widget + N slashes + a real chunk name',
    `${total.toLocaleString('en-US')} GETs of /widget${'/'.repeat(2)}…/<chunk>, N = 2 .. ${total + 1}, 4 at a time (≤ ${boundS} s), after twice as many to an unserved path of the same lengths`,
    async () => {
      const chunk = widgetChunk();
      if (!chunk) {
        return {
          did: 'could not run: the widget is not built (npx pnpm@12.4.2 -r build)',
          held: false,
        };
      }
      const canonical = await call('GET', `${base}/widget/${chunk}`, {
        headers: { 'accept-encoding': 'br' },
      });
      const pid = createdPid(base);
      /** `total` GETs of `pathFor(n)`, 4 at a time, and what they cost the server. */
      const burst = async (pathFor: (n: number) => string) => {
        await sleep(500);
        const rssBefore = readRss(pid);
        const cpuBefore = cpuMs(pid);
        const statuses: number[] = [];
        let next = 0;
        const deadline = Date.now() + boundS * 1000;
        const worker = async () => {
          while (next < total && Date.now() < deadline) {
            const r = await call('GET', `${base}${pathFor(2 + next++)}`, {
              headers: { 'accept-encoding': 'br' },
            });
            statuses.push(r.status);
          }
        };
        await Promise.all(Array.from({ length: 4 }, worker));
        await sleep(500);
        return {
          statuses,
          growth: round((readRss(pid) - rssBefore) / 2 ** 20),
          cpu: cpuMs(pid) - cpuBefore,
        };
      };
      // Twice the same number of equally long requests to a path no route
      // serves first: a fresh process grows its heap under any new load, and
      // that growth must not be read as a cache.
      await burst((n) => `/warm-up${'/'.repeat(n)}${chunk}`);
      const control = await burst((n) => `/nope${'/'.repeat(n)}${chunk}`);
      const attack = await burst((n) => `/widget${'/'.repeat(n)}${chunk}`);
      const { statuses, growth, cpu } = attack;
      const notFound = statuses.filter((s) => s === 404).length;
      return {
        did: `canonical chunk ${canonical.status}; the variants answered ${tally(statuses)}; server RSS ${growth >= 0 ? '+' : ''}${growth} MiB, CPU ${cpu} ms (after ${total.toLocaleString('en-US')} requests to an unserved path: RSS ${control.growth >= 0 ? '+' : ''}${control.growth} MiB, CPU ${control.cpu} ms)`,
        held:
          canonical.status === 200 &&
          statuses.length === total &&
          notFound === total &&
          growth <= 8 &&
          cpu <= Math.max(5_000, 3 * control.cpu),
        figures: [
          fig('requests sent', statuses.length),
          fig('served (not 404)', statuses.length - notFound),
          fig('server RSS growth', growth, 'MiB'),
          fig('server CPU', cpu, 'ms'),
          fig('server RSS growth, unserved path', control.growth, 'MiB'),
          fig('server CPU, unserved path', control.cpu, 'ms'),
        ],
      };
    },
  );
}

// ---------------------------------------------------------------- probes: spam

async function spamProbes(base: string, blog: Blog): Promise<void> {
  await probe(
    'spam',
    'ten identical posts with 300 links',
    '10 posts of the same body with 300 links each from 192.0.2.200',
    async () => {
      const key = '/p/links';
      const body = Array.from({ length: 300 }, (_, i) => `[deal](http://spam.example/${i})`).join(
        ' ',
      );
      const replies: RawReply[] = [];
      for (let i = 0; i < 10; i++) {
        replies.push(
          await post(base, key, {
            body,
            as: '192.0.2.200',
            ...(i === 0 ? { title: 'Links', url: blog.article(key) } : {}),
          }),
        );
      }
      const first = (replies[0]?.json as { status?: string } | undefined)?.status;
      const duplicates = replies
        .slice(1)
        .filter((r) => errorCode(r) === 'duplicate_message').length;
      const view = await readerView(base, key);
      return {
        did: `first ${replies[0]?.status} ${first ?? errorCode(replies[0]!) ?? ''}; the rest ${tally(replies.slice(1).map((r) => r.status))}; ${view.ids.length} shown to readers`,
        held:
          replies[0]?.status === 201 &&
          first === 'pending' &&
          duplicates === 9 &&
          replies.slice(1).every((r) => r.status === 409) &&
          view.ids.length === 0,
        figures: [
          fig('posts shown to readers', view.ids.length),
          fig('refused as duplicates', duplicates),
        ],
      };
    },
  );

  await probe(
    'spam',
    'honeypot field filled',
    'a post with website: "http://spam.example" from 192.0.2.201 to a thread with one message',
    async () => {
      const key = '/p/honeypot';
      await seedThread(base, blog, key, 1, 15);
      const reply = await post(base, key, {
        body: 'Buy now.',
        as: '192.0.2.201',
        extra: { website: 'http://spam.example' },
      });
      const id = messageId(reply);
      const view = await readerView(base, key);
      const shown = id !== undefined && view.ids.includes(id);
      return {
        did: `answered ${reply.status} ${(reply.json as { status?: string } | undefined)?.status ?? errorCode(reply) ?? ''}; ${shown ? 'shown to readers' : 'not shown'}; thread count ${view.count}`,
        held: reply.status === 201 && id !== undefined && !shown && view.count === 1,
        figures: [fig('honeypot posts shown', shown ? 1 : 0)],
      };
    },
  );
}

/**
 * A module of altcha-lib as the server has it (a dependency of @parley/server
 * once proof of work lands), by its package `exports` (patterns included), or
 * undefined when it is not installed.
 */
async function loadAltcha(subpath: string): Promise<Record<string, unknown> | undefined> {
  const dir = join(ROOT, 'packages/server/node_modules/altcha-lib');
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      exports?: Record<string, unknown>;
      main?: string;
    };
    let entry: unknown = pkg.exports?.[subpath];
    let star = '';
    if (entry === undefined) {
      for (const [pattern, target] of Object.entries(pkg.exports ?? {})) {
        const [prefix = '', suffix] = pattern.split('*');
        if (suffix !== undefined && subpath.startsWith(prefix) && subpath.endsWith(suffix)) {
          star = subpath.slice(prefix.length, subpath.length - suffix.length);
          entry = target;
        }
      }
    }
    while (entry && typeof entry === 'object') {
      const e = entry as Record<string, unknown>;
      entry = e.import ?? e.node ?? e.default;
    }
    if (typeof entry !== 'string' && subpath === '.') entry = pkg.main;
    if (typeof entry !== 'string') return undefined;
    const file = join(dir, entry.replace('*', star));
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** altcha-lib's key derivation module for a v2 challenge's algorithm (`PBKDF2/SHA-256` -> pbkdf2). */
function algorithmModule(algorithm: string): string {
  const name = algorithm.toUpperCase();
  if (name.startsWith('PBKDF2')) return './algorithms/pbkdf2';
  if (name.startsWith('SCRYPT')) return './algorithms/scrypt';
  if (name.startsWith('ARGON2')) return './algorithms/argon2id';
  return './algorithms/sha';
}

/** Solves an ALTCHA challenge with altcha-lib and encodes the payload as ALTCHA's widget does. */
async function solve(challenge: Record<string, unknown>): Promise<string> {
  if ('parameters' in challenge) {
    const lib = await loadAltcha('.');
    const solveChallenge = lib?.solveChallenge as
      | ((o: { challenge: unknown; deriveKey: unknown }) => Promise<unknown>)
      | undefined;
    const algorithm = String(
      (challenge.parameters as { algorithm?: unknown } | undefined)?.algorithm ?? '',
    );
    const deriveKey = (await loadAltcha(algorithmModule(algorithm)))?.deriveKey;
    if (!solveChallenge || !deriveKey) {
      throw new Error('altcha-lib is not installed beside the server');
    }
    const solution = await Promise.race([
      solveChallenge({ challenge, deriveKey }),
      sleep(20_000).then(() => null),
    ]);
    if (!solution) throw new Error('no solution within 20 s');
    return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  }
  const lib = await loadAltcha('./v1');
  const solveChallenge = lib?.solveChallenge as
    | ((
        c: string,
        s: string,
        a?: string,
        max?: number,
      ) => { promise: Promise<{ number: number } | null> })
    | undefined;
  if (!solveChallenge) throw new Error('altcha-lib/v1 is not installed beside the server');
  const c = challenge as {
    algorithm: string;
    challenge: string;
    salt: string;
    signature: string;
    maxnumber?: number;
    maxNumber?: number;
  };
  const solution = await solveChallenge(
    c.challenge,
    c.salt,
    c.algorithm,
    c.maxnumber ?? c.maxNumber,
  ).promise;
  if (!solution) throw new Error('no solution found');
  return Buffer.from(
    JSON.stringify({
      algorithm: c.algorithm,
      challenge: c.challenge,
      number: solution.number,
      salt: c.salt,
      signature: c.signature,
    }),
  ).toString('base64');
}

async function proofOfWorkProbe(blog: Blog): Promise<void> {
  await probe(
    'spam',
    'proof of work: none, forged, replayed',
    'PARLEY_PROOF_OF_WORK=on: GET /api/challenge; a post without altcha, one with a forged payload, one solved challenge used twice',
    () =>
      withServer('attack-pow', onBlog(blog, { PARLEY_PROOF_OF_WORK: 'on' }), async (base) => {
        const key = '/p/pow';
        const url = blog.article(key);
        const challenge = await call('GET', `${base}/api/challenge`);
        const none = await post(base, key, {
          body: 'No work done.',
          title: 'PoW',
          url,
          as: '192.0.2.210',
        });
        const forgedPayload = Buffer.from(
          JSON.stringify({
            algorithm: 'SHA-256',
            challenge: '0'.repeat(64),
            number: 1,
            salt: 'x',
            signature: '0'.repeat(64),
          }),
        ).toString('base64');
        const forged = await post(base, key, {
          body: 'Forged work.',
          title: 'PoW',
          url,
          as: '192.0.2.211',
          extra: { altcha: forgedPayload },
        });
        let replayText = 'replay not tried (no challenge)';
        let replayHeld = false;
        if (challenge.status === 200 && challenge.json && typeof challenge.json === 'object') {
          try {
            const payload = await solve(challenge.json as Record<string, unknown>);
            const once = await post(base, key, {
              body: 'Honest work.',
              title: 'PoW',
              url,
              as: '192.0.2.212',
              extra: { altcha: payload },
            });
            const twice = await post(base, key, {
              body: 'Same work again.',
              as: '192.0.2.213',
              extra: { altcha: payload },
            });
            replayText = `solved ${once.status}, replayed ${said(twice)}`;
            replayHeld =
              once.status === 201 &&
              twice.status === 400 &&
              errorCode(twice) === 'challenge_required';
          } catch (error) {
            replayText = `replay not tried: ${error instanceof Error ? error.message : String(error)}`;
          }
        }
        const required = (r: RawReply) => r.status === 400 && errorCode(r) === 'challenge_required';
        return {
          did: `challenge ${challenge.status}; no solution ${said(none)}; forged ${said(forged)}; ${replayText}`,
          held: challenge.status === 200 && required(none) && required(forged) && replayHeld,
          figures: [
            fig('challenge bytes', challenge.status === 200 ? challenge.text.length : null, 'B'),
          ],
        };
      }),
  );
}

// ---------------------------------------------------------------- probes: privacy

async function privacyProbe(base: string, blog: Blog, dbPath: string): Promise<void> {
  await probe(
    'privacy',
    'recover an address from a copy of the database',
    'a post from 203.0.113.7; then the SQLite file alone, brute-forcing 203.0.113.0/24 against its hashes and salts',
    async () => {
      const key = '/p/privacy';
      const reply = await post(base, key, {
        body: 'Who am I?',
        title: 'Privacy',
        url: blog.article(key),
        as: '203.0.113.7',
      });
      if (reply.status !== 201) return { did: `the post got ${reply.status}`, held: false };
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      const hashes = new Set<string>();
      const salts = new Set<string>();
      try {
        const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
          name: string;
        }[];
        for (const { name } of tables) {
          const columns = db.prepare(`pragma table_info("${name}")`).all() as { name: string }[];
          for (const column of columns) {
            const isHash = /hash/i.test(column.name) && !/token/i.test(column.name);
            const isSalt = /salt|key|secret/i.test(column.name) || /salt|secret/i.test(name);
            if (!isHash && !isSalt) continue;
            const rows = db
              .prepare(`select "${column.name}" as v from "${name}" limit 10000`)
              .all() as { v: unknown }[];
            for (const { v } of rows) {
              if (typeof v !== 'string' || v === '') continue;
              if (isHash) hashes.add(v);
              if (isSalt) salts.add(v);
            }
          }
        }
      } finally {
        db.close();
      }
      const start = performance.now();
      let recovered: string | undefined;
      let tried = 0;
      const keys = [...salts, ''];
      outer: for (let i = 0; i < 256; i++) {
        const address = `203.0.113.${i}`;
        for (const salt of keys) {
          tried++;
          const candidates = [
            createHmac('sha256', salt).update(address).digest('base64url'),
            createHmac('sha256', salt).update(address).digest('hex'),
            createHash('sha256')
              .update(salt + address)
              .digest('base64url'),
            createHash('sha256')
              .update(salt + address)
              .digest('hex'),
          ];
          if (candidates.some((c) => hashes.has(c))) {
            recovered = address;
            break outer;
          }
        }
      }
      const ms = round(performance.now() - start, 1);
      return {
        did: recovered
          ? `recovered ${recovered} in ${ms} ms from ${salts.size} stored salt(s) and ${hashes.size} hash(es)`
          : `not recovered: ${tried} guesses against ${salts.size} stored salt(s) and ${hashes.size} hash(es) (${ms} ms)`,
        held: recovered === undefined && hashes.size > 0,
        figures: [fig('address recovered', recovered ? 1 : 0), fig('brute force', ms, 'ms')],
      };
    },
  );
}

// ---------------------------------------------------------------- probes: headers

async function headerProbe(base: string, blog: Blog): Promise<void> {
  await probe(
    'headers',
    'security headers on every kind of response',
    'JSON 200, JSON 404, a 201 post, an event stream, /admin, /widget.js, /healthz, an unknown path',
    async () => {
      const key = '/p/headers';
      await seedThread(base, blog, key, 1, 16);
      const stream = await holdStream(
        `${base}/api/threads/${enc(key)}/events`,
        from('192.0.2.220'),
      );
      stream.close();
      const answers: { kind: string; json: boolean; headers: Record<string, unknown> }[] = [
        {
          kind: 'JSON 200',
          json: true,
          headers: (await call('GET', `${base}/api/threads/${enc(key)}`)).headers,
        },
        {
          kind: 'JSON 404',
          json: true,
          headers: (await call('GET', `${base}/api/threads/${enc('/p/none')}`)).headers,
        },
        {
          kind: 'POST 201',
          json: true,
          headers: (await post(base, key, { body: 'Headers?', as: '192.0.2.221' })).headers,
        },
        { kind: 'event stream', json: true, headers: stream.headers },
        { kind: '/admin', json: false, headers: (await call('GET', `${base}/admin`)).headers },
        {
          kind: '/widget.js',
          json: false,
          headers: (await call('GET', `${base}/widget.js`)).headers,
        },
        { kind: '/healthz', json: true, headers: (await call('GET', `${base}/healthz`)).headers },
        { kind: 'unknown path', json: true, headers: (await call('GET', `${base}/nope`)).headers },
      ];
      const missing: string[] = [];
      for (const a of answers) {
        const h = (name: string) => String(a.headers[name] ?? '');
        if (h('x-content-type-options').toLowerCase() !== 'nosniff')
          missing.push(`${a.kind}: nosniff`);
        if (!h('referrer-policy')) missing.push(`${a.kind}: Referrer-Policy`);
        if (a.json && !/default-src 'none'/.test(h('content-security-policy'))) {
          missing.push(`${a.kind}: CSP default-src 'none'`);
        }
        if (a.kind === '/admin') {
          for (const d of ["base-uri 'none'", "form-action 'none'"]) {
            if (!h('content-security-policy').includes(d)) missing.push(`/admin: CSP ${d}`);
          }
        }
      }
      return {
        did:
          missing.length === 0
            ? 'every header present'
            : `missing ${missing.length}: ${missing.join('; ')}`,
        held: missing.length === 0,
        figures: [fig('headers missing', missing.length), fig('responses checked', answers.length)],
      };
    },
  );
}

// ---------------------------------------------------------------- probes: bad input

const cursor = (scope: string, at: string, id: number) =>
  Buffer.from(JSON.stringify([scope, at, id])).toString('base64url');

async function badInputProbes(base: string, blog: Blog, label: string): Promise<void> {
  await probe(
    'bad input',
    `cursors and ids out of range on ${label}`,
    'cursors with time "2020" and "junk 2020", a cursor id of 2^31, message ids and a parentId of 2^31',
    async () => {
      const key = '/p/bad-input';
      const [id] = await seedThread(base, blog, key, 1, 17);
      const big = 2 ** 31;
      const now = new Date().toISOString();
      const checks: [string, RawReply][] = [
        [
          'cursor "2020"',
          await call(
            'GET',
            `${base}/api/threads/${enc(key)}/messages?cursor=${cursor('messages:oldest', '2020', id!)}`,
          ),
        ],
        [
          'cursor "junk 2020"',
          await call(
            'GET',
            `${base}/api/threads/${enc(key)}/messages?cursor=${cursor('messages:oldest', 'junk 2020', id!)}`,
          ),
        ],
        [
          'thread list cursor "2020"',
          await call('GET', `${base}/api/threads?cursor=${cursor('threads:active', '2020', id!)}`),
        ],
        [
          'cursor id 2^31',
          await call(
            'GET',
            `${base}/api/threads/${enc(key)}/messages?cursor=${cursor('messages:oldest', now, big)}`,
          ),
        ],
        [
          'PATCH id 2^31',
          await call('PATCH', `${base}/api/messages/${big}`, {
            json: { body: 'x' },
            headers: { authorization: 'Bearer x', ...from('192.0.2.230') },
          }),
        ],
        [
          'report id 2^31',
          await call('POST', `${base}/api/messages/${big}/report`, {
            json: {},
            headers: from('192.0.2.231'),
          }),
        ],
        [
          'parentId 2^31',
          await post(base, key, {
            body: 'A reply to nothing.',
            as: '192.0.2.232',
            extra: { parentId: big },
          }),
        ],
      ];
      const wrong = checks.filter(([, r]) => r.status !== 400);
      return {
        did: checks.map(([what, r]) => `${what} ${r.status}`).join(', '),
        held: wrong.length === 0,
        figures: [
          fig('answers other than 400', wrong.length),
          fig('5xx answers', checks.filter(([, r]) => r.status >= 500).length),
        ],
      };
    },
  );
}

async function bidiKeyProbe(base: string): Promise<void> {
  await probe(
    'bad input',
    'thread keys with bidi controls',
    'GET and a first post for keys holding U+202E and U+2066',
    async () => {
      const keys = ['/p/\u202Etxt.exe', '/p/\u2066ltr\u2069'];
      const statuses: number[] = [];
      for (const key of keys) {
        statuses.push((await call('GET', `${base}/api/threads/${enc(key)}`)).status);
        statuses.push(
          (await post(base, key, { body: `Bidi ${statuses.length}.`, as: '192.0.2.233' })).status,
        );
      }
      return {
        did: `answered ${tally(statuses)}`,
        held: statuses.every((s) => s === 400),
        figures: [fig('answers other than 400', statuses.filter((s) => s !== 400).length)],
      };
    },
  );
}

// ---------------------------------------------------------------- probes: owner posting

async function ownerKeyProbe(base: string, blog: Blog): Promise<void> {
  await probe(
    'owner',
    'owner-posting key: issue, post, revoke',
    'POST /api/admin/owner-keys; a post with the key; the key on the admin API; DELETE the key; a post with it again',
    async () => {
      const created = await call('POST', `${base}/api/admin/owner-keys`, {
        json: { label: 'attack bench' },
        headers: ADMIN,
      });
      const body = created.json as { ownerKey?: { id?: number }; token?: string } | undefined;
      const token = body?.token;
      const id = body?.ownerKey?.id;
      if (created.status !== 201 || !token || id === undefined) {
        return {
          did: `POST /api/admin/owner-keys answered ${said(created)}`,
          held: false,
        };
      }
      const key = '/p/owner-key';
      const asOwner = await post(base, key, {
        body: 'Posted with an owner key.',
        title: 'Owner key',
        url: blog.article(key),
        as: '192.0.2.160',
        headers: { authorization: `Bearer ${token}` },
      });
      const role = (asOwner.json as { message?: { author?: { role?: string } } } | undefined)
        ?.message?.author?.role;
      const adminWithKey = await call('GET', `${base}/api/admin/messages`, {
        headers: { authorization: `Bearer ${token}`, ...from('192.0.2.161') },
      });
      const revoked = await call('DELETE', `${base}/api/admin/owner-keys/${id}`, {
        headers: ADMIN,
      });
      const after = await post(base, key, {
        body: 'Posted with a revoked key.',
        as: '192.0.2.162',
        headers: { authorization: `Bearer ${token}` },
      });
      return {
        did: `key ${created.status}; post ${asOwner.status} as ${role ?? 'no role'}; admin API with the key ${adminWithKey.status}; revoke ${revoked.status}; post after revoking ${after.status}`,
        held:
          asOwner.status === 201 &&
          role === 'owner' &&
          (adminWithKey.status === 401 || adminWithKey.status === 403) &&
          revoked.status >= 200 &&
          revoked.status < 300 &&
          (after.status === 401 || after.status === 403),
        figures: [],
      };
    },
  );
}

// ---------------------------------------------------------------- the run

/** Runs every probe; the result's notes say what held. */
export async function attackBench(): Promise<BenchResult> {
  probes.length = 0;
  const started = Date.now();
  const blog = await startBlog();
  const notes: string[] = [];
  try {
    console.log('starting parley-server on 127.0.0.1 ...');
    const settings = onBlog(blog, {
      PARLEY_ADMIN_TOKEN: ADMIN_TOKEN,
      PARLEY_HELD_WORDS: 'casino',
    });
    await withServer('attack', settings, async (base, dbPath) => {
      const slow = slowProbes(base);

      await reportProbes(base, blog);
      await networkProbes(base, blog);
      await streamProbes(base);
      await replayProbe(base, blog);
      await globalStreamCap(blog);
      await moderationTitleProbe(blog);
      await titleAndUrlProbes(base, blog);
      await threadUrlProbes(blog);
      await spamProbes(base, blog);
      await proofOfWorkProbe(blog);
      await privacyProbe(base, blog, dbPath);
      await headerProbe(base, blog);
      await bidiKeyProbe(base);
      await ownerKeyProbe(base, blog);
      await badInputProbes(base, blog, 'SQLite');
      if (await postgresReachable()) {
        try {
          const databaseUrl = await freshBenchDatabase(PG_DATABASE);
          // PostgreSQL deployments are given the address-hash secret (SQLite makes a key file).
          const secret = { PARLEY_SECRET: randomBytes(32).toString('base64url') };
          await runServer(databaseUrl, onBlog(blog, secret), (pg) =>
            badInputProbes(pg, blog, 'PostgreSQL'),
          );
        } finally {
          await dropBenchDatabase(PG_DATABASE).catch(() => {});
        }
      } else {
        notes.push('PostgreSQL: not reachable on 127.0.0.1:5432; its bad-input probe was skipped.');
      }
      await slow;
      // Last, on a server otherwise idle: these two measure its CPU and memory.
      await withServer('attack-assets', {}, (assets) => assetProbe(assets));
      await cpuProbe(base, blog);
    });
  } finally {
    await blog.close();
  }

  const held = probes.filter((p) => p.held).length;
  const figures: Figure[] = [];
  for (const p of probes) {
    figures.push({
      name: `[${p.group}] ${p.name}: held`,
      value: p.held ? 1 : 0,
      unit: '',
      budget: { op: '>=', limit: 1 },
    });
    for (const f of p.figures) figures.push({ ...f, name: `[${p.group}] ${p.name}: ${f.name}` });
  }
  notes.unshift(
    `${held} of ${probes.length} probes held, in ${Math.round((Date.now() - started) / 1000)} s. "held" is 1 when the server's answers show the defence, 0 when they do not.`,
    'Every server runs as `parley-server` on 127.0.0.1 with a fresh SQLite database (PostgreSQL for its own bad-input probe), PARLEY_TRUSTED_PROXIES=127.0.0.1 and PARLEY_ORIGINS set to a tiny blog on another loopback port that answers 200 for the articles it has, and PARLEY_VERIFY_URLS=off except on the server of the thread-URL probes (so no other probe depends on the server fetching the blog); clients are told apart by X-Forwarded-For.',
    ...probes.map(
      (p) =>
        `${p.held ? '**HELD**' : '**NOT HELD**'} [${p.group}] ${p.name}. Sent: ${p.sent}. Server: ${p.did}.`,
    ),
  );
  return { id: 'attack', title: TITLE, command: COMMAND, figures, notes };
}

/** Builds the bundles when the widget is missing: the asset probe needs a real chunk. */
function ensureBuilt(): void {
  if (widgetChunk()) return;
  console.log('building the server and widget bundles ...');
  execFileSync('npx', ['-y', 'pnpm@12.4.2', '-r', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

// Like every benchmark: prints its table, and exits non-zero while a budget (here, a defence) fails.
runIfMain(
  import.meta.url,
  async () => {
    const start = Date.now();
    ensureBuilt();
    const result = await attackBench();
    result.durationS = Math.round((Date.now() - start) / 1000);
    console.log('');
    return result;
  },
  (result) => {
    if (process.argv.includes('--write')) writeSection(result);
  },
);
