/** Numbers, sizes and durations as the commands' summaries and progress lines print them. */

/** A count with thousands separators: `12,345`. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `n` things, singular when one: `1 thread`, `2 threads`. */
export function things(n: number, singular: string, plural = `${singular}s`): string {
  return `${count(n)} ${n === 1 ? singular : plural}`;
}

/** A size in bytes, exact when small, else to a tenth in KiB, MiB or GiB: `48.0 MiB`. */
export function bytes(n: number): string {
  if (n < 1024) return things(n, 'byte');
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A duration: `35 ms`, `0.4 s`, `12.3 s`, `2 min 5 s`. */
export function duration(ms: number): string {
  if (ms < 100) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
