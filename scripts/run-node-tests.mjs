#!/usr/bin/env node
// Runs every `*.test.ts` below the given folders with Node's test runner.
// Node 20's `--test` does not expand globs (a quoted glob fails, a bare
// `node --test` finds no .ts file and exits 0: a false green), so we list the
// files ourselves and refuse to run none.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error('usage: run-node-tests.mjs DIR [DIR...]');
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
console.log(`Running ${files.length} test files: ${files.map((f) => relative('.', f)).join(' ')}`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
