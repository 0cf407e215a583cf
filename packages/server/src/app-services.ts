import type { Context } from 'hono';
import type { Logger } from './app-deps.ts';
import type { ClientIdentifier } from './http/client-identity.ts';
import type { ModerationPolicy } from './moderation/policy.ts';

/** What `createApp` builds once from its dependencies and shares with every route. */
export interface AppServices {
  /** The current time (the deps' clock, or the system's). */
  clock: () => Date;
  /** The keyed hash of a request's client. */
  identify: ClientIdentifier;
  /** Moderation settings with their defaults applied. */
  policy: ModerationPolicy;
  logger: Logger;
  /** Throws 401 / 429 unless the request carries the admin token. */
  verifyAdmin: (c: Context) => Promise<void>;
}
