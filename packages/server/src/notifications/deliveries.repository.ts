/**
 * Queries on the outbox and the deliveries: what the delivery worker claims,
 * records and prunes, and what /admin lists and retries. Plain functions of
 * a Kysely handle, on both dialects; the worker decides when each runs.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import type {
  Database,
  DeliveryRow,
  DeliveryTable,
  OutboxTable,
  StoredTime,
} from '../db/schema.ts';
import type { Dialect } from '../db/store.ts';
import type { KeysetPosition } from '../http/cursor.ts';

/** A delivery row as /admin lists it: everything but what is sent (`payload`, `address_id`, `webhook_id`). */
export type DeliveryListRow = Pick<
  DeliveryRow,
  | 'id'
  | 'channel'
  | 'type'
  | 'target'
  | 'attempts'
  | 'created_at'
  | 'last_attempt_at'
  | 'last_error'
  | 'next_attempt_at'
  | 'delivered_at'
  | 'failed_at'
>;

/** A delivery's state as /admin filters by it: sent, given up on, or neither yet. */
export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** One outbox row as the worker reads it. */
export type OutboxRow = Selectable<OutboxTable>;

/** A delivery about to be written: the row minus what the database fills in. */
export type DeliveryInsert = Pick<
  DeliveryTable,
  | 'channel'
  | 'type'
  | 'target'
  | 'address_id'
  | 'webhook_id'
  | 'payload'
  | 'created_at'
  | 'message_id'
> & { next_attempt_at: StoredTime };

/** The payload of a delivery whose message was deleted. */
const FORGOTTEN = '{}';

const LISTED_COLUMNS = [
  'id',
  'channel',
  'type',
  'target',
  'attempts',
  'created_at',
  'last_attempt_at',
  'last_error',
  'next_attempt_at',
  'delivered_at',
  'failed_at',
] as const;

/**
 * Takes the oldest outbox rows, up to `limit`, skipping `skip` (events that
 * failed to fan out a moment ago), or only those in `only`. Call inside the transaction that fans
 * them out and deletes them: on PostgreSQL the rows stay locked until it
 * ends, and another instance's fan-out skips them rather than waiting
 * (`SKIP LOCKED`), so each event is fanned out once. SQLite's `BEGIN
 * IMMEDIATE` already lets one writer in at a time.
 */
export async function claimOutbox(
  trx: Kysely<Database>,
  dialect: Dialect,
  options: { limit: number; skip?: readonly number[]; only?: readonly number[] },
): Promise<OutboxRow[]> {
  let query = trx.selectFrom('outbox').selectAll().orderBy('id').limit(options.limit);
  if (options.skip?.length) query = query.where('id', 'not in', options.skip);
  if (options.only) query = query.where('id', 'in', options.only);
  if (dialect === 'postgres') query = query.forUpdate().skipLocked();
  return query.execute();
}

/**
 * Whether the outbox holds anything: a plain read, so an idle worker looks
 * without taking the write lock every second.
 */
export async function outboxHasRows(db: Kysely<Database>): Promise<boolean> {
  return (await db.selectFrom('outbox').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** Whether a delivery of `channels` is due at `now` (a plain read, like {@link outboxHasRows}). */
export async function anyDue(
  db: Kysely<Database>,
  now: StoredTime,
  channels: readonly DeliveryRow['channel'][],
): Promise<boolean> {
  if (channels.length === 0) return false;
  const row = await db
    .selectFrom('deliveries')
    .select('id')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .where('channel', 'in', channels)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes outbox rows once their deliveries are written (same transaction). */
export async function deleteOutbox(trx: Kysely<Database>, ids: readonly number[]): Promise<void> {
  if (ids.length > 0) await trx.deleteFrom('outbox').where('id', 'in', ids).execute();
}

/** Writes new deliveries. */
export async function insertDeliveries(
  trx: Kysely<Database>,
  rows: readonly DeliveryInsert[],
): Promise<void> {
  if (rows.length > 0)
    await trx
      .insertInto('deliveries')
      .values([...rows])
      .execute();
}

/** What a claim needs besides the transaction. */
export interface ClaimOptions {
  dialect: Dialect;
  now: StoredTime;
  /** Until when the claimed rows are this instance's: now + the lease. */
  lockedUntil: StoredTime;
  /** Only rows of these channels (the ones this server has). */
  channels: readonly DeliveryRow['channel'][];
  /** Leave out rows of these types: a batched type is claimed a group at a time ({@link claimGroup}). */
  exceptTypes?: readonly string[];
  limit: number;
}

/**
 * Due rows nobody holds: `next_attempt_at` has come, and the row is not
 * locked or its lock ran out (the instance that took it crashed or hung).
 */
function dueRows(trx: Kysely<Database>, now: StoredTime, dialect: Dialect) {
  const query = trx
    .selectFrom('deliveries')
    .select('id')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]));
  return dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
}

/**
 * Claims due deliveries, oldest due first, up to `limit`: locks them until
 * `lockedUntil`, counts the attempt, and returns them as they are now. Run it
 * in a short write transaction: on PostgreSQL `FOR UPDATE SKIP LOCKED` makes
 * instances that claim at once take different rows, and on SQLite the write
 * transaction lets one claim in at a time. Either way, a row is sent by one
 * instance at a time.
 */
export async function claimDue(
  trx: Kysely<Database>,
  options: ClaimOptions,
): Promise<DeliveryRow[]> {
  if (options.channels.length === 0) return [];
  let query = dueRows(trx, options.now, options.dialect).where('channel', 'in', options.channels);
  if (options.exceptTypes?.length) query = query.where('type', 'not in', options.exceptTypes);
  const ids = await query.orderBy('next_attempt_at').orderBy('id').limit(options.limit).execute();
  return lockForAttempt(
    trx,
    ids.map((row) => row.id),
    options,
  );
}

/** Which rows travel together: one channel, type and recipient. */
export interface DeliveryGroup {
  channel: DeliveryRow['channel'];
  type: string;
  target: string;
  addressId: number | null;
}

/**
 * The groups of `types` (a channel's batched types) with a due row nobody
 * holds, oldest due first, up to `limit`: a plain read, each group then
 * claimed whole by {@link claimGroup}.
 */
export async function dueGroups(
  db: Kysely<Database>,
  options: {
    channel: DeliveryRow['channel'];
    types: readonly string[];
    now: StoredTime;
    limit: number;
  },
): Promise<DeliveryGroup[]> {
  if (options.types.length === 0) return [];
  const rows = await db
    .selectFrom('deliveries')
    .select(['type', 'target', 'address_id'])
    .select((eb) => eb.fn.min('next_attempt_at').as('first_due'))
    .where('next_attempt_at', '<=', options.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', options.now)]))
    .where('channel', '=', options.channel)
    .where('type', 'in', options.types)
    .groupBy(['type', 'target', 'address_id'])
    .orderBy('first_due')
    .limit(options.limit)
    .execute();
  return rows.map((row) => ({
    channel: options.channel,
    type: row.type,
    target: row.target,
    addressId: row.address_id,
  }));
}

/**
 * Claims every due row of `group` (a batched type: the owner's digest), up
 * to `limit`, oldest first, as {@link claimDue} claims: all of them, or none
 * when another instance is claiming the same group right now. On PostgreSQL
 * the claim takes a transaction-scoped advisory lock named after the group
 * (`pg_try_advisory_xact_lock`), so two instances never split a group
 * between them: the second finds it taken and moves on, and once the first
 * commits the rows are locked by its lease. On SQLite the write transaction
 * already lets one claim in at a time. Run it in its own short write
 * transaction.
 */
export async function claimGroup(
  trx: Kysely<Database>,
  group: DeliveryGroup,
  options: Omit<ClaimOptions, 'channels' | 'exceptTypes'>,
): Promise<DeliveryRow[]> {
  if (options.dialect === 'postgres') {
    const key = [group.channel, group.type, group.target, group.addressId ?? ''].join(':');
    const { rows } = await sql<{
      taken: boolean;
    }>`select pg_try_advisory_xact_lock(hashtext(${key})) as taken`.execute(trx);
    if (!rows[0]?.taken) return [];
  }
  let query = trx
    .selectFrom('deliveries')
    .select('id')
    .where('next_attempt_at', '<=', options.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', options.now)]))
    .where('channel', '=', group.channel)
    .where('type', '=', group.type)
    .where('target', '=', group.target);
  query =
    group.addressId === null
      ? query.where('address_id', 'is', null)
      : query.where('address_id', '=', group.addressId);
  // Under the group's lock: wait for a row someone else is changing (a
  // moderator's retry) rather than skip it, which would split the group.
  if (options.dialect === 'postgres') query = query.forUpdate();
  const ids = await query.orderBy('id').limit(options.limit).execute();
  return lockForAttempt(
    trx,
    ids.map((row) => row.id),
    options,
  );
}

async function lockForAttempt(
  trx: Kysely<Database>,
  ids: number[],
  options: { now: StoredTime; lockedUntil: StoredTime },
): Promise<DeliveryRow[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .updateTable('deliveries')
    .set((eb) => ({
      locked_until: options.lockedUntil,
      last_attempt_at: options.now,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', ids)
    .returningAll()
    .execute();
  return rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id));
}

/**
 * The attempt a claim made, as the claim left the row: an outcome is
 * recorded only while the row is still as this claim left it. If the lease
 * ran out and another instance claimed the row again (`attempts` moved on),
 * or a moderator's retry came in between, the late outcome is dropped.
 */
export interface ClaimedAttempt {
  id: number;
  attempts: number;
}

/** Records a delivered attempt: nothing is due any more. */
export async function recordDelivered(
  db: Kysely<Database>,
  attempt: ClaimedAttempt,
  now: StoredTime,
): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ delivered_at: now, next_attempt_at: null, locked_until: null })
    .where('id', '=', attempt.id)
    .where('attempts', '=', attempt.attempts)
    .where('delivered_at', 'is', null)
    .where('failed_at', 'is', null)
    .execute();
}

/**
 * Records a failed attempt: the error, and either when to try next or, when
 * `nextAttemptAt` is null, that it failed for good.
 */
export async function recordFailed(
  db: Kysely<Database>,
  attempt: ClaimedAttempt,
  outcome: { now: StoredTime; error: string; nextAttemptAt: StoredTime | null },
): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({
      last_error: outcome.error,
      locked_until: null,
      next_attempt_at: outcome.nextAttemptAt,
      failed_at: outcome.nextAttemptAt === null ? outcome.now : null,
    })
    .where('id', '=', attempt.id)
    .where('attempts', '=', attempt.attempts)
    .where('delivered_at', 'is', null)
    .where('failed_at', 'is', null)
    .execute();
}

/**
 * Deliveries newest first for /admin, optionally in one state, as a keyset
 * page on (`created_at`, `id`), fetched with `limit + 1` rows.
 */
export async function listDeliveries(
  db: Kysely<Database>,
  options: { state?: DeliveryState; limit: number; after?: KeysetPosition },
): Promise<DeliveryListRow[]> {
  let query = db
    .selectFrom('deliveries')
    .select(LISTED_COLUMNS)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit + 1);
  if (options.state === 'delivered') query = query.where('delivered_at', 'is not', null);
  if (options.state === 'failed') query = query.where('failed_at', 'is not', null);
  if (options.state === 'pending') {
    query = query.where('delivered_at', 'is', null).where('failed_at', 'is', null);
  }
  const after = options.after;
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.at, after.id)),
    );
  }
  return query.execute();
}

/** Why a moderator's retry changed nothing. */
export type RetryRefusal = 'delivered' | 'in_progress' | 'forgotten';

/**
 * A moderator's retry: a failed delivery is due again now (its attempts keep
 * counting), and a waiting one is brought forward to now. Refused, leaving
 * the row as it is: a delivered one, one an instance is sending right now
 * (its claim's lease has not run out), and one whose message was deleted
 * (nothing is left to send). Returns the row as it is after, with the
 * refusal if any, or undefined when there is no such delivery.
 */
export async function retryDelivery(
  db: Kysely<Database>,
  id: number,
  now: StoredTime,
): Promise<{ delivery: DeliveryListRow; refused?: RetryRefusal } | undefined> {
  const result = await db
    .updateTable('deliveries')
    .set({ failed_at: null, next_attempt_at: now, locked_until: null })
    .where('id', '=', id)
    .where('delivered_at', 'is', null)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .where((eb) => eb.or([eb('message_id', 'is', null), eb('payload', '<>', FORGOTTEN)]))
    .executeTakeFirst();
  const row = await db
    .selectFrom('deliveries')
    .select([...LISTED_COLUMNS, 'locked_until', 'message_id', 'payload'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { locked_until, message_id, payload, ...delivery } = row;
  if (Number(result.numUpdatedRows) > 0) return { delivery };
  const refused: RetryRefusal =
    delivery.delivered_at !== null
      ? 'delivered'
      : message_id !== null && payload === FORGOTTEN
        ? 'forgotten'
        : 'in_progress';
  return { delivery, refused };
}

/**
 * What a deleted message leaves in the notification tables: nothing. In the
 * transaction that deletes it (by its author or a moderator, to a
 * placeholder or outright): its outbox rows and its deliveries not yet
 * delivered go, and those delivered or failed keep their row for /admin's
 * history with the payload blanked to `{}` (a retry of one is refused).
 * Placeholders above it that the deletion removes were forgotten when they
 * became placeholders. The outbox rows go first: on PostgreSQL a fan-out
 * holding one is waited for, and its deliveries, committed by then, are
 * found next.
 */
export async function forgetMessage(trx: Kysely<Database>, messageId: number): Promise<void> {
  await trx.deleteFrom('outbox').where('message_id', '=', messageId).execute();
  await trx
    .deleteFrom('deliveries')
    .where('message_id', '=', messageId)
    .where('delivered_at', 'is', null)
    .where('failed_at', 'is', null)
    .execute();
  await trx
    .updateTable('deliveries')
    .set({ payload: FORGOTTEN })
    .where('message_id', '=', messageId)
    .where('payload', '<>', FORGOTTEN)
    .execute();
}

/**
 * Fails, at once and for good, the due deliveries of a channel this server
 * does not have (mail without `PARLEY_SMTP_URL`), with `error` as their last
 * error, so /admin says why nothing went rather than showing them waiting
 * forever; a moderator's retry sends them once the channel is configured.
 * Rows another instance holds are left alone. Returns how many it failed.
 */
export async function failUnsendable(
  db: Kysely<Database>,
  options: { channel: DeliveryRow['channel']; now: StoredTime; error: string },
): Promise<number> {
  const result = await db
    .updateTable('deliveries')
    .set({
      failed_at: options.now,
      next_attempt_at: null,
      locked_until: null,
      last_error: options.error,
    })
    .where('channel', '=', options.channel)
    .where('next_attempt_at', '<=', options.now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', options.now)]))
    .where('delivered_at', 'is', null)
    .where('failed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Deletes what /admin no longer needs: delivered rows older than
 * `deliveredBefore`, failed ones older than `failedBefore`. Returns how many.
 */
export async function pruneDeliveries(
  db: Kysely<Database>,
  cutoffs: { deliveredBefore: StoredTime; failedBefore: StoredTime },
): Promise<number> {
  const result = await db
    .deleteFrom('deliveries')
    .where((eb) =>
      eb.or([
        eb('delivered_at', '<', cutoffs.deliveredBefore),
        eb('failed_at', '<', cutoffs.failedBefore),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
