/** What the figures were measured on: they mean little without it. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { ROOT } from './paths.ts';

/** The machine and runtime of a run. */
export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** ISO 8601 time the run started. */
  date: string;
  /** 1, 5 and 15 minute load averages when the run started: a busy machine gives noisy figures. */
  loadAverage: number[];
  /** The commit measured, `+changes` when the server or widget differ from it (read-only git). */
  commit: string;
}

/** HEAD's short hash, and whether packages/ has uncommitted changes; `unknown` outside git. */
function commit(): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--', 'packages') ? `${head} +changes in packages/` : head;
  } catch {
    return 'unknown';
  }
}

/** Describes this machine now. */
export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
    date: new Date().toISOString(),
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    commit: commit(),
  };
}
