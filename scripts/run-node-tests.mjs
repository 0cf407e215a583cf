#!/usr/bin/env node
// Runs every `*.test.ts` below the given folders with Node's test runner.
// Node 20's `--test` does not expand globs (a quoted glob fails, a bare
// `node --test` finds no .ts file and exits 0: a false green), so we list the
// files ourselves and refuse to run none.
//
// `--serial NAME` (repeatable): the test file named NAME runs after all the
// others, on its own. For a test that rebuilds what the others use (the
// packed-install test rebuilds and repacks the packages, emptying the
// widget's dist/ for a moment), which must not overlap them.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals: roots } = parseArgs({
  allowPositionals: true,
  options: { serial: { type: 'string', multiple: true, default: [] } },
});
if (roots.length === 0) {
  console.error('usage: run-node-tests.mjs [--serial NAME]... DIR [DIR...]');
  process.exit(2);
}

/** @param {string} dir @returns {string[]} */
function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

const files = roots.flatMap(findTests).sort();
if (files.length === 0) {
  console.error(`No *.test.ts files under ${roots.join(', ')}: refusing a run that tests nothing.`);
  process.exit(1);
}
const missing = values.serial.filter((name) => !files.some((f) => basename(f) === name));
if (missing.length > 0) {
  console.error(`--serial names no test file found: ${missing.join(', ')}`);
  process.exit(1);
}
const serial = files.filter((f) => values.serial.includes(basename(f)));
const together = files.filter((f) => !serial.includes(f));

/** Runs `batch` under Node's test runner; returns its exit status. */
function run(batch, concurrency) {
  console.log(
    `Running ${batch.length} test files: ${batch.map((f) => relative('.', f)).join(' ')}`,
  );
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...batch],
    { stdio: 'inherit' },
  );
  return result.status ?? 1;
}

let status = together.length > 0 ? run(together, 2) : 0;
for (const file of serial) status = run([file], 1) || status;
process.exit(status);
