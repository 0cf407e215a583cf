/** The progress line: rewritten in place on a terminal, sparse plain lines in a log. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PLAIN_LINE_MS, terminalProgress } from './progress.ts';

/** A stream that keeps what is written, a terminal or not. */
function stream(isTTY: boolean, columns?: number) {
  const written: string[] = [];
  return { written, isTTY, columns, write: (text: string) => written.push(text) };
}

describe('terminalProgress', () => {
  it('on a terminal: one line, rewritten in place with \\r, at most every 100 ms, cleared when done', () => {
    let now = 0;
    const tty = stream(true);
    const progress = terminalProgress('backup', tty, () => now);
    progress.update('pages', 0, 2000);
    now = 50;
    progress.update('pages', 1000, 2000);
    now = 150;
    progress.update('pages', 1500, 2000);
    progress.done();
    assert.deepEqual(tty.written, [
      '\rbackup: pages 0 of 2,000 (0%)\x1b[K',
      '\rbackup: pages 1,500 of 2,000 (75%)\x1b[K',
      '\r\x1b[K',
    ]);
    assert.ok(!tty.written.join('').includes('\n'), 'never a new line');
  });

  it('on a terminal: cut to its width, so the line never wraps', () => {
    const tty = stream(true, 20);
    terminalProgress('export', tty, () => 0).update('messages', 1_234_567);
    // One column is left free: a line filling the last one wraps on some terminals.
    assert.deepEqual(tty.written, ['\rexport: messages 1,\x1b[K']);
  });

  it('in a log: a plain line only once two seconds have passed since the last, nothing to clear', () => {
    let now = 0;
    const log = stream(false);
    const progress = terminalProgress('export', log, () => now);
    progress.update('messages', 500);
    now = PLAIN_LINE_MS - 1;
    progress.update('messages', 1000);
    now = PLAIN_LINE_MS;
    progress.update('messages', 1500);
    now = PLAIN_LINE_MS + 1000;
    progress.update('reports', 10);
    now = 2 * PLAIN_LINE_MS;
    progress.update('reports', 20, 20);
    progress.done();
    assert.deepEqual(log.written, [
      'export: messages 1,500\n',
      'export: reports 20 of 20 (100%)\n',
    ]);
  });
});
