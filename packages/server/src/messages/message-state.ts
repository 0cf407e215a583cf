import { type Kysely, PostgresAdapter, type Updateable } from 'kysely';
import type { Database, MessageRow, MessageTable } from '../db/schema.ts';
import type { NewEvent } from '../events/events.repository.ts';
import { forgetMessage } from '../notifications/deliveries.repository.ts';
import { recordMessageEvent, recordNotification } from '../notifications/outbox.ts';
import {
  deleteAddressIfUnused,
  findReaderKey,
} from '../notifications/reader-addresses.repository.ts';
import { recordChange, removeThreadIfAbandoned } from '../threads/threads.repository.ts';
import type { HeldReason } from '../wire.ts';
import { spendIfUnder } from './client-limit.ts';
import {
  deleteMessageRow,
  deleteReports,
  findMessage,
  hasReplies,
  isListed,
  updateMessage,
} from './messages.repository.ts';

/**
 * Every change to a stored message goes through here, so the thread's counts
 * and event sequence follow every transition (publish, hide, restore,
 * approve, highlight, edit, going pending, report hiding, delete) in the same
 * transaction:
 *
 * - `message_count` counts published messages; `highlight_count` those also
 *   highlighted. Pending, hidden and deleted messages count for nothing.
 * - `event_seq` moves whenever readers could see the change, that is when
 *   the message is listed (published, or a deleted placeholder) before or
 *   after it. A change to a pending or hidden message that stays so moves
 *   nothing: readers' cached pages are still right.
 * - Each move of `event_seq` is one live event, stored with it: the message's
 *   (`message.created` when it was not listed before, `message.removed` when
 *   it is not listed after, else `message.updated`), then `thread.updated`
 *   when the counts or last activity change. A post that publishes takes two
 *   event ids, one for each.
 * - The owner hears of it through the outbox (`notifications/outbox.ts`):
 *   `message.created` the first time readers can see a message (posted or
 *   approved; `first_published_at` is set then, so a restored message is not
 *   news), `message.pending` when one starts waiting for a moderator or is
 *   kept as spam; and `subscription.requested` when a message asking for
 *   reply mail with a key not yet confirmed is first published (see
 *   {@link askToConfirm}).
 */

type Counted = Pick<MessageRow, 'status' | 'highlighted'>;

/** What a message contributes to its thread's counts. */
function weight(m: Counted): { messages: number; highlights: number } {
  const published = m.status === 'published';
  return {
    messages: published ? 1 : 0,
    highlights: published && Number(m.highlighted) === 1 ? 1 : 0,
  };
}

/**
 * Applies `set` to the message `before` and keeps its thread in step.
 * `activityAt`, when given, moves the thread's last activity forward to it.
 */
export async function changeMessage(
  trx: Kysely<Database>,
  before: MessageRow,
  set: Updateable<MessageTable>,
  now: string,
  activityAt?: string,
  heldReason?: HeldReason,
): Promise<MessageRow> {
  // A reason for hiding (moderator, reports, spam) lasts only while hidden:
  // approving spam, or restoring a hidden message, clears it.
  const reason = set.status !== undefined && set.status !== 'hidden' ? { hidden_reason: null } : {};
  const first =
    set.status === 'published' && before.first_published_at === null
      ? { first_published_at: now }
      : {};
  const after = await updateMessage(trx, before.id, {
    ...set,
    ...reason,
    ...first,
    updated_at: now,
  });
  await followTransition(trx, before, after, now, activityAt);
  await announce(trx, before, after, now, heldReason);
  return after;
}

/**
 * Keeps the thread in step with a message just inserted: a published one
 * enters its counts, last activity and events as any message that becomes
 * listed does; a held one, or one kept as spam, moves nothing.
 */
export async function recordNewMessage(
  trx: Kysely<Database>,
  message: MessageRow,
  now: string,
  heldReason?: HeldReason,
): Promise<void> {
  await followTransition(trx, undefined, message, now, message.created_at);
  await announce(trx, undefined, message, now, heldReason);
}

/**
 * Writes the outbox event a transition is news for (see the rules above):
 * `message.created` when readers see the message for the first time,
 * `message.pending` when it starts waiting (with why) or is kept as spam.
 */
async function announce(
  trx: Kysely<Database>,
  before: MessageRow | undefined,
  after: MessageRow,
  now: string,
  heldReason: HeldReason | undefined,
): Promise<void> {
  if (
    after.status === 'published' &&
    (before === undefined || before.first_published_at === null)
  ) {
    await recordMessageEvent(trx, 'message.created', after, now);
    if (after.notify_key_id !== null) await askToConfirm(trx, before, after, now);
  } else if (after.status === 'pending' && before?.status !== 'pending') {
    await recordMessageEvent(trx, 'message.pending', after, now, heldReason ?? 'moderation');
  } else if (before === undefined && after.status === 'hidden' && after.hidden_reason === 'spam') {
    await recordMessageEvent(trx, 'message.pending', after, now, 'spam');
  }
}

/** Confirmation mails one client's posts may cause in {@link CONFIRMATIONS_WINDOW_MS}. */
const CONFIRMATIONS_PER_CLIENT = 3;
const CONFIRMATIONS_WINDOW_MS = 3_600_000;

/**
 * Asks for the confirmation of the key `after` asked for reply mail with,
 * unless the key is confirmed already. Asked when the message is first
 * published, never at post time: a held post waits for a moderator, and
 * spam (never published) sends nothing in anyone's name. A client's own
 * posts cause at most {@link CONFIRMATIONS_PER_CLIENT} an hour; past that
 * the post still succeeds and the key stays unconfirmed (the post's answer
 * says `confirming` either way, so it tells nothing). A moderator's approval
 * is not counted against anyone. The mail channel adds the limit per
 * mailbox (one a day) when it makes the mail.
 */
async function askToConfirm(
  trx: Kysely<Database>,
  before: MessageRow | undefined,
  after: MessageRow,
  now: string,
): Promise<void> {
  const key =
    after.notify_key_id === null ? undefined : await findReaderKey(trx, after.notify_key_id);
  if (!key || key.confirmed_at !== null) return;
  if (before === undefined && after.author_role !== 'owner') {
    const dialect = trx.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
    const allowed = await spendIfUnder(
      trx,
      dialect,
      {
        log: 'confirmation_sends',
        // Readers whose address is unknown share one count, as for edits.
        clientHash: after.ip_hash ?? 'unknown',
        max: CONFIRMATIONS_PER_CLIENT,
        windowMs: CONFIRMATIONS_WINDOW_MS,
      },
      new Date(now),
    );
    if (!allowed) return;
  }
  await recordNotification(
    trx,
    { type: 'subscription.requested', data: null, route: { keyId: key.id, messageId: after.id } },
    now,
  );
}

/**
 * Moves the thread's counts, event sequence and events (the rules above) for
 * a message going from `before` (undefined: it did not exist) to `after`.
 */
async function followTransition(
  trx: Kysely<Database>,
  before: Counted | undefined,
  after: MessageRow,
  now: string,
  activityAt: string | undefined,
): Promise<void> {
  const was = before ? weight(before) : { messages: 0, highlights: 0 };
  const is = weight(after);
  const listedBefore = before !== undefined && isListed(before.status);
  const listedAfter = isListed(after.status);
  if (!listedBefore && !listedAfter) return;
  const messages = is.messages - was.messages;
  const highlights = is.highlights - was.highlights;
  const events: NewEvent[] = [
    {
      type: !listedBefore
        ? 'message.created'
        : !listedAfter
          ? 'message.removed'
          : 'message.updated',
      messageId: after.id,
    },
  ];
  if (messages !== 0 || highlights !== 0 || activityAt) {
    events.push({ type: 'thread.updated', messageId: null });
  }
  // A published message readers can no longer read: an automatic summary
  // may quote it (see `recordChange`).
  const withdrawn = before?.status === 'published' && after.status !== 'published';
  await recordChange(
    trx,
    after.thread_id,
    { messages, highlights, now, withdrawn, ...(activityAt ? { activityAt } : {}) },
    events,
  );
}

/**
 * Deletes a message (its author's or a moderator's delete).
 *
 * A message that has replies becomes a placeholder: status `deleted`, with its
 * text, html, author, client hash and token hash blanked in the database, so
 * nothing of it remains but its place in the thread for the replies. One
 * without replies is removed outright, and so is any placeholder above it
 * that this leaves without replies; so is its thread, when it was never
 * public and this was its last message. Returns whether a placeholder stayed.
 */
export async function deleteMessage(
  trx: Kysely<Database>,
  message: MessageRow,
  now: string,
): Promise<'placeholder' | 'removed'> {
  const was = weight(message);
  const events: NewEvent[] = [];
  const placeholder = await hasReplies(trx, message.id);
  if (placeholder) {
    await updateMessage(trx, message.id, {
      status: 'deleted',
      author_name: '',
      author_role: null,
      body: '',
      body_fingerprint: null,
      html: '',
      highlighted: 0,
      ip_hash: null,
      edit_token_hash: '',
      edited_at: null,
      report_count: 0,
      // A deleted message has no author left to mail replies to.
      notify_key_id: null,
      updated_at: now,
    });
    // Its reports are about text that no longer exists.
    await deleteReports(trx, message.id);
    // A listed message shows as its placeholder now; a hidden one with
    // replies appears as one.
    events.push({
      type: isListed(message.status) ? 'message.updated' : 'message.created',
      messageId: message.id,
    });
  } else {
    await deleteMessageRow(trx, message.id);
    if (isListed(message.status)) events.push({ type: 'message.removed', messageId: message.id });
    let parentId = message.parent_id;
    while (parentId !== null) {
      const parent = await findMessage(trx, parentId);
      if (parent?.status !== 'deleted' || (await hasReplies(trx, parent.id))) break;
      await deleteMessageRow(trx, parent.id);
      events.push({ type: 'message.removed', messageId: parent.id });
      parentId = parent.parent_id;
    }
  }
  if (was.messages !== 0) events.push({ type: 'thread.updated', messageId: null });
  if (events.length > 0) {
    await recordChange(
      trx,
      message.thread_id,
      // A published message deleted: an automatic summary may quote it.
      { messages: -was.messages, highlights: -was.highlights, now, withdrawn: was.messages !== 0 },
      events,
    );
  }
  if (!placeholder) await removeThreadIfAbandoned(trx, message.thread_id);
  await forgetMessage(trx, message.id);
  // An address is kept only while a message of its reader's asks for reply
  // mail: with the last one, it goes (placeholders above were cleared already).
  if (message.notify_key_id !== null) {
    await deleteAddressIfUnused(trx, message.notify_key_id);
  }
  return placeholder ? 'placeholder' : 'removed';
}
