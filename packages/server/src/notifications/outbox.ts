/**
 * The outbox: what happened, written in the same transaction as the change
 * that made it happen. Nothing here knows which channels are configured: a
 * worker (`delivery-worker.ts`) reads each row, turns it into deliveries
 * (webhook calls, mails) for the channels this server has, and deletes it.
 * So a write never waits on a network, a rolled-back write reports nothing,
 * and a committed one is never lost to a crash.
 *
 * A row is a snapshot: the public thread and message as they were, plus the
 * moderation fields an owner needs, and the few ids the worker routes by
 * (`route`, never sent anywhere). Never an address, client hash or token.
 */
import type { Kysely } from 'kysely';
import type { Database, MessageRow } from '../db/schema.ts';
import { findThreadById } from '../threads/threads.repository.ts';
import type { HeldReason, WebhookEventData, WebhookEventType } from '../wire.ts';
import { toNotifiedMessage, toThread } from '../wire-mapping.ts';

/**
 * What the worker routes a message event by; stripped before anything is
 * sent. `authorKeyId`: the reader key the message's author asked reply mail
 * with (its address is looked up when the event is fanned out: a reply to
 * one's own message, from any browser, mails nobody).
 */
export interface MessageRoute {
  messageId: number;
  parentId: number | null;
  authorKeyId: number | null;
  /** The site owner wrote it: the owner is not mailed about their own messages. */
  byOwner: boolean;
}

/** One outbox row as written and read: a webhook event type, or a reader's request for reply mail. */
export type OutboxEvent =
  | {
      [T in WebhookEventType]: {
        type: T;
        data: WebhookEventData[T];
        route: T extends 'thread.closed' ? null : MessageRoute;
      };
    }[WebhookEventType]
  | {
      /**
       * A message asking for reply mail with a key not yet confirmed was
       * published: send the key's confirmation (at most one a day per mailbox).
       */
      type: 'subscription.requested';
      data: null;
      route: { keyId: number; messageId: number };
    };

/** Writes one event into the outbox, inside the caller's transaction. */
export async function recordNotification(
  trx: Kysely<Database>,
  event: OutboxEvent,
  now: string,
): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({
      type: event.type,
      payload: JSON.stringify({ data: event.data, route: event.route }),
      created_at: now,
      message_id: event.route && 'messageId' in event.route ? event.route.messageId : null,
    })
    .execute();
}

function routeOf(row: MessageRow): MessageRoute {
  return {
    messageId: row.id,
    parentId: row.parent_id,
    authorKeyId: row.notify_key_id,
    byOwner: row.author_role === 'owner',
  };
}

/**
 * Records a message event (`message.created`, `message.pending`) with a
 * snapshot of the message and its thread as they are in this transaction.
 */
export async function recordMessageEvent(
  trx: Kysely<Database>,
  type: 'message.created' | 'message.pending',
  row: MessageRow,
  now: string,
  heldReason: HeldReason | null = null,
): Promise<void> {
  const thread = await findThreadById(trx, row.thread_id);
  if (!thread) return;
  await recordNotification(
    trx,
    {
      type,
      data: { thread: toThread(thread), message: toNotifiedMessage(row, thread.url, heldReason) },
      route: routeOf(row),
    },
    now,
  );
}

/** Records a reader's report of `row` (as it is after the report). */
export async function recordReport(
  trx: Kysely<Database>,
  row: MessageRow,
  report: { reason: string | null; count: number; hidden: boolean },
  now: string,
): Promise<void> {
  const thread = await findThreadById(trx, row.thread_id);
  if (!thread) return;
  await recordNotification(
    trx,
    {
      type: 'message.reported',
      data: {
        thread: toThread(thread),
        message: toNotifiedMessage(row, thread.url, null),
        report,
      },
      route: routeOf(row),
    },
    now,
  );
}

/** Records that a moderator closed the thread with this id. */
export async function recordThreadClosed(
  trx: Kysely<Database>,
  threadId: number,
  now: string,
): Promise<void> {
  const thread = await findThreadById(trx, threadId);
  if (!thread) return;
  await recordNotification(
    trx,
    { type: 'thread.closed', data: { thread: toThread(thread) }, route: null },
    now,
  );
}
