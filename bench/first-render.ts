/**
 * First render of a 200-message thread in Chromium against a local server:
 * from the page's first script to the first page of messages on screen, and
 * the longest main-thread task meanwhile (budget: none over 50 ms).
 *
 *   node --import tsx bench/first-render.ts
 */

import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { bundleBench } from './bundle.ts';
import { freshPage, launchChromium, SETTLE_MS } from './lib/chromium.ts';
import { runIfMain } from './lib/cli.ts';
import { writeSection } from './lib/markdown.ts';
import { type BenchServer, startParley } from './lib/parley-server.ts';
import { WIDGET_DIST } from './lib/paths.ts';
import type { BenchResult } from './lib/report.ts';
import { seedThread } from './lib/seed.ts';
import { type PageServer, startPageServer } from './lib/static-server.ts';
import { median } from './lib/stats.ts';
import { tempDir } from './lib/temp.ts';
import { type LongestTask, longestRendererTask } from './lib/trace.ts';

/** No main-thread task may block input longer than this (the RAIL "long task" line). */
export const LONG_TASK_BUDGET_MS = 50;
export const THREAD_KEY = '/bench/200';
export const MESSAGES = 200;
/** The API's maximum page size: the first page is the opening post plus 100 replies. */
const PAGE_SIZE = 100;
const LOADS = 5;

/**
 * The same article without the widget: what the page alone costs the main
 * thread. It logs DONE a frame and 100 ms after its load event.
 */
function controlPage(): string {
  return benchPage('')
    .replace(/<script type="module"[^>]*><\/script>/, '')
    .replace(/<parley-thread[^>]*><\/parley-thread>/, '')
    .replace(
      '</head>',
      `<script>addEventListener('load', () => requestAnimationFrame(() => setTimeout(() => done({}), 100)));</script></head>`,
    );
}

/** Longest main-thread task over `LOADS` cold loads of the control page, navigation to DONE. */
async function controlLongestTask(browser: Browser, url: string): Promise<number[]> {
  const tasks: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const { context, page } = await freshPage(browser);
    try {
      await browser.startTracing(page, { categories: TRACE_CATEGORIES });
      const done = page.waitForEvent('console', {
        predicate: (m) => m.text() === DONE,
        timeout: 30_000,
      });
      await page.goto(url, { timeout: 30_000 });
      await done;
      tasks.push(longestRendererTask(await browser.stopTracing(), { until: DONE }).ms);
    } finally {
      await context.close();
    }
  }
  return tasks;
}

/** What the page reports once the thread is interactive. */
interface PageFigures {
  ms?: number;
  /** Messages on screen at first render (long pages render in batches after). */
  firstMessages?: number;
  /** Script start to the whole first page rendered. */
  allMs?: number;
  /** Script start to the thread interactive (form and actions in). */
  readyMs?: number;
  messages?: number;
  /** Tasks of 50 ms or more the browser reported (Long Tasks API) after the widget's request. */
  longTasks?: number[];
  error?: unknown;
}

/** What the page logs when its figures are ready: a console message needs no script from the harness. */
export const DONE = 'parley-bench-done';
/**
 * Which tasks are the widget's: from the page's request for /widget.js to the
 * page's `console.timeStamp(DONE)`, just before it logs DONE.
 */
export const WIDGET_TASKS = { afterRequestOf: '/widget.js', until: DONE };
/**
 * This Chromium records RunTask only under the disabled-by-default category
 * (Lighthouse asks for it too); devtools.timeline alone has no tasks.
 */
const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline'];

/**
 * The bench page. The inline script runs first and marks "script start"; it
 * listens for `parley-thread-loaded` (bubbles, composed), then marks "on
 * screen" at the first animation frame with messages in the element. It goes
 * on until the whole first page is rendered, then until the element is
 * interactive (`updateComplete` waits for every batch, the form and the
 * actions), and logs DONE. A `longtask` observer records what the browser itself counts as
 * long tasks meanwhile.
 */
export function benchPage(serverUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Parley first render</title>
<script>
performance.mark('bench-script-start');
const longTasks = [];
new PerformanceObserver((list) => longTasks.push(...list.getEntries()))
  .observe({ type: 'longtask', buffered: true });
const frame = () => new Promise((r) => requestAnimationFrame(r));
const since = (name) => performance.measure(name, 'bench-script-start').duration;
const done = (figures) => {
  const widget = performance.getEntriesByType('resource').find((e) => e.name.includes('/widget.js'));
  figures.longTasks = longTasks
    .filter((t) => widget && t.startTime >= widget.startTime)
    .map((t) => t.duration);
  window.__bench = figures;
  console.timeStamp('${DONE}');
  console.log('${DONE}');
};
document.addEventListener('parley-thread-loaded', async (event) => {
  const el = event.target;
  const count = () => el.shadowRoot.querySelectorAll('[part~="message"]').length;
  // On screen: the first frame with messages in it.
  while (count() === 0) await frame();
  const ms = since('bench-first-render');
  const firstMessages = count();
  // Long pages render a batch per task: wait until the whole first page is in.
  while (count() < ${PAGE_SIZE + 1}) await frame();
  await frame();
  const allMs = since('bench-all-rendered');
  const messages = count();
  await el.updateComplete;
  await frame();
  done({ ms, firstMessages, allMs, readyMs: since('bench-interactive'), messages });
}, { once: true });
document.addEventListener('parley-error', (event) => done({ error: event.detail }));
</script>
<script type="module" src="${serverUrl}/widget.js"></script>
</head>
<body>
<main>
<h1>A long article</h1>
<p>${'Words of the article before the discussion. '.repeat(40)}</p>
<parley-thread thread="${THREAD_KEY}" page-size="${PAGE_SIZE}"></parley-thread>
</main>
</body>
</html>`;
}

/** What one cold load measured. */
interface Load {
  ms: number;
  firstMessages: number;
  allMs: number;
  readyMs: number;
  messages: number;
  longTasks: number[];
  /** Only for traced loads. */
  task?: LongestTask;
}

/**
 * One cold page load: a fresh browser context (see freshPage). With `traced`,
 * a Chrome trace records the main thread's tasks meanwhile. The harness runs
 * no script in the page until the page says it is done (Playwright's own
 * injected script is a long task of its own).
 */
async function coldLoad(browser: Browser, url: string, traced: boolean): Promise<Load> {
  const { context, page } = await freshPage(browser);
  try {
    if (traced) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    let trace: Buffer | undefined;
    try {
      const done = page.waitForEvent('console', {
        predicate: (m) => m.text() === DONE,
        timeout: 30_000,
      });
      await page.goto(url, { timeout: 30_000 });
      await done;
    } finally {
      if (traced) trace = await browser.stopTracing();
    }
    const figures = (await page.evaluate(
      () => (window as { __bench?: unknown }).__bench,
    )) as PageFigures;
    if (figures.error !== undefined || figures.ms === undefined) {
      throw new Error(`the widget reported an error: ${JSON.stringify(figures.error)}`);
    }
    const load: Load = {
      ms: figures.ms,
      firstMessages: figures.firstMessages ?? 0,
      allMs: figures.allMs ?? 0,
      readyMs: figures.readyMs ?? 0,
      messages: figures.messages ?? 0,
      longTasks: figures.longTasks ?? [],
    };
    if (trace) {
      load.task = longestRendererTask(trace, WIDGET_TASKS);
      if (load.task.tasks === 0) {
        throw new Error('the trace holds no renderer main-thread tasks: cannot judge long tasks');
      }
    }
    return load;
  } finally {
    await context.close();
  }
}

/** Measures the first render. */
export async function firstRenderBench(): Promise<BenchResult> {
  const notes: string[] = [];
  if (!existsSync(join(WIDGET_DIST, 'widget.js'))) await bundleBench(); // builds it
  const tmp = tempDir('render');
  let parley: BenchServer | undefined;
  let pages: PageServer | undefined;
  let browser: Browser | undefined;
  try {
    pages = await startPageServer();
    parley = await startParley({
      databaseUrl: `sqlite:${join(tmp.dir, 'parley.db')}`,
      origins: pages.origin,
    });
    await seedThread(parley.url, THREAD_KEY, MESSAGES);
    pages.setPage(benchPage(parley.url));
    browser = await launchChromium();

    // The first load warms the server's JIT and the OS file cache; it is not counted.
    await coldLoad(browser, pages.origin, false);
    // Timed loads run without tracing, which slows the renderer; the long
    // task is judged on separate traced loads.
    const timed: Load[] = [];
    for (let i = 0; i < LOADS; i++) timed.push(await coldLoad(browser, pages.origin, false));
    const traced: Load[] = [];
    for (let i = 0; i < LOADS; i++) traced.push(await coldLoad(browser, pages.origin, true));

    pages.setPage(controlPage());
    const control = await controlLongestTask(browser, pages.origin);

    const renders = timed.map((l) => l.ms);
    const alls = timed.map((l) => l.allMs);
    const readies = timed.map((l) => l.readyMs);
    const firsts = timed.map((l) => l.firstMessages);
    const tasks = traced.map((l) => l.task!.ms);
    const shown = [...timed, ...traced].map((l) => l.messages);
    const worst = traced.reduce((a, b) => (b.task!.ms > a.task!.ms ? b : a)).task!;
    const reported = [...timed, ...traced].map((l) => l.longTasks);
    const ms = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
    const cores = cpus().length;
    notes.push(
      `${MESSAGES}-message thread (1 opening post + ${MESSAGES - 1} replies, ~25% nested, markdown bodies of 20 to 1,500 characters) seeded through the API on SQLite.`,
      `Page-size ${PAGE_SIZE} (the API's maximum, not 200): the first page is the opening post + ${PAGE_SIZE} replies = ${PAGE_SIZE + 1} messages; the rest sit behind "load more".`,
      `Median of ${LOADS} cold loads (fresh browser context each, left ${SETTLE_MS} ms to settle first: a new context starts the browser's own UI renderer, whose start-up otherwise shares the ${cores} cores with the load; \`BENCH_SETTLE_MS=0\` measures with it), after one uncounted warm-up load; page on its own origin, Parley server on another port. The harness runs no script in the page while it loads (the page logs to the console when it is done).`,
      'Time: inline script `performance.mark` → `parley-thread-loaded` → the first `requestAnimationFrame` with messages rendered, on untraced loads. The element renders a long page a batch of replies per task, so "on screen" is the first batch; "whole first page" waits until every message of the page is rendered; "interactive" until the reply form and the message actions (a chunk loaded after the page) are rendered too.',
      `Longest task: longest RunTask on CrRendererMain over ${LOADS} further cold loads, each traced (devtools.timeline + disabled-by-default-devtools.timeline), counting tasks that start after the page's request for /widget.js and before the thread is interactive (the navigation's own tasks, including the parse that finds the script, belong to the page; the renderer's flush of its trace after that belongs to the harness). Its CPU time is the trace's thread time: the rest of the task the main thread waited, for a core (the browser, the server and the harness share ${cores} cores) or for the browser process (font lookups are synchronous calls to it).`,
      `Long Tasks API: the page also records the tasks the browser itself reports as long (over 50 ms) that start after the request for /widget.js, on all ${LOADS * 2} loads, traced or not; per load: ${reported.map((l) => `[${ms(l)}]`).join(' ')}.`,
      `Control: the same article without the widget has a longest task of ${ms(control)} ms over ${LOADS} cold loads (from the navigation to a frame and 100 ms after its load event): this machine's floor.`,
      `Per load: render ${ms(renders)} ms; longest task ${ms(tasks)} ms.`,
      `Inside the worst task (${worst.ms.toFixed(0)} ms, ${worst.cpuMs?.toFixed(0) ?? '?'} ms of CPU, starting ${worst.at.toFixed(0)} ms after the request for /widget.js), the trace events it records directly: ${worst.breakdown.map((b) => `${b.name} ${b.ms.toFixed(0)} ms`).join(', ')}; the rest is not broken down by these trace categories.`,
    );
    if (shown.some((n) => n !== PAGE_SIZE + 1)) {
      notes.push(`WARNING: expected ${PAGE_SIZE + 1} messages on screen, saw ${shown.join(', ')}.`);
    }
    return {
      id: 'first-render',
      title: '2. First render of a 200-message thread (Chromium)',
      command: 'node --import tsx bench/first-render.ts',
      figures: [
        { name: 'script start → thread on screen, median', value: median(renders), unit: 'ms' },
        {
          name: 'script start → thread on screen, slowest',
          value: Math.max(...renders),
          unit: 'ms',
        },
        { name: 'messages on screen at first render', value: median(firsts), unit: '' },
        {
          name: 'script start → whole first page rendered, median',
          value: median(alls),
          unit: 'ms',
        },
        { name: 'messages in the whole first page', value: median(shown), unit: '' },
        {
          name: 'script start → interactive (form and actions in), median',
          value: median(readies),
          unit: 'ms',
        },
        {
          name: 'longest main-thread task, worst load',
          value: Math.max(...tasks),
          unit: 'ms',
          budget: { op: '<=', limit: LONG_TASK_BUDGET_MS },
        },
        { name: 'longest main-thread task, median load', value: median(tasks), unit: 'ms' },
        {
          name: "CPU time of the worst load's longest task",
          value: worst.cpuMs ?? Number.NaN,
          unit: 'ms',
        },
        {
          name: `long tasks the browser reported (Long Tasks API), ${LOADS * 2} loads`,
          value: reported.flat().length,
          unit: '',
          budget: { op: '<=', limit: 0 },
        },
        {
          name: 'control page without the widget: longest task, worst load',
          value: Math.max(...control),
          unit: 'ms',
        },
      ],
      notes,
    };
  } finally {
    await browser?.close().catch(() => {});
    await parley?.stop();
    await pages?.close();
    tmp.remove();
  }
}

runIfMain(import.meta.url, firstRenderBench, (result) => {
  if (process.argv.includes('--write')) writeSection(result);
});
