/**
 * The wire contract of HTTP API v1: what the server sends and accepts as JSON.
 *
 * These zod schemas are the single source of truth for the public shapes in
 * `design.md`; the widget imports the inferred types with `import type`, so no
 * validation code reaches the browser bundle.
 */
import { z } from 'zod';

/** Thread status: open threads take replies, closed ones do not. */
export const threadStatus = z.enum(['open', 'closed']);
export type ThreadStatus = z.infer<typeof threadStatus>;

/** Message kind: the one opening post that may start a thread, or a reply. */
export const messageKind = z.enum(['opening', 'reply']);
export type MessageKind = z.infer<typeof messageKind>;

/** Reading order of replies; the opening post is always first. Default `oldest`. */
export const sortOrder = z.enum(['oldest', 'newest']);
export type SortOrder = z.infer<typeof sortOrder>;

/** A thread as the public API returns it. Times are ISO 8601 strings in UTC. */
export const threadSchema = z.object({
  key: z.string(),
  title: z.string().nullable(),
  summary: z.string().nullable(),
  url: z.string().nullable(),
  status: threadStatus,
  /** Every published message, the opening post included; never pending, hidden or deleted ones. */
  messageCount: z.number().int(),
  highlightCount: z.number().int(),
  lastActivityAt: z.string(),
  createdAt: z.string(),
  /**
   * Who wrote `summary`: a moderator (`manual`) or the server, from the
   * published messages (`automatic`); null while there is no summary.
   */
  summarySource: z.enum(['manual', 'automatic']).nullable(),
});
export type Thread = z.infer<typeof threadSchema>;

/** A message as the public API returns it: `html` is server-rendered and sanitized. */
export const messageSchema = z.object({
  id: z.number().int(),
  parentId: z.number().int().nullable(),
  kind: messageKind,
  author: z.object({
    name: z.string(),
    role: z.literal('owner').optional(),
  }),
  html: z.string(),
  createdAt: z.string(),
  editedAt: z.string().nullable(),
  highlighted: z.boolean(),
  /**
   * Present (true) on the placeholder of a message its author deleted while it
   * had replies: `html` is empty and `author.name` is empty, so the replies keep
   * their place and nothing of the deleted text remains.
   */
  deleted: z.literal(true).optional(),
});
export type Message = z.infer<typeof messageSchema>;

/** Moderation state of a message; only the admin API reveals it. */
export const messageStatus = z.enum(['published', 'pending', 'hidden', 'deleted', 'spam']);
export type MessageStatus = z.infer<typeof messageStatus>;

/**
 * Why a message waits for a moderator, or was kept as spam: moderation mode
 * `all`, a held word (`PARLEY_HELD_WORDS`), too many links
 * (`PARLEY_MAX_LINKS`), or the spam trap.
 */
export type HeldReason = 'moderation' | 'held_words' | 'links' | 'spam';

/**
 * A message as webhooks and the owner's mail carry it: the public message,
 * its markdown source, a link to it on the blog, and what the owner
 * moderates by. Never the reader's email, client hash or token.
 */
export interface NotifiedMessage extends Message {
  status: MessageStatus;
  /** The markdown as written. */
  body: string;
  /** The message on the blog (`thread.url#parley-ID`); null when the thread has no url. */
  url: string | null;
  /** Why it waits or was kept as spam; null for a published message. */
  heldReason: HeldReason | null;
  /** Readers' open reports. */
  reportCount: number;
}

/**
 * The `data` of each webhook event type (Standard Webhooks body
 * `{type, timestamp, data}`), and of the owner's mail.
 */
export interface WebhookEventData {
  /** A message readers can now see for the first time (posted, or approved). */
  'message.created': { thread: Thread; message: NotifiedMessage };
  /** A message held for a moderator (or kept as spam: `message.status` is `spam`). */
  'message.pending': { thread: Thread; message: NotifiedMessage };
  /** A reader's report: the open reports now, and whether this one hid the message. */
  'message.reported': {
    thread: Thread;
    message: NotifiedMessage;
    report: { reason: string | null; count: number; hidden: boolean };
  };
  /** A moderator closed the thread. */
  'thread.closed': { thread: Thread };
}
export type WebhookEventType = keyof WebhookEventData;

/** `GET /api/threads/:key`: the thread and its first page of messages. */
export interface ThreadPage {
  thread: Thread;
  messages: Message[];
  /** Opaque cursor for `GET /api/threads/:key/messages`, or null on the last page. */
  nextCursor: string | null;
  /**
   * The id of the thread's latest live event when this page was read: open
   * `GET /api/threads/:key/events?lastEventId=<it>` to receive every change
   * after this page, exactly once.
   */
  lastEventId: number;
}

/** Names of the live events on `GET /api/threads/:key/events`. */
export type LiveEventType =
  | 'message.created'
  | 'message.updated'
  | 'message.removed'
  | 'thread.updated'
  | 'reload';

/**
 * `data` of each live event (JSON). `message.created` and `message.updated`
 * carry the public message; `message.removed` its id (it left the public view:
 * hidden, deleted without replies, or held); `thread.updated` the thread (counts,
 * status, title, summary); `reload` nothing (the client's last event is too old
 * to replay: load the thread again). Each event's SSE `id` is the thread's
 * event sequence number.
 */
export type LiveEventData =
  | { type: 'message.created' | 'message.updated'; message: Message }
  | { type: 'message.removed'; id: number }
  | { type: 'thread.updated'; thread: Thread }
  | { type: 'reload' };

/** `GET /api/threads/:key/messages`: one further page. */
export interface MessagePage {
  messages: Message[];
  nextCursor: string | null;
}

/** `GET /api/threads/:key/messages?at=ID`: the page that holds reply ID. */
export interface MessagePageAt extends MessagePage {
  /** Replies listed (in this order) before the page's first message. */
  before: number;
}

/** `GET /api/threads`: threads, most active or most recent first. */
export interface ThreadList {
  threads: Thread[];
  nextCursor: string | null;
}

/** `GET /api/counts`: published message count per requested key (unknown keys: 0). */
export interface Counts {
  counts: Record<string, number>;
}

/** `GET /api/features`: what the widget's post form may offer on this server. */
export interface Features {
  /**
   * Readers may ask for a mail when someone replies to them: mail is set up
   * (`PARLEY_SMTP_URL`, `PARLEY_MAIL_FROM`) and the server knows the public
   * URL its confirmation and unsubscribe links point at (`PARLEY_PUBLIC_URL`).
   */
  replyMail: boolean;
  /** Posts need a solved challenge from `GET /api/challenge` (`PARLEY_PROOF_OF_WORK=on`). */
  proofOfWork: boolean;
}

/** `POST /api/threads/:key/messages` request body. */
export interface PostMessageRequest {
  author: string;
  body: string;
  parentId?: number | null;
  kind?: MessageKind;
  /** Taken only by the post that creates the thread. */
  thread?: { title?: string; url?: string };
  /**
   * The honeypot: the widget renders this field hidden from people and
   * assistive technology and sends it empty. A post that fills it is answered
   * like a published one and kept as spam.
   */
  website?: string;
  /** A solved proof-of-work challenge from `GET /api/challenge`, when proof of work is on. */
  altcha?: string;
  /**
   * Where to mail replies to this message (at most 254 characters, an
   * address). Private: never in any answer, stream, page, feed, webhook or
   * export. Kept only with `notifyReplies: true`.
   */
  email?: string;
  /**
   * Mail replies to `email` (it needs one, and `GET /api/features` saying
   * `replyMail`: else 400 naming `notifyReplies`). Consent is per browser:
   * the post uses the key in `mailKey`, or a new one the answer gives, and a
   * key gets reply mail once it is confirmed from its own confirmation mail.
   */
  notifyReplies?: boolean;
  /**
   * The key an earlier answer's `mailKey` gave this browser for `email`
   * (1..64 characters of base64url). Used only with `notifyReplies: true`;
   * one that is not a key of this address is replaced by a new one.
   */
  mailKey?: string;
}

/** `POST /api/threads/:key/messages` 201 response. */
export interface PostMessageResponse {
  message: Message;
  /** Bearer token that lets this author edit (within the edit window) or delete the message. */
  editToken: string;
  /**
   * `pending` when the message waits for a moderator (moderation mode `all`,
   * or a held word): only its author, who has this response, sees it.
   */
  status: 'published' | 'pending';
  /**
   * With `notifyReplies: true`: the key the message uses for reply mail (the
   * one sent, or a new one). The browser keeps it with the address and sends
   * it with later posts; it is in no other answer.
   */
  mailKey?: string;
  /**
   * With `notifyReplies: true`: `on` when replies will be mailed (the key is
   * confirmed), `confirming` while its confirmation mail is awaited.
   */
  replyMail?: 'on' | 'confirming';
}

/** `PATCH /api/messages/:id` 200 response (the author's edit). */
export interface EditMessageResponse {
  message: Message;
  /** `pending` when the edit waits for a moderator before readers see it. */
  status: 'published' | 'pending';
}

/** A message as the admin API shows it: the public fields plus what moderators need. */
export interface AdminMessage extends Message {
  status: MessageStatus;
  threadKey: string;
  /** The markdown as written. */
  body: string;
  /** Readers who reported it. */
  reportCount: number;
  /** Why a hidden message is hidden: readers' reports reached the threshold, or a moderator hid it; null for any other (spam shows as its status). */
  hiddenReason: 'reports' | 'moderator' | null;
  /** Readers' open reports, newest first (at most 20), with the reasons they gave. */
  reports: AdminReport[];
  /** The title of the message's thread, as moderators must see it before approving. */
  threadTitle: string | null;
  /** The page of the message's thread (its place on the blog is `threadUrl#parley-<id>`). */
  threadUrl: string | null;
  /** Whether readers can see the thread yet (a thread created by a held message is not public). */
  threadPublic: boolean;
}

/** One reader's report, as moderators see it (never who sent it). */
export interface AdminReport {
  reason: string | null;
  createdAt: string;
}

/** A thread as the admin API shows it. */
export interface AdminThread extends Thread {
  /** Messages waiting for a moderator. */
  pendingCount: number;
  /** Messages with at least one report that a moderator has not decided on. */
  reportedCount: number;
  /** Whether readers can see the thread yet (a thread created by a held message is not public). */
  public: boolean;
}

/**
 * An owner-posting key: lets the site owner post as the owner from the blog
 * without the admin token ever reaching the blog's storage. Scoped to posting;
 * revocable from /admin. The key itself is shown once, when it is created.
 */
export interface OwnerKey {
  id: number;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** `GET /api/admin/owner-keys`: the keys that are not revoked, newest first. */
export interface OwnerKeyList {
  ownerKeys: OwnerKey[];
}

/** `POST /api/admin/owner-keys` 201 response: the key, shown this once. */
export interface CreatedOwnerKey {
  ownerKey: OwnerKey;
  /** The secret to send as `Authorization: Bearer <token>` when posting; starts with `pok_`. */
  token: string;
}

/** `GET /api/admin/messages`. */
export interface AdminMessageList {
  messages: AdminMessage[];
  nextCursor: string | null;
}

/**
 * What a bulk decision (`POST /api/admin/messages/bulk`) does to each
 * message: what `PATCH {status: "published"}`, `PATCH {status: "hidden"}` or
 * `DELETE` would. The one list of actions: the request schema and the
 * server's code take it from here.
 */
export const bulkAction = z.enum(['publish', 'hide', 'delete']);
export type BulkAction = z.infer<typeof bulkAction>;

// Limits the server checks that the admin page and the widget repeat, to say
// so before sending. Literal types: the server's schemas and every copy are
// declared as, say, `const MAX: MaxBulkIds = 100`, so changing the limit
// means changing the type here, and every copy that differs stops compiling.

/** Most message ids one bulk request may name. */
export type MaxBulkIds = 100;
/** Longest admin search text (`q`), in code points. */
export type MaxSearchLength = 200;
/** Longest report reason, in code points. */
export type MaxReasonLength = 500;

/** `POST /api/admin/messages/bulk` request. */
export interface AdminBulkRequest {
  /** 1..{@link MaxBulkIds} distinct message ids. */
  ids: number[];
  action: BulkAction;
}

/** `POST /api/admin/messages/bulk` 200 response. */
export interface AdminBulkResponse {
  /**
   * The messages the action published or hid, as they are now, whether it
   * changed them or they already were so (asking still settles their open
   * reports); in the order asked for. Empty for `delete`.
   */
  messages: AdminMessage[];
  /** Ids deleted (removed, or left as placeholders for their replies). */
  deleted: number[];
  /** Ids that name no message, or an already deleted one: nothing was done to them. */
  missing: number[];
}

/** `GET /api/admin/threads`. */
export interface AdminThreadList {
  threads: AdminThread[];
  nextCursor: string | null;
}

/**
 * One webhook call or mail as /admin shows it (`GET /api/admin/deliveries`):
 * where it goes and how its attempts went, never what it carries. State:
 * `deliveredAt` set, or `failedAt` set (no more attempts unless retried), or
 * neither (pending: due at `nextAttemptAt`).
 */
export interface Delivery {
  id: number;
  channel: 'webhook' | 'mail';
  /** The event type (`message.created`...) or the kind of mail. */
  type: string;
  /** The webhook URL's origin, `owner` for the owner's mail, `reader` for a reader's: never an address. */
  target: string;
  /** Attempts made so far. */
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  /** Why the last attempt failed (`HTTP 500`, `timeout after 10 s`, `ECONNREFUSED`); null if none did. */
  lastError: string | null;
  /** When it is next tried; null once delivered or failed. */
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  failedAt: string | null;
}

/** `GET /api/admin/deliveries`: newest first. */
export interface DeliveryList {
  deliveries: Delivery[];
  nextCursor: string | null;
}

/** `POST /api/admin/deliveries/:id/retry` 200 response: the delivery, due again now. */
export interface RetriedDelivery {
  delivery: Delivery;
}

/**
 * The export document (`GET /api/admin/export`): everything needed to move a
 * site's discussions elsewhere, and nothing private. Described field by field
 * in `docs/export-format.md`; `version` changes when a field changes meaning
 * or goes away (added fields do not change it).
 */
export interface ExportDocument {
  format: 'parley-export';
  version: 1;
  /** When the export was taken. Rows written while it ran may be missing; none is half there. */
  exportedAt: string;
  /** The key of the one thread exported (`?thread=`), or null for every thread. */
  thread: string | null;
  /** Threads, in the order they were created. */
  threads: ExportThread[];
  /** Messages of those threads, oldest first: a parent always comes before its replies. */
  messages: ExportMessage[];
  /** Readers' reports on those messages, oldest first. */
  reports: ExportReport[];
}

/** A thread in the export document. */
export interface ExportThread {
  key: string;
  title: string | null;
  summary: string | null;
  /**
   * Who wrote `summary`: a moderator (`manual`) or the server (`automatic`,
   * recomputed by the server it is imported into); null with no summary.
   * Absent in older exports, whose summaries are all manual.
   */
  summarySource: 'manual' | 'automatic' | null;
  url: string | null;
  /** As set by a moderator: an auto-closed thread that nobody closed is `open` here. */
  status: ThreadStatus;
  /** Whether readers can see it (false while its only messages are held). */
  public: boolean;
  createdAt: string;
  updatedAt: string;
  lastActivityAt: string;
}

/** A message in the export document, whatever its status. */
export interface ExportMessage {
  /** This server's id: `parentId` and reports' `messageId` refer to it. */
  id: number;
  /**
   * Stable wherever the message travels: where it was imported from, when it
   * was (`disqus:<id>`, another export's `sourceId`), else
   * `parley:<this site's id>:<id>`. Importing matches messages by it.
   */
  sourceId: string;
  threadKey: string;
  parentId: number | null;
  kind: MessageKind;
  status: MessageStatus;
  /** Why a `hidden` message is hidden; null for every other status (spam is a status). */
  hiddenReason: 'reports' | 'moderator' | null;
  author: { name: string; role: 'owner' | null };
  /** The markdown as written (empty on a deleted placeholder). */
  body: string;
  /** The sanitized HTML it was rendered to when written or last edited. */
  html: string;
  highlighted: boolean;
  createdAt: string;
  editedAt: string | null;
  updatedAt: string;
}

/** A reader's report in the export document: never who sent it. */
export interface ExportReport {
  id: number;
  messageId: number;
  reason: string | null;
  createdAt: string;
  /** When a moderator decided on the message (approved, hid, restored...); null while open. */
  decidedAt: string | null;
}

/** Every error code the API answers with. */
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'thread_not_found'
  | 'message_not_found'
  | 'not_found'
  | 'thread_closed'
  | 'duplicate_message'
  | 'already_delivered'
  | 'delivery_in_progress'
  | 'message_deleted'
  | 'challenge_required'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal_error';

/** One field problem: `path` is the dotted field name (`author`, `thread.url`, `limit`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: FieldIssue[] };
}
