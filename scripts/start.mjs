#!/usr/bin/env node
// `npm start`: runs Parley from a fresh clone. Installs the dependencies,
// builds the widget, then starts the Parley server on embedded SQLite
// (./data/parley.db) with the example blog beside it, seeding a demo thread
// into an empty database. Settings: see examples/blog/run.ts.
import { installDependencies, PNPM, run } from './lib.mjs';

if (installDependencies() !== 0) process.exit(1);
if (run(PNPM[0], [...PNPM.slice(1), '--filter', '@parley/widget', 'build']) !== 0) {
  console.error('Building the widget failed (see above).');
  process.exit(1);
}
process.exit(
  run(process.execPath, ['--import', 'tsx', 'examples/blog/run.ts', ...process.argv.slice(2)]),
);
