/**
 * How long a fuzz run is, and which one: `npm test` runs the fixed seed with
 * a bounded number of runs (well under a minute for both dialects); the
 * `fuzz` script passes its own through the environment, so a failure
 * printed by either can be replayed exactly.
 */
import type fc from 'fast-check';

/** The seed `npm test` runs (the number: any fixed one would do). */
const DEFAULT_SEED = 13;

/** Runs `npm test` makes: 19 to 32 s for both dialects on a shared 2-core machine (under 40 s). */
const DEFAULT_RUNS = 60;

/** Most requests in one run (after the seed). */
const REQUESTS_PER_RUN = 40;

/** The fuzz settings the environment asks for. */
export interface FuzzSettings {
  parameters: fc.Parameters<[unknown]>;
  /** Most requests in one run. */
  length: number;
}

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^-?\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    throw new Error(`${name} must be an integer of at least ${min}, not ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/**
 * Reads PARLEY_FUZZ_SEED (default {@link DEFAULT_SEED}), PARLEY_FUZZ_RUNS
 * (default {@link DEFAULT_RUNS}) and PARLEY_FUZZ_PATH (a shrink path fast-check
 * printed, to replay one counterexample) from `env`.
 */
export function fuzzSettings(env: NodeJS.ProcessEnv): FuzzSettings {
  const seed = integer('PARLEY_FUZZ_SEED', env.PARLEY_FUZZ_SEED, DEFAULT_SEED, -(2 ** 31));
  const numRuns = integer('PARLEY_FUZZ_RUNS', env.PARLEY_FUZZ_RUNS, DEFAULT_RUNS, 1);
  const path = env.PARLEY_FUZZ_PATH;
  return {
    // The error that failed the run (which request, which dialect, what it got) in the report.
    parameters: { seed, numRuns, includeErrorInReport: true, ...(path ? { path } : {}) },
    length: REQUESTS_PER_RUN,
  };
}
