/**
 * The one place rows become wire objects (wire.ts): one mapping per entity,
 * each taking only the columns its readers may see, so private columns
 * (client hash, token hash, markdown source) cannot leak by accident. It sits
 * above the repositories, whose row shapes it reads, and below the routes
 * and streams that answer with its objects.
 */
import type { OwnerKeyRow, ThreadRow } from './db/schema.ts';
import type { PublicMessageRow } from './messages/messages.repository.ts';
import type { AdminMessageRow } from './moderation/moderation.repository.ts';
import { effectiveStatus } from './threads/auto-close.ts';
import type { AdminThreadRow } from './threads/threads.repository.ts';
import type { AdminMessage, AdminThread, Message, OwnerKey, Thread } from './wire.ts';

/**
 * What decides the status a thread shows besides its row: the time it is
 * looked at and the auto-close setting (a thread idle for `autoCloseDays`
 * shows as closed; see `effectiveStatus`).
 */
export interface StatusClock {
  now: Date;
  autoCloseDays: number | undefined;
}

/** The one mapping from a thread row to the public wire object. */
export function toThread(row: ThreadRow, statusClock?: StatusClock): Thread {
  return {
    key: row.key,
    title: row.title,
    summary: row.summary,
    url: row.url,
    status: statusClock
      ? effectiveStatus(row, statusClock.now, statusClock.autoCloseDays)
      : row.status,
    messageCount: Number(row.message_count),
    highlightCount: Number(row.highlight_count),
    lastActivityAt: row.last_activity_at,
    createdAt: row.created_at,
  };
}

/**
 * The one mapping from a message row to the public wire object. It takes
 * only public columns: the client hash, token hash and source stay in, and
 * the status only decides whether the message is a deleted placeholder.
 */
export function toMessage(row: PublicMessageRow): Message {
  if (row.status === 'deleted') {
    // A placeholder keeps its place for its replies and shows nothing else.
    return {
      id: row.id,
      parentId: row.parent_id,
      kind: row.kind,
      author: { name: '' },
      html: '',
      createdAt: row.created_at,
      editedAt: null,
      highlighted: false,
      deleted: true,
    };
  }
  return {
    id: row.id,
    parentId: row.parent_id,
    kind: row.kind,
    author: row.author_role
      ? { name: row.author_name, role: row.author_role }
      : { name: row.author_name },
    html: row.html,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    highlighted: Number(row.highlighted) === 1,
  };
}

/**
 * The one mapping from a message row to what moderators see: the public
 * message plus its status, thread, markdown source and open reports. Never
 * the client hash or the token hash.
 */
export function toAdminMessage(row: AdminMessageRow): AdminMessage {
  return {
    ...toMessage(row),
    // Spam is stored as a hidden message with the reason `spam`; moderators see it as its own list.
    status: row.status === 'hidden' && row.hidden_reason === 'spam' ? 'spam' : row.status,
    threadKey: row.thread_key,
    // Approving a held first post makes its thread, this title included, public.
    threadTitle: row.thread_title,
    threadUrl: row.thread_url,
    threadPublic: Number(row.thread_public) === 1,
    body: row.body,
    reportCount: Number(row.report_count),
    // Spam shows as its own status, so its reason is not repeated here.
    hiddenReason:
      row.status === 'hidden' &&
      (row.hidden_reason === 'moderator' || row.hidden_reason === 'reports')
        ? row.hidden_reason
        : null,
    reports: row.open_reports.map((report) => ({
      reason: report.reason,
      createdAt: report.created_at,
    })),
  };
}

/** The one mapping from a thread row to what moderators see. */
export function toAdminThread(row: AdminThreadRow, statusClock?: StatusClock): AdminThread {
  return {
    ...toThread(row, statusClock),
    pendingCount: Number(row.pending_count),
    reportedCount: Number(row.reported_count),
    public: Number(row.public) === 1,
  };
}

/** The one mapping from an owner-key row to the wire object: never its hash. */
export function toOwnerKey(row: OwnerKeyRow): OwnerKey {
  return {
    id: Number(row.id),
    label: row.label,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
