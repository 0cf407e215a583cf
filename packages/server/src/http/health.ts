import type { Context } from 'hono';
import { sql } from 'kysely';
import type { Store } from '../db/store.ts';
import { SERVER_VERSION } from '../version.ts';
import { unavailable } from './api-error.ts';

/** What `GET /healthz` answers while this instance can serve. */
export interface Health {
  status: 'ok';
  /** The server's version (package.json), so a rollout can be watched instance by instance. */
  version: string;
  database: 'ok';
}

/**
 * `GET /healthz`: 200 {@link Health} when the database answers a trivial
 * query; otherwise 503 in the error envelope with `Retry-After`, plus the
 * version and `database: "unavailable"`, so a load balancer or a container
 * runtime takes the instance out of rotation while a person can still see
 * which version is down and why. The driver's own error is never shown: it
 * may name hosts, users or files.
 */
export function healthCheck(store: Store) {
  return async function healthz(c: Context) {
    try {
      await sql`select 1`.execute(store.db);
    } catch {
      const error = unavailable('The database does not answer.', 5);
      for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
      return c.json({ ...error.toBody(), version: SERVER_VERSION, database: 'unavailable' }, 503);
    }
    return c.json({ status: 'ok', version: SERVER_VERSION, database: 'ok' } satisfies Health);
  };
}
