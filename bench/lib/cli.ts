/** Lets each benchmark script run on its own as well as from `run.ts`. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { killAll } from './children.ts';
import { closeIdleSockets } from './http.ts';
import { closeRawSockets } from './raw-http.ts';
import { type BenchResult, failed, textTable } from './report.ts';

/**
 * When the module at `moduleUrl` is the script node was started with, runs
 * `bench`, prints its figures, runs `after` on them (e.g. to write them into
 * the docs) and exits non-zero if a budget fails.
 */
export function runIfMain(
  moduleUrl: string,
  bench: () => Promise<BenchResult>,
  after?: (result: BenchResult) => void,
): void {
  const entry = process.argv[1];
  if (!entry || pathToFileURL(resolve(entry)).href !== moduleUrl) return;
  bench()
    .then((result) => {
      console.log(textTable(result));
      after?.(result);
      process.exitCode = failed(result) ? 1 : 0;
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : error);
      process.exitCode = 1;
    })
    .finally(() => {
      closeIdleSockets();
      closeRawSockets();
      killAll();
      // Explicit: a library's stray timer or socket must not keep a finished run alive.
      process.exit();
    });
}

/** Runs `bench`, turning an exception into a failed result so later benchmarks still run. */
export async function settle(
  meta: Pick<BenchResult, 'id' | 'title' | 'command'>,
  bench: () => Promise<BenchResult>,
): Promise<BenchResult> {
  const start = Date.now();
  try {
    const result = await bench();
    return { ...result, durationS: Math.round((Date.now() - start) / 1000) };
  } catch (error) {
    return {
      ...meta,
      figures: [],
      notes: [],
      error: error instanceof Error ? error.message : String(error),
      durationS: Math.round((Date.now() - start) / 1000),
    };
  }
}
