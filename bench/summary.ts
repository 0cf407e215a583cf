/**
 * The built-in extractive summarizer on big and hostile threads: how long
 * each summary takes, and the longest stretch it holds the event loop (a
 * 1 ms timer ticks meanwhile; the longest gap between two ticks is how long
 * every other request would have waited). Runs in-process: the summarizer
 * is pure, so no server is needed to time it.
 *
 *   node --import tsx bench/summary.ts [--write]    (--write: also its section in docs/benchmarks.md)
 */
import { extractiveSummary } from '../packages/server/src/summaries/extractive.ts';
import type { SummaryInput, SummaryMessage } from '../packages/server/src/summaries/summarizer.ts';
import { runIfMain } from './lib/cli.ts';
import { writeSection } from './lib/markdown.ts';
import type { BenchResult, Figure } from './lib/report.ts';

/** No summary may hold the event loop longer than this, in ms. */
const BLOCK_BUDGET_MS = 50;

function thread(title: string, bodies: string[]): SummaryInput {
  return {
    title,
    messages: bodies.map(
      (body, index): SummaryMessage => ({
        id: index + 1,
        kind: index === 0 ? 'opening' : 'reply',
        author: `reader${index % 37}`,
        html: `<p>${body}</p>`,
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
      }),
    ),
  };
}

const TOPICS = ['database', 'migration', 'backup', 'replica', 'index', 'vacuum', 'schema'];

function ordinary(count: number, repeat: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const a = TOPICS[index % TOPICS.length]!;
    const b = TOPICS[(index * 3 + 1) % TOPICS.length]!;
    return `Message ${index} talks about the ${a} and the ${b} of our server. We tried the ${b} ${index} times last week and it worked. Is the ${a} still slow for you? `.repeat(
      repeat,
    );
  });
}

const CASES: [name: string, input: () => SummaryInput][] = [
  ['500 ordinary messages', () => thread('Database maintenance', ordinary(500, 1))],
  ['500 messages of ~10,000 characters', () => thread('Database maintenance', ordinary(500, 60))],
  [
    '45 posts of "A. " x 3,299 (initials)',
    () =>
      thread(
        'A',
        Array.from(
          { length: 45 },
          (_, index) => `${String.fromCharCode(65 + (index % 26))}${index}. ${'A. '.repeat(3299)}`,
        ),
      ),
  ],
  ['"Mr. " x 3,000', () => thread('Mr', ['Mr. '.repeat(3000), 'Mr. Smith met Dr. Jones today.'])],
  [
    '30 posts of 1,500 one-word sentences',
    () =>
      thread(
        'Short',
        Array.from({ length: 30 }, () =>
          Array.from({ length: 1500 }, (_, n) => `Word${n % 97}.`).join(' '),
        ),
      ),
  ],
];

async function measure(input: SummaryInput): Promise<{ total: number; block: number }> {
  let last = performance.now();
  let block = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    block = Math.max(block, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  try {
    await extractiveSummary(input);
    const ended = performance.now();
    return { total: ended - started, block: Math.max(block, ended - last) };
  } finally {
    clearInterval(ticker);
  }
}

export async function summaryBench(): Promise<BenchResult> {
  const figures: Figure[] = [];
  // The first summary in a process also loads ICU's segmentation data: not what a running server pays.
  await measure(thread('Warm-up', ordinary(50, 1)));
  for (const [name, build] of CASES) {
    const input = build();
    // The median of three runs, by total time.
    const runs = [await measure(input), await measure(input), await measure(input)].sort(
      (a, b) => a.total - b.total,
    );
    const { total, block } = runs[1]!;
    figures.push({ name: `${name}: total`, value: total, unit: 'ms' });
    figures.push({
      name: `${name}: longest event-loop block`,
      value: block,
      unit: 'ms',
      budget: { op: '<=', limit: BLOCK_BUDGET_MS },
    });
  }
  return {
    id: 'summary',
    title: '10. Automatic summaries (extractive) on big and hostile threads',
    command: 'node --import tsx bench/summary.ts',
    figures,
    notes: [
      'In-process: `extractiveSummary` on each thread while a 1 ms timer ticks; the block is the longest gap between two ticks. Median of three runs.',
      'The summarizer reads at most 3,000 code points of a message and 60,000 of a thread, and yields to the event loop every 5 ms of work.',
    ],
  };
}

runIfMain(import.meta.url, summaryBench, (result) => {
  if (process.argv.includes('--write')) writeSection(result);
});
