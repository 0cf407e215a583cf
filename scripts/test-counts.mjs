// `npm test`'s bookkeeping: the passed, failed and skipped counts of each
// step, read from its runner's own output, and the summary at the end. Kept
// apart from test.mjs so it can be tested on captured output
// (test-counts.test.ts) without running the suites.

/** Colour codes, which a runner may print even into a pipe. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** Lines a test or a script prints to say what it skipped and why (`!!! ...`), once each. */
export function skipNotices(output) {
  const notices = [...output.replace(ANSI, '').matchAll(/^(?:# )?!!! (.+)$/gm)].map((m) =>
    m[1].trim(),
  );
  return [...new Set(notices)];
}

/**
 * Counts from Node's test runner: TAP (what it prints into a pipe) or spec.
 * Skipped counts every test and suite marked `# SKIP` or `# TODO`: Node's own
 * `# skipped N` leaves out a skipped `describe`, so it is only a floor.
 * Returns undefined when the output has no summary (the runner did not finish).
 */
export function nodeCounts(output) {
  const text = output.replace(ANSI, '');
  const sum = (name) =>
    [...text.matchAll(new RegExp(`^(?:# |ℹ )${name} (\\d+)`, 'gm'))].reduce(
      (total, m) => total + Number(m[1]),
      0,
    );
  if (!/^(?:# |ℹ )pass \d+/m.test(text)) return undefined;
  // TAP: `ok 2 - name # SKIP reason` (or `# TODO`); spec: `﹣ name (0.7ms) # reason`.
  const marked = [
    ...[...text.matchAll(/^\s*(?:not )?ok \d+ - (.*?) # (SKIP|TODO)\b ?(.*)$/gm)].map((m) =>
      skipReason(m[1], m[2] === 'TODO' ? `todo ${m[3]}` : m[3]),
    ),
    ...[...text.matchAll(/^\s*﹣ (.*?) \([\d.]+m?s\)(?: # (.*))?$/gm)].map((m) =>
      skipReason(m[1], m[2] === 'SKIP' ? '' : m[2]),
    ),
    // Spec prints a todo as a pass or failure with its reason after a `#`.
    ...[...text.matchAll(/^\s*[✔✖] (.*?) \([\d.]+m?s\) # (.*)$/gm)].map((m) =>
      skipReason(m[1], `todo ${m[2]}`),
    ),
  ];
  const skipped = Math.max(marked.length, sum('skipped') + sum('todo'));
  return {
    passed: sum('pass'),
    failed: sum('fail'),
    skipped,
    reasons: [...new Set([...marked, ...skipNotices(text)])],
  };
}

function skipReason(name, reason) {
  return reason?.trim() ? `${name} (${reason.trim()})` : name;
}

/**
 * Counts from web-test-runner's final progress block: one line per browser
 * (the default group's and the phone group's Chromium), e.g.
 * `Chromium: |████| 12/12 test files | 40 passed, 0 failed, 2 skipped`
 * (it names skipped tests only when there are some, and never says why),
 * right before "Finished running tests". Without that line (a run cut
 * short), the last progress line.
 */
export function wtrCounts(output) {
  const text = output.replace(ANSI, '');
  const PROGRESS = /(\d+) passed, (\d+) failed(?:, (\d+) skipped)?/;
  const end = text.lastIndexOf('Finished running tests');
  const lines = (end === -1 ? text : text.slice(0, end)).split('\n').filter((l) => l.trim());
  const block = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = PROGRESS.exec(lines[i]);
    if (!m) break;
    block.push(m);
    if (end === -1) break;
  }
  if (!block.length) return undefined;
  const sum = (n) => block.reduce((total, m) => total + Number(m[n] ?? 0), 0);
  const skipped = sum(3);
  return {
    passed: sum(1),
    failed: sum(2),
    skipped,
    reasons: [
      ...(skipped > 0 ? [`${skipped} test(s) skipped in the browser (it.skip)`] : []),
      ...skipNotices(text),
    ],
  };
}

/**
 * The step's result from its exit code and counts. A runner that failed
 * without reporting a failed test still failed. In CI a skip fails the step:
 * CI promises every suite on both dialects, and a skipped PostgreSQL half or
 * a test that quietly stopped running must not pass as green.
 */
export function settleStep(name, code, counts, ci, seconds) {
  const result = {
    name,
    seconds,
    ok: code === 0,
    passed: 0,
    failed: 0,
    skipped: 0,
    reasons: [],
    ...(counts ?? { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1 }),
  };
  if (code !== 0 && result.failed === 0) result.failed = 1;
  if (ci && (result.skipped > 0 || result.reasons.length > 0)) result.ok = false;
  return result;
}

/**
 * The summary's lines: one per step, the totals ("N passed, N failed, N
 * skipped"), then why anything was skipped, `notices` (the runner's own
 * warnings) first; the run passes only if every step is ok.
 */
export function summarize(results, notices = [], ci = false) {
  const lines = results.map(
    (r) =>
      `${r.ok ? '✓' : '✗'} ${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped` +
      (r.seconds === undefined ? '' : ` (${r.seconds.toFixed(1)} s)`),
  );
  const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
  lines.push(`${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped`);
  const why = [
    ...notices,
    ...results.flatMap((r) => r.reasons.map((reason) => `${r.name}: ${reason}`)),
  ];
  if (why.length > 0) {
    lines.push(`!!! Not everything ran${ci ? ' (in CI that fails the run)' : ''}:`);
    for (const reason of why) lines.push(`!!!   ${reason}`);
  }
  return { lines, ok: results.every((r) => r.ok) };
}
