/**
 * The seam between the delivery worker and the ways a notification leaves
 * the server. A channel (webhooks, mail) does two things: in the worker's
 * fan-out transaction it turns one outbox event into the deliveries it wants
 * (zero or more rows), and later, outside any transaction, it sends one
 * claimed delivery. The worker owns everything else: claiming, the lease,
 * retries and their schedule, `webhook_id`, pruning, the admin view.
 *
 * See `/docs/notifications.md` for the behaviour users see.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Store } from '../db/store.ts';
import type { OutboxEvent } from './outbox.ts';

/** Which channel a delivery row belongs to (`deliveries.channel`). */
export type ChannelName = 'webhook' | 'mail';

/** A delivery a channel asks for during fan-out; the worker inserts it. */
export interface NewDelivery {
  /**
   * The event type (`message.created`…) or, for a mail of the server's own,
   * its kind (`confirmation`, `digest`, `reply`). Shown in /admin.
   */
  type: string;
  /** `owner`, `reader`, or the webhook endpoint's origin. Shown in /admin: never an address. */
  target: string;
  /** A reader's mail: the `reader_addresses` row, looked up when sending. */
  addressId?: number | null;
  /** What `send` needs, JSON-serialisable (the worker stores `JSON.stringify(payload)`). */
  payload: unknown;
  /**
   * When it is first due, ISO 8601 (default: the fan-out's `now`). The
   * owner's digest uses the end of the hour, so a whole hour's rows come due
   * together and one batched claim takes them all.
   */
  dueAt?: string;
}

/** When the event being fanned out happened, and when the fan-out runs. */
export interface FanOutTime {
  /** The worker clock's now, ISO 8601. */
  now: string;
  /** The outbox row's `created_at`: when the change committed. */
  occurredAt: string;
}

/** One claimed delivery, as `send` gets it. */
export interface ClaimedDelivery {
  id: number;
  channel: ChannelName;
  type: string;
  target: string;
  addressId: number | null;
  /** Standard Webhooks' `webhook-id` (`msg_…`): the same on every attempt; a mail's Message-ID seed. */
  webhookId: string;
  /** `NewDelivery.payload`, parsed back. */
  payload: unknown;
  /** When the delivery was created (fan-out time), ISO 8601. */
  createdAt: string;
}

/** What a send may use besides the delivery. */
export interface SendContext {
  /** The worker's store: a mail looks its address up here, at send time. */
  store: Store;
  /**
   * Aborted when the send has taken the worker's `sendTimeoutMs` (default
   * 10 s) or the worker is stopping; its `reason` is a {@link DeliveryError}.
   * Honour it (pass it to `fetch`, or close the connection): the worker
   * stops waiting then anyway and records a timeout, and the claim's lease
   * runs out a while later, after which another instance may send again.
   */
  signal: AbortSignal;
}

/**
 * A send that did not work, with the text /admin shows as `lastError`.
 * Keep the message short and free of secrets and addresses (`HTTP 500`,
 * `ECONNREFUSED`, `SMTP 550`). `permanent` ends the retries at once (a
 * webhook answering 410 Gone). Any other error a channel throws is recorded
 * by its `code` (`ECONNREFUSED`) or as `send failed`, never by its message,
 * which may carry a URL with credentials.
 */
export class DeliveryError extends Error {
  /** Whether retrying is pointless: the delivery fails for good now. */
  readonly permanent: boolean;

  constructor(message: string, options: { permanent?: boolean } = {}) {
    super(message);
    this.name = 'DeliveryError';
    this.permanent = options.permanent ?? false;
  }
}

/**
 * The code of a failed network or system call (`ECONNREFUSED`,
 * `UND_ERR_CONNECT_TIMEOUT`), looked for on the error and its causes, or
 * undefined when none has one. Only the code: a message may quote a URL with
 * its credentials, or an address.
 */
export function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as Error).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * One way notifications leave the server. The worker has at most one
 * channel per `name` and sends each delivery row through the channel named
 * by its `channel` column.
 */
export interface Channel {
  readonly name: ChannelName;
  /**
   * The deliveries `event` needs on this channel; `[]` for none. Runs in the
   * worker's fan-out transaction (which also deletes the outbox row), so
   * reads through `trx` see the database as of the event's handling and a
   * failure leaves the event in the outbox to try again. Must not send.
   */
  deliveriesFor(
    trx: Kysely<Database>,
    event: OutboxEvent,
    time: FanOutTime,
  ): Promise<NewDelivery[]>;
  /**
   * Sends one delivery. Resolving means delivered; throwing means it failed
   * (see {@link DeliveryError}). Called outside any transaction, at most
   * once at a time per delivery across every instance (the claim).
   */
  send(delivery: ClaimedDelivery, context: SendContext): Promise<void>;
  /**
   * Delivery types sent as a group: when one row of such a type is due,
   * the worker claims every due row of this channel with the same `type`,
   * `target` and `addressId` in the same claim and calls {@link sendBatch}
   * once with all of them (oldest first). The whole group is delivered or
   * fails together; each row keeps its own attempt count and schedule.
   */
  readonly batchedTypes?: readonly string[];
  /** Sends a group of {@link batchedTypes} rows as one (the owner's hourly digest). */
  sendBatch?(deliveries: readonly ClaimedDelivery[], context: SendContext): Promise<void>;
}
