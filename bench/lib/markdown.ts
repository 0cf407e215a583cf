/** Renders `docs/benchmarks.md` from a run's results. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeMachine, type Machine } from './machine.ts';
import { REPORT_JSON, REPORT_MD, ROOT } from './paths.ts';
import { type BenchResult, failed, formatBudget, formatValue, rows, verdict } from './report.ts';

const cell = (text: string) => text.replaceAll('|', '\\|');

function table(header: string[], body: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** The whole report. */
export function renderMarkdown(machine: Machine, results: readonly BenchResult[]): string {
  const budgets = results.flatMap((r) =>
    r.figures
      .filter((f) => f.budget)
      .map((f) => [r.title, f.name, formatValue(f), formatBudget(f), verdict(f)]),
  );
  const broken = results.filter((r) => r.error);
  const out: string[] = [
    '# Benchmarks',
    '',
    "Parley's performance budget, measured: what the widget costs a reader's browser, how fast the",
    'server reads and writes threads, whether deep threads stay as fast as short ones, and how fast one',
    "post reaches 1,000 open live streams; then it replays the security review's attacks (issue 10),",
    'says which defences held, and times each importer on 100,000 messages. One command runs every',
    'benchmark and rewrites this file and `docs/benchmarks.json` (the raw figures, to compare runs):',
    '',
    '```sh',
    'npm run bench',
    '```',
    '',
    'Each script also runs alone and prints its figures (the command is given under each table). All',
    'traffic stays on 127.0.0.1, and the servers share the machine with the load generator and anything',
    'else running: figures vary with machine load, so compare runs on the same machine, and read small',
    'differences as noise. Servers being compared are measured in the same run, interleaved.',
    '',
    '## Machine',
    '',
    ...table(
      ['machine', ''],
      [
        ['commit measured', machine.commit],
        ['CPU', `${machine.cpuModel}`],
        ['cores', String(machine.cores)],
        ['memory', `${machine.memoryGiB} GiB`],
        ['Node.js', machine.node],
        ['OS', machine.os],
        ['date', machine.date],
        ['load average at start (1, 5, 15 min)', machine.loadAverage.join(', ')],
      ],
    ),
    '',
    '## Budgets',
    '',
    ...table(['benchmark', 'figure', 'value', 'budget', 'result'], budgets),
    '',
  ];
  for (const r of broken) out.push(`**${r.title} did not finish:** ${cell(r.error ?? '')}`, '');
  for (const r of results) {
    out.push(
      `## ${r.title}`,
      '',
      `Command: \`${r.command}\`${r.durationS === undefined ? '' : ` (${r.durationS} s)`}`,
      '',
    );
    if (r.error) out.push(`**Failed:** ${r.error}`, '');
    if (r.figures.length > 0) {
      out.push(...table(['figure', 'value', 'budget', 'result'], rows(r)), '');
    }
    for (const note of r.notes) out.push(`- ${note}`);
    if (r.notes.length > 0) out.push('');
    if (failed(r) && !r.error) out.push('**A budget fails here.**', '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * Formats the report with the repository's Biome, which lints docs too: the
 * generated tables and JSON then pass `npm run lint` as written.
 */
export function formatReport(): void {
  try {
    execFileSync(
      join(ROOT, 'node_modules/.bin/biome'),
      ['format', '--write', REPORT_MD, REPORT_JSON],
      {
        cwd: ROOT,
        stdio: 'ignore',
        timeout: 60_000,
      },
    );
  } catch {
    console.warn('Could not format the report with Biome; run `npm run format`.');
  }
}

/**
 * Puts one benchmark's result, measured alone (`<command> --write`), into
 * docs/benchmarks.json in its place (or at the end) and re-renders
 * docs/benchmarks.md; the other sections keep the run described under Machine.
 */
export function writeSection(result: BenchResult): void {
  const report = existsSync(REPORT_JSON)
    ? (JSON.parse(readFileSync(REPORT_JSON, 'utf8')) as {
        machine: Machine;
        results: BenchResult[];
      })
    : { machine: describeMachine(), results: [] };
  const machine = describeMachine();
  const measured = {
    ...result,
    notes: [
      ...result.notes,
      `Measured alone (\`${result.command} --write\`) on ${machine.commit}, ${machine.date}, load ${machine.loadAverage.join(' ')}; the other sections are from the run described under Machine.`,
    ],
  };
  const at = report.results.findIndex((r) => r.id === result.id);
  const results = [...report.results];
  if (at === -1) results.push(measured);
  else results[at] = measured;
  writeFileSync(REPORT_MD, renderMarkdown(report.machine, results));
  writeFileSync(REPORT_JSON, `${JSON.stringify({ machine: report.machine, results }, null, 2)}\n`);
  formatReport();
  console.log(`Wrote the ${result.id} section into ${REPORT_MD} and ${REPORT_JSON}.`);
}
