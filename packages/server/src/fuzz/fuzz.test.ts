/**
 * Property-based fuzzing of every route, in-process, on SQLite and
 * PostgreSQL alike (see `fuzz-run.ts` for what each run checks). `npm test`
 * runs a fixed seed and a bounded number of runs; `npm run fuzz` runs the
 * same property longer, with a seed it prints (PARLEY_FUZZ_SEED,
 * PARLEY_FUZZ_RUNS and PARLEY_FUZZ_PATH replay one).
 */
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fuzzRun } from './fuzz-run.ts';
import { fuzzRequests } from './requests.ts';
import { fuzzSettings } from './settings.ts';

describe('every route, fuzzed on every dialect', () => {
  it('answers no 5xx, refuses in the envelope, agrees across dialects, and leaves counts equal to rows', async () => {
    const settings = fuzzSettings(process.env);
    await fc.assert(fc.asyncProperty(fuzzRequests(settings.length), fuzzRun), settings.parameters);
  });
});
