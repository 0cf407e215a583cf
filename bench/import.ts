/**
 * Moving in: `parley-server import-disqus`, `import-wordpress` and `import`
 * (a Parley export) each take 100,000 messages within 60 s and bounded memory
 * (issue 13). Each runs as the owner would run it, the real binary as a child
 * process into a fresh SQLite database, on a file the tests' generator writes
 * (`writeLegacyExport`: nesting, unicode, hostile HTML, spam and deleted posts).
 * Memory is the child's peak RSS, sampled from /proc; "bounded" means it
 * hardly grows with the file: the same import of a tenth the size is the
 * yardstick.
 *
 *   node --import tsx bench/import.ts [--messages N] [--write]
 *
 * (100,000 by default; `--write` puts the figures into docs/benchmarks.md.)
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeLegacyExport } from '@parley/server/testing/legacy-exports';
import { BIN } from '@parley/server/testing/server-process';
import { track } from './lib/children.ts';
import { runIfMain } from './lib/cli.ts';
import { writeSection } from './lib/markdown.ts';
import type { BenchResult, Figure } from './lib/report.ts';
import { sampleRss } from './lib/rss.ts';
import { round } from './lib/stats.ts';
import { tempDir } from './lib/temp.ts';

/** The issue's budget for each importer at 100,000 messages. */
export const IMPORT_SECONDS_BUDGET = 60;
/** Peak RSS of the full-size import over the tenth-size one: memory must not follow the file. */
export const IMPORT_MEMORY_RATIO_BUDGET = 1.5;
const MESSAGES = 100_000;
/** Comments the generator writes per thread; spam, deleted and off-site ones are left out. */
const PER_THREAD = 200;
/**
 * Comments written per message wanted: the generator's files leave about one
 * in ten out (spam, deleted, empty, the other site), so a run imports at
 * least the messages it names.
 */
const WRITTEN_PER_KEPT = 1.12;
const MIB = 1024 * 1024;

/** One command run to its end: seconds, peak RSS, and what it printed. */
async function run(args: string[]): Promise<{ seconds: number; peak: number; stdout: string }> {
  const started = performance.now();
  const child = track(
    spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const rss = sampleRss(child.pid!, 50);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const seconds = (performance.now() - started) / 1000;
  const { peak } = rss.stop();
  if (code !== 0) throw new Error(`parley-server ${args[0]} exited ${code}: ${stderr || stdout}`);
  return { seconds, peak, stdout };
}

/** The messages an import's summary says it created. */
function created(stdout: string): number {
  const count = /^Messages: (\d+) created/m.exec(stdout)?.[1];
  if (count === undefined) throw new Error(`no summary in: ${stdout}`);
  return Number(count);
}

/** One importer at `messages` (about: the generator leaves some out) into a fresh database. */
async function importOnce(
  dir: string,
  format: 'disqus' | 'wordpress',
  messages: number,
): Promise<{ seconds: number; peak: number; messages: number; bytes: number; database: string }> {
  const file = join(dir, `${format}-${messages}.xml`);
  const source = writeLegacyExport(file, {
    format,
    seed: 1,
    threads: Math.ceil((messages * WRITTEN_PER_KEPT) / PER_THREAD),
    commentsPerThread: PER_THREAD,
  });
  const database = `sqlite:${join(dir, `${format}-${messages}.db`)}`;
  const result = await run([
    `import-${format}`,
    '--origin',
    source.origin,
    file,
    '--database-url',
    database,
  ]);
  return { ...result, messages: created(result.stdout), bytes: statSync(file).size, database };
}

/** Measures the three importers. */
export async function importBench(messages = MESSAGES): Promise<BenchResult> {
  const tmp = tempDir('import');
  try {
    const figures: Figure[] = [];
    const notes: string[] = [];
    for (const format of ['disqus', 'wordpress'] as const) {
      const small = await importOnce(tmp.dir, format, messages / 10);
      const big = await importOnce(tmp.dir, format, messages);
      const name = format === 'disqus' ? 'Disqus' : 'WordPress';
      figures.push(
        {
          name: `${name}: ${big.messages.toLocaleString('en-US')} messages imported`,
          value: round(big.seconds, 1),
          unit: 's',
          budget: { op: '<=', limit: IMPORT_SECONDS_BUDGET },
        },
        { name: `${name}: peak RSS`, value: round(big.peak / MIB, 0), unit: 'MiB' },
        {
          name: `${name}: peak RSS over the tenth-size import's (${round(small.peak / MIB, 0)} MiB)`,
          value: round(big.peak / small.peak, 2),
          unit: '×',
          budget: { op: '<=', limit: IMPORT_MEMORY_RATIO_BUDGET },
        },
      );
      notes.push(
        `${name}: a ${round(big.bytes / MIB, 1)} MiB file, ${big.messages.toLocaleString('en-US')} of its comments kept (the rest spam, deleted, empty or on the other site it mixes in).`,
      );
      if (format === 'disqus') {
        // The Parley format: what the Disqus import made, exported and imported into a fresh database.
        const file = join(tmp.dir, 'parley-export.json');
        await run(['export', file, '--database-url', big.database]);
        const smallFile = join(tmp.dir, 'parley-export-small.json');
        await run(['export', smallFile, '--database-url', small.database]);
        const into = (f: string, db: string) =>
          run(['import', f, '--database-url', `sqlite:${join(tmp.dir, db)}`]);
        const smallParley = await into(smallFile, 'parley-small.db');
        const parley = await into(file, 'parley.db');
        figures.push(
          {
            name: `Parley export: ${created(parley.stdout).toLocaleString('en-US')} messages imported`,
            value: round(parley.seconds, 1),
            unit: 's',
            budget: { op: '<=', limit: IMPORT_SECONDS_BUDGET },
          },
          { name: 'Parley export: peak RSS', value: round(parley.peak / MIB, 0), unit: 'MiB' },
          {
            name: `Parley export: peak RSS over the tenth-size import's (${round(smallParley.peak / MIB, 0)} MiB)`,
            value: round(parley.peak / smallParley.peak, 2),
            unit: '×',
            budget: { op: '<=', limit: IMPORT_MEMORY_RATIO_BUDGET },
          },
        );
        notes.push(
          `Parley export: ${round(statSync(file).size / MIB, 1)} MiB, the Disqus import's database exported by parley-server export.`,
        );
      }
    }
    notes.push(
      'Each figure is one run of the real binary (the server bundle when it is fresh) as a child process into a fresh SQLite file on this machine; the time includes start-up, reading and checking the whole file, and writing in batches of 500. RSS is sampled every 50 ms from /proc.',
    );
    return {
      id: 'import',
      title: '8. Moving in: importing 100,000 messages',
      command: 'node --import tsx bench/import.ts',
      figures,
      notes,
    };
  } finally {
    tmp.remove();
  }
}

const { values: options } = parseArgs({
  options: { messages: { type: 'string' }, write: { type: 'boolean' } },
  strict: false,
});
runIfMain(
  import.meta.url,
  () => importBench(options.messages ? Number(options.messages) : MESSAGES),
  (result) => {
    if (options.write) writeSection(result);
  },
);
