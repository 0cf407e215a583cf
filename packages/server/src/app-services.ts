import type { Context } from 'hono';
import type { Logger } from './app-deps.ts';
import type { ClientIdentifier, ClientLocator } from './http/client-identity.ts';
import type { ProofOfWork } from './messages/proof-of-work.ts';
import type { ModerationPolicy } from './moderation/policy.ts';
import type { ThreadUrlCheck } from './threads/thread-url-check.ts';
import type { StatusClock } from './wire-mapping.ts';

/** What `createApp` builds once from its dependencies and shares with every route. */
export interface AppServices {
  /** The current time (the deps' clock, or the system's). */
  clock: () => Date;
  /** The keyed hash of a request's client. */
  identify: ClientIdentifier;
  /** The request's client and network in the clear, for keys that must outlive a day (reports). */
  locate: ClientLocator;
  /** Moderation settings with their defaults applied. */
  policy: ModerationPolicy;
  logger: Logger;
  /** The time now and the auto-close setting, which decide the status threads show. */
  statusClock: () => StatusClock;
  /** Proof-of-work challenges and their checks, keyed by the secret; undefined when it is off. */
  proofOfWork: ProofOfWork | undefined;
  /** The server secret (`AppConfig.secret`, or one random per app when unset). Never stored. */
  secret: string;
  /**
   * Checks a new thread's `thread.url` by fetching it (`AppConfig.verifyUrls`);
   * undefined when verification is off. One per app, so its limits and its
   * memory of failed URLs hold across requests.
   */
  verifyThreadUrl: ThreadUrlCheck | undefined;
  /** Throws 401 / 429 unless the request carries the admin token. */
  verifyAdmin: (c: Context) => Promise<void>;
  /**
   * Throws 401 / 429 unless the request carries the admin token or an
   * owner-posting key: for posts as the site owner. Shares `verifyAdmin`'s
   * failure count.
   */
  verifyOwner: (c: Context) => Promise<void>;
}
