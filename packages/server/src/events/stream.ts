import type { Kysely } from 'kysely';
import type { Database, EventRow, ThreadRow } from '../db/schema.ts';
import type { PublicMessageRow } from '../messages/messages.repository.ts';
import { findThreadById } from '../threads/threads.repository.ts';
import type { LiveEventData } from '../wire.ts';
import { type StatusClock, toMessage, toThread } from '../wire-mapping.ts';
import { eventsAfter, listedMessagesById } from './events.repository.ts';

/** Events read from the database per round trip. */
const BATCH = 100;

/**
 * Bytes of frames one round holds at most (past it, the rest waits for the
 * next round): what one write queues on a stream stays small against the
 * bound on what may wait for it (`live.ts`), however long the messages.
 */
export const ROUND_BYTES = 128 * 1024;

/**
 * How much a stream catching up on its own (a reconnect with `Last-Event-ID`)
 * is replayed at most: events behind the head, and bytes sent. Past either it
 * gets a `reload` at the head instead, and its client reads the thread afresh
 * (one page read, mostly from the page cache). A reconnect after a dropped
 * connection, or after a burst of 100 posts (200 events), is replayed; a
 * reader hours behind, or a client asking for a long thread's whole history
 * again and again, costs no more than a page read.
 */
export const REPLAY_EVENTS = 500;
export const REPLAY_BYTES = 2 * ROUND_BYTES;

/** One event, as the bytes of its SSE frame. */
export interface Frame {
  seq: number;
  bytes: Buffer;
}

/** What one read of a thread's stored events found after a sequence number. */
export interface Round {
  /** The frames to send next, in order (a `reload` alone if the events are gone). */
  frames: Frame[];
  /** The thread's sequence number when read: the frames end at or before it. */
  current: number;
  /** More events may wait (a full batch, or events newer than the thread row read). */
  more: boolean;
  /** The frames are one `reload`: the stream's numbering starts again at `current`. */
  reload?: true;
}

/** One SSE frame. `data` is JSON on one line (JSON.stringify escapes newlines). */
function frame(id: number, data: LiveEventData): Buffer {
  return Buffer.from(`event: ${data.type}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
}

/**
 * Reads the events of thread `threadId` after `after` and composes their
 * frames, each serialised once, whoever they are for. Exactly once, in order:
 * only events numbered `after + 1, after + 2, ...` are returned. If the next
 * event is no longer stored (pruned, or `after` is not this thread's
 * numbering), one `reload` frame is returned instead, numbered with the
 * current sequence. Data is composed now, from the current rows and the
 * public mapping: a message that is no longer listed goes out as
 * `message.removed`. Undefined if the thread is gone.
 *
 * `replayed` is for a stream catching up on its own: the bytes it has been
 * replayed so far. Past {@link REPLAY_BYTES}, or more than
 * {@link REPLAY_EVENTS} behind, it gets the `reload` (the channel, reading
 * at the head for every stream, passes none).
 */
export async function readRound(
  db: Kysely<Database>,
  threadId: number,
  after: number,
  statusClock: () => StatusClock,
  replayed?: number,
): Promise<Round | undefined> {
  const thread = await findThreadById(db, threadId);
  if (!thread) return undefined;
  const current = Number(thread.event_seq);
  if (current === after) return { frames: [], current, more: false };
  const tooFar =
    replayed !== undefined && (replayed >= REPLAY_BYTES || current - after > REPLAY_EVENTS);
  const events = current > after && !tooFar ? await eventsAfter(db, threadId, after, BATCH) : [];
  if (events[0]?.seq !== after + 1) {
    // Too old or too far behind to replay (or not this thread's numbering): start afresh.
    const reload = frame(current, { type: 'reload' });
    return { frames: [{ seq: current, bytes: reload }], current, more: false, reload: true };
  }
  const ids = events.flatMap((e) => (e.message_id === null ? [] : [e.message_id]));
  const messages = ids.length > 0 ? await listedMessagesById(db, ids) : new Map();
  const frames: Frame[] = [];
  let next = after + 1;
  let bytes = 0;
  // Events committed after the thread row was read wait for the next round,
  // so a `thread.updated` never shows a thread older than itself.
  for (const event of events) {
    if (event.seq !== next || event.seq > current || bytes >= ROUND_BYTES) break;
    const framed = frame(event.seq, compose(event, thread, messages, statusClock));
    frames.push({ seq: event.seq, bytes: framed });
    bytes += framed.byteLength;
    next++;
  }
  return { frames, current, more: events.length === BATCH || frames.length < events.length };
}

function compose(
  event: EventRow,
  thread: ThreadRow,
  messages: Map<number, PublicMessageRow>,
  statusClock: () => StatusClock,
): LiveEventData {
  if (event.type === 'thread.updated')
    return { type: 'thread.updated', thread: toThread(thread, statusClock()) };
  const id = Number(event.message_id);
  const row = messages.get(id);
  if (event.type === 'message.removed' || !row) return { type: 'message.removed', id };
  return { type: event.type, message: toMessage(row) };
}

/** The frames of `frames` numbered after `after`, as one chunk (one write). */
export function chunkAfter(frames: readonly Frame[], after: number): Buffer | undefined {
  const from = frames.findIndex((f) => f.seq > after);
  if (from < 0) return undefined;
  if (from === frames.length - 1) return frames[from]!.bytes;
  return Buffer.concat(frames.slice(from).map((f) => f.bytes));
}
