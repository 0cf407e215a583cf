/** CPU time of processes, read from Linux's /proc: Chromium's (who else used the cores), a server's. */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICK_MS = 10;

/**
 * User + system CPU time so far of every Chromium child process, keyed by
 * pid and labelled by its `--type` (the browser's own UI renderer as
 * `renderer (top-chrome WebUI)`).
 */
export function chromiumCpu(): Map<number, { label: string; ms: number }> {
  const out = new Map<number, { label: string; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Chromium rewrites its command line as one string: split on spaces too.
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split(/[\0 ]/);
      const type = cmdline.find((a) => a.startsWith('--type='))?.slice(7);
      if (!type || !cmdline[0]?.includes('chrom')) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      const webui = cmdline.includes('--top-chrome-webui') ? ' (top-chrome WebUI)' : '';
      out.set(Number(entry), { label: `${type}${webui}`, ms: ticks * TICK_MS });
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/** CPU time each process used between two `chromiumCpu()` readings, busiest first. */
export function cpuBetween(
  before: ReturnType<typeof chromiumCpu>,
  after: ReturnType<typeof chromiumCpu>,
): { pid: number; label: string; ms: number }[] {
  return [...after]
    .map(([pid, { label, ms }]) => ({ pid, label, ms: ms - (before.get(pid)?.ms ?? 0) }))
    .filter((p) => p.ms > 0)
    .sort((a, b) => b.ms - a.ms);
}

/**
 * User + system CPU time so far of `pid`, in ms (/proc/<pid>/stat counts in
 * ticks of {@link TICK_MS}), or NaN once it has gone.
 */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return Number.NaN;
  }
}
