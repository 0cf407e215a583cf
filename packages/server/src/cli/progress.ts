/**
 * The commands' progress line. On a terminal it is one line on stderr,
 * rewritten in place and cleared when the phase ends, so the summary is all
 * that stays on screen. When stderr is a file or a pipe (a cron job, a
 * container's log) there is no "in place": it prints a plain line at most
 * every two seconds instead, so a long run says it is alive without filling
 * the log.
 */
import type { Progress } from '../data/import/records.ts';
import { count } from './format.ts';

/** Where the line goes: stderr, or a test's stream. */
interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A terminal's width: the line is cut to it, as a wrapped line could not be rewritten. */
  columns?: number;
}

/** How often a terminal's line is redrawn at most, in ms (more would only cost time). */
const REDRAW_MS = 100;
/** How often a plain line is printed at most when stderr is not a terminal, in ms. */
export const PLAIN_LINE_MS = 2_000;

/** Erases from the cursor to the end of the line (ANSI "erase in line"). */
const ERASE_LINE = '\x1b[K';

/**
 * A {@link Progress} writing `label: phase done of total (p%)` to `stream`:
 * rewritten in place on a terminal (at most every 100 ms), a plain line at
 * most every {@link PLAIN_LINE_MS} (the first once that long has passed)
 * otherwise. `now` is the clock, in ms.
 */
export function terminalProgress(
  label: string,
  stream: ProgressStream,
  now: () => number = Date.now,
): Progress {
  const text = (phase: string, done: number, total?: number) => {
    const of =
      total === undefined
        ? ''
        : ` of ${count(total)} (${total === 0 ? 100 : Math.floor((100 * done) / total)}%)`;
    return `${label}: ${phase} ${count(done)}${of}`;
  };
  if (stream.isTTY) {
    let drawn = false;
    let last = Number.NEGATIVE_INFINITY;
    return {
      update(phase, done, total) {
        const at = now();
        if (at - last < REDRAW_MS) return;
        last = at;
        const line = text(phase, done, total);
        const width = stream.columns ? stream.columns - 1 : line.length;
        stream.write(`\r${line.slice(0, width)}${ERASE_LINE}`);
        drawn = true;
      },
      done() {
        if (drawn) stream.write(`\r${ERASE_LINE}`);
        drawn = false;
        last = Number.NEGATIVE_INFINITY;
      },
    };
  }
  let last = now();
  return {
    update(phase, done, total) {
      const at = now();
      if (at - last < PLAIN_LINE_MS) return;
      last = at;
      stream.write(`${text(phase, done, total)}\n`);
    },
    done() {},
  };
}
