import type { PublicMessageRow } from '../messages/messages.repository.ts';
import type { Message, Thread } from '../wire.ts';
import type { StoredTime, ThreadRow } from './schema.ts';

/** A stored time as an ISO 8601 UTC string, whichever dialect stored it. */
export function toIso(value: StoredTime): string {
  return typeof value === 'string' ? value : value.toISOString();
}

/** The one mapping from a thread row to the public wire object. */
export function toThread(row: ThreadRow): Thread {
  return {
    key: row.key,
    title: row.title,
    summary: row.summary,
    url: row.url,
    status: row.status,
    messageCount: Number(row.message_count),
    highlightCount: Number(row.highlight_count),
    lastActivityAt: toIso(row.last_activity_at),
    createdAt: toIso(row.created_at),
  };
}

/**
 * The one mapping from a message row to the public wire object. It takes
 * only public columns: the client hash, token hash, source and status stay in.
 */
export function toMessage(row: PublicMessageRow): Message {
  return {
    id: row.id,
    parentId: row.parent_id,
    kind: row.kind,
    author: row.author_role
      ? { name: row.author_name, role: row.author_role }
      : { name: row.author_name },
    html: row.html,
    createdAt: toIso(row.created_at),
    editedAt: row.edited_at === null ? null : toIso(row.edited_at),
    highlighted: Number(row.highlighted) === 1,
  };
}
