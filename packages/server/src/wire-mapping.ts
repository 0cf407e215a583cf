/**
 * The one place rows become wire objects (wire.ts): one mapping per entity,
 * each taking only the columns its readers may see, so private columns
 * (client hash, token hash, markdown source) cannot leak by accident. It sits
 * above the repositories, whose row shapes it reads, and below the routes
 * and streams that answer with its objects.
 */
import type {
  ExportMessageRow,
  ExportReportRow,
  ExportThreadRow,
} from './data/export.repository.ts';
import type { MessageRow, OwnerKeyRow, ThreadRow } from './db/schema.ts';
import type { PublicMessageRow } from './messages/messages.repository.ts';
import type { AdminMessageRow } from './moderation/moderation.repository.ts';
import type { DeliveryListRow } from './notifications/deliveries.repository.ts';
import { effectiveStatus } from './threads/auto-close.ts';
import type { AdminThreadRow } from './threads/threads.repository.ts';
import type {
  AdminMessage,
  AdminThread,
  Delivery,
  ExportMessage,
  ExportReport,
  ExportThread,
  HeldReason,
  Message,
  MessageStatus,
  NotifiedMessage,
  OwnerKey,
  Thread,
} from './wire.ts';

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
    summarySource: row.summary ? row.summary_source : null,
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

type ModeratedRow = Pick<AdminMessageRow, 'status' | 'hidden_reason'>;

/** A message's status as moderators see it: spam is stored as a hidden message with the reason `spam`. */
function shownStatus(row: ModeratedRow): MessageStatus {
  return row.status === 'hidden' && row.hidden_reason === 'spam' ? 'spam' : row.status;
}

/** Why a hidden message is hidden; spam shows as its own status, so its reason is not repeated. */
function shownHiddenReason(row: ModeratedRow): 'moderator' | 'reports' | null {
  return row.status === 'hidden' &&
    (row.hidden_reason === 'moderator' || row.hidden_reason === 'reports')
    ? row.hidden_reason
    : null;
}

/**
 * The one mapping from a message row to what moderators see: the public
 * message plus its status, thread, markdown source and open reports. Never
 * the client hash or the token hash.
 */
export function toAdminMessage(row: AdminMessageRow): AdminMessage {
  return {
    ...toMessage(row),
    status: shownStatus(row),
    threadKey: row.thread_key,
    // Approving a held first post makes its thread, this title included, public.
    threadTitle: row.thread_title,
    threadUrl: row.thread_url,
    threadPublic: Number(row.thread_public) === 1,
    body: row.body,
    reportCount: Number(row.report_count),
    hiddenReason: shownHiddenReason(row),
    reports: row.open_reports.map((report) => ({
      reason: report.reason,
      createdAt: report.created_at,
    })),
  };
}

/**
 * The one mapping from a message row to what notifications (webhooks, the
 * owner's mail) carry: the public message plus the markdown, the status as
 * moderators see it, a link to it on the blog, why it waits and its report
 * count. Never the client hash, the token hash or the reader's address.
 */
export function toNotifiedMessage(
  row: MessageRow,
  threadUrl: string | null,
  heldReason: HeldReason | null,
): NotifiedMessage {
  return {
    ...toMessage(row),
    status: shownStatus(row),
    body: row.body,
    url: threadUrl ? `${threadUrl.split('#')[0]}#parley-${row.id}` : null,
    heldReason,
    reportCount: Number(row.report_count),
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

/** The one mapping from a thread row to the export document's thread. */
export function toExportThread(row: ExportThreadRow): ExportThread {
  return {
    key: row.key,
    title: row.title,
    summary: row.summary,
    summarySource: row.summary ? row.summary_source : null,
    url: row.url,
    status: row.status,
    public: Number(row.public) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastActivityAt: row.last_activity_at,
  };
}

/**
 * The one mapping from a message row to the export document's message: its
 * source, status and moderation state, never its client hash or token hash
 * (the row type does not even hold them). `siteId` names this site in the
 * source id of a message posted here (see {@link localSourcePrefix}).
 */
export function toExportMessage(row: ExportMessageRow, siteId: string): ExportMessage {
  return {
    id: row.id,
    sourceId: row.source_id ?? `${localSourcePrefix(siteId)}${row.id}`,
    threadKey: row.thread_key,
    parentId: row.parent_id,
    kind: row.kind,
    status: shownStatus(row),
    hiddenReason: shownHiddenReason(row),
    author: { name: row.author_name, role: row.author_role },
    body: row.body,
    html: row.html,
    highlighted: Number(row.highlighted) === 1,
    createdAt: row.created_at,
    editedAt: row.edited_at,
    updatedAt: row.updated_at,
  };
}

/**
 * How the source ids of messages posted on the site `siteId` begin:
 * `parley:<site id>:`, then the message's id. What its exports call them,
 * and what an import of such an export matches them by. An import stores
 * none of this site's own ids as it is (it would share message n's), only
 * as `parley:<site id>:<n>@<createdAt>` (`data/import/staging.ts`), so an
 * export's source ids stay unique.
 */
export function localSourcePrefix(siteId: string): string {
  return `parley:${siteId}:`;
}

/** The one mapping from a report row to the export document's report: never who sent it. */
export function toExportReport(row: ExportReportRow): ExportReport {
  return {
    id: row.id,
    messageId: row.message_id,
    reason: row.reason,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
  };
}

/** The one mapping from a delivery row to what /admin shows: never its payload or address. */
export function toDelivery(row: DeliveryListRow): Delivery {
  return {
    id: Number(row.id),
    channel: row.channel,
    type: row.type,
    target: row.target,
    attempts: Number(row.attempts),
    createdAt: row.created_at,
    lastAttemptAt: row.last_attempt_at,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    deliveredAt: row.delivered_at,
    failedAt: row.failed_at,
  };
}
