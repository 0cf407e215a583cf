/**
 * Runs every benchmark in sequence, prints a summary, and writes
 * `docs/benchmarks.md` and `docs/benchmarks.json`. Exits non-zero when a
 * budget fails or a benchmark could not finish, after writing the report.
 *
 *   npm run bench        (node --import tsx bench/run.ts; builds the bundles first)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { attackBench } from './attack.ts';
import { bundleBench } from './bundle.ts';
import { deepBench } from './deep.ts';
import { fanoutBench } from './fanout.ts';
import { firstRenderBench } from './first-render.ts';
import { importBench } from './import.ts';
import { killAll } from './lib/children.ts';
import { settle } from './lib/cli.ts';
import { closeIdleSockets } from './lib/http.ts';
import { describeMachine } from './lib/machine.ts';
import { formatReport, renderMarkdown } from './lib/markdown.ts';
import { REPORT_JSON, REPORT_MD, ROOT } from './lib/paths.ts';
import { type BenchResult, failed, textTable } from './lib/report.ts';
import { pagesBench } from './pages.ts';
import { readBench } from './read.ts';
import { summaryBench } from './summary.ts';
import { transportBench } from './transport.ts';
import { writeBench } from './write.ts';

const BENCHES: { id: string; title: string; run: () => Promise<BenchResult> }[] = [
  { id: 'bundle', title: '1. Widget bundle size', run: bundleBench },
  {
    id: 'first-render',
    title: '2. First render of a 200-message thread (Chromium)',
    run: firstRenderBench,
  },
  { id: 'read', title: '3. Reading a thread under load', run: readBench },
  { id: 'write', title: '4. Posting under load', run: writeBench },
  { id: 'deep', title: '5. Deep threads (100,000 messages)', run: deepBench },
  { id: 'fanout', title: '6. Live fan-out (1,000 open streams)', run: fanoutBench },
  { id: 'attack', title: '7. Attacks replayed (issue 10 security review)', run: attackBench },
  { id: 'import', title: '8. Moving in: importing 100,000 messages', run: importBench },
  { id: 'pages', title: '9. The thread as an HTML page', run: pagesBench },
  {
    id: 'summary',
    title: '10. Automatic summaries (extractive) on big and hostile threads',
    run: summaryBench,
  },
  {
    id: 'transport',
    title: '11. The floor under a live stream: node:http and HTTP/2',
    run: () => transportBench(),
  },
];

async function main(): Promise<number> {
  // Measure what is deployed: the server's bundle (parley-server runs its
  // TypeScript sources instead when the bundle is missing or stale, which
  // costs some 40 MB and start-up time) and the built widget.
  console.log('building the server and widget bundles ...');
  execFileSync('npx', ['-y', 'pnpm@12.4.2', '-r', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const machine = describeMachine();
  console.log(
    `Parley benchmarks of ${machine.commit} on ${machine.cpuModel} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node ${machine.node}, load ${machine.loadAverage.join(' ')}`,
  );
  const results: BenchResult[] = [];
  for (const bench of BENCHES) {
    console.log(`\n-- running ${bench.id} ...`);
    const result = await settle(
      { id: bench.id, title: bench.title, command: `node --import tsx bench/${bench.id}.ts` },
      bench.run,
    );
    results.push(result);
    console.log(textTable(result));
  }

  writeFileSync(REPORT_MD, renderMarkdown(machine, results));
  writeFileSync(REPORT_JSON, `${JSON.stringify({ machine, results }, null, 2)}\n`);
  formatReport();

  const failing = results.filter(failed);
  console.log(`\nWrote ${REPORT_MD} and ${REPORT_JSON}.`);
  if (failing.length === 0) {
    console.log('Every budget passes.');
    return 0;
  }
  console.log(`Over budget or unfinished: ${failing.map((r) => r.id).join(', ')}.`);
  return 1;
}

main()
  .catch((error: unknown) => {
    console.error(error);
    return 1;
  })
  .then((code) => {
    closeIdleSockets();
    killAll();
    // Explicit: a library's stray timer or socket must not keep a finished run alive.
    process.exit(code);
  });
