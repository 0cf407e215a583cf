/** Reads a Chrome trace (the JSON `browser.stopTracing()` returns). */

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: { url?: string; functionName?: string } };
}

/** Top-level task events: Chrome has named them both ways over the years. */
const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

/** The longest renderer main-thread task and what it spent its time on. */
export interface LongestTask {
  ms: number;
  /** Task events seen on renderer main threads: 0 means the trace cannot be judged. */
  tasks: number;
  /** The longest task's direct children, e.g. `FunctionCall 61 ms`, largest first. */
  breakdown: { name: string; ms: number }[];
}

/**
 * Finds the longest main-thread task of every renderer in the trace. With
 * `afterRequestOf`, only tasks that end after the page first requested a URL
 * containing that text count: the navigation's own tasks (commit, first parse
 * of the host page) run before it and belong to the page, not to the script.
 */
export function longestRendererTask(trace: Buffer, afterRequestOf?: string): LongestTask {
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
  let longest: TraceEvent | undefined;
  let tasks = 0;
  for (const e of complete) {
    if (!TASK_NAMES.has(e.name)) continue;
    if (requested !== undefined && e.ts + e.dur! < requested) continue;
    tasks++;
    if (!longest || e.dur! > longest.dur!) longest = e;
  }
  if (!longest) return { ms: 0, tasks, breakdown: [] };

  // Direct children: events inside the task not inside another event inside it.
  const task = longest;
  const inside = complete
    .filter(
      (e) =>
        e !== task &&
        e.pid === task.pid &&
        e.tid === task.tid &&
        e.ts >= task.ts &&
        e.ts + e.dur! <= task.ts + task.dur!,
    )
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
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
  return { ms: task.dur! / 1000, tasks, breakdown };
}
