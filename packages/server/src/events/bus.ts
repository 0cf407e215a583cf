/**
 * How instances tell each other that a thread has new live events. A note
 * carries ids only (`threadId`, `seq`): streams read the events themselves
 * from the database, so a note that is late, repeated, coalesced or lost
 * costs latency at worst, never an event twice or out of order.
 */

/** A note on the bus: thread `threadId` has events up to `seq`, or "everyone catch up". */
export type BusNote = { threadId: number; seq: number } | { resync: true };

export type BusListener = (note: BusNote) => void;

export interface EventBus {
  /** Announces committed events (call after the transaction commits). */
  publish(threadId: number, seq: number): void;
  /** Calls `listener` with every note; returns the unsubscribe. */
  subscribe(listener: BusListener): () => void;
  /** Stops the bus (and its connection, if it has one). */
  close(): Promise<void>;
}

/** Listeners and how to tell them all; the building block of every bus. */
export function listenerSet() {
  const listeners = new Set<BusListener>();
  return {
    subscribe(listener: BusListener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    deliver(note: BusNote) {
      for (const listener of listeners) {
        try {
          listener(note);
        } catch {
          // One listener's failure must not keep the note from the others.
        }
      }
    },
  };
}

/** One instance: notes go straight to this process's listeners. */
export function inProcessBus(): EventBus {
  const listeners = listenerSet();
  return {
    publish: (threadId, seq) => listeners.deliver({ threadId, seq }),
    subscribe: listeners.subscribe,
    close: async () => {},
  };
}
