/**
 * Where the widget's main-thread time goes on a cold load of the first-render
 * page (`first-render.ts`): traces a few loads from the page's request for
 * /widget.js until the thread is interactive, and prints for each load the
 * longest task (wall and CPU time), layout and font-lookup totals, every
 * render of the element (Lit's `update`, timed in the page), and each task
 * over `--over` ms with the trace events inside it. Not part of `run.ts`: a
 * tool for profiling, as `profile-read.ts` is for the server.
 *
 *   node --import tsx bench/profile-render.ts [--loads 3] [--over 10] [--css '...'] [--traces DIR] [--settle 500]
 *
 * `--css` adds a style sheet to the page, to try a change of the thread's
 * styles through `::part()` or the host without a rebuild; `--traces` keeps
 * each load's trace (open it in Chrome's Performance panel); `--settle` is
 * how long a fresh context is left before the load (0 shows what the
 * browser's own start-up of a context costs the cores meanwhile).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleBench } from './bundle.ts';
import { benchPage, DONE, MESSAGES, THREAD_KEY, WIDGET_TASKS } from './first-render.ts';
import { killAll } from './lib/children.ts';
import { freshPage, launchChromium, SETTLE_MS } from './lib/chromium.ts';
import { startParley } from './lib/parley-server.ts';
import { WIDGET_DIST } from './lib/paths.ts';
import { chromiumCpu, cpuBetween } from './lib/proc-cpu.ts';
import { seedThread } from './lib/seed.ts';
import { startPageServer } from './lib/static-server.ts';
import { tempDir } from './lib/temp.ts';
import { type RendererTask, rendererTasks } from './lib/trace.ts';

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '3' },
    over: { type: 'string', default: '10' },
    css: { type: 'string', default: '' },
    traces: { type: 'string' },
    settle: { type: 'string', default: String(SETTLE_MS) },
  },
});
const loads = Number(values.loads);
const over = Number(values.over);

/** Font lookups: synchronous calls from the renderer to the browser process. */
const isFontLookup = (name: string) =>
  name.startsWith('WebSandboxSupportLinux::') || name === 'FontDataService::MatchFamilyName';

/** Times every update of a custom element (Lit's `update`) as a performance measure. */
function timeRenders() {
  const define = customElements.define.bind(customElements);
  customElements.define = (name, cls, options) => {
    const proto = cls.prototype as unknown as { update(...args: unknown[]): unknown };
    const update = proto.update;
    proto.update = function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return update.apply(this, args);
      } finally {
        performance.measure(`render of <${name}>`, { start, end: performance.now() });
      }
    };
    define(name, cls, options);
  };
}

function report(load: number, tasks: RendererTask[], renders: { at: number; ms: number }[]) {
  const inside = tasks.flatMap((t) => t.inside);
  const total = (match: (name: string) => boolean) =>
    inside.filter((e) => match(e.name)).reduce((a, e) => a + e.ms, 0);
  const lookups = inside.filter((e) => isFontLookup(e.name));
  const longest = Math.max(...tasks.map((t) => t.ms));
  const mostCpu = Math.max(...tasks.map((t) => t.cpuMs ?? 0));
  console.log(
    `\nload ${load}: longest task ${longest.toFixed(1)} ms; most CPU in one task ${mostCpu.toFixed(1)} ms`,
  );
  console.log(
    `  in all: Layout ${total((n) => n === 'Layout').toFixed(0)} ms, UpdateLayoutTree ${total((n) => n === 'UpdateLayoutTree').toFixed(0)} ms, ParseHTML ${total((n) => n === 'ParseHTML').toFixed(0)} ms; ${lookups.length} font lookups, ${total(isFontLookup).toFixed(0)} ms`,
  );
  console.log(
    `  renders: ${renders.map((r) => `+${r.at.toFixed(0)} ms ${r.ms.toFixed(1)} ms`).join(', ')}`,
  );
  for (const task of tasks) {
    if (task.ms < over) continue;
    const fonts = task.inside.filter((e) => isFontLookup(e.name)).length;
    console.log(
      `  task at +${task.at.toFixed(0)} ms: ${task.ms.toFixed(1)} ms, CPU ${task.cpuMs?.toFixed(1) ?? '?'} ms, ${fonts} font lookups`,
    );
    for (const e of task.inside.filter((x) => x.ms >= 1 && x.depth <= 4)) {
      const detail = e.detail ? ` ${e.detail}` : '';
      console.log(`    ${'  '.repeat(e.depth)}${e.name} ${e.ms.toFixed(1)} ms${detail}`);
    }
  }
}

if (!existsSync(join(WIDGET_DIST, 'widget.js'))) await bundleBench();
if (values.traces) mkdirSync(values.traces, { recursive: true });
const tmp = tempDir('profile-render');
const pages = await startPageServer();
const parley = await startParley({
  databaseUrl: `sqlite:${join(tmp.dir, 'parley.db')}`,
  origins: pages.origin,
});
const browser = await launchChromium();
try {
  await seedThread(parley.url, THREAD_KEY, MESSAGES);
  pages.setPage(benchPage(parley.url).replace('</head>', `<style>${values.css}</style></head>`));
  // The first load warms the server and the OS cache: not reported.
  for (let i = 0; i <= loads; i++) {
    const { context, page } = await freshPage(browser, Number(values.settle));
    await page.addInitScript(timeRenders);
    await browser.startTracing(page, {
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'fonts'],
    });
    const done = page.waitForEvent('console', { predicate: (m) => m.text() === DONE });
    const cpuBefore = chromiumCpu();
    await page.goto(pages.origin);
    await done;
    const cpu = cpuBetween(cpuBefore, chromiumCpu());
    const trace = await browser.stopTracing();
    const renders = await page.evaluate(() => {
      const widget = performance
        .getEntriesByType('resource')
        .find((e) => e.name.includes('/widget.js'))!.startTime;
      return performance
        .getEntriesByType('measure')
        .filter((e) => e.name.startsWith('render of'))
        .map((e) => ({ at: e.startTime - widget, ms: e.duration }));
    });
    await context.close();
    if (i === 0) continue;
    if (values.traces) writeFileSync(join(values.traces, `load-${i}.json`), trace);
    report(i, rendererTasks(trace, WIDGET_TASKS, 0), renders);
    console.log(
      `  CPU of Chromium's processes during the load: ${cpu.map((p) => `${p.label} ${p.ms} ms`).join(', ')}`,
    );
  }
} finally {
  await browser.close();
  await parley.stop();
  await pages.close();
  tmp.remove();
  killAll();
}
