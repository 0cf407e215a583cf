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
    data?: { url?: string; functionName?: string; lineNumber?: number; columnNumber?: number };
  };
}

const cpuMs = (e: TraceEvent) => (e.tdur === undefined ? undefined : e.tdur / 1000);

/** Top-level task events: Chrome has named them both ways over the years. */
const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/** The longest renderer main-thread task and what it spent its time on. */
export interface LongestTask {
  ms: number;
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

/** Renderer main-thread complete events, and when the page first requested `afterRequestOf`. */
function mainThreadEvents(
  trace: Buffer,
  afterRequestOf?: string,
): { complete: TraceEvent[]; requested?: number } {
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
  const requested = afterRequestOf
    ? events.find(
        (e) => e.name === 'ResourceSendRequest' && e.args?.data?.url?.includes(afterRequestOf),
      )?.ts
    : undefined;
  if (afterRequestOf && requested === undefined) {
    throw new Error(`the trace shows no request for ${afterRequestOf}`);
  }
  return { complete, requested };
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
  /** Start, in ms after the request (or the trace's first task). */
  at: number;
  ms: number;
  /** CPU time of the main thread in it: less than `ms` when the thread waited for a core. */
  cpuMs?: number;
  /** Events inside it of at least `minMs`, nested `depth` deep. */
  inside: { name: string; ms: number; depth: number; detail?: string }[];
}

/** Every renderer main-thread task that starts after the page requested `afterRequestOf`. */
export function rendererTasks(trace: Buffer, afterRequestOf: string, minMs = 1): RendererTask[] {
  const { complete, requested } = mainThreadEvents(trace, afterRequestOf);
  const tasks = complete
    .filter((e) => TASK_NAMES.has(e.name) && e.ts >= requested!)
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
      at: (task.ts - requested!) / 1000,
      ms: task.dur! / 1000,
      cpuMs: cpuMs(task),
      inside,
    };
  });
}

/**
 * Finds the longest main-thread task of every renderer in the trace. With
 * `afterRequestOf`, only tasks that start after the page first requested a URL
 * containing that text count: the navigation's own tasks (commit, the parse of
 * the host page that finds and requests the script) belong to the page.
 */
export function longestRendererTask(trace: Buffer, afterRequestOf?: string): LongestTask {
  const { complete, requested } = mainThreadEvents(trace, afterRequestOf);
  let longest: TraceEvent | undefined;
  let tasks = 0;
  for (const e of complete) {
    if (!TASK_NAMES.has(e.name)) continue;
    if (requested !== undefined && e.ts < requested) continue;
    tasks++;
    if (!longest || e.dur! > longest.dur!) longest = e;
  }
  if (!longest) return { ms: 0, tasks, breakdown: [] };

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
  return { ms: task.dur! / 1000, cpuMs: cpuMs(task), tasks, breakdown };
}
