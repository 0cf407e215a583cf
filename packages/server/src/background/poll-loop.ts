/**
 * The loop every background worker of a `parley-server` runs (deliveries,
 * summaries): a pass now, then again at once while there is work, else after
 * `pollMs`; woken early when something happened; backing off while passes
 * fail (the database is down or busy); stopped without a pass left running.
 * What a pass does, and what is logged, is the worker's.
 */

/** Options for {@link pollLoop}. */
export interface PollLoopOptions {
  /** The wait between passes that found nothing to do. */
  pollMs: number;
  /** The longest wait after failed passes (the wait doubles with each). */
  maxBackoffMs: number;
  /** One pass; resolves to whether there may be more work right now. */
  pass(): Promise<boolean>;
  /** A pass threw: `failures` in a row so far, the next one in `retryInMs`. */
  onFailure(error: unknown, failures: number, retryInMs: number): void;
  /** A pass worked after `failures` failed ones. */
  onRecovered?(failures: number): void;
}

/** A running {@link pollLoop}. */
export interface PollLoop {
  /** Starts the loop (a pass at once); again while it runs: nothing. */
  start(): void;
  /** Something happened: a waiting loop passes now, a running one goes on at once after its pass. */
  wake(): void;
  /** True once `stop` was called: passes should end early. */
  readonly stopping: boolean;
  /** Stops scheduling and resolves once the loop's running pass has ended. */
  stop(): Promise<void>;
}

/** Runs `options.pass` as described in this module's comment. */
export function pollLoop(options: PollLoopOptions): PollLoop {
  const { pollMs, maxBackoffMs } = options;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let timerDue = Number.POSITIVE_INFINITY;
  let ticking: Promise<void> | undefined;
  // Woken while a pass ran: the loop goes on at once after it.
  let woken = false;
  let failures = 0;

  function schedule(delayMs: number): void {
    if (stopping) return;
    clearTimeout(timer);
    timerDue = Date.now() + delayMs;
    timer = setTimeout(() => {
      timer = undefined;
      timerDue = Number.POSITIVE_INFINITY;
      ticking = tick().finally(() => {
        ticking = undefined;
      });
    }, delayMs);
    timer.unref();
  }

  async function tick(): Promise<void> {
    woken = false;
    try {
      const more = await options.pass();
      if (failures > 0) options.onRecovered?.(failures);
      failures = 0;
      // Straight on while there is work; otherwise wait for the next poll.
      schedule(more || woken ? 0 : pollMs);
    } catch (error) {
      failures++;
      const delay = Math.min(pollMs * 2 ** failures, maxBackoffMs);
      options.onFailure(error, failures, delay);
      schedule(delay);
    }
  }

  return {
    start() {
      if (stopping || timer || ticking) return;
      schedule(0);
    },
    wake() {
      if (stopping) return;
      if (timer && timerDue > Date.now()) schedule(0);
      else if (ticking) woken = true;
    },
    get stopping() {
      return stopping;
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      timer = undefined;
      await ticking?.catch(() => {});
    },
  };
}

/**
 * An unexpected error (a failed pass: the database, a bug) as logs show it:
 * its name, code and message, never a whole stack or payload, with anything
 * shaped like an email address blanked, since a reader's address is never
 * logged, whatever a driver quotes.
 */
export function errorText(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  const text = [e?.name, e?.code, e?.message ?? String(error)]
    .filter((part) => typeof part === 'string' && part !== '')
    .join(': ');
  return text.replace(/[^\s@<>()"',;:]+@[^\s@<>()"',;:]+/g, '<address>').slice(0, 500);
}
