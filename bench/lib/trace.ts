/** Reads a Chrome trace (the JSON `browser.stopTracing()` returns). */

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time, where the trace records it. */
  tdur?: number;
  args?: {
    name?: string;
    data?: {
      url?: string;
      functionName?: string;
      lineNumber?: number;
      columnNumber?: number;
      /** A `console.timeStamp()` label. */
      message?: string;
    };
  };
}

const cpuMs = (e: TraceEvent) => (e.tdur === undefined ? undefined : e.tdur / 1000);

/** Top-level task events: Chrome has named them both ways over the years. */
const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/** The longest renderer main-thread task and what it spent its time on. */
export interface LongestTask {
  ms: number;
  /** Start, in ms after the window's start (the trace's first event without a window). */
  at: number;
  /**
   * The main thread's CPU time in it, where the trace records it: less than
   * `ms` when the thread waited, for a core or for another process.
   */
  cpuMs?: number;
  /** Task events seen on renderer main threads: 0 means the trace cannot be judged. */
  tasks: number;
  /** The longest task's direct children, e.g. `FunctionCall 61 ms`, largest first. */
  breakdown: { name: string; ms: number }[];
}

/**
 * Which tasks count: those that start after the page first requested a URL
 * containing `afterRequestOf` (the navigation's own tasks, including the parse
 * that finds and requests the script, belong to the page), and with `until`,
 * no later than the page's `console.timeStamp(until)` (what follows, such as
 * the renderer flushing its trace, belongs to the harness).
 */
export interface TaskWindow {
  afterRequestOf?: string;
  until?: string;
}

/** Renderer main-thread complete events, and the window's bounds in trace time. */
function mainThreadEvents(
  trace: Buffer,
  window?: TaskWindow,
): { complete: TraceEvent[]; from: number; to: number } {
  const parsed = JSON.parse(trace.toString('utf8')) as
    | { traceEvents?: TraceEvent[] }
    | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  // A navigation to another site may swap renderer processes, so every
  // renderer main thread counts, not only the first one seen.
  const mainThreads = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const complete = events.filter(
    (e) => e.ph === 'X' && e.dur !== undefined && mainThreads.has(`${e.pid}:${e.tid}`),
  );
  const { afterRequestOf, until } = window ?? {};
  const from = afterRequestOf
    ? events.find(
        (e) => e.name === 'ResourceSendRequest' && e.args?.data?.url?.includes(afterRequestOf),
      )?.ts
    : Number.NEGATIVE_INFINITY;
  if (from === undefined) throw new Error(`the trace shows no request for ${afterRequestOf}`);
  const to = until
    ? events.find((e) => e.name === 'TimeStamp' && e.args?.data?.message === until)?.ts
    : Number.POSITIVE_INFINITY;
  if (to === undefined) throw new Error(`the trace shows no console.timeStamp('${until}')`);
  return { complete, from, to };
}

/** Events inside `task` on its thread, in order, outer ones first. */
function eventsInside(task: TraceEvent, complete: TraceEvent[]): TraceEvent[] {
  return complete
    .filter(
      (e) =>
        e !== task &&
        e.pid === task.pid &&
        e.tid === task.tid &&
        e.ts >= task.ts &&
        e.ts + e.dur! <= task.ts + task.dur!,
    )
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
}

/** One main-thread task, for profiling: see `bench/profile-render.ts`. */
export interface RendererTask {
  /** Start, in ms after the page's request that opens the window. */
  at: number;
  ms: number;
  /** CPU time of the main thread in it: less than `ms` when the thread waited. */
  cpuMs?: number;
  /** Events inside it of at least `minMs`, nested `depth` deep. */
  inside: { name: string; ms: number; depth: number; detail?: string }[];
}

/** Every renderer main-thread task in `window`. */
export function rendererTasks(
  trace: Buffer,
  window: TaskWindow & { afterRequestOf: string },
  minMs = 1,
): RendererTask[] {
  const { complete, from, to } = mainThreadEvents(trace, window);
  const tasks = complete
    .filter((e) => TASK_NAMES.has(e.name) && e.ts >= from && e.ts <= to)
    .sort((a, b) => a.ts - b.ts);
  return tasks.map((task) => {
    const open: TraceEvent[] = [];
    const inside: RendererTask['inside'] = [];
    for (const e of eventsInside(task, complete)) {
      while (open.length && e.ts >= open.at(-1)!.ts + open.at(-1)!.dur!) open.pop();
      const depth = open.length;
      open.push(e);
      if (e.dur! < minMs * 1000 || depth > 6) continue;
      const data = e.args?.data;
      inside.push({
        name: e.name,
        ms: e.dur! / 1000,
        depth,
        detail: data?.url
          ? `${data.functionName || '(anonymous)'} ${data.url}:${data.lineNumber}:${data.columnNumber}`
          : undefined,
      });
    }
    return {
      at: (task.ts - from) / 1000,
      ms: task.dur! / 1000,
      cpuMs: cpuMs(task),
      inside,
    };
  });
}

/** Finds the longest main-thread task of every renderer in the trace, within `window` if given. */
export function longestRendererTask(trace: Buffer, window?: TaskWindow): LongestTask {
  const { complete, from, to } = mainThreadEvents(trace, window);
  let longest: TraceEvent | undefined;
  let tasks = 0;
  for (const e of complete) {
    if (!TASK_NAMES.has(e.name)) continue;
    if (e.ts < from || e.ts > to) continue;
    tasks++;
    if (!longest || e.dur! > longest.dur!) longest = e;
  }
  if (!longest) return { ms: 0, at: 0, tasks, breakdown: [] };

  // Direct children: events inside the task not inside another event inside it.
  const task = longest;
  const inside = eventsInside(task, complete);
  const totals = new Map<string, number>();
  let coveredUntil = -1;
  for (const e of inside) {
    if (e.ts < coveredUntil) continue;
    coveredUntil = e.ts + e.dur!;
    totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur! / 1000);
  }
  const breakdown = [...totals]
    .map(([name, ms]) => ({ name, ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  const start = Number.isFinite(from)
    ? from
    : complete.reduce((a, e) => Math.min(a, e.ts), task.ts);
  return {
    ms: task.dur! / 1000,
    at: (task.ts - start) / 1000,
    cpuMs: cpuMs(task),
    tasks,
    breakdown,
  };
}
