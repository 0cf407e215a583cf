/**
 * What an English-reading visitor downloads before the thread is on screen:
 * `/widget.js` and every chunk it imports statically, raw, gzip -9 and
 * brotli -q 11, against the widget's brotli budget
 * (`packages/widget/bundle-budget.json`). Chunks behind a dynamic `import()`
 * (the form and actions, live updates, the other locales, the index
 * elements) load on demand and are reported apart, as is the moderation
 * page's own bundle (`/admin.js` and its locale chunks, loaded by `/admin` only).
 *
 *   node --import tsx bench/bundle.ts [--write]    (--write: also its section in docs/benchmarks.md)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import budget from '../packages/widget/bundle-budget.json' with { type: 'json' };
import { runIfMain } from './lib/cli.ts';
import { writeSection } from './lib/markdown.ts';
import { ROOT, WIDGET_DIST } from './lib/paths.ts';
import type { BenchResult, Figure } from './lib/report.ts';

/** Brotli bytes allowed before the thread renders, Lit included (the widget's own file). */
const BUNDLE_BUDGET = budget.eagerBrotliBytes;

const ENTRY = join(WIDGET_DIST, 'widget.js');
const ADMIN = join(WIDGET_DIST, 'admin.js');
// `import x from "./a.js"`, `import "./a.js"`, `export { y } from "./a.js"`;
// not `import("./a.js")`, which is what "on demand" means.
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[^'"()]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g;
const DYNAMIC_IMPORT = /\bimport\s*\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/g;

interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

/** Sizes of one file as a server would send it; every file is compressed on its own. */
function sizes(code: Buffer): Sizes {
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    // Quality 11 alone, like test/widget-bundle.test.ts, so both report the same bytes.
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

function sum(list: Sizes[]): Sizes {
  return list.reduce(
    (a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip, brotli: a.brotli + s.brotli }),
    {
      raw: 0,
      gzip: 0,
      brotli: 0,
    },
  );
}

/** The entry and everything it reaches through static imports, and the dynamic imports seen. */
function walk(entry: string): { eager: string[]; dynamic: Set<string> } {
  const eager: string[] = [];
  const dynamic = new Set<string>();
  const visit = (path: string) => {
    if (eager.includes(path)) return;
    eager.push(path);
    const code = readFileSync(path, 'utf8');
    for (const [, spec] of code.matchAll(STATIC_IMPORT))
      visit(normalize(join(dirname(path), spec!)));
    for (const [, spec] of code.matchAll(DYNAMIC_IMPORT))
      dynamic.add(normalize(join(dirname(path), spec!)));
  };
  visit(entry);
  return { eager, dynamic };
}

/** Every .js file under `dir`. */
function jsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

/** Builds the widget and the moderation page when either is missing, as in a fresh checkout. */
function ensureBuilt(notes: string[]): void {
  if (existsSync(ENTRY) && existsSync(ADMIN)) return;
  notes.push(
    'dist/ was incomplete: built it with `npx -y pnpm@12.4.2 --filter @parley/widget build`.',
  );
  execFileSync('npx', ['-y', 'pnpm@12.4.2', '--filter', '@parley/widget', 'build'], {
    cwd: ROOT,
    stdio: 'inherit',
    timeout: 300_000,
  });
}

/** Measures the bundle. */
export async function bundleBench(): Promise<BenchResult> {
  const notes: string[] = [];
  ensureBuilt(notes);
  const { eager, dynamic } = walk(ENTRY);
  const eagerSizes = eager.map((path) => sizes(readFileSync(path)));
  const total = sum(eagerSizes);
  // On demand: whatever is reachable only through `import()`, plus any other
  // built chunk under dist/widget/ (reported so nothing built goes unseen).
  const lazy = [...new Set([...dynamic, ...jsFiles(join(WIDGET_DIST, 'widget'))])].filter(
    (p) => !eager.includes(p) && existsSync(p),
  );
  const lazySizes = lazy.map((path) => sizes(readFileSync(path)));
  const rel = (p: string) => relative(WIDGET_DIST, p);

  const figures: Figure[] = [
    { name: 'eager raw', value: total.raw, unit: 'B' },
    { name: 'eager gzip -9', value: total.gzip, unit: 'B' },
    {
      name: 'eager brotli -q 11',
      value: total.brotli,
      unit: 'B',
      budget: { op: '<=', limit: BUNDLE_BUDGET },
    },
    { name: 'eager files', value: eager.length, unit: '', note: eager.map(rel).join(', ') },
    { name: 'on-demand chunks', value: lazy.length, unit: '' },
  ];
  const onDemand = (name: string, s: Sizes) =>
    figures.push({ name, value: s.brotli, unit: 'B', note: `${s.raw} B raw, ${s.gzip} B gzip` });
  lazy.forEach((path, i) => {
    onDemand(`on demand: ${rel(path)} brotli`, lazySizes[i]!);
  });
  onDemand('moderation page (admin.js, /admin only) brotli', sizes(readFileSync(ADMIN)));
  // The moderation page's own chunks: its other locales, one each, loaded by /admin alone.
  for (const path of jsFiles(join(WIDGET_DIST, 'admin')))
    onDemand(`moderation page, on demand: ${rel(path)} brotli`, sizes(readFileSync(path)));
  notes.push(
    'Each file is compressed on its own, as a server sends it; eager = dist/widget.js plus its static imports.',
    `Headroom: ${BUNDLE_BUDGET - total.brotli} B brotli under the ${BUNDLE_BUDGET} B budget.`,
  );
  return {
    id: 'bundle',
    title: '1. Widget bundle size',
    command: 'node --import tsx bench/bundle.ts',
    figures,
    notes,
  };
}

runIfMain(import.meta.url, bundleBench, (result) => {
  if (process.argv.includes('--write')) writeSection(result);
});
