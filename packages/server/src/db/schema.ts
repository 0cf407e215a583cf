/**
 * Table types for Kysely. Times are ISO 8601 strings on both dialects: TEXT on
 * SQLite, `timestamptz` on PostgreSQL, which the store's type parser reads
 * back as an ISO string (see `openPostgres` in store.ts).
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A time as stored: an ISO 8601 string in UTC, written and read. */
export type StoredTime = string;

export interface ThreadTable {
  id: Generated<number>;
  key: string;
  title: string | null;
  summary: string | null;
  /**
   * Who wrote `summary`: a moderator (`manual`, never replaced by the server)
   * or the server from the published messages (`automatic`); null while the
   * thread has no summary.
   */
  summary_source: 'manual' | 'automatic' | null;
  /**
   * When the automatic summary is to be computed next: a change readers can
   * see made it stale (`recordChange`), or a failed try backs off. Null while
   * it is up to date, and under a manual summary (never replaced).
   */
  summary_due_at: StoredTime | null;
  /** When the last computation of the automatic summary began (at most one every few seconds). */
  summary_at: StoredTime | null;
  /** Until when an instance holds the computation (its lease); null when none does. */
  summary_claimed_until: StoredTime | null;
  url: string | null;
  status: 'open' | 'closed';
  message_count: Generated<number>;
  highlight_count: Generated<number>;
  last_activity_at: StoredTime;
  /** Per-thread counter of live events, bumped in the same transaction as each write. */
  event_seq: Generated<number>;
  created_at: StoredTime;
  updated_at: StoredTime;
  /**
   * 1 when readers can see the thread, 0 while every message in it is held
   * (a thread created by a held message); never goes back to 0. A thread
   * that is not public answers 404, is never listed or counted, and sends no
   * live events. Its title and url are provisional until it is public.
   */
  public: Generated<number>;
}

export interface MessageTable {
  id: Generated<number>;
  thread_id: number;
  parent_id: number | null;
  kind: 'opening' | 'reply';
  author_name: string;
  author_role: 'owner' | null;
  /** The markdown as written, kept so it can be edited and re-rendered. */
  body: string;
  /** Sanitized HTML rendered once at write time. */
  html: string;
  status: 'published' | 'pending' | 'hidden' | 'deleted';
  /** 0 or 1: SQLite has no boolean type and one representation serves both dialects. */
  highlighted: Generated<number>;
  /** Keyed hash of the client address (never the address itself); null when unknown. */
  ip_hash: string | null;
  /** SHA-256 of the edit token handed to the author; the token itself is never stored. */
  edit_token_hash: string;
  created_at: StoredTime;
  edited_at: StoredTime | null;
  updated_at: StoredTime;
  /** Readers' reports a moderator has not decided on yet (0 once one has). */
  report_count: Generated<number>;
  /**
   * Why a `hidden` message is hidden: `moderator`, `reports` (readers' reports
   * reached the threshold) or `spam` (kept as spam, shown to moderators as
   * status `spam`). Null otherwise, and on rows hidden before it was recorded.
   */
  hidden_reason: HiddenReason | null;
  /**
   * SHA-256 of the body's comparable form (`comparableText`), for the
   * duplicate check; null on placeholders and on rows older than it.
   */
  body_fingerprint: string | null;
  /**
   * Where an imported message came from (`disqus:<id>`, a Parley export's
   * `sourceId`, ...): re-importing it finds it here and changes nothing.
   * Null for a message posted here, which is known outside as
   * `parley:<site_id>:<id>`. Unique where set.
   */
  source_id: Generated<string | null>;
  /** The reader key (browser) whose address gets reply mail (`reader_keys`); null when none was asked for. */
  notify_key_id: Generated<number | null>;
  /**
   * When readers first saw the message: set once, so `message.created` is
   * reported once (restoring a hidden message is not news). Null while it
   * was never published.
   */
  first_published_at: Generated<StoredTime | null>;
}

/** Why a hidden message is hidden; see `MessageTable.hidden_reason`. */
export type HiddenReason = 'moderator' | 'reports' | 'spam';

export interface ReportTable {
  id: Generated<number>;
  message_id: number;
  /**
   * Keyed hash of the reporting client for this message (HMAC of the server
   * secret, the message and the client; no daily salt): one report per reader
   * and message for the message's whole life, and not linkable across messages.
   */
  reporter_hash: string;
  /** Keyed hash of the reporter's network (IPv4 /24, IPv6 /48) for this message; the threshold counts distinct ones. */
  network_hash: string;
  reason: string | null;
  created_at: StoredTime;
  /** When a moderator decided on the message; null while the report is open. */
  decided_at: StoredTime | null;
}

export interface AuthFailureTable {
  id: Generated<number>;
  /** Keyed hash of the client that sent a wrong admin token. */
  client_hash: string;
  failed_at: StoredTime;
}

/** One report a client sent: the hourly report limit, shared by every instance. */
export interface ReportSendTable {
  id: Generated<number>;
  /** Keyed hash of the client (server secret, no daily salt: the limit survives midnight). */
  client_hash: string;
  sent_at: StoredTime;
}

export interface SaltTable {
  /** The UTC day (`YYYY-MM-DD`) a salt serves; salts rotate daily. */
  day: string;
  salt: string;
}

/** One live event: a bump of its thread's `event_seq` (see `events/events.repository.ts`). */
export interface EventTable {
  thread_id: number;
  /** The thread's `event_seq` this event took; the SSE id. */
  seq: number;
  type: 'message.created' | 'message.updated' | 'message.removed' | 'thread.updated';
  /** The message a `message.*` event is about; null for `thread.updated`. */
  message_id: number | null;
  created_at: StoredTime;
}

/** An owner-posting key (see `moderation/owner-keys.ts`); the key itself is never stored. */
export interface OwnerKeyTable {
  id: Generated<number>;
  label: string;
  /** Hex SHA-256 of the key. */
  key_hash: string;
  created_at: StoredTime;
  last_used_at: StoredTime | null;
  /** When it was revoked; a revoked key is refused and no longer listed. */
  revoked_at: StoredTime | null;
}

/** A proof-of-work challenge already used by a post (one post per challenge). */
export interface UsedChallengeTable {
  /** The challenge's signed nonce. */
  id: string;
  /** When the challenge expires; the row may be pruned after. */
  expires_at: StoredTime;
}

/** One fact about this site; `site_id` (random, made by a migration) names it in source ids. */
export interface SiteMetaTable {
  name: string;
  value: string;
}

/**
 * The source id of a message removed without a trace (deleted with no
 * replies), so an import does not bring it back (see the migration
 * `2026-12-09-removed-sources`).
 */
export interface RemovedSourceTable {
  source_id: string;
  removed_at: StoredTime;
}

/** A reader's email address for reply mail; private everywhere (see migration `2026-12-10-notifications`). */
export interface ReaderAddressTable {
  id: Generated<number>;
  /** As first typed, trimmed, its domain lower-cased and in punycode. */
  address: string;
  /** Lower-cased `address`: one row per mailbox. */
  address_key: string;
  created_at: StoredTime;
}

/** One browser's consent to reply mail at an address (see migration `2026-12-10-notifications`). */
export interface ReaderKeyTable {
  id: Generated<number>;
  address_id: number;
  /** SHA-256 (hex) of the key the browser keeps; the key itself is never stored. */
  key_hash: string;
  created_at: StoredTime;
  /** Null until its confirmation link is followed: no reply mail before. */
  confirmed_at: StoredTime | null;
}

/** A confirmation mail sent to a mailbox in the last day, by an HMAC of the mailbox. */
export interface ConfirmationMailboxTable {
  mailbox_hash: string;
  sent_at: StoredTime;
}

/** Something to report, written in the transaction of the change (see `notifications/outbox.ts`). */
export interface OutboxTable {
  id: Generated<number>;
  type: string;
  /** JSON of the event's snapshot; never an address. */
  payload: string;
  created_at: StoredTime;
  /** The message the event is about; its rows go when it is deleted. */
  message_id: number | null;
}

/** One webhook call or one mail, with its retry state (see `notifications/`). */
export interface DeliveryTable {
  id: Generated<number>;
  channel: 'webhook' | 'mail';
  /** The event type, or the kind of a mail of the server's own (`confirmation`, `digest`, `reply`). */
  type: string;
  /** `owner`, `reader`, or the webhook endpoint's origin. */
  target: string;
  /** A reader's mail: the address row, read when sending. */
  address_id: number | null;
  /** Standard Webhooks' `webhook-id`, the same on every attempt. */
  webhook_id: string;
  /** JSON: what to send; `{}` once the message it was about is deleted. */
  payload: string;
  /** The message it is about (from its event); null for a confirmation. */
  message_id: number | null;
  attempts: Generated<number>;
  created_at: StoredTime;
  /** When it is next due; null once delivered or failed for good. */
  next_attempt_at: StoredTime | null;
  /** Claimed by an instance until then. */
  locked_until: StoredTime | null;
  last_attempt_at: StoredTime | null;
  last_error: string | null;
  delivered_at: StoredTime | null;
  failed_at: StoredTime | null;
}

export interface Database {
  threads: ThreadTable;
  messages: MessageTable;
  ip_salts: SaltTable;
  reports: ReportTable;
  report_sends: ReportSendTable;
  /** Same shape as `report_sends`: one row per author edit in the last minute. */
  edit_sends: ReportSendTable;
  /** Same shape: one row per post in the last minute (a deleted post still counts). */
  post_sends: ReportSendTable;
  auth_failures: AuthFailureTable;
  events: EventTable;
  owner_keys: OwnerKeyTable;
  used_challenges: UsedChallengeTable;
  site_meta: SiteMetaTable;
  removed_sources: RemovedSourceTable;
  reader_addresses: ReaderAddressTable;
  reader_keys: ReaderKeyTable;
  confirmation_mailboxes: ConfirmationMailboxTable;
  /** Same shape as `report_sends`: one row per confirmation mail a client's posts caused in the last hour. */
  confirmation_sends: ReportSendTable;
  outbox: OutboxTable;
  deliveries: DeliveryTable;
}

export type ThreadRow = Selectable<ThreadTable>;
export type NewThread = Insertable<ThreadTable>;
export type ThreadUpdate = Updateable<ThreadTable>;
export type MessageRow = Selectable<MessageTable>;
export type NewMessage = Insertable<MessageTable>;
export type EventRow = Selectable<EventTable>;
export type OwnerKeyRow = Selectable<OwnerKeyTable>;
export type DeliveryRow = Selectable<DeliveryTable>;
export type ReaderAddressRow = Selectable<ReaderAddressTable>;
export type ReaderKeyRow = Selectable<ReaderKeyTable>;
