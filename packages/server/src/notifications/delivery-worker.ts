/**
 * The delivery worker: turns outbox events into deliveries (fan-out) and
 * sends the due ones through their channels, with retries, on every
 * instance at once without sending anything twice.
 *
 * Everything it knows is in the database: a restart, or another instance,
 * carries on where this one stopped. A post only writes its outbox row, so
 * nothing here can delay or fail a post.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../app-deps.ts';
import { errorText, pollLoop } from '../background/poll-loop.ts';
import type { DeliveryRow } from '../db/schema.ts';
import { isTransientDbError, type Store, StoreUnavailableError } from '../db/store.ts';
import {
  type Channel,
  type ChannelName,
  type ClaimedDelivery,
  DeliveryError,
  errorCode,
  type SendContext,
} from './channel.ts';
import {
  anyDue,
  claimDue,
  claimGroup,
  claimOutbox,
  type DeliveryInsert,
  deleteOutbox,
  dueGroups,
  failUnsendable,
  insertDeliveries,
  type OutboxRow,
  outboxHasRows,
  pruneDeliveries,
  recordDelivered,
  recordFailed,
} from './deliveries.repository.ts';
import type { OutboxEvent } from './outbox.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The wait before each retry, after the first attempt (made at once): the
 * Standard Webhooks schedule, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. A
 * delivery gets 8 attempts over 27 h 35 min, then fails for good.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** How long delivered rows stay listed in /admin. */
const KEEP_DELIVERED_MS = 7 * DAY;
/** How long failed rows stay listed in /admin (and can be retried from there). */
const KEEP_FAILED_MS = 30 * DAY;
/** How often an instance prunes. */
const PRUNE_EVERY_MS = HOUR;
/** Longest `last_error` kept. */
const MAX_ERROR_LENGTH = 200;
/** Most rows one grouped send (the owner's digest) takes. */
const MAX_GROUP = 500;
/**
 * Fan-out batches per pass, and (times the batch size) send units a
 * channel claims in one runOnce pass, before the pass ends: lets pruning and stop in.
 */
const MAX_ROUNDS = 10;
/** The longest wait after passes that failed (the database down) before the next. */
const MAX_PASS_BACKOFF_MS = 30 * SECOND;
/** The longest an event that failed to fan out waits before this instance tries it again. */
const MAX_FAN_OUT_BACKOFF_MS = 5 * MINUTE;

/** Options for {@link createDeliveryWorker}. */
export interface DeliveryWorkerOptions {
  store: Store;
  logger: Logger;
  /** The channels this server has; at most one per name. */
  channels: readonly Channel[];
  /** The time the worker schedules by (default: the system clock); tests move it to drive retries. */
  clock?: () => Date;
  /** How long one send may take before it counts as failed, in ms (default 10 000). */
  sendTimeoutMs?: number;
  /**
   * How long a claim holds its rows, in ms (default: the send timeout plus
   * 30 s). Longer than any send, so a live instance never loses a row it is
   * sending; a crashed one's rows are claimed again once it runs out.
   */
  leaseMs?: number;
  /** The wait between passes when there was nothing to do, in ms (default 1000). */
  pollMs?: number;
  /** Outbox rows per fan-out transaction (default 20). */
  batchSize?: number;
  /**
   * Sends each channel runs at once (default 4); a digest counts as one.
   * Channels have their own: a slow mail server never holds up a webhook.
   */
  sendConcurrency?: number;
  /** How long `stop()` lets in-flight sends finish before it interrupts them, in ms (default 5000). */
  stopGraceMs?: number;
}

/** What one {@link DeliveryWorker.runOnce} pass did. */
export interface PassResult {
  /** Outbox events turned into deliveries (and deleted). */
  fannedOut: number;
  /** Deliveries sent successfully. */
  delivered: number;
  /** Attempts that failed (retried later, or failed for good). */
  failed: number;
}

/** A running (or stopped) delivery worker. */
export interface DeliveryWorker {
  /** Starts polling: a pass now, then one a `pollMs` after each idle pass. Timers never keep the process alive. */
  start(): void;
  /**
   * Stops polling and waits for the pass in progress. Sends still running
   * after `stopGraceMs` are interrupted (recorded as failed, retried on the
   * schedule). Call it before closing the store.
   */
  stop(): Promise<void>;
  /**
   * Runs one pass now: fans out (after any fan-out in progress), then each
   * channel claims and sends what is due until nothing more is, and it
   * resolves once the sends it started are done. It waits for no send
   * another pass started: with a channel's slots all taken by a hung send,
   * that channel claims nothing this pass while the others go on. For tests.
   */
  runOnce(): Promise<PassResult>;
}

/** The time of the attempt after attempt number `attempts` failed, or null when it was the last. */
function nextAttemptAfter(attempts: number, now: Date): Date | null {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? null : new Date(now.getTime() + delay);
}

/**
 * The text /admin shows for a failed send. A {@link DeliveryError}'s own
 * message; for anything else only a code (`ECONNREFUSED`), since an error
 * message may quote a URL with its credentials.
 */
function describeFailure(error: unknown): string {
  if (error instanceof DeliveryError) return error.message.slice(0, MAX_ERROR_LENGTH);
  return errorCode(error) ?? 'send failed';
}

/** A new `webhook-id`: unique, URL-safe, and the same on every attempt of its delivery. */
function newWebhookId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

/** Some rows sent as one: a single delivery, or a batched type's group. */
interface SendUnit {
  channel: Channel;
  rows: DeliveryRow[];
}

/**
 * One channel's side of the worker: its claims and its sends, apart from
 * every other channel's, so a hung mail server never holds up a webhook.
 */
interface Lane {
  channel: Channel;
  /** Sends running now, whichever pass started them: at most `sendConcurrency`. */
  inFlight: Set<Promise<boolean>>;
  /** The claim in progress: a channel's claims never overlap (the next waits for it). */
  claiming: Promise<unknown>;
}

/** What `/admin` says of a delivery for a channel this server does not have. */
const NOT_CONFIGURED: Record<ChannelName, string> = {
  mail: 'mail is not configured (PARLEY_SMTP_URL)',
  webhook: 'webhooks are not configured (PARLEY_WEBHOOK_URL)',
};

/** Creates the worker; nothing runs until `start()` or `runOnce()`. */
export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { store, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const sendTimeoutMs = options.sendTimeoutMs ?? 10 * SECOND;
  const leaseMs = options.leaseMs ?? sendTimeoutMs + 30 * SECOND;
  const pollMs = options.pollMs ?? SECOND;
  const batchSize = options.batchSize ?? 20;
  const sendConcurrency = options.sendConcurrency ?? 4;
  const stopGraceMs = options.stopGraceMs ?? 5 * SECOND;

  const lanes: Lane[] = [];
  for (const channel of options.channels) {
    if (lanes.some((lane) => lane.channel.name === channel.name)) {
      throw new Error(`two delivery channels named ${channel.name}`);
    }
    if (channel.batchedTypes?.length && !channel.sendBatch) {
      throw new Error(`the ${channel.name} channel batches types but has no sendBatch`);
    }
    lanes.push({ channel, inFlight: new Set(), claiming: Promise.resolve() });
  }
  // Channels this server lacks: their deliveries (made by an instance, or a
  // configuration, that had them) can never go from here.
  const missing = (Object.keys(NOT_CONFIGURED) as ChannelName[]).filter(
    (name) => !lanes.some((lane) => lane.channel.name === name),
  );

  // Events whose fan-out threw (a channel's bug, a row it cannot read): kept
  // out of the next claims for a while, so one bad event neither blocks the
  // rest nor fills the log every second. Memory only: another instance, or
  // a restart, simply tries again.
  const fanOutBackoff = new Map<number, { until: number; waitMs: number }>();
  // Aborted by stop() once the grace is over: interrupts in-flight sends.
  // Each send listens to its own AbortSignal.any() of this and its timeout,
  // never to this one directly, however many sends run.
  const interrupt = new AbortController();
  let fanningOut: Promise<number> | undefined;
  // Every pass running (the loop's, and runOnce's): stop() waits for them.
  const passes = new Set<Promise<unknown>>();
  let lastPrune = Number.NEGATIVE_INFINITY;
  // A finished send wakes it: a freed slot may take the next delivery.
  const loop = pollLoop({
    pollMs,
    maxBackoffMs: MAX_PASS_BACKOFF_MS,
    pass: async () => {
      const result = await pass(false);
      return result.fannedOut + result.claimed > 0;
    },
    // The database is down or busy: say so, and look again less and less often.
    onFailure: (error, _failures, retryInMs) =>
      logger.error({ msg: 'delivery pass failed', error: errorText(error), retryInMs }),
  });
  const wake = () => loop.wake();

  async function fanOutBatch(): Promise<number> {
    if (!(await outboxHasRows(store.db))) return 0;
    const now = clock();
    const skip: number[] = [];
    for (const [id, backoff] of fanOutBackoff) {
      if (backoff.until > now.getTime()) skip.push(id);
      // Long past: fanned out by another instance since, or about to be retried here.
      else if (now.getTime() - backoff.until > HOUR) fanOutBackoff.delete(id);
    }
    let claimed: OutboxRow[] = [];
    // `only`: one event alone, claimed again (another instance may have taken it since).
    const fanOut = async (only?: number) =>
      store.write(async (trx) => {
        const batch = await claimOutbox(trx, store.dialect, {
          limit: batchSize,
          ...(only === undefined ? { skip } : { only: [only] }),
        });
        if (only === undefined) claimed = batch;
        const inserts: DeliveryInsert[] = [];
        for (const row of batch) {
          const event = { type: row.type, ...JSON.parse(row.payload) } as OutboxEvent;
          const time = { now: now.toISOString(), occurredAt: row.created_at };
          for (const { channel } of lanes) {
            for (const d of await channel.deliveriesFor(trx, event, time)) {
              inserts.push({
                channel: channel.name,
                type: d.type,
                target: d.target,
                address_id: d.addressId ?? null,
                webhook_id: newWebhookId(),
                payload: JSON.stringify(d.payload),
                created_at: time.now,
                next_attempt_at: d.dueAt ?? time.now,
                message_id: row.message_id,
              });
            }
          }
        }
        await insertDeliveries(trx, inserts);
        await deleteOutbox(
          trx,
          batch.map((row) => row.id),
        );
        return batch.length;
      });
    try {
      return await fanOut();
    } catch (error) {
      // The database, not an event, failed: the whole pass fails and is retried.
      if (
        claimed.length === 0 ||
        isTransientDbError(error) ||
        error instanceof StoreUnavailableError
      ) {
        throw error;
      }
      // One event spoiled the batch: fan each out alone, so the others go on.
      let done = 0;
      for (const row of claimed) {
        try {
          done += await fanOut(row.id);
          fanOutBackoff.delete(row.id);
        } catch (rowError) {
          const waitMs = Math.min(
            (fanOutBackoff.get(row.id)?.waitMs ?? 500) * 2,
            MAX_FAN_OUT_BACKOFF_MS,
          );
          fanOutBackoff.set(row.id, { until: clock().getTime() + waitMs, waitMs });
          logger.error({
            msg: 'notification fan-out failed',
            outboxId: row.id,
            type: row.type,
            error: errorText(rowError),
            retryInMs: waitMs,
          });
        }
      }
      return done;
    }
  }

  /** Fans out the outbox, a batch per transaction; never two at once in this instance. */
  function fanOutAll(): Promise<number> {
    const next = (fanningOut ?? Promise.resolve(0))
      .catch(() => 0)
      .then(async () => {
        if (lanes.length === 0) return drainWithoutChannels();
        let total = 0;
        for (let round = 0; round < MAX_ROUNDS && !loop.stopping; round++) {
          const n = await fanOutBatch();
          total += n;
          if (n < batchSize) break;
        }
        return total;
      });
    fanningOut = next;
    next
      .finally(() => {
        if (fanningOut === next) fanningOut = undefined;
      })
      .catch(() => {});
    return next;
  }

  /** Fails the due deliveries of channels this server lacks (see {@link failUnsendable}). */
  async function failMissing(): Promise<void> {
    if (missing.length === 0) return;
    const now = clock().toISOString();
    if (!(await anyDue(store.db, now, missing))) return;
    for (const channel of missing) {
      const error = NOT_CONFIGURED[channel];
      const failed = await store.write((trx) => failUnsendable(trx, { channel, now, error }));
      if (failed > 0)
        logger.error({ msg: 'deliveries failed: channel not configured', channel, failed, error });
    }
  }

  /**
   * Claims as many send units of one channel as it has free send slots, and
   * starts sending them, in a claim of its own: a channel's claims never
   * overlap, so its free slots are counted after the previous claim's sends
   * started. Single deliveries are claimed in one transaction, then each due
   * group of a batched type whole, in a transaction of its own. Resolves to
   * the sends started and the slots that were free.
   */
  function claimAndStart(lane: Lane): Promise<{ sends: Promise<boolean>[]; slots: number }> {
    const next = lane.claiming
      .catch(() => {})
      .then(async () => {
        const slots = sendConcurrency - lane.inFlight.size;
        const now = clock();
        const { channel } = lane;
        if (slots <= 0 || !(await anyDue(store.db, now.toISOString(), [channel.name]))) {
          return { sends: [], slots };
        }
        const claimOptions = {
          dialect: store.dialect,
          now: now.toISOString(),
          lockedUntil: new Date(now.getTime() + leaseMs).toISOString(),
        };
        const batched = channel.batchedTypes ?? [];
        const singles = await store.write((trx) =>
          claimDue(trx, {
            ...claimOptions,
            channels: [channel.name],
            exceptTypes: batched,
            limit: slots,
          }),
        );
        const sends = singles.map((row) => startSend(lane, { channel, rows: [row] }));
        if (batched.length > 0 && sends.length < slots) {
          const groups = await dueGroups(store.db, {
            channel: channel.name,
            types: batched,
            now: claimOptions.now,
            limit: slots - sends.length,
          });
          for (const group of groups) {
            const rows = await store.write((trx) =>
              claimGroup(trx, group, { ...claimOptions, limit: MAX_GROUP }),
            );
            if (rows.length > 0) sends.push(startSend(lane, { channel, rows }));
          }
        }
        return { sends, slots };
      });
    lane.claiming = next;
    return next;
  }

  /** Starts sending `unit` in `lane`'s slots; the promise says whether it was delivered. */
  function startSend(lane: Lane, unit: SendUnit): Promise<boolean> {
    const sending = send(unit).finally(() => {
      lane.inFlight.delete(sending);
      // A slot is free: fill it now rather than at the next poll.
      wake();
    });
    lane.inFlight.add(sending);
    return sending;
  }

  /**
   * One pass of one channel: claims into its free send slots and starts the
   * sends. With `wait` (runOnce), claims again as its own sends finish until
   * nothing more is due, and resolves once its own sends are done; without
   * (the polling loop), returns once the sends are started, and a finished
   * send wakes the loop to fill its slot. Either way it waits for no other
   * channel, and for no send another pass started.
   */
  async function runLane(
    lane: Lane,
    wait: boolean,
  ): Promise<{ claimed: number; delivered: number; failed: number }> {
    const counts = { claimed: 0, delivered: 0, failed: 0 };
    const own = new Set<Promise<boolean>>();
    let more = true;
    while (!loop.stopping && more && counts.claimed < MAX_ROUNDS * batchSize) {
      const { sends, slots } = await claimAndStart(lane);
      counts.claimed += sends.length;
      // A full claim: more may be due. None free: try again once one of ours ends.
      more = slots <= 0 || sends.length === slots;
      for (const sending of sends) {
        own.add(sending);
        sending.then(
          (ok) => {
            own.delete(sending);
            ok ? counts.delivered++ : counts.failed++;
          },
          () => own.delete(sending),
        );
      }
      if (!wait || own.size === 0) break;
      if (more) await Promise.race(own);
    }
    if (wait) await Promise.allSettled([...own]);
    return counts;
  }

  /**
   * Sends one unit, bounded by the send timeout and by stop(), and records
   * the outcome on each of its rows. Resolves to whether it was delivered.
   */
  async function send(unit: SendUnit): Promise<boolean> {
    const deliveries = unit.rows.map(toClaimed);
    // Cut short by the send timeout or by stop(): the channel is told
    // through the signal, and the worker stops waiting either way.
    const timeout = new AbortController();
    const timer = setTimeout(
      () => timeout.abort(new DeliveryError(`timeout after ${sendTimeoutMs / SECOND} s`)),
      sendTimeoutMs,
    );
    timer.unref();
    const signal = AbortSignal.any([timeout.signal, interrupt.signal]);
    const cut = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    cut.catch(() => {});
    const context: SendContext = { store, signal };
    let failure: unknown;
    try {
      const sending =
        unit.channel.batchedTypes?.includes(unit.rows[0]?.type ?? '') && unit.channel.sendBatch
          ? unit.channel.sendBatch(deliveries, context)
          : unit.channel.send(deliveries[0] as ClaimedDelivery, context);
      // A channel that ignores the signal is not waited for: its late
      // outcome, if any, is dropped (the row is failed already).
      sending.catch(() => {});
      await Promise.race([sending, cut]);
    } catch (error) {
      failure = error ?? new Error('send failed');
    } finally {
      clearTimeout(timer);
    }
    const now = clock();
    try {
      await store.write(async (trx) => {
        for (const row of unit.rows) {
          const attempt = { id: row.id, attempts: row.attempts };
          if (failure === undefined) {
            await recordDelivered(trx, attempt, now.toISOString());
            continue;
          }
          const permanent = failure instanceof DeliveryError && failure.permanent;
          const next = permanent ? null : nextAttemptAfter(row.attempts, now);
          await recordFailed(trx, attempt, {
            now: now.toISOString(),
            error: describeFailure(failure),
            nextAttemptAt: next?.toISOString() ?? null,
          });
        }
      });
    } catch (error) {
      // The claim's lease runs out and the rows are sent again: at least once.
      logger.error({
        msg: 'could not record a delivery outcome',
        ids: unit.rows.map((row) => row.id),
        error: errorText(error),
      });
    }
    if (failure !== undefined) {
      const [first] = unit.rows as [DeliveryRow];
      const permanent = failure instanceof DeliveryError && failure.permanent;
      const last = permanent || nextAttemptAfter(first.attempts, now) === null;
      logger[last ? 'error' : 'info']({
        msg: last ? 'delivery failed for good' : 'delivery failed; will retry',
        ids: unit.rows.map((row) => row.id),
        channel: first.channel,
        type: first.type,
        target: first.target,
        attempt: first.attempts,
        error: describeFailure(failure),
      });
    }
    return failure === undefined;
  }

  async function prune(): Promise<void> {
    const now = clock().getTime();
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    const removed = await store.write((trx) =>
      pruneDeliveries(trx, {
        deliveredBefore: new Date(now - KEEP_DELIVERED_MS).toISOString(),
        failedBefore: new Date(now - KEEP_FAILED_MS).toISOString(),
      }),
    );
    if (removed > 0) logger.info({ msg: 'pruned old deliveries', removed });
  }

  /**
   * A pass: fan out, fail what no channel here can send, then every
   * channel's pass at once (see {@link runLane}), then prune.
   */
  function pass(wait: boolean): Promise<PassResult & { claimed: number }> {
    const running = passOnce(wait);
    passes.add(running);
    running.finally(() => passes.delete(running)).catch(() => {});
    return running;
  }

  async function passOnce(wait: boolean): Promise<PassResult & { claimed: number }> {
    const result = { fannedOut: await fanOutAll(), delivered: 0, failed: 0, claimed: 0 };
    await failMissing();
    for (const counts of await Promise.all(lanes.map((lane) => runLane(lane, wait)))) {
      result.claimed += counts.claimed;
      result.delivered += counts.delivered;
      result.failed += counts.failed;
    }
    await prune();
    return result;
  }

  /** With no channel, an event has nowhere to go: delete it so the outbox stays small. */
  async function drainWithoutChannels(): Promise<number> {
    if (!(await outboxHasRows(store.db))) return 0;
    return store.write(async (trx) => {
      const rows = await claimOutbox(trx, store.dialect, { limit: 500, skip: [] });
      await deleteOutbox(
        trx,
        rows.map((row) => row.id),
      );
      return rows.length;
    });
  }

  async function runOnce(): Promise<PassResult> {
    const { fannedOut, delivered, failed } = await pass(true);
    return { fannedOut, delivered, failed };
  }

  return {
    start: () => loop.start(),
    async stop() {
      const stopped = loop.stop();
      const grace = setTimeout(() => {
        interrupt.abort(new DeliveryError('interrupted: the server stopped'));
      }, stopGraceMs);
      grace.unref();
      try {
        // Passes first (they wait for their own sends), then sends the loop started.
        await stopped;
        await Promise.allSettled([...passes]);
        await Promise.allSettled(lanes.flatMap((lane) => [...lane.inFlight]));
      } finally {
        clearTimeout(grace);
      }
    },
    runOnce,
  };
}

function toClaimed(row: DeliveryRow): ClaimedDelivery {
  return {
    id: row.id,
    channel: row.channel,
    type: row.type,
    target: row.target,
    addressId: row.address_id,
    webhookId: row.webhook_id,
    payload: JSON.parse(row.payload) as unknown,
    createdAt: row.created_at,
  };
}
