/** Resident memory of another process, read from Linux's /proc. */
import { readFileSync } from 'node:fs';

/** The resident set size of `pid` in bytes (VmRSS), or NaN once it has gone. */
export function readRss(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb === undefined ? Number.NaN : Number(kb) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** A running RSS sampler; `stop()` returns the peak seen and the sample count. */
export interface RssSampler {
  stop(): { peak: number; samples: number };
}

/**
 * Samples the RSS of `pid` every `intervalMs` (default 100). A timer, not a
 * loop, so the load generator sharing this process keeps running; `unref` so
 * a forgotten sampler never keeps the process alive.
 */
export function sampleRss(pid: number, intervalMs = 100): RssSampler {
  let peak = readRss(pid);
  let samples = 1;
  const timer = setInterval(() => {
    const rss = readRss(pid);
    if (Number.isNaN(rss)) return;
    samples++;
    // `!(peak >= rss)` also replaces a NaN first reading.
    if (!(peak >= rss)) peak = rss;
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return { peak, samples };
    },
  };
}

/** Bytes as MiB, one decimal. */
export function mib(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}
