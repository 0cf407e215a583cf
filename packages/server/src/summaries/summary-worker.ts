/**
 * The summary worker: recomputes the automatic summary of each thread a
 * change made stale, off the write path, on every instance at once without
 * two instances computing one thread together.
 *
 * A post only marks its thread due (`recordChange`, in the post's own
 * UPDATE), so nothing here can delay or fail a post. Everything the worker
 * knows is on the thread row: a restart, or another instance, carries on
 * where this one stopped, and a result is stored only while it is still
 * true (compare-and-set in `storeSummary`): a manual summary always wins,
 * a result computed from a message that was hidden, held, deleted or edited
 * meanwhile is dropped, and a thread that had posts meanwhile keeps the
 * result and is computed again for them.
 */
import type { Logger } from '../app-deps.ts';
import { errorText, pollLoop } from '../background/poll-loop.ts';
import type { Store } from '../db/store.ts';
import { showableLine } from '../http/fields.ts';
import { MAX_SUMMARY } from '../moderation/moderation.schemas.ts';
import {
  anySummaryDue,
  backOffSummary,
  claimDueSummaries,
  publishedForSummary,
  type StoreOutcome,
  type SummaryClaim,
  type SummarySourceMessage,
  storeSummary,
} from './summaries.repository.ts';
import type { Summarize } from './summarizer.ts';

const SECOND = 1000;

/** The longest wait after passes that failed (the database down) before the next. */
const MAX_PASS_BACKOFF_MS = 30 * SECOND;

/** Options for {@link createSummaryWorker}. */
export interface SummaryWorkerOptions {
  store: Store;
  logger: Logger;
  /** Writes a summary from a thread's published messages. */
  summarize: Summarize;
  /** The time the worker schedules by (default: the system clock); tests move it. */
  clock?: () => Date;
  /** The wait between passes when there was nothing to do, in ms (default 1000). */
  pollMs?: number;
  /**
   * The least time between two computations of one thread's summary, in ms
   * (default 5000): a burst of posts costs one computation every so often,
   * the last one after the burst.
   */
  minIntervalMs?: number;
  /** How long one computation may take before it counts as failed, in ms (default 30 000). */
  timeoutMs?: number;
  /**
   * How long a claim holds its thread, in ms (default: the timeout plus 30 s).
   * Longer than any computation, so a live instance never loses a thread it
   * is computing; a crashed one's are claimed again once it runs out.
   */
  leaseMs?: number;
  /** The wait before a thread whose computation failed is tried again, in ms (default 60 000). */
  retryMs?: number;
  /** Threads one pass claims, and computes at once (default 4). */
  batchSize?: number;
  /** Most messages the summarizer is given of one thread (default 500; see `publishedForSummary`). */
  maxMessages?: number;
}

/** What one {@link SummaryWorker.runOnce} pass did. */
export interface SummaryPassResult {
  /** Threads claimed and computed. */
  claimed: number;
  /** Summaries stored whose text changed (each recorded one `thread.updated`). */
  changed: number;
  /** Computations that failed (the thread is tried again after `retryMs`). */
  failed: number;
}

/** A running (or stopped) summary worker. */
export interface SummaryWorker {
  /** Starts polling: a pass now, then one a `pollMs` after each idle pass. Timers never keep the process alive. */
  start(): void;
  /**
   * A change was committed somewhere (this instance or another, through the
   * event bus): if the worker is waiting for its next poll, it looks now.
   */
  wake(): void;
  /**
   * Stops polling, aborts computations in progress (their threads stay due,
   * for the next instance or start) and waits for the pass. Call it before
   * closing the store.
   */
  stop(): Promise<void>;
  /** Runs one pass now and resolves once its computations are stored. For tests. */
  runOnce(): Promise<SummaryPassResult>;
}

/** The longest a stand-in summary waits before the endpoint is asked again. */
const MAX_RETRY_MS = 3_600 * SECOND;

/** One computation's result: the summary, the messages it read, and when to retry a stand-in. */
interface Computed {
  summary: string | null;
  read: SummarySourceMessage[];
  retryAfterMs?: number;
}

/** Thrown into a computation that ran past the timeout. */
class SummaryTimeout extends Error {
  override name = 'SummaryTimeout';
}

/** Creates the worker; nothing runs until `start()` or `runOnce()`. */
export function createSummaryWorker(options: SummaryWorkerOptions): SummaryWorker {
  const { store, logger, summarize } = options;
  const clock = options.clock ?? (() => new Date());
  const pollMs = options.pollMs ?? SECOND;
  const minIntervalMs = options.minIntervalMs ?? 5 * SECOND;
  const timeoutMs = options.timeoutMs ?? 30 * SECOND;
  const leaseMs = options.leaseMs ?? timeoutMs + 30 * SECOND;
  const retryMs = options.retryMs ?? 60 * SECOND;
  const batchSize = options.batchSize ?? 4;
  const maxMessages = options.maxMessages ?? 500;

  // Aborted by stop(): computations in flight end at once.
  const stopped = new AbortController();
  const passes = new Set<Promise<unknown>>();
  const loop = pollLoop({
    pollMs,
    maxBackoffMs: MAX_PASS_BACKOFF_MS,
    pass: async () => (await pass()).claimed > 0,
    // The database is down or busy: say so once, and look again less and
    // less often (a thread claimed meanwhile is claimed again once its
    // lease runs out).
    onFailure(error, failures, retryInMs) {
      if (failures === 1) {
        logger.error({ msg: 'summary pass failed', error: errorText(error), retryInMs });
      }
    },
    onRecovered: () => logger.info({ msg: 'summary passes work again' }),
  });

  /**
   * Runs `summarize`, bounded by the timeout and stop(), even if it ignores
   * its signal. Returns the summary, what it was computed from, and when to
   * ask again if it is a stand-in.
   */
  async function compute(claim: SummaryClaim): Promise<Computed> {
    const { messages, read } = await publishedForSummary(store.db, claim.threadId, maxMessages);
    // Nothing published (the last message was hidden or deleted): no summary,
    // so nothing of hidden text can stay on show.
    if (messages.length === 0) return { summary: null, read };
    // This computation's own controller: it ends on the timeout or stop(),
    // and the listener on the long-lived stop signal goes when it settles
    // (one left per computation would pile up for as long as the server runs).
    const ended = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const onStop = () => ended.abort(stopped.signal.reason);
    const expired = new Promise<never>((_, reject) => {
      ended.signal.addEventListener('abort', () => reject(ended.signal.reason), { once: true });
    });
    expired.catch(() => {});
    if (stopped.signal.aborted) onStop();
    else stopped.signal.addEventListener('abort', onStop, { once: true });
    timer = setTimeout(() => {
      ended.abort(new SummaryTimeout(`the summarizer took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    try {
      const result = await Promise.race([
        summarize({ title: claim.title, messages }, ended.signal),
        expired,
      ]);
      const standIn = result !== null && typeof result === 'object';
      const text = standIn ? result.summary : result;
      // Held to what a moderator could type (one line, no control or bidi
      // characters, at most MAX_SUMMARY), whatever an endpoint answers: an
      // export of it must import again.
      const line = typeof text === 'string' ? showableLine(text, MAX_SUMMARY) : '';
      const summary = line === '' ? null : line;
      if (!standIn) return { summary, read };
      const retryAfterMs = Math.min(Math.max(Number(result.retryAfterMs) || 0, 0), MAX_RETRY_MS);
      return { summary, read, retryAfterMs };
    } finally {
      clearTimeout(timer);
      timer = undefined;
      stopped.signal.removeEventListener('abort', onStop);
    }
  }

  /** Computes and stores one claimed thread; a failure backs that thread off and nothing else. */
  async function computeAndStore(claim: SummaryClaim): Promise<StoreOutcome | 'failed'> {
    let computed: Computed;
    try {
      computed = await compute(claim);
    } catch (error) {
      if (stopped.signal.aborted) {
        // Not the summarizer's fault: the thread stays due, for whoever runs next.
        await backOffSummary(store.db, claim, clock().toISOString()).catch(() => {});
        return 'failed';
      }
      const retryAt = new Date(clock().getTime() + retryMs).toISOString();
      logger.error({
        msg: 'summary failed',
        thread: claim.key,
        error: errorText(error),
        retryInMs: retryMs,
      });
      await backOffSummary(store.db, claim, retryAt);
      return 'failed';
    }
    const now = clock();
    const { summary, read, retryAfterMs } = computed;
    return store.write((trx) =>
      storeSummary(trx, store.dialect, claim, {
        summary,
        read,
        now: now.toISOString(),
        ...(retryAfterMs === undefined
          ? {}
          : { retryAt: new Date(now.getTime() + retryAfterMs).toISOString() }),
      }),
    );
  }

  async function passOnce(): Promise<SummaryPassResult> {
    const result: SummaryPassResult = { claimed: 0, changed: 0, failed: 0 };
    if (loop.stopping) return result;
    const now = clock();
    const window = {
      now: now.toISOString(),
      startedBefore: new Date(now.getTime() - minIntervalMs).toISOString(),
    };
    if (!(await anySummaryDue(store.db, window))) return result;
    const claims = await store.write((trx) =>
      claimDueSummaries(trx, {
        ...window,
        dialect: store.dialect,
        lockedUntil: new Date(now.getTime() + leaseMs).toISOString(),
        limit: batchSize,
      }),
    );
    result.claimed = claims.length;
    const outcomes = await Promise.allSettled(claims.map(computeAndStore));
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') throw outcome.reason;
      if (outcome.value === 'changed') result.changed++;
      if (outcome.value === 'failed') result.failed++;
    }
    return result;
  }

  function pass(): Promise<SummaryPassResult> {
    const running = passOnce();
    passes.add(running);
    running.finally(() => passes.delete(running)).catch(() => {});
    return running;
  }

  return {
    start: () => loop.start(),
    wake: () => loop.wake(),
    async stop() {
      const ended = loop.stop();
      stopped.abort(new Error('the server stopped'));
      await ended;
      await Promise.allSettled([...passes]);
    },
    runOnce: pass,
  };
}
