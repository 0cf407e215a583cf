/**
 * Posting under load: 20 concurrent writers (rate limit off) post 2,000
 * messages to one thread; messages per second and latency. Then every
 * acknowledged message (a 201 and its id) must be read back through the API,
 * and `thread.messageCount` must equal the number acknowledged; anything else
 * fails the run. On SQLite, then on PostgreSQL; then on SQLite again with
 * webhooks and the owner's mail on (a local receiver and SMTP server in this
 * process), to show posting does not wait on them and to time how long the
 * worker takes to deliver every one.
 *
 *   node --import tsx bench/write.ts [--write]    (--write: also its section in docs/benchmarks.md)
 */

import { join } from 'node:path';
import { type MailServer, startMailServer } from '@parley/server/testing/mail-server';
import { type WebhookReceiver, webhookReceiver } from '@parley/server/testing/webhook-receiver';
import type { MessagePage, PostMessageResponse, ThreadPage } from '@parley/server/wire';
import { runIfMain } from './lib/cli.ts';
import { send, threadPath } from './lib/http.ts';
import { writeSection } from './lib/markdown.ts';
import { type BenchServer, startParley } from './lib/parley-server.ts';
import { dropBenchDatabase, freshBenchDatabase, postgresReachable } from './lib/postgres.ts';
import type { BenchResult, Figure } from './lib/report.ts';
import { markdownBody, prng } from './lib/seed.ts';
import { percentile, round } from './lib/stats.ts';
import { tempDir } from './lib/temp.ts';

const KEY = '/bench/write';
const WRITERS = 20;
const POSTS = 2_000;
/** Bounds the run on a slow database: writers stop after this long whatever the count. */
const MAX_SECONDS = 120;
const PAGE = 100;
const WARM_UP = 50;

/** What the writers saw. */
interface WriteRun {
  acked: number[];
  latencies: number[];
  refused: Record<string, number>;
  seconds: number;
}

/** Runs the writers. Bodies are made up front so the generator is not timed. */
async function write(baseUrl: string): Promise<WriteRun> {
  const rand = prng(2_000);
  const bodies = Array.from({ length: POSTS }, () => markdownBody(rand));
  const url = `${baseUrl}${threadPath(KEY, '/messages')}`;
  const acked: number[] = [];
  const latencies: number[] = [];
  const refused: Record<string, number> = {};

  // The opening post creates the thread; it is acknowledged like any other.
  const first = await send<PostMessageResponse>('POST', url, {
    json: {
      author: 'Opener',
      body: 'Write benchmark.',
      kind: 'opening',
      thread: { title: 'Write benchmark' },
    },
  });
  if (first.status !== 201)
    throw new Error(`creating the thread: ${first.status} ${JSON.stringify(first.body)}`);
  acked.push(first.body.message.id);

  // Warm the server's JIT on another thread, so the timed posts are steady-state ones.
  const warmUrl = `${baseUrl}${threadPath(`${KEY}-warm-up`, '/messages')}`;
  for (let i = 0; i < WARM_UP; i++) {
    // A body of its own: the timed posts reuse these bodies, and the same body
    // from the same client within 10 minutes is refused as a duplicate.
    const body = `Warm-up ${i}: ${bodies[i % bodies.length]!}`;
    await send('POST', warmUrl, { json: { author: 'Warm-up', body } });
  }

  let issued = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + MAX_SECONDS * 1000;
  const writer = async (n: number) => {
    while (issued < POSTS && Date.now() < deadline) {
      const body = bodies[issued++]!;
      try {
        const reply = await send<PostMessageResponse>('POST', url, {
          json: { author: `Writer ${n}`, body },
        });
        latencies.push(reply.ms);
        if (reply.status === 201) acked.push(reply.body.message.id);
        else refused[reply.status] = (refused[reply.status] ?? 0) + 1;
      } catch {
        refused.network = (refused.network ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(n)));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { acked, latencies, refused, seconds };
}

/** Reads the whole thread back through the API, following the cursor. */
async function readBack(
  baseUrl: string,
  expected: number,
): Promise<{ ids: number[]; messageCount: number }> {
  const first = await send<ThreadPage>('GET', `${baseUrl}${threadPath(KEY)}?limit=${PAGE}`);
  if (first.status !== 200) throw new Error(`reading back: ${first.status}`);
  const ids = first.body.messages.map((m) => m.id);
  let cursor = first.body.nextCursor;
  // Bounded: never more pages than the acknowledged messages could fill, plus slack.
  for (let pages = 0; cursor && pages < expected / PAGE + 10; pages++) {
    const next = await send<MessagePage>(
      'GET',
      `${baseUrl}${threadPath(KEY, '/messages')}?limit=${PAGE}&cursor=${encodeURIComponent(cursor)}`,
    );
    if (next.status !== 200) throw new Error(`reading back: ${next.status}`);
    ids.push(...next.body.messages.map((m) => m.id));
    cursor = next.body.nextCursor;
  }
  return { ids, messageCount: first.body.thread.messageCount };
}

/** Where a notified run's webhooks and mail go. */
interface Sinks {
  hooks: WebhookReceiver;
  smtp: MailServer;
}

/** How long after the last post the last webhook and mail arrived, once all have. */
async function drained(
  sinks: Sinks,
  expected: number,
): Promise<{ seconds: number; done: boolean }> {
  const start = process.hrtime.bigint();
  const deadline = Date.now() + MAX_SECONDS * 1000;
  while (Date.now() < deadline) {
    if (sinks.hooks.requests.length >= expected && sinks.smtp.mails.length >= expected) {
      return { seconds: Number(process.hrtime.bigint() - start) / 1e9, done: true };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { seconds: MAX_SECONDS, done: false };
}

/** Writes, verifies, and returns the figures for one database. */
async function writeOn(
  label: string,
  databaseUrl: string,
  notes: string[],
  sinks?: Sinks,
): Promise<Figure[]> {
  let parley: BenchServer | undefined;
  try {
    parley = await startParley({
      databaseUrl,
      ...(sinks
        ? {
            env: {
              PARLEY_WEBHOOK_URL: sinks.hooks.url,
              PARLEY_WEBHOOK_SECRET: sinks.hooks.secret,
              PARLEY_SMTP_URL: sinks.smtp.url,
              PARLEY_MAIL_FROM: 'parley@bench.example',
              PARLEY_OWNER_EMAIL: 'owner@bench.example',
            },
          }
        : {}),
    });
    const run = await write(parley.url);
    // Every post the server took (the opening, the warm-up and the timed ones) is one webhook and one owner mail.
    const delivery = sinks ? await drained(sinks, run.acked.length + WARM_UP) : undefined;
    const back = await readBack(parley.url, run.acked.length);
    const seen = new Set(back.ids);
    const missing = run.acked.filter((id) => !seen.has(id));
    const duplicates = back.ids.length - seen.size;
    const countGap = Math.abs(back.messageCount - run.acked.length);
    if (missing.length > 0 || countGap > 0 || duplicates > 0) {
      // Loud on purpose: a lost acknowledged write is a correctness bug, not a slow figure.
      console.error(
        `WRITE INTEGRITY FAILURE on ${label}: ${missing.length} acknowledged message(s) not read back ` +
          `(e.g. ${missing.slice(0, 5).join(', ')}), messageCount ${back.messageCount} vs ${run.acked.length} acknowledged, ` +
          `${duplicates} duplicate(s) across pages.`,
      );
    }
    const refused = Object.entries(run.refused);
    if (refused.length > 0) {
      notes.push(
        `${label}: refused posts by status: ${refused.map(([s, n]) => `${s} × ${n}`).join(', ')}.`,
      );
    }
    return [
      {
        name: `${label}: messages/s`,
        value: round((run.acked.length - 1) / run.seconds),
        unit: 'msg/s',
        note: `${run.acked.length - 1} posts in ${run.seconds.toFixed(1)} s`,
      },
      { name: `${label}: p50 latency`, value: round(percentile(run.latencies, 50)), unit: 'ms' },
      { name: `${label}: p99 latency`, value: round(percentile(run.latencies, 99)), unit: 'ms' },
      {
        name: `${label}: posts refused (non-201)`,
        value: run.latencies.length - (run.acked.length - 1),
        unit: '',
      },
      {
        name: `${label}: acknowledged messages missing on read-back`,
        value: missing.length + duplicates,
        unit: '',
        budget: { op: '<=', limit: 0 },
        note: 'duplicates across pages count too',
      },
      {
        name: `${label}: |messageCount − acknowledged|`,
        value: countGap,
        unit: '',
        budget: { op: '<=', limit: 0 },
        note: `${back.messageCount} vs ${run.acked.length}`,
      },
      ...(sinks && delivery
        ? [
            {
              name: `${label}: webhooks and mails not delivered`,
              value:
                Math.max(0, run.acked.length + WARM_UP - sinks.hooks.requests.length) +
                Math.max(0, run.acked.length + WARM_UP - sinks.smtp.mails.length),
              unit: '',
              budget: { op: '<=' as const, limit: 0 },
              note: `${sinks.hooks.requests.length} webhooks, ${sinks.smtp.mails.length} mails`,
            },
            {
              name: `${label}: last delivery after the last post`,
              value: round(delivery.seconds),
              unit: 's',
            },
          ]
        : []),
    ];
  } finally {
    await parley?.stop();
  }
}

/** Measures writes. */
export async function writeBench(): Promise<BenchResult> {
  const notes = [
    `${WRITERS} concurrent keep-alive writers, ${POSTS.toLocaleString('en-US')} posts (markdown bodies of 20 to 1,500 characters) to one thread after its opening post (and ${WARM_UP} untimed warm-up posts to another thread), at most ${MAX_SECONDS} s; PARLEY_RATE_LIMIT=0.`,
    'Latency: each POST from send to last byte, in the bench process (node:http keep-alive client).',
    `Read-back: GET /api/threads/:key?limit=${PAGE} then /messages?cursor= pages until nextCursor is null.`,
  ];
  const figures: Figure[] = [];
  const tmp = tempDir('write');
  try {
    figures.push(...(await writeOn('SQLite', `sqlite:${join(tmp.dir, 'parley.db')}`, notes)));
  } finally {
    tmp.remove();
  }
  if (await postgresReachable()) {
    try {
      figures.push(...(await writeOn('PostgreSQL', await freshBenchDatabase(), notes)));
    } finally {
      await dropBenchDatabase().catch(() => {});
    }
  } else {
    notes.push('PostgreSQL: not reachable on 127.0.0.1:5432, skipped.');
  }
  const notified = tempDir('write-notified');
  const sinks: Sinks = { hooks: await webhookReceiver(), smtp: await startMailServer() };
  try {
    figures.push(
      ...(await writeOn(
        'SQLite, webhooks and owner mail on',
        `sqlite:${join(notified.dir, 'parley.db')}`,
        notes,
        sinks,
      )),
    );
  } finally {
    await sinks.hooks.close();
    await sinks.smtp.close();
    notified.remove();
  }
  notes.push(
    'Webhooks and owner mail on: PARLEY_WEBHOOK_URL at a receiver and PARLEY_SMTP_URL at an SMTP server, both in the bench process on 127.0.0.1 (answering at once), PARLEY_OWNER_MAIL=each; every post the server took is one webhook and one mail.',
  );
  return {
    id: 'write',
    title: '4. Posting under load',
    command: 'node --import tsx bench/write.ts',
    figures,
    notes,
  };
}

runIfMain(import.meta.url, writeBench, (result) => {
  if (process.argv.includes('--write')) writeSection(result);
});
