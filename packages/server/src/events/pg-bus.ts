import pg from 'pg';
import type { Logger } from '../app-deps.ts';
import { type EventBus, listenerSet } from './bus.ts';
import { EVENTS_CHANNEL } from './events.repository.ts';

/** Options for {@link postgresBus}. */
export interface PostgresBusOptions {
  logger: Logger;
  /** First wait before reconnecting, in ms (doubles up to `maxBackoffMs`). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Many instances on one PostgreSQL: writers `pg_notify` inside their
 * transaction (see `recordEvents`), so every instance hears of every commit.
 * This bus holds `LISTEN parley_events` on a dedicated client (never a pooled
 * one), and delivers this instance's own commits at once as well (the NOTIFY
 * that follows is a harmless repeat). When the connection is lost it
 * reconnects with backoff, LISTENs again, and then tells every listener to
 * catch up from the database: notifications sent meanwhile are never
 * replayed by PostgreSQL, but the events are in the table.
 *
 * Resolves once listening; rejects if the first connection fails.
 */
export async function postgresBus(url: string, options: PostgresBusOptions): Promise<EventBus> {
  const { logger } = options;
  const minBackoff = options.minBackoffMs ?? 100;
  const maxBackoff = options.maxBackoffMs ?? 5_000;
  const listeners = listenerSet();
  let client: pg.Client | undefined;
  let closed = false;
  let backoff = minBackoff;
  let retryTimer: NodeJS.Timeout | undefined;

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    // Until it is ours, an error just fails the connect below.
    c.on('error', () => {});
    try {
      await c.connect();
      await c.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      await c.end().catch(() => {});
      throw error;
    }
    c.on('notification', (message) => {
      if (message.channel !== EVENTS_CHANNEL || !message.payload) return;
      const [thread, seq] = message.payload.split(':').map(Number);
      if (Number.isSafeInteger(thread) && Number.isSafeInteger(seq)) {
        listeners.deliver({ threadId: thread as number, seq: seq as number });
      }
    });
    const lost = (error?: Error) => {
      if (client !== c) return;
      client = undefined;
      c.end().catch(() => {});
      if (closed) return;
      logger.error({ msg: 'live events: lost the LISTEN connection', error: error?.message });
      scheduleReconnect();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    return c;
  }

  function scheduleReconnect() {
    retryTimer = setTimeout(async () => {
      retryTimer = undefined;
      if (closed) return;
      try {
        const c = await connect();
        if (closed) {
          await c.end().catch(() => {});
          return;
        }
        client = c;
        backoff = minBackoff;
        logger.info({ msg: 'live events: listening again' });
        // Whatever was notified while we were away is in the events table.
        listeners.deliver({ resync: true });
      } catch {
        backoff = Math.min(backoff * 2, maxBackoff);
        scheduleReconnect();
      }
    }, backoff);
    retryTimer.unref();
  }

  client = await connect();
  return {
    publish: (threadId, seq) => listeners.deliver({ threadId, seq }),
    subscribe: listeners.subscribe,
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}
