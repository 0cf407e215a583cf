import type { Logger } from '../app-deps.ts';
import type { Store } from '../db/store.ts';
import type { BusNote, EventBus } from './bus.ts';
import { threadKeyById } from './events.repository.ts';
import { MAX_STREAMS_PER_CLIENT } from './stream-limits.ts';

/** One open event stream, as the hub sees it. */
export interface LiveStream {
  /** The thread key it follows. */
  readonly key: string;
  /** The thread's id, once the thread exists. */
  readonly threadId: number | undefined;
  /** Something may have happened: read the database and send what is new. */
  wake(seq?: number): void;
  /** Sends the final frame and ends the stream (shutdown). */
  shutdown(): Promise<void>;
}

/** Options for {@link createLiveEvents}. */
export interface LiveEventsOptions {
  store: Store;
  bus: EventBus;
  logger?: Logger;
  /** Interval of the `: ping` comment on idle streams, in ms (default 20 s). */
  heartbeatMs?: number;
  /** A write the client has not taken within this many ms drops it (default 10 s). */
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

/**
 * The live streams of one app: who follows which thread, fed by the bus.
 * Nothing here is needed for correctness across instances: every stream
 * reads its events from the database; the bus only says when to look.
 */
export interface LiveEvents {
  readonly heartbeatMs: number;
  readonly writeTimeoutMs: number;
  readonly logger: Logger | undefined;
  /** How many streams are open. */
  readonly size: number;
  /** True once `shutdown` has begun: no new stream is opened. */
  readonly closing: boolean;
  /**
   * Runs `read` once for every caller asking for the same `key` while the
   * first call is still in flight. A post wakes every stream of its thread at
   * once; they all ask for the same rows, so N readers cost one set of reads,
   * not N. Nothing is kept once the read settles: results are never staler
   * than a read started at the same moment.
   */
  shared<T>(key: string, read: () => Promise<T>): Promise<T>;
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
  /** Adds a stream; returns its removal. */
  add(stream: LiveStream): () => void;
  /** Files a stream under its thread once the thread exists. */
  found(stream: LiveStream): void;
  /**
   * Sends every stream its final frame and ends it, then stops listening to
   * the bus and the store. The bus itself is its owner's to close.
   */
  shutdown(): Promise<void>;
}

/** Thread keys a live-events hub remembers before it starts again from none. */
const MAX_KNOWN_KEYS = 10_000;

export function createLiveEvents(options: LiveEventsOptions): LiveEvents {
  const { store, bus, logger } = options;
  const byThread = new Map<number, Set<LiveStream>>();
  /** Streams whose thread does not exist yet, by key. */
  const waiting = new Map<string, Set<LiveStream>>();
  let size = 0;
  let closing = false;
  const inFlight = new Map<string, Promise<unknown>>();
  const maxStreams = options.maxStreams ?? Number.POSITIVE_INFINITY;
  const perClient = options.maxStreamsPerClient ?? MAX_STREAMS_PER_CLIENT;
  /** Places taken per client; a client with none has no entry, so the map never grows idle. */
  const byClient = new Map<string, number>();
  let reserved = 0;

  const file = <K>(map: Map<K, Set<LiveStream>>, k: K, stream: LiveStream) => {
    const set = map.get(k);
    if (set) set.add(stream);
    else map.set(k, new Set([stream]));
  };
  const unfile = <K>(map: Map<K, Set<LiveStream>>, k: K, stream: LiveStream) => {
    const set = map.get(k);
    if (set?.delete(stream) && set.size === 0) map.delete(k);
  };

  /**
   * Thread keys by id, for waiting streams. A thread's key never changes and
   * its id is never reused (a thread that was never public may be removed),
   * so a key once read holds: every note would otherwise
   * cost a query while any reader waits on a thread not yet created.
   */
  const keys = new Map<number, string>();
  async function keyOf(threadId: number): Promise<string | undefined> {
    const known = keys.get(threadId);
    if (known !== undefined) return known;
    const key = await threadKeyById(store.db, threadId);
    if (key !== undefined) {
      if (keys.size >= MAX_KNOWN_KEYS) keys.clear();
      keys.set(threadId, key);
    }
    return key;
  }

  async function wakeWaiting(threadId: number, seq: number) {
    try {
      const key = await keyOf(threadId);
      if (key === undefined) return;
      for (const stream of waiting.get(key) ?? []) stream.wake(seq);
    } catch (error) {
      logger?.error({ msg: 'live events: thread lookup failed', error: String(error) });
    }
  }

  function onNote(note: BusNote) {
    if ('resync' in note) {
      for (const set of [...byThread.values(), ...waiting.values()]) {
        for (const stream of set) stream.wake();
      }
      return;
    }
    for (const stream of byThread.get(note.threadId) ?? []) stream.wake(note.seq);
    // A first post creates its thread: streams opened before it follow a key.
    if (waiting.size > 0) void wakeWaiting(note.threadId, note.seq);
  }

  const unsubscribe = bus.subscribe(onNote);
  // This instance's own commits, delivered at once (the bus may also carry them).
  const unlisten = store.onEvents((threadId, seq) => bus.publish(threadId, seq));

  return {
    heartbeatMs: options.heartbeatMs ?? 20_000,
    writeTimeoutMs: options.writeTimeoutMs ?? 10_000,
    logger,
    get size() {
      return size;
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
    shared<T>(key: string, read: () => Promise<T>): Promise<T> {
      let pending = inFlight.get(key) as Promise<T> | undefined;
      if (!pending) {
        pending = read().finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
    add(stream) {
      size++;
      if (stream.threadId === undefined) file(waiting, stream.key, stream);
      else file(byThread, stream.threadId, stream);
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        size--;
        unfile(waiting, stream.key, stream);
        if (stream.threadId !== undefined) unfile(byThread, stream.threadId, stream);
      };
    },
    found(stream) {
      if (stream.threadId === undefined) return;
      unfile(waiting, stream.key, stream);
      file(byThread, stream.threadId, stream);
    },
    async shutdown() {
      closing = true;
      unsubscribe();
      unlisten();
      const all = [...byThread.values(), ...waiting.values()].flatMap((set) => [...set]);
      await Promise.all(all.map((stream) => stream.shutdown()));
    },
  };
}
