/**
 * `npm run fuzz -- [--seed N] [--runs N] [--path P]`: the fuzz test of
 * `npm test` (`fuzz.test.ts`), longer and with a fresh seed each time unless
 * one is given. It prints the seed first, so any run can be replayed; on a
 * failure fast-check prints the seed, the shrink path and the counterexample
 * (`--seed S --path P` replays that one). Runs the test file with Node's test
 * runner, as `npm test` does, so both share one property and one cleanup.
 * Exits 0 when every run passed, 1 when one failed, 2 on bad usage.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** Runs when none are asked for: a few minutes on a 2-core machine. */
const DEFAULT_RUNS = 1000;

const USAGE = `usage: npm run fuzz -- [--seed N] [--runs N] [--path P]
  --seed N  the fast-check seed (default: random, printed); also PARLEY_FUZZ_SEED
  --runs N  how many runs, each a fresh database per dialect (default ${DEFAULT_RUNS}); also PARLEY_FUZZ_RUNS
  --path P  the shrink path fast-check printed, to replay one counterexample; also PARLEY_FUZZ_PATH`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

let values: {
  seed?: string | undefined;
  runs?: string | undefined;
  path?: string | undefined;
  help?: boolean | undefined;
};
try {
  ({ values } = parseArgs({
    options: {
      seed: { type: 'string' },
      runs: { type: 'string' },
      path: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  usage((error as Error).message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const seed = values.seed ?? process.env.PARLEY_FUZZ_SEED ?? String(randomInt(2 ** 31 - 1));
const runs = values.runs ?? process.env.PARLEY_FUZZ_RUNS ?? String(DEFAULT_RUNS);
const path = values.path ?? process.env.PARLEY_FUZZ_PATH;
if (!/^-?\d+$/.test(seed) || Math.abs(Number(seed)) >= 2 ** 31) {
  usage(`--seed must be a 32-bit integer, not ${seed}`);
}
if (!/^\d+$/.test(runs) || Number(runs) < 1)
  usage(`--runs must be a positive integer, not ${runs}`);

console.log(
  `fuzz: seed ${seed}, ${runs} runs${path ? `, path ${path}` : ''} ` +
    `(replay: npm run fuzz -- --seed ${seed} --runs ${runs}${path ? ` --path ${path}` : ''})`,
);
const testFile = fileURLToPath(new URL('./fuzz.test.ts', import.meta.url));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', testFile], {
  // The server package, where `tsx` resolves, whichever folder npm was run from.
  cwd: fileURLToPath(new URL('../..', import.meta.url)),
  stdio: 'inherit',
  env: {
    ...process.env,
    PARLEY_FUZZ_SEED: seed,
    PARLEY_FUZZ_RUNS: runs,
    ...(path ? { PARLEY_FUZZ_PATH: path } : {}),
  },
});
console.log(`fuzz: seed ${seed}, ${runs} runs: ${result.status === 0 ? 'passed' : 'FAILED'}`);
process.exit(result.status === 0 ? 0 : 1);
