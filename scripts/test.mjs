#!/usr/bin/env node
// `npm test`: every check and every test suite, from a fresh clone.
//
// It installs the dependencies, finds (or, as root on Debian, installs)
// Chromium, nginx and systemd-analyze, makes sure PostgreSQL answers (starting
// the local cluster when it can), then runs lint, type check, build, the
// server suite on SQLite and PostgreSQL, the widget suite in Chromium and the
// end-to-end suite (the packed-install test last: it needs the npm
// registry). It ends with one line "N passed, N failed, N skipped", then why
// anything was skipped, and exits non-zero if anything failed or, in CI, was
// skipped.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './chromium.mjs';
import { hasCommand, installDependencies, isListening, isRoot, PNPM, ROOT, run } from './lib.mjs';
import { nodeCounts, settleStep, summarize, wtrCounts } from './test-counts.mjs';

const started = Date.now();
const results = [];
const ci = Boolean(process.env.CI);
/** This script's own warnings about what will not run, repeated in the summary. */
const notices = [];

function warnSkipped(message) {
  console.warn(`!!! ${message}`);
  notices.push(message);
}

function fail(message) {
  console.error(`\n✗ ${message}`);
  process.exit(1);
}

function section(title) {
  console.log(`\n=== ${title} ===`);
}

// 1. Dependencies.
section('dependencies');
if (installDependencies() !== 0) fail('dependencies could not be installed (see above)');

// 2. Chromium, for the widget and end-to-end suites.
section('chromium');
let chromium = findChromium();
if (!chromium && isRoot() && hasCommand('apt-get')) {
  console.log("Chromium not found: installing Debian's chromium package (about a minute)...");
  run('sh', [
    '-c',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium',
  ]);
  chromium = findChromium();
}
if (!chromium) {
  fail(
    'Chromium is missing: the widget and end-to-end tests need it.\n' +
      '  On Debian/Ubuntu: sudo apt-get install -y chromium\n' +
      '  Or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  );
}
console.log(`using ${chromium}`);
process.env.CHROMIUM_PATH = chromium;

// 3. nginx, for the scale-out test (two instances behind a real load balancer).
section('nginx');
const hasNginx = () =>
  Boolean(process.env.NGINX_PATH && existsSync(process.env.NGINX_PATH)) ||
  hasCommand('nginx') ||
  existsSync('/usr/sbin/nginx');
if (!hasNginx() && isRoot() && hasCommand('apt-get')) {
  console.log("nginx not found: installing Debian's nginx package...");
  run('sh', [
    '-c',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx',
  ]);
}
if (hasNginx()) console.log('nginx found');
else if (process.env.CI)
  fail('nginx is missing: the scale-out test needs it (apt-get install nginx).');
else {
  warnSkipped(
    'nginx is missing: the scale-out test will be SKIPPED. On Debian/Ubuntu: sudo apt-get install -y nginx',
  );
}

// 4. systemd-analyze, for the check of the systemd unit (deploy/parley.service)
//    in the packed-install test.
section('systemd-analyze');
const hasSystemdAnalyze = () =>
  hasCommand('systemd-analyze') || existsSync('/usr/bin/systemd-analyze');
if (!hasSystemdAnalyze() && isRoot() && hasCommand('apt-get')) {
  console.log("systemd-analyze not found: installing Debian's systemd package...");
  run('sh', [
    '-c',
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd',
  ]);
}
if (hasSystemdAnalyze()) console.log('systemd-analyze found');
else if (process.env.CI)
  fail('systemd-analyze is missing: the packed-install test verifies the systemd unit with it.');
else {
  warnSkipped(
    'systemd-analyze is missing: the systemd unit will not be verified. On Debian/Ubuntu: sudo apt-get install -y systemd',
  );
}

// 5. PostgreSQL, for the second half of the storage suite.
section('postgresql');
const pgUrl = new URL(
  process.env.PARLEY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
);
const pgPort = Number(pgUrl.port || 5432);
if (!(await isListening(pgUrl.hostname, pgPort))) {
  if (isRoot() && hasCommand('pg_ctlcluster')) {
    console.log('PostgreSQL is down: starting the local cluster...');
    run('sh', [
      '-c',
      'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -1) main start',
    ]);
  }
}
if (await isListening(pgUrl.hostname, pgPort)) {
  console.log(`PostgreSQL answers at ${pgUrl.host}`);
} else if (process.env.CI) {
  fail(`PostgreSQL does not answer at ${pgUrl.host}; CI runs every suite on both dialects.`);
} else {
  warnSkipped(
    `PostgreSQL does not answer at ${pgUrl.host}: the PostgreSQL half of the storage suite ` +
      'will be SKIPPED. Start PostgreSQL or set PARLEY_TEST_POSTGRES_URL.',
  );
}

/**
 * Runs one step, echoing its output, and records its passed, failed and
 * skipped counts from the runner's own output (`countsFrom` reads them).
 */
function step(name, command, args, countsFrom) {
  return new Promise((resolve) => {
    section(name);
    const t0 = Date.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const echo = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('close', (code) => {
      const seconds = (Date.now() - t0) / 1000;
      results.push(settleStep(name, code, countsFrom?.(output), ci, seconds));
      resolve();
    });
  });
}

const pnpm = (...args) => [PNPM[0], [...PNPM.slice(1), ...args]];

await step('lint (biome)', ...pnpm('run', 'lint'));
await step('no dead code (knip)', ...pnpm('run', 'deadcode'));
await step('generated docs up to date', ...pnpm('run', 'docs:check'));
await step('type check', ...pnpm('run', 'typecheck'));
await step('build', ...pnpm('-r', 'build'));
await step(
  'server: API and storage on SQLite and PostgreSQL',
  ...pnpm('--filter', '@parley/server', 'test'),
  nodeCounts,
);
await step(
  'widget: pure modules under Node',
  ...pnpm('--filter', '@parley/widget', 'run', 'test:unit'),
  nodeCounts,
);
await step(
  'widget: the elements in Chromium',
  ...pnpm('--filter', '@parley/widget', 'run', 'test:browser'),
  wtrCounts,
);
await step(
  'end to end: built widget, real server, Chromium; then the packed packages, installed by npm',
  ...pnpm('--filter', '@parley/e2e', 'test'),
  nodeCounts,
);

section('summary');
const summary = summarize(results, notices, ci);
console.log(`total time ${((Date.now() - started) / 1000).toFixed(0)} s`);
for (const line of summary.lines) console.log(line);
process.exit(summary.ok ? 0 : 1);
