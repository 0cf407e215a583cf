import { timingSafeEqual } from 'node:crypto';
import type { MessageRow } from '../db/schema.ts';
import type { Store } from '../db/store.ts';
import { ApiError, messageNotFound, threadClosed } from '../http/api-error.ts';
import { renderComment } from '../markdown/render.ts';
import type { ModerationPolicy } from '../moderation/policy.ts';
import { effectiveStatus } from '../threads/auto-close.ts';
import { findThreadById } from '../threads/threads.repository.ts';
import { type ClientLimit, checkLimit, spendLimit } from './client-limit.ts';
import { changeMessage, deleteMessage } from './message-state.ts';
import { findMessage } from './messages.repository.ts';
import { bodyFingerprint, hashToken, holdReason, type Renderer } from './post-message.ts';

/**
 * What a message's author may do with the edit token the post returned: edit
 * it within the edit window, delete it at any time. The token is the only
 * proof of authorship (no cookies, so no third-party-cookie trouble and no
 * CSRF): the database keeps its SHA-256, compared in constant time.
 */

function forbidden(message: string): ApiError {
  return new ApiError(403, 'forbidden', message);
}

/** Whether `token` is the one whose hash is stored. */
function tokenMatches(token: string | null | undefined, storedHash: string): boolean {
  if (!token) return false;
  const given = Buffer.from(hashToken(token));
  const stored = Buffer.from(storedHash);
  // A deleted message's hash is blank: nothing matches it.
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** Finds a live message and checks its edit token, or throws 404 / 403. */
async function authorsMessage(
  trx: Parameters<Parameters<Store['write']>[0]>[0],
  id: number,
  token: string | null | undefined,
): Promise<MessageRow> {
  const message = await findMessage(trx, id);
  if (!message || message.status === 'deleted') throw messageNotFound(id);
  if (!tokenMatches(token, message.edit_token_hash)) {
    throw forbidden(
      token
        ? 'This edit token does not belong to this message.'
        : 'Send the edit token the post returned as Authorization: Bearer <editToken>.',
    );
  }
  return message;
}

/** The author's edit of a message's body. */
export interface AuthorEdit {
  id: number;
  /** The bearer token sent, if any. */
  token: string | null | undefined;
  body: string;
  now: Date;
  policy: Pick<
    ModerationPolicy,
    'moderation' | 'isHeld' | 'autoCloseDays' | 'editWindowMs' | 'maxLinks'
  >;
  /** Markdown to HTML, with the link count; default `renderComment`. */
  render?: Renderer;
  /**
   * The editing client's limit (see {@link editLimit}); unset: no limit
   * (tests driving this directly).
   */
  limit?: ClientLimit;
}

const MINUTE = 60_000;

/**
 * Edits one client may make per minute: `PARLEY_RATE_LIMIT`, the posts'
 * number, counted apart from its posts (in `edit_sends`). An edit costs the
 * server what a post costs (a markdown render, a write, a live event to every
 * reader of the thread), so it gets the same budget; counted apart, fixing a
 * typo never stops a reader from posting, nor the reverse. 0: no limit.
 */
export function editLimit(clientHash: string, perMinute: number): ClientLimit {
  return {
    log: 'edit_sends',
    clientHash,
    max: perMinute,
    windowMs: MINUTE,
    what: 'Too many edits from this client',
  };
}

/**
 * Every refusal of an edit: no such message (404), a wrong token, editing
 * off, the window passed (403), a closed thread (409). Read-only, so it runs
 * both before the markdown is rendered (a stranger's edit costs no CPU) and
 * again inside the write transaction, which is the authority.
 */
async function editableMessage(
  db: Parameters<Parameters<Store['write']>[0]>[0],
  edit: AuthorEdit,
): Promise<MessageRow> {
  const message = await authorsMessage(db, edit.id, edit.token);
  const { editWindowMs } = edit.policy;
  if (editWindowMs === 0) throw forbidden('Editing is turned off on this server.');
  if (edit.now.getTime() - Date.parse(message.created_at) > editWindowMs) {
    throw forbidden(`Messages can be edited for ${editWindowMs / 60_000} minutes after posting.`);
  }
  const thread = await findThreadById(db, message.thread_id);
  if (!thread || effectiveStatus(thread, edit.now, edit.policy.autoCloseDays) === 'closed') {
    throw threadClosed();
  }
  return message;
}

/**
 * Replaces a message's body, within the edit window, in an open thread.
 *
 * Under moderation (mode `all`, or a held word in the new text) an edit of a
 * published message sends it back to `pending`: it leaves readers' view, and
 * the counts, until a moderator approves the new text. Showing the old text
 * meanwhile would mean keeping two versions; taking it down is the simple
 * safe choice. A pending message stays pending; a hidden one stays hidden
 * (its moderator sees the new text). The site owner's messages never wait.
 * More than `maxLinks` links in the new text hold it like a held word.
 */
export async function editMessage(
  store: Store,
  edit: AuthorEdit,
): Promise<MessageRow & { answer: 'published' | 'pending' }> {
  // Refusals first, read-only: a client past its edit limit, or a wrong
  // token, costs a lookup or two, never a render or the write lock.
  if (edit.limit) await checkLimit(store.db, edit.limit, edit.now);
  await editableMessage(store.db, edit);
  const { html, links } = (edit.render ?? renderComment)(edit.body);
  const now = edit.now.toISOString();
  return store.write(async (trx) => {
    if (edit.limit) await spendLimit(trx, store.dialect, edit.limit, edit.now);
    const message = await editableMessage(trx, edit);
    const holds = (body: string, linkCount: number) =>
      holdReason(edit.policy, {
        body,
        author: message.author_name,
        owner: message.author_role === 'owner',
        links: linkCount,
      });
    const heldFor = message.status === 'published' ? holds(edit.body, links) : null;
    const held = heldFor !== null;
    // Spam (a filled honeypot) is answered as the same message would be had
    // it been real: held if its first text would have been, or its new one is.
    const caught = message.status === 'hidden' && message.hidden_reason === 'spam';
    const answer =
      message.status === 'published'
        ? held
          ? 'pending'
          : 'published'
        : caught &&
            !holds(edit.body, links) &&
            !holds(message.body, (edit.render ?? renderComment)(message.body).links)
          ? 'published'
          : 'pending';
    const row = await changeMessage(
      trx,
      message,
      {
        body: edit.body,
        body_fingerprint: bodyFingerprint(edit.body),
        html,
        edited_at: now,
        ...(held ? { status: 'pending' } : {}),
      },
      now,
      undefined,
      heldFor ?? undefined,
    );
    return { ...row, answer };
  });
}

/**
 * Deletes a message at its author's request, at any time, in an open or a
 * closed thread (taking one's words back is always allowed).
 */
export async function deleteOwnMessage(
  store: Store,
  request: { id: number; token: string | null | undefined; now: Date },
): Promise<void> {
  await store.write(async (trx) => {
    const message = await authorsMessage(trx, request.id, request.token);
    await deleteMessage(trx, message, request.now.toISOString());
  });
}
