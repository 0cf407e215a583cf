/**
 * Where Parley's read path spends its CPU: runs the read load of `read.ts`
 * (first page of a 200-message thread, 50 connections) for one round against
 * a Parley server started with `node --cpu-prof`, then prints the functions
 * with the most self time. Not part of `run.ts`: profiling slows the server.
 * Pass `--uncached` to load `GET /api/threads/:key/messages?cursor=&limit=50`
 * instead, which the first-page cache does not serve: it profiles the
 * database, mapping and serialization path every cache miss takes.
 *
 *   node --import tsx bench/profile-read.ts [--uncached]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import autocannon from 'autocannon';
import { killAll } from './lib/children.ts';
import { closeIdleSockets, getJson, threadPath } from './lib/http.ts';
import { type BenchServer, startParley } from './lib/parley-server.ts';
import { ROOT } from './lib/paths.ts';
import { seedThread } from './lib/seed.ts';
import { tempDir } from './lib/temp.ts';

const KEY = '/bench/read-200';
const TOP = 25;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (name + file:line), largest first, as shares of all samples. */
function selfTimes(profile: CpuProfile): { name: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    all += us;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${relative(ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'} ${where}`.trim();
    totals.set(name, (totals.get(name) ?? 0) + us);
  });
  return [...totals]
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / all }))
    .sort((a, b) => b.ms - a.ms);
}

async function main(): Promise<void> {
  const uncached = process.argv.includes('--uncached');
  const tmp = tempDir('profile');
  let parley: BenchServer | undefined;
  try {
    const databaseUrl = `sqlite:${join(tmp.dir, 'parley.db')}`;
    // Seed with one server, profile with a fresh one, so seeding stays out of the profile.
    parley = await startParley({ databaseUrl });
    await seedThread(parley.url, KEY, 200);
    await parley.stop();
    parley = await startParley({
      databaseUrl,
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${tmp.dir}`],
    });
    let url = `${parley.url}${threadPath(KEY)}?limit=50`;
    if (uncached) {
      const first = await getJson<{ nextCursor: string }>(
        `${parley.url}${threadPath(KEY)}?limit=10`,
      );
      url = `${parley.url}${threadPath(KEY, '/messages')}?limit=50&cursor=${encodeURIComponent(first.nextCursor)}`;
    }
    await autocannon({ url, connections: 50, duration: 5 });
    await parley.stop();
    const file = readdirSync(tmp.dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile written:\n${parley.output()}`);
    const top = selfTimes(JSON.parse(readFileSync(join(tmp.dir, file), 'utf8')) as CpuProfile);
    console.log(
      `Top ${TOP} functions by self time (${uncached ? 'uncached /messages page' : 'first page'} read load):`,
    );
    for (const t of top.slice(0, TOP)) {
      console.log(
        `${(t.share * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(6)} ms  ${t.name}`,
      );
    }
  } finally {
    await parley?.stop();
    tmp.remove();
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    closeIdleSockets();
    killAll();
    process.exit();
  });
