/**
 * Every child process a benchmark starts is tracked here, so that none
 * outlives the run: not on success, not on an exception, not on Ctrl-C.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

/** Tracks `child` until it exits. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Kills every tracked child still running (SIGKILL: this is the last resort). */
export function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

// `exit` handlers must be synchronous, which kill() is. Signals would
// otherwise end this process and orphan the servers it started.
process.once('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}
