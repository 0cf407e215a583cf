import type { ServerResponse } from 'node:http';
import type { Logger } from '../app-deps.ts';
import type { Store } from '../db/store.ts';
import { findPublicThreadByKey } from '../threads/threads.repository.ts';
import type { StatusClock } from '../wire-mapping.ts';
import type { BusNote, EventBus } from './bus.ts';
import { threadKeyById } from './events.repository.ts';
import { chunkAfter, type Frame, ROUND_BYTES, type Round, readRound } from './stream.ts';
import { MAX_STREAMS_PER_CLIENT } from './stream-limits.ts';

/** Options for {@link createLiveEvents}. */
export interface LiveEventsOptions {
  store: Store;
  bus: EventBus;
  logger?: Logger;
  /** A `: ping` comment goes to a stream that has had nothing for this many ms (default 20 s). */
  heartbeatMs?: number;
  /**
   * A client that has taken none of what is queued for it for this many ms
   * is dropped (default 10 s).
   */
  writeTimeoutMs?: number;
  /**
   * Open streams this instance holds at most, all clients together
   * (`PARLEY_MAX_STREAMS`; `main` derives a default from the open-file
   * limit). Unset: no global cap (tests).
   */
  maxStreams?: number;
  /** Open streams one client may hold (default {@link MAX_STREAMS_PER_CLIENT}). */
  maxStreamsPerClient?: number;
}

/**
 * The answer to {@link LiveEvents.reserve}: a place, released when the stream
 * ends, or which limit refused one.
 */
export type StreamReservation =
  | { ok: true; release: () => void }
  | { ok: false; limit: 'client' | 'server' };

/** What a stream needs to start. */
export interface StreamStart {
  /** The thread key it follows. */
  key: string;
  /** The thread's id and sequence number as just read, if it exists and is public. */
  thread: { id: number; seq: number } | undefined;
  /** Send events after this sequence number. */
  after: number;
  /** Composes `thread.updated` (status and auto-close depend on the clock). */
  statusClock: () => StatusClock;
  /** Called once when the stream ends, however it ends. */
  onEnd: () => void;
}

/**
 * The live streams of one app: who follows which thread, fed by the bus.
 * Nothing here is needed for correctness across instances: every stream's
 * events are read from the database; the bus only says when to look.
 */
export interface LiveEvents {
  readonly heartbeatMs: number;
  readonly writeTimeoutMs: number;
  /** How many streams are open. */
  readonly size: number;
  /** True once `shutdown` has begun: no new stream is opened. */
  readonly closing: boolean;
  /**
   * Takes a place for one more stream of `client` (an opaque key: the
   * client's identity), or says which cap refuses it: the client's own
   * (`maxStreamsPerClient`) or this instance's (`maxStreams`). Synchronous,
   * so concurrent requests cannot all pass the check before any counts. The
   * caller releases the place the moment the stream ends (or fails to start).
   */
  reserve(client: string): StreamReservation;
  /** Places taken with {@link reserve} and not yet released. */
  readonly reserved: number;
  /**
   * Opens a stream on `sink` (Node's `ServerResponse`, head already written):
   * SSE frames from `start.after` on. Call the returned `close` when the
   * client goes away (the response's `close` event).
   */
  open(start: StreamStart, sink: StreamSink): { close(): void };
  /** The same, as a response body, where there is no Node response to write to. */
  openBody(start: StreamStart): ReadableStream<Uint8Array>;
  /**
   * Sends every stream its final frame and ends it, then stops listening to
   * the bus and the store. The bus itself is its owner's to close.
   */
  shutdown(): Promise<void>;
}

/**
 * Where a stream's bytes go. Node's `ServerResponse` is one (the server
 * writes straight to it); {@link BodySink} makes one of a response body.
 */
export interface StreamSink {
  /** Queues `chunk` for the client. */
  write(chunk: Uint8Array): unknown;
  /** Bytes queued and not yet taken by the client's socket. */
  readonly writableLength: number;
  /** Ends the response once what is queued is sent. */
  end(): unknown;
  /** Ends it at once, with what is queued (a client that does not read). */
  destroy(): unknown;
}

/**
 * A response body as a {@link StreamSink}: bytes queue on the body until the
 * server reads them (it stops reading while the socket does not drain).
 */
class BodySink implements StreamSink {
  constructor(readonly controller: ReadableStreamDefaultController<Uint8Array>) {}
  write(chunk: Uint8Array) {
    this.controller.enqueue(chunk);
  }
  get writableLength() {
    // Counted in bytes with a high-water mark of 0: minus what waits.
    return -(this.controller.desiredSize ?? 0);
  }
  end() {
    this.controller.close();
  }
  destroy() {
    this.controller.error(new Error('the client does not read its stream'));
  }
}

/** Each chunk's HTTP/1.1 chunked framing, made once however many streams it goes to. */
const framed = new WeakMap<Uint8Array, Buffer>();
const CRLF = Buffer.from('\r\n');

function chunkOf(bytes: Uint8Array): Buffer {
  let chunk = framed.get(bytes);
  if (!chunk) {
    chunk = Buffer.concat([Buffer.from(`${bytes.byteLength.toString(16)}\r\n`), bytes, CRLF]);
    framed.set(bytes, chunk);
  }
  return chunk;
}

/**
 * Node's response as a {@link StreamSink}. The first write goes through the
 * response (it carries the head); after it, on a chunked response that holds
 * its socket, each chunk goes to the socket already framed, one buffer for
 * every stream it goes to (`ServerResponse.write` would frame it again for
 * each, in three pieces and a deferred flush: most of a heartbeat's cost at
 * 10,000 streams, measured in `bench/fanout.ts`). `end` leaves the last
 * chunk to the response, after everything written.
 */
export class ResponseSink implements StreamSink {
  #started = false;
  constructor(readonly res: ServerResponse) {}
  write(bytes: Uint8Array) {
    const { res } = this;
    // `socket` is null while an earlier response on the connection is still
    // going (pipelining): the response queues the bytes until its turn.
    const socket = res.socket;
    if (this.#started && socket && (res as { chunkedEncoding?: boolean }).chunkedEncoding)
      socket.write(chunkOf(bytes));
    else res.write(bytes);
    this.#started = true;
  }
  get writableLength() {
    return this.res.writableLength;
  }
  end() {
    this.res.end();
  }
  destroy() {
    this.res.destroy();
  }
}

/** Thread keys a live-events hub remembers before it starts again from none. */
const MAX_KNOWN_KEYS = 10_000;

/**
 * Bytes queued for one stream, not yet taken by its socket, past which the
 * next write drops it instead: with one round at most `ROUND_BYTES` (and one
 * frame), the bound on what a client that does not read can hold.
 */
const MAX_QUEUED_BYTES = 256 * 1024;

/** How often a stream catching up on its own looks whether its socket took its last round. */
const DRAIN_POLL_MS = 25;

/** Streams written to between two yields to the event loop (reads are served between). */
const WRITES_PER_SLICE = 1_000;

/** Heartbeats sent per tick at most; the rest go on the next ticks. */
const PINGS_PER_TICK = 2_000;

const CONNECTED = Buffer.from(': connected\n\n');
const PING = Buffer.from(': ping\n\n');
/** The frame sent on shutdown: EventSource reconnects after `retry` ms, to another instance. */
const SHUTDOWN_FRAME = Buffer.from(': server shutting down\nretry: 1000\n\n');

/**
 * Runs `round` for `owner` (a stream or a channel reading the database), one
 * at a time: a wake while it runs asks for one more round when it is done,
 * however many wakes came (they all say "look now"), while `more()` holds.
 */
async function coalesced(
  owner: { running: boolean; again: boolean },
  round: () => Promise<void>,
  more: () => boolean,
): Promise<void> {
  if (owner.running) {
    owner.again = true;
    return;
  }
  owner.running = true;
  try {
    do {
      owner.again = false;
      await round();
    } while (owner.again && more());
  } finally {
    owner.running = false;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One open stream: its sink and where the stream is. One class, so ten
 * thousand streams share its code; none holds a timer of its own (the hub's
 * one tick sends heartbeats and finds clients that do not read).
 */
class Stream {
  /** The sequence number of the last event sent. */
  lastSent: number;
  threadId: number | undefined;
  /** When anything was last queued (ms): heartbeats go to streams idle for long. */
  lastWriteAt = 0;
  /**
   * When the first write not yet seen taken by the socket was made (ms), 0
   * when the last tick saw nothing waiting: how long a client has been
   * leaving its bytes queued.
   */
  waitingSince = 0;
  /** Bytes queued on its sink so far, and of them how many its socket had taken at the last tick. */
  written = 0;
  taken = 0;
  closed = false;
  /** Reading on its own (behind its channel): running, and woken again meanwhile. */
  running = false;
  again = false;

  constructor(
    readonly hub: Hub,
    readonly key: string,
    readonly sink: StreamSink,
    readonly statusClock: () => StatusClock,
    readonly onEnd: () => void,
    after: number,
  ) {
    this.lastSent = after;
  }

  /**
   * Queues `bytes`; a stream that has left more than the bound queued since
   * earlier writes is dropped instead.
   */
  write(bytes: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.sink.writableLength > MAX_QUEUED_BYTES) {
      this.drop();
      return false;
    }
    this.sink.write(bytes);
    this.written += bytes.byteLength;
    this.lastWriteAt = Date.now();
    this.waitingSince ||= this.lastWriteAt;
    return true;
  }

  /**
   * Whether its client has taken none of what waits for it for more than
   * `timeoutMs`, as of `now`. Only a stream written to since its socket was
   * last seen to take everything is looked at; one that took some since the
   * last look is a slow reader, not one that stopped, and its wait starts
   * again.
   */
  stalled(now: number, timeoutMs: number): boolean {
    if (this.waitingSince === 0) return false;
    const waiting = this.sink.writableLength;
    if (waiting === 0) {
      this.waitingSince = 0;
      return false;
    }
    if (this.written - waiting > this.taken) {
      this.taken = this.written - waiting;
      this.waitingSince = now;
      return false;
    }
    return now - this.waitingSince > timeoutMs;
  }

  /**
   * Catching up on its own, a stream sends its next round only once its
   * socket has taken the last (a long backlog goes out at the client's pace,
   * not into memory); false if it was dropped meanwhile, or ended.
   */
  async drained(): Promise<boolean> {
    while (!this.closed && this.sink.writableLength > ROUND_BYTES) {
      await new Promise((resolve) => setTimeout(resolve, DRAIN_POLL_MS));
    }
    return !this.closed;
  }

  /**
   * Sends the frames after `lastSent` (one write) and moves on to the last;
   * a `reload` is sent whatever the number (it replaces the stream's numbering).
   */
  send(round: Pick<Round, 'frames' | 'reload'>): boolean {
    const chunk = round.reload ? round.frames[0]?.bytes : chunkAfter(round.frames, this.lastSent);
    if (!chunk) return true;
    if (!this.write(chunk)) return false;
    this.lastSent = (round.frames.at(-1) as Frame).seq;
    return true;
  }

  /** Ends the stream and forgets it; `how` ends the response (`end`, `destroy`). */
  finish(how?: 'end' | 'destroy') {
    if (this.closed) return;
    this.closed = true;
    this.hub.remove(this);
    try {
      if (how) this.sink[how]();
    } catch {
      // The response was already ended or cancelled.
    }
    this.onEnd();
  }

  /** Ends a stream whose client does not read: the server destroys its socket. */
  drop() {
    this.hub.dropped(this.key);
    this.finish('destroy');
  }

  /**
   * Something may have happened and this stream is not at its channel's
   * head: reads what it missed on its own, then joins the channel.
   */
  wake() {
    if (this.closed) return;
    coalesced(
      this,
      () => this.catchUp(),
      () => !this.closed,
    ).catch((error: unknown) => {
      this.hub.logger?.error({ msg: 'live events: stream failed', error: String(error) });
      this.finish('end');
    });
  }

  async catchUp() {
    const hub = this.hub;
    if (this.threadId === undefined) {
      const found = await hub.findThread(this.key);
      if (!found || this.closed) return;
      this.threadId = found.id;
      unfile(hub.waiting, this.key, this);
    }
    const threadId = this.threadId;
    let replayed = 0;
    while (await this.drained()) {
      const round = await readRound(hub.db, threadId, this.lastSent, this.statusClock, replayed);
      if (!round || this.closed) return;
      if (!this.send(round)) return;
      for (const f of round.frames) replayed += f.bytes.byteLength;
      if (round.more) continue;
      // At the stored head as just read: the channel takes it in, now if it
      // is there too, else when it gets there; if it is further on, read on.
      if (hub.channelFor(threadId, round.current, this.statusClock).admit(this)) return;
    }
  }
}

/**
 * The streams of one thread that are at its head, and the one reader that
 * keeps them there: each round reads the new events once, serialises each
 * once, and queues the same bytes on every stream (one write each per round,
 * however many events). Streams join when they are exactly at its sequence
 * number; a stream behind reads on its own until it is.
 */
class Channel {
  readonly streams = new Set<Stream>();
  /** Streams ahead of the channel (they read a newer thread): taken in when it gets there. */
  readonly ahead = new Set<Stream>();
  running = false;
  again = false;

  constructor(
    readonly hub: Hub,
    readonly threadId: number,
    /** Every stream in `streams` has every event up to this one. */
    public seq: number,
    readonly statusClock: () => StatusClock,
  ) {}

  /** Takes `stream` in if it is at the head (or ahead of it); false if it is behind. */
  admit(stream: Stream): boolean {
    if (stream.lastSent < this.seq) return false;
    if (stream.lastSent === this.seq) {
      this.ahead.delete(stream);
      this.streams.add(stream);
    } else {
      this.ahead.add(stream);
    }
    return true;
  }

  remove(stream: Stream) {
    this.streams.delete(stream);
    this.ahead.delete(stream);
    if (this.streams.size === 0 && this.ahead.size === 0) this.hub.dropChannel(this);
  }

  wake(seq?: number) {
    if (seq !== undefined && seq <= this.seq) return;
    const current = () => this.hub.channelOf(this.threadId) === this;
    coalesced(this, () => this.catchUp(), current).catch((error: unknown) => {
      this.hub.logger?.error({ msg: 'live events: channel failed', error: String(error) });
      // Its streams read on their own until a channel reads again.
      this.hub.dropChannel(this);
      for (const stream of [...this.streams, ...this.ahead]) {
        stream.wake();
      }
    });
  }

  async catchUp() {
    const hub = this.hub;
    for (;;) {
      if (hub.channelOf(this.threadId) !== this) return;
      const round = await readRound(hub.db, this.threadId, this.seq, this.statusClock);
      if (!round || round.frames.length === 0) return;
      const from = this.seq;
      const last = (round.frames.at(-1) as Frame).seq;
      // Advanced before the first write: a stream that joins while the round
      // is still being written joins after it (it has read these events).
      this.seq = last;
      const chunk = round.reload
        ? (round.frames[0] as Frame).bytes
        : (chunkAfter(round.frames, from) as Buffer);
      // Ahead streams the round reaches join it (they get only what they lack).
      for (const stream of this.ahead) {
        if (round.reload || stream.lastSent < last) {
          this.ahead.delete(stream);
          this.streams.add(stream);
        }
      }
      const recipients = [...this.streams];
      let written = 0;
      for (const stream of recipients) {
        // The same bytes for all at the channel's place; any other, only its own.
        if (stream.lastSent !== from) stream.send(round);
        else if (stream.write(chunk)) stream.lastSent = last;
        if (++written % WRITES_PER_SLICE === 0) await nextTurn();
      }
      if (!round.more) return;
    }
  }
}

/** The hub's inner workings, as its streams and channels see them. */
class Hub {
  readonly streams = new Set<Stream>();
  readonly channels = new Map<number, Channel>();
  /** Streams whose thread does not exist yet, by key. */
  readonly waiting = new Map<string, Set<Stream>>();
  /** Thread keys by id, for waiting streams (see `keyOf`). */
  readonly keys = new Map<number, string>();
  tick: NodeJS.Timeout | undefined;
  /** Clients dropped since the last line said so, and when that was. */
  drops = 0;
  dropLoggedAt = 0;

  constructor(
    readonly store: Store,
    readonly logger: Logger | undefined,
    readonly heartbeatMs: number,
    readonly writeTimeoutMs: number,
  ) {}

  get db() {
    return this.store.db;
  }

  /** A line a second at most, however many clients are dropped (a client can be made to be). */
  dropped(key: string) {
    this.drops++;
    const now = Date.now();
    if (now - this.dropLoggedAt < 1_000) return;
    this.logger?.info({
      msg: 'live events: dropped clients that do not read',
      count: this.drops,
      key,
    });
    this.drops = 0;
    this.dropLoggedAt = now;
  }

  channelOf(threadId: number) {
    return this.channels.get(threadId);
  }

  /** The channel of `threadId`, made at `seq` (a sequence number just read) if there is none. */
  channelFor(threadId: number, seq: number, statusClock: () => StatusClock) {
    let channel = this.channels.get(threadId);
    if (!channel) {
      channel = new Channel(this, threadId, seq, statusClock);
      this.channels.set(threadId, channel);
      // Anything committed since `seq` was read and before the channel was
      // listening: read afresh once.
      channel.wake();
    }
    return channel;
  }

  dropChannel(channel: Channel) {
    if (this.channels.get(channel.threadId) === channel) this.channels.delete(channel.threadId);
  }

  async findThread(key: string) {
    const found = await findPublicThreadByKey(this.db, key);
    return found ? { id: found.id, seq: Number(found.event_seq) } : undefined;
  }

  add(stream: Stream, thread: StreamStart['thread']) {
    this.streams.add(stream);
    this.tick ??= setInterval(() => this.onTick(), this.tickMs);
    if (!thread) {
      file(this.waiting, stream.key, stream);
      // The thread may have become public since the route read it.
      stream.wake();
      return;
    }
    stream.threadId = thread.id;
    const channel = this.channelFor(thread.id, thread.seq, stream.statusClock);
    // Past the thread as just read (not this thread's numbering): it reads on
    // its own, which sends it a `reload`.
    if (stream.lastSent > thread.seq || !channel.admit(stream)) stream.wake();
  }

  remove(stream: Stream) {
    this.streams.delete(stream);
    unfile(this.waiting, stream.key, stream);
    if (stream.threadId !== undefined) this.channels.get(stream.threadId)?.remove(stream);
    if (this.streams.size === 0 && this.tick) {
      clearInterval(this.tick);
      this.tick = undefined;
    }
  }

  /** Heartbeats and slow readers, for every stream, on one timer. */
  get tickMs() {
    return Math.max(10, Math.min(1_000, this.heartbeatMs / 2, this.writeTimeoutMs / 2));
  }

  onTick() {
    const now = Date.now();
    let pings = 0;
    for (const stream of this.streams) {
      if (stream.stalled(now, this.writeTimeoutMs)) {
        stream.drop();
        continue;
      }
      // Spread: streams that went quiet together are not all pinged in one task.
      if (now - stream.lastWriteAt >= this.heartbeatMs && pings < PINGS_PER_TICK) {
        stream.write(PING);
        pings++;
      }
    }
  }

  /**
   * Thread keys by id, for waiting streams. A thread's key never changes and
   * its id is never reused (a thread that was never public may be removed),
   * so a key once read holds: every note would otherwise cost a query while
   * any reader waits on a thread not yet created.
   */
  async keyOf(threadId: number): Promise<string | undefined> {
    const known = this.keys.get(threadId);
    if (known !== undefined) return known;
    const key = await threadKeyById(this.db, threadId);
    if (key !== undefined) {
      if (this.keys.size >= MAX_KNOWN_KEYS) this.keys.clear();
      this.keys.set(threadId, key);
    }
    return key;
  }

  async wakeWaiting(threadId: number) {
    try {
      const key = await this.keyOf(threadId);
      if (key === undefined) return;
      for (const stream of this.waiting.get(key) ?? []) stream.wake();
    } catch (error) {
      this.logger?.error({ msg: 'live events: thread lookup failed', error: String(error) });
    }
  }

  onNote(note: BusNote) {
    if ('resync' in note) {
      for (const channel of this.channels.values()) channel.wake();
      // A stream reading on its own joins its channel when done.
      for (const set of this.waiting.values()) for (const stream of set) stream.wake();
      return;
    }
    this.channels.get(note.threadId)?.wake(note.seq);
    // A first post creates its thread: streams opened before it follow a key.
    if (this.waiting.size > 0) void this.wakeWaiting(note.threadId);
  }
}

function file<K>(map: Map<K, Set<Stream>>, k: K, stream: Stream) {
  const set = map.get(k);
  if (set) set.add(stream);
  else map.set(k, new Set([stream]));
}

function unfile<K>(map: Map<K, Set<Stream>>, k: K, stream: Stream) {
  const set = map.get(k);
  if (set?.delete(stream) && set.size === 0) map.delete(k);
}

export function createLiveEvents(options: LiveEventsOptions): LiveEvents {
  const { store, bus, logger } = options;
  const hub = new Hub(
    store,
    logger,
    options.heartbeatMs ?? 20_000,
    options.writeTimeoutMs ?? 10_000,
  );
  let closing = false;
  const maxStreams = options.maxStreams ?? Number.POSITIVE_INFINITY;
  const perClient = options.maxStreamsPerClient ?? MAX_STREAMS_PER_CLIENT;
  /** Places taken per client; a client with none has no entry, so the map never grows idle. */
  const byClient = new Map<string, number>();
  let reserved = 0;

  function open(start: StreamStart, sink: StreamSink) {
    const stream = new Stream(hub, start.key, sink, start.statusClock, start.onEnd, start.after);
    // First bytes at once, so proxies and browsers see the stream open.
    stream.write(CONNECTED);
    if (closing) stream.finish('end');
    // Filed before its first read: nothing committed from here on is missed.
    else hub.add(stream, start.thread);
    return { close: () => stream.finish() };
  }

  const unsubscribe = bus.subscribe((note) => hub.onNote(note));
  // This instance's own commits, delivered at once (the bus may also carry them).
  const unlisten = store.onEvents((threadId, seq) => bus.publish(threadId, seq));

  return {
    heartbeatMs: hub.heartbeatMs,
    writeTimeoutMs: hub.writeTimeoutMs,
    get size() {
      return hub.streams.size;
    },
    get closing() {
      return closing;
    },
    get reserved() {
      return reserved;
    },
    reserve(client) {
      const held = byClient.get(client) ?? 0;
      if (held >= perClient) return { ok: false, limit: 'client' };
      if (reserved >= maxStreams) return { ok: false, limit: 'server' };
      byClient.set(client, held + 1);
      reserved++;
      let released = false;
      return {
        ok: true,
        release() {
          if (released) return;
          released = true;
          reserved--;
          const left = (byClient.get(client) ?? 1) - 1;
          if (left > 0) byClient.set(client, left);
          else byClient.delete(client);
        },
      };
    },
    open,
    openBody(start) {
      let opened: { close(): void } | undefined;
      return new ReadableStream<Uint8Array>(
        {
          start: (controller) => {
            opened = open(start, new BodySink(controller));
          },
          // The client went away (the server cancels the body when its socket closes).
          cancel: () => opened?.close(),
        },
        new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
      );
    },
    async shutdown() {
      closing = true;
      unsubscribe();
      unlisten();
      for (const stream of [...hub.streams]) {
        stream.write(SHUTDOWN_FRAME);
        stream.finish('end');
      }
    },
  };
}
