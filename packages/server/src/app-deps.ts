import type { Context } from 'hono';
import type { Store } from './db/store.ts';
import type { LiveEvents } from './events/live.ts';
import type { TrustedProxies } from './http/client-address.ts';

/** What the app is configured with; `main` builds it from flags and environment. */
export interface AppConfig {
  /**
   * Origins allowed to embed and write (`PARLEY_ORIGINS`), as normalised
   * `scheme://host[:port]` strings, or `'*'` for any. The server's own origin
   * is always allowed.
   */
  origins: readonly string[] | '*';
  /**
   * The server's public base URL (`PARLEY_PUBLIC_URL`). Its origin is the
   * server's own origin, always allowed to write and to be a thread's url
   * (never its `/api/` paths); the `Host` header never is.
   */
  publicUrl?: string;
  /**
   * The address `main` listens on (`http://HOST:PORT`). Without `publicUrl`
   * its origin is the server's own origin for writes (/admin); it is never a
   * place for threads. Both unset: the server has no own origin, only `origins`.
   */
  listenUrl?: string;
  /**
   * Whether a post that would create a thread must carry a `thread.url` that
   * answers 200 when fetched (`PARLEY_VERIFY_URLS`; `parley-server` defaults
   * to on, `createApp` to off). Never with `origins: '*'`: the server fetches
   * only pages on origins it was told to serve.
   */
  verifyUrls?: boolean;
  /** Proxies whose `X-Forwarded-For` is believed (`PARLEY_TRUSTED_PROXIES`). */
  trustedProxies: TrustedProxies;
  /** Posts per minute per client (`PARLEY_RATE_LIMIT`, default 10); 0 turns the limit off. */
  rateLimit: number;
  /** Folder holding the built widget (`widget.js` and `widget/` chunks); unset serves none. */
  widgetDir?: string;
  /**
   * The site owner's secret (`PARLEY_ADMIN_TOKEN`, at least 16 characters).
   * Unset: the admin API answers 401 and no post can be the owner's.
   */
  adminToken?: string;
  /** `all` holds every new message for a moderator (`PARLEY_MODERATION`, default `none`). */
  moderation?: 'none' | 'all';
  /** Minutes after posting during which its author may edit a message (default 15). */
  editWindowMinutes?: number;
  /** Days without activity after which a thread is closed (`PARLEY_AUTO_CLOSE_DAYS`; default never). */
  autoCloseDays?: number;
  /** Words and phrases that hold a message for a moderator (`PARLEY_HELD_WORDS`; default none). */
  heldWords?: readonly string[];
  /** Open reports that hide a published message (`PARLEY_REPORT_THRESHOLD`, default 3; 0 never). */
  reportThreshold?: number;
  /** Links a message may hold before it waits for a moderator (`PARLEY_MAX_LINKS`, default 3; 0: any link holds it). */
  maxLinks?: number;
  /** `on`: readers' posts carry a solved ALTCHA challenge (`PARLEY_PROOF_OF_WORK`, default `off`). */
  proofOfWork?: 'off' | 'on';
  /**
   * The server secret (`PARLEY_SECRET`, or the key file beside a SQLite
   * database): keys the address hashes and anything else signed, and is never
   * stored in the database. Unset (tests): a random secret for this app.
   */
  secret?: string;
  /**
   * Open live streams this instance holds at most (`PARLEY_MAX_STREAMS`;
   * `main` derives a default from the open-file limit, see
   * `defaultMaxStreams`). Unset: no global cap. Used when `createApp` makes
   * its own live-events hub; a hub passed in `live` has its own.
   */
  maxStreams?: number;
  /** Webhooks (`PARLEY_WEBHOOK_URL`, `PARLEY_WEBHOOK_SECRET`); unset: none are sent. */
  webhook?: WebhookConfig;
  /** Mail (`PARLEY_SMTP_URL` and friends); unset: none is sent and readers cannot ask for reply mail. */
  mail?: MailConfig;
  /**
   * An OpenAI-compatible chat-completions endpoint that writes automatic
   * summaries (`PARLEY_SUMMARY_URL`, `PARLEY_SUMMARY_MODEL`,
   * `PARLEY_SUMMARY_KEY`); unset: the server's own extractive summary.
   */
  summary?: SummaryConfig;
}

/** Where automatic summaries are asked for; see `AppConfig.summary`. */
export interface SummaryConfig {
  /** The endpoint (`…/v1/chat/completions`) or its base (`…/v1`). */
  url: string;
  model: string;
  /** Sent as `Authorization: Bearer`; unset: no such header. */
  key?: string;
}

/** Where events are POSTed, and the secret that signs them. */
export interface WebhookConfig {
  url: string;
  /** `whsec_…`: Standard Webhooks' signing secret. */
  secret: string;
}

/** How the server sends mail, and to whom it sends the owner's. */
export interface MailConfig {
  /** `smtp://…` or `smtps://…`, credentials included. */
  smtpUrl: string;
  /** The From of every mail: an address or `Name <address>`. */
  from: string;
  /** The owner's address; unset: the owner gets no mail. */
  ownerEmail?: string;
  /** A mail per event, an hourly digest, or none (`PARLEY_OWNER_MAIL`). */
  ownerMail: 'each' | 'digest' | 'off';
}

/** One structured log line. */
export type LogFields = Record<string, unknown> & { msg: string };

/** Where the app writes logs. */
export interface Logger {
  info(fields: LogFields): void;
  error(fields: LogFields): void;
}

/** Everything `createApp` depends on, so tests can build the app in-process. */
export interface AppDeps {
  store: Store;
  config: AppConfig;
  /** The current time (default: the system clock). */
  clock?: () => Date;
  /** Log sink (default: JSON lines on stdout/stderr). */
  logger?: Logger;
  /**
   * The TCP peer's address (default: the Node socket's remote address).
   * Tests use it to play different clients.
   */
  peerAddress?: (c: Context) => string | undefined;
  /**
   * The live event streams and the bus that feeds them (default: one
   * instance, in process). `main` passes its own to stop the streams on
   * shutdown and, on PostgreSQL, to hear other instances' writes.
   */
  live?: LiveEvents;
}

/** JSON-lines logger on stdout and stderr. */
export const consoleLogger: Logger = {
  info: (fields) =>
    console.log(JSON.stringify({ level: 'info', time: new Date().toISOString(), ...fields })),
  error: (fields) =>
    console.error(JSON.stringify({ level: 'error', time: new Date().toISOString(), ...fields })),
};

/** A logger that drops everything (tests). */
export const silentLogger: Logger = { info: () => {}, error: () => {} };
