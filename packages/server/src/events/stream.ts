import type { Context } from 'hono';
import type { SSEStreamingApi } from 'hono/streaming';
import type { EventRow, ThreadRow } from '../db/schema.ts';
import type { Store } from '../db/store.ts';
import type { PublicMessageRow } from '../messages/messages.repository.ts';
import { findPublicThreadByKey, findThreadById } from '../threads/threads.repository.ts';
import type { LiveEventData } from '../wire.ts';
import { type StatusClock, toMessage, toThread } from '../wire-mapping.ts';
import { eventsAfter, listedMessagesById } from './events.repository.ts';
import type { LiveEvents, LiveStream } from './live.ts';

/** Events read from the database per round trip. */
const BATCH = 100;

/** The frame sent on shutdown: EventSource reconnects after `retry` ms, to another instance. */
const SHUTDOWN_FRAME = ': server shutting down\nretry: 1000\n\n';

/** How long the shutdown frame may take before the stream is closed anyway. */
const SHUTDOWN_WRITE_MS = 1_000;

/** What a stream needs to start. */
export interface StreamStart {
  key: string;
  /** The thread, if it exists and is public yet. */
  thread: ThreadRow | undefined;
  /** Send events after this sequence number. */
  after: number;
}

/** One SSE frame. `data` is JSON on one line (JSON.stringify escapes newlines). */
function frame(id: number, data: LiveEventData): string {
  return `event: ${data.type}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Runs one live stream until the client leaves, is dropped, or the server
 * stops. Exactly once, in order: `lastSent` is the sequence number of the
 * last event sent; every wake-up reads the stored events after it, in order,
 * and sends only the one numbered `lastSent + 1` next. Notes only say "look
 * now": coalesced, repeated or reordered notes change nothing. If the next
 * event is no longer stored (pruned, or the client's id is not this
 * thread's), one `reload` is sent instead, numbered with the current sequence.
 * Data is composed when sent, from the current rows and the public mapping:
 * a message that is no longer listed goes out as `message.removed`.
 */
export async function runStream(
  c: Context,
  sse: SSEStreamingApi,
  start: StreamStart,
  deps: { store: Store; live: LiveEvents; statusClock: () => StatusClock },
): Promise<void> {
  const { store, live, statusClock } = deps;
  const db = store.db;
  let threadId = start.thread?.id;
  let lastSent = start.after;
  /**
   * The highest sequence number this stream was woken for, NaN for "read
   * afresh". Shared reads are keyed by it: a read another stream started
   * before that event committed must not stand in for one started after.
   */
  let wanted = Number.NaN;
  let closed = false;
  let running = false;
  let again = false;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  /** Writes one frame; a client that does not take it in time is dropped. */
  async function send(text: string, timeoutMs = live.writeTimeoutMs): Promise<boolean> {
    if (closed) return false;
    let timer: NodeJS.Timeout | undefined;
    const written = await Promise.race([
      sse.write(text).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (!written) drop();
    return written && !closed;
  }

  function finish() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    remove();
    resolveDone();
  }

  /** Ends a stream whose client does not read: nothing of it stays in memory. */
  function drop() {
    live.logger?.info({ msg: 'live events: dropped a client that does not read', key: start.key });
    finish();
    sse.abort();
    const outgoing = (c.env as { outgoing?: { destroy(): void } } | undefined)?.outgoing;
    outgoing?.destroy();
  }

  async function catchUp(): Promise<void> {
    if (threadId === undefined) {
      const found = await findPublicThreadByKey(db, start.key);
      if (!found) return;
      threadId = found.id;
      live.found(stream);
    }
    while (!closed) {
      const id = threadId;
      const want = wanted;
      wanted = Number.NaN;
      const thread = Number.isNaN(want)
        ? await findThreadById(db, id)
        : await live.shared(`thread:${id}:${want}`, () => findThreadById(db, id));
      if (!thread) return;
      const current = Number(thread.event_seq);
      if (current === lastSent) return;
      const from = lastSent;
      const events =
        current > from
          ? await live.shared(`events:${id}:${from}:${current}`, () =>
              eventsAfter(db, id, from, BATCH),
            )
          : [];
      if (events[0]?.seq !== lastSent + 1) {
        // Too old to replay (or not this thread's numbering): start afresh.
        if (!(await send(frame(current, { type: 'reload' })))) return;
        lastSent = current;
        return;
      }
      const ids = events.flatMap((e) => (e.message_id === null ? [] : [e.message_id]));
      const messages = await live.shared(`messages:${current}:${ids.join(',')}`, () =>
        listedMessagesById(db, ids),
      );
      // Events committed after the thread row was read wait for the next
      // round, so a `thread.updated` never shows a thread older than itself.
      const ready = events.filter((e) => e.seq <= current);
      for (const event of ready) {
        if (event.seq !== lastSent + 1) break;
        if (!(await send(frame(event.seq, compose(event, thread, messages))))) return;
        lastSent = event.seq;
      }
      if (events.length < BATCH && ready.length === events.length) return;
    }
  }

  function compose(
    event: EventRow,
    thread: ThreadRow,
    messages: Map<number, PublicMessageRow>,
  ): LiveEventData {
    if (event.type === 'thread.updated')
      return { type: 'thread.updated', thread: toThread(thread, statusClock()) };
    const id = Number(event.message_id);
    const row = messages.get(id);
    if (event.type === 'message.removed' || !row) return { type: 'message.removed', id };
    return { type: event.type, message: toMessage(row) };
  }

  function wake(seq?: number) {
    if (closed || (seq !== undefined && seq <= lastSent)) return;
    // A wake without a number (open, resync) must read afresh, not share.
    wanted = seq === undefined ? Number.NaN : Math.max(wanted || 0, seq);
    if (running) {
      again = true;
      return;
    }
    running = true;
    void (async () => {
      try {
        do {
          again = false;
          await catchUp();
        } while (again && !closed);
      } catch (error) {
        live.logger?.error({ msg: 'live events: stream failed', error: String(error) });
        finish();
      } finally {
        running = false;
      }
    })();
  }

  const stream: LiveStream = {
    key: start.key,
    get threadId() {
      return threadId;
    },
    wake,
    async shutdown() {
      if (closed) return;
      await send(SHUTDOWN_FRAME, SHUTDOWN_WRITE_MS);
      finish();
    },
  };

  // Subscribed before the first read: nothing committed from here on is missed.
  const remove = live.add(stream);
  const heartbeat = setInterval(() => void send(': ping\n\n'), live.heartbeatMs);
  sse.onAbort(finish);
  if (sse.aborted) finish();
  // First bytes at once, so proxies and browsers see the stream open.
  await send(': connected\n\n');
  wake();
  await done;
}
