import type { Kysely, Updateable } from 'kysely';
import type { Database, MessageRow, MessageTable, ThreadUpdate } from '../db/schema.ts';
import type { Store } from '../db/store.ts';
import { messageNotFound, threadNotFound } from '../http/api-error.ts';
import { changeMessage, deleteMessage } from '../messages/message-state.ts';
import { decideReports, findMessage, updateMessage } from '../messages/messages.repository.ts';
import { recordThreadClosed } from '../notifications/outbox.ts';
import { effectiveStatus, isIdle } from '../threads/auto-close.ts';
import type { AdminThreadRow } from '../threads/threads.repository.ts';
import {
  findAdminThread,
  findThreadById,
  findThreadByKey,
  isPublicThread,
  makeThreadPublic,
  updateThread,
} from '../threads/threads.repository.ts';
import type { BulkAction, ThreadStatus } from '../wire.ts';
import type { AdminMessageRow } from './moderation.repository.ts';
import { findAdminMessage, findAdminMessages } from './moderation.repository.ts';

/** A moderator's decision on one message. */
export interface MessageDecision {
  id: number;
  /** `published` approves a pending message or restores a hidden one; `hidden` hides it. */
  status?: 'published' | 'hidden' | undefined;
  highlighted?: boolean | undefined;
  now: Date;
}

/**
 * Applies a moderator's decision. Any decision also settles the message's
 * open reports, so it leaves the `reported` queue. Asking for the state the
 * message is already in changes nothing: no count, no event id.
 */
export async function moderateMessage(
  store: Store,
  decision: MessageDecision,
): Promise<AdminMessageRow> {
  return store.write(async (trx) => {
    const message = await findMessage(trx, decision.id);
    if (!message || message.status === 'deleted') throw messageNotFound(decision.id);
    await decide(trx, message, decision);
    // Found above, in this transaction.
    return (await findAdminMessage(trx, message.id))!;
  });
}

/** {@link moderateMessage}'s change, inside the caller's transaction, on a message it found. */
async function decide(
  trx: Kysely<Database>,
  message: MessageRow,
  decision: MessageDecision,
): Promise<void> {
  const now = decision.now.toISOString();
  const set: Updateable<MessageTable> = {};
  if (decision.status !== undefined && decision.status !== message.status) {
    set.status = decision.status;
  }
  // Why it is hidden: a moderator's hide is the moderator's, whatever hid it
  // before (readers' reports, the spam trap); approving or restoring clears it.
  if (decision.status === 'hidden' && message.hidden_reason !== 'moderator') {
    set.hidden_reason = 'moderator';
  }
  if (decision.status === 'published' && message.hidden_reason !== null) {
    set.hidden_reason = null;
  }
  const highlighted = decision.highlighted === undefined ? undefined : decision.highlighted ? 1 : 0;
  if (highlighted !== undefined && highlighted !== Number(message.highlighted)) {
    set.highlighted = highlighted;
  }
  const visible = Object.keys(set).length > 0;
  if (Number(message.report_count) > 0) {
    set.report_count = 0;
    await decideReports(trx, message.id, now);
  }
  if (set.status === 'published') {
    // The first message a moderator lets through in a thread created by a
    // held message makes the thread public, as it stands (the moderator
    // saw its title beside the message), with this change's events.
    const thread = await findThreadById(trx, message.thread_id);
    if (thread && !isPublicThread(thread)) {
      await makeThreadPublic(trx, thread.id, { now });
    }
  }
  if (visible) {
    // An approved message is the thread's activity as of when it was
    // written (not when approved), like any other message.
    const approved = message.status === 'pending' && set.status === 'published';
    await changeMessage(trx, message, set, now, approved ? message.created_at : undefined);
  } else if (set.report_count !== undefined) {
    await updateMessage(trx, message.id, { ...set, updated_at: now });
  }
}

/** A moderator's delete: like the author's (placeholder if it has replies). */
export async function removeMessage(store: Store, id: number, now: Date): Promise<void> {
  await store.write(async (trx) => {
    const message = await findMessage(trx, id);
    if (!message || message.status === 'deleted') throw messageNotFound(id);
    await deleteMessage(trx, message, now.toISOString());
  });
}

/** The outcome of {@link moderateMany}. */
export interface BulkOutcome {
  /** The messages published or hidden, as they are now (one that was already so included: its reports are settled). */
  messages: AdminMessageRow[];
  /** The ids deleted (removed, or left as placeholders for their replies). */
  deleted: number[];
  /** The ids that name no message, or an already deleted one: nothing was done to them. */
  missing: number[];
}

/**
 * A moderator's decision on many messages at once, in one transaction: each
 * id gets exactly what `PATCH {status}` (publish, hide) or `DELETE` would do
 * to it alone, in the order given, so counts, events, reports and a held
 * thread's going public follow as they would. Ids of no message are reported,
 * not refused: another moderator may have deleted them a moment ago.
 */
export async function moderateMany(
  store: Store,
  request: { ids: readonly number[]; action: BulkAction; now: Date },
): Promise<BulkOutcome> {
  const { ids, action, now } = request;
  return store.write(async (trx) => {
    const changed: number[] = [];
    const deleted: number[] = [];
    const missing: number[] = [];
    for (const id of ids) {
      const message = await findMessage(trx, id);
      if (!message || message.status === 'deleted') {
        missing.push(id);
      } else if (action === 'delete') {
        await deleteMessage(trx, message, now.toISOString());
        deleted.push(id);
      } else {
        await decide(trx, message, {
          id,
          status: action === 'publish' ? 'published' : 'hidden',
          now,
        });
        changed.push(id);
      }
    }
    // Read back in one query, in the order asked for.
    const rows = new Map((await findAdminMessages(trx, changed)).map((row) => [row.id, row]));
    const messages = changed.flatMap((id) => rows.get(id) ?? []);
    return { messages, deleted, missing };
  });
}

/**
 * A moderator's change to a thread; absent fields stay as they are. A
 * `summary` string is a manual summary; `summary: null` clears a manual one,
 * handing the thread back to the automatic summary.
 */
export interface ThreadChange {
  key: string;
  title?: string | null | undefined;
  summary?: string | null | undefined;
  url?: string | null | undefined;
  status?: ThreadStatus | undefined;
  now: Date;
  autoCloseDays: number | undefined;
}

/**
 * Changes a thread's title, summary, url or status. Reopening a thread that
 * auto-close had closed counts as activity, so it stays open for another
 * period. Asking for what the thread already shows changes nothing.
 *
 * A summary given is manual: the summary worker never replaces it, nor
 * stores one it was computing meanwhile (its claim is dropped here, and the
 * event counter moves). Clearing a manual summary shows none until the
 * worker has computed the automatic one, which is due at once; clearing
 * when the summary is already automatic asks for it again (due at once,
 * say after the endpoint's fault; readers see no change, so no event). A new title is
 * part of what the automatic summary is made from: it is due again.
 */
export async function changeThread(store: Store, change: ThreadChange): Promise<AdminThreadRow> {
  const now = change.now.toISOString();
  return store.write(async (trx) => {
    const thread = await findThreadByKey(trx, change.key);
    if (!thread) throw threadNotFound(change.key);
    const set: Omit<ThreadUpdate, 'event_seq'> = {};
    if (change.title !== undefined && change.title !== thread.title) set.title = change.title;
    const manual = thread.summary_source === 'manual';
    if (
      typeof change.summary === 'string' &&
      (change.summary !== thread.summary || thread.summary_source !== 'manual')
    ) {
      Object.assign(set, {
        summary: change.summary,
        summary_source: 'manual',
        summary_due_at: null,
        summary_claimed_until: null,
      } satisfies ThreadUpdate);
    } else if (change.summary === null && manual) {
      Object.assign(set, {
        summary: null,
        summary_source: null,
        summary_due_at: now,
        summary_claimed_until: null,
      } satisfies ThreadUpdate);
    }
    if (change.url !== undefined && change.url !== thread.url) set.url = change.url;
    const shown = effectiveStatus(thread, change.now, change.autoCloseDays);
    if (change.status === 'closed' && thread.status !== 'closed') set.status = 'closed';
    if (change.status === 'open' && shown === 'closed') {
      set.status = 'open';
      if (isIdle(thread.last_activity_at, change.now, change.autoCloseDays)) {
        set.last_activity_at = now;
      }
    }
    if (set.title !== undefined && set.summary_source === undefined && !manual) {
      // Not before it was due anyway; `now` if it was up to date.
      set.summary_due_at = thread.summary_due_at ?? now;
    }
    const recompute = change.summary === null && thread.summary_source === 'automatic';
    if (Object.keys(set).length > 0) {
      if (recompute) set.summary_due_at = now;
      await updateThread(trx, thread.id, { ...set, updated_at: now });
    } else if (recompute) {
      await trx
        .updateTable('threads')
        .set({ summary_due_at: now })
        .where('id', '=', thread.id)
        .execute();
    }
    if (set.status === 'closed') await recordThreadClosed(trx, thread.id, now);
    // Found above, in this transaction.
    return (await findAdminThread(trx, thread.id))!;
  });
}
