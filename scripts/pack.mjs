#!/usr/bin/env node
// Builds and packs the two publishable packages, @parley/server and
// @parley/widget, into tarballs that work outside this repository:
//
//   node scripts/pack.mjs --out DIR
//
// It builds both (`pnpm --filter ... build`, the server first, as `pnpm -r
// build` orders them), then runs `pnpm pack` in each: pnpm writes the
// manifest's `publishConfig` (exports and bin pointing at dist/) into the
// packed package.json, and the server's `prepack` copies the built widget
// into it. It prints each tarball's path, one a line, and nothing else on
// stdout. The workspace's dependencies must be installed (`pnpm install`).
//
// One script for every packing: the Dockerfile's build stage RUNs exactly
// this command, and test/packed-install.e2e.test.ts runs it too (and checks
// that the Dockerfile still does), so the image is built the way the test
// installs and runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PNPM, ROOT } from './lib.mjs';

/** The packages packed, by folder, in build order. */
const PACKAGES = ['packages/server', 'packages/widget'];

const { values } = parseArgs({ options: { out: { type: 'string' } } });
if (!values.out) {
  console.error('usage: node scripts/pack.mjs --out DIR');
  process.exit(2);
}
const out = resolve(values.out);

/** Runs pnpm with `args` in `cwd`, its output on stderr (stdout is the tarball list); exits on failure. */
function pnpm(args, cwd = ROOT) {
  const result = spawnSync(PNPM[0], [...PNPM.slice(1), ...args], {
    cwd,
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    console.error(
      `pack: pnpm ${args.join(' ')} failed (${result.error?.message ?? result.status})`,
    );
    process.exit(1);
  }
}

const names = PACKAGES.map(
  (dir) => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')).name,
);
pnpm([...names.flatMap((name) => ['--filter', name]), 'build']);

/** Our tarballs' names; nothing else in DIR is touched. */
const TARBALL = /^parley-(server|widget)-.+\.tgz$/;
mkdirSync(out, { recursive: true });
for (const name of readdirSync(out)) if (TARBALL.test(name)) rmSync(join(out, name));
for (const dir of PACKAGES) pnpm(['pack', '--pack-destination', out], join(ROOT, dir));
const tarballs = readdirSync(out).filter((name) => TARBALL.test(name));
if (tarballs.length !== PACKAGES.length) {
  console.error(
    `pack: expected ${PACKAGES.length} tarballs in ${out}, found ${tarballs.join(', ')}`,
  );
  process.exit(1);
}
for (const name of tarballs.sort()) console.log(join(out, name));
