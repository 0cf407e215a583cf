/**
 * `npm test`'s counting (scripts/test-counts.mjs) on output captured from the
 * real runners: Node 20's TAP and spec reporters with a skipped suite, a
 * skipped test, a todo and a failure, and web-test-runner's progress line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeCounts, settleStep, summarize, wtrCounts } from './test-counts.mjs';

const NOTICE =
  'PostgreSQL at postgres://postgres@127.0.0.1:5999/test is unreachable (connect ECONNREFUSED ' +
  '127.0.0.1:5999): the PostgreSQL half of the storage suite is SKIPPED. Start it, or set PARLEY_TEST_POSTGRES_URL.';

/** `node --test` into a pipe: two files warned, one suite skipped, then a test of each kind. */
const TAP = `TAP version 13
# !!! ${NOTICE}
# Subtest: the PostgreSQL event bus
ok 1 - the PostgreSQL event bus # SKIP PostgreSQL unreachable
  ---
  duration_ms: 2.218801
  type: 'suite'
  ...
# !!! ${NOTICE}
# Subtest: limits
    # Subtest: passes
    ok 1 - passes
    # Subtest: on Linux
    ok 2 - on Linux # SKIP
    # Subtest: later
    ok 3 - later # TODO not written
    # Subtest: fails
    not ok 4 - fails
    1..4
not ok 2 - limits
1..2
# tests 4
# suites 2
# pass 1
# fail 1
# cancelled 0
# skipped 1
# todo 1
# duration_ms 308.281518
`;

/** The same run with `--test-reporter=spec`. */
const SPEC = `
!!! ${NOTICE}

﹣ the PostgreSQL event bus (0.986627ms) # PostgreSQL unreachable
▶ limits
  ✔ passes (0.745829ms)
  ﹣ on Linux (0.192847ms) # SKIP
  ✔ later (0.147741ms) # not written
  ✖ fails (1.24518ms)
✖ limits (7.145363ms)
ℹ tests 4
ℹ suites 2
ℹ pass 1
ℹ fail 1
ℹ cancelled 0
ℹ skipped 1
ℹ todo 1
ℹ duration_ms 315.039796
`;

describe('nodeCounts', () => {
  it('counts a skipped suite, which Node leaves out of its own "# skipped", and a todo', () => {
    assert.deepEqual(nodeCounts(TAP), {
      passed: 1,
      failed: 1,
      skipped: 3,
      reasons: [
        'the PostgreSQL event bus (PostgreSQL unreachable)',
        'on Linux',
        'later (todo not written)',
        NOTICE,
      ],
    });
  });

  it('reads the spec reporter too', () => {
    assert.deepEqual(nodeCounts(SPEC), {
      passed: 1,
      failed: 1,
      skipped: 3,
      reasons: [
        'the PostgreSQL event bus (PostgreSQL unreachable)',
        'on Linux',
        'later (todo not written)',
        NOTICE,
      ],
    });
  });

  it('finds nothing in output without a summary', () => {
    assert.equal(nodeCounts('TAP version 13\n# Subtest: cut short\n'), undefined);
  });
});

describe('wtrCounts', () => {
  const line = (tail: string) =>
    `\u001b[1mChromium:\u001b[22m |██████████████████████████████| 14/14 test files | \u001b[32m${tail}`;

  it('reads the last progress line, colours and all', () => {
    assert.deepEqual(
      wtrCounts(
        `${line('3 passed, 0 failed')}\n${line('40 passed\u001b[39m, 1 failed, \u001b[90m2 skipped\u001b[39m')}`,
      ),
      {
        passed: 40,
        failed: 1,
        skipped: 2,
        reasons: ['2 test(s) skipped in the browser (it.skip)'],
      },
    );
  });

  it('adds up the final block, one line per browser group, before "Finished"', () => {
    const earlier = line('1 passed, 0 failed');
    const done = 'Finished running tests in 8s, all tests passed!';
    assert.deepEqual(
      wtrCounts(
        `${earlier}\nRunning...\n${line('140 passed, 0 failed')}\n${line('9 passed, 1 failed')}\n\n${done}\n`,
      ),
      { passed: 149, failed: 1, skipped: 0, reasons: [] },
    );
  });

  it('counts no skip when the line names none', () => {
    assert.equal(wtrCounts(line('42 passed, 0 failed'))?.skipped, 0);
  });
});

describe('settleStep and summarize', () => {
  const server = nodeCounts(TAP);

  it('prints "N passed, N failed, N skipped" and repeats why in the summary', () => {
    const results = [
      settleStep('lint', 0, undefined, false, 1),
      settleStep('server', 1, server, false, 2.5),
    ];
    const { lines, ok } = summarize(results, ['nginx is missing: SKIPPED'], false);
    assert.equal(ok, false);
    assert.deepEqual(lines, [
      '✓ lint: 1 passed, 0 failed, 0 skipped (1.0 s)',
      '✗ server: 1 passed, 1 failed, 3 skipped (2.5 s)',
      '2 passed, 1 failed, 3 skipped',
      '!!! Not everything ran:',
      '!!!   nginx is missing: SKIPPED',
      '!!!   server: the PostgreSQL event bus (PostgreSQL unreachable)',
      '!!!   server: on Linux',
      '!!!   server: later (todo not written)',
      `!!!   server: ${NOTICE}`,
    ]);
  });

  it('passes a green run with skips outside CI, and fails it in CI', () => {
    const skipped = { passed: 5, failed: 0, skipped: 1, reasons: ['on Linux'] };
    assert.equal(summarize([settleStep('server', 0, skipped, false)]).ok, true);
    assert.equal(summarize([settleStep('server', 0, skipped, true)], [], true).ok, false);
  });

  it('fails in CI on a notice alone: the PostgreSQL half leaves no skipped test behind', () => {
    const vanished = { passed: 5, failed: 0, skipped: 0, reasons: [NOTICE] };
    assert.equal(settleStep('server', 0, vanished, true).ok, false);
    assert.equal(settleStep('server', 0, { ...vanished, reasons: [] }, true).ok, true);
  });

  it('counts a runner that failed without a failed test as one failure', () => {
    const step = settleStep('e2e', 1, { passed: 3, failed: 0, skipped: 0, reasons: [] }, false);
    assert.deepEqual([step.ok, step.failed], [false, 1]);
  });
});
