import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, MessageRow } from '../db/schema.ts';
import { lockKey, type Store } from '../db/store.ts';
import { invalidField, rateLimited, secondsUntilFree, threadClosed } from '../http/api-error.ts';
import { renderMarkdown } from '../markdown/render.ts';
import type { ModerationPolicy } from '../moderation/policy.ts';
import { effectiveStatus } from '../threads/auto-close.ts';
import {
  findOrCreateThread,
  findPublicThreadByKey,
  isPublicThread,
  makeThreadPublic,
  recordPublished,
} from '../threads/threads.repository.ts';
import type { MessageKind } from '../wire.ts';
import { findMessage, insertMessage, recentPostsByClient } from './messages.repository.ts';

/** A post that passed validation, ready to store. */
export interface NewPost {
  key: string;
  author: string;
  body: string;
  parentId: number | null;
  kind: MessageKind;
  /** Title and url for the thread, used only if this post creates it. */
  thread: { title: string | null; url: string | null };
  /** Keyed hash of the client address, or null when the address is unknown. */
  ipHash: string | null;
  now: Date;
  /** Posts per minute allowed per client; 0 means no limit. */
  rateLimit: number;
  /** Sent with the admin token: the site owner's post, always published and never limited. */
  owner: boolean;
  /** Moderation mode, held words and auto-close. */
  policy: Pick<ModerationPolicy, 'moderation' | 'isHeld' | 'autoCloseDays'>;
  /**
   * Checks a thread this post would create (its `thread.url`), or throws the
   * 400 that refuses the post. Called at most once, only when the thread does
   * not exist yet or is not public yet (this post may set its url), after the
   * cheap refusals and before any other expensive work, never inside the
   * write transaction. Unset: nothing to check.
   */
  verifyNewThread?: (url: string | null) => Promise<void>;
}

/** SHA-256 of an edit token: what the database keeps instead of the token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const MINUTE = 60_000;

/**
 * Whether a new or edited message waits for a moderator: in moderation mode
 * `all`, or when its body or author name holds a held word. The site owner's
 * messages never wait.
 */
export function needsModeration(
  policy: Pick<ModerationPolicy, 'moderation' | 'isHeld'>,
  message: { body: string; author: string; owner: boolean },
): boolean {
  if (message.owner) return false;
  return (
    policy.moderation === 'all' || policy.isHeld(message.body) || policy.isHeld(message.author)
  );
}

/**
 * Stores a new message, creating its thread on the first post, and keeps the
 * thread's counts and event sequence in step, all in one transaction: a
 * refused post stores nothing, not even the thread it would have created.
 * A message that waits for a moderator is stored `pending`: it changes no
 * count and no event id, as readers cannot see it.
 */
export async function postMessage(
  store: Store,
  post: NewPost,
): Promise<{ message: MessageRow; editToken: string }> {
  // 1. Every cheap refusal first, read-only: a refused post costs no fetch and no markdown.
  await precheckPost(store, post);
  // 2. A thread this post would create is checked once, outside the transaction
  // (one that is not public yet too: this post may set its url).
  if (post.verifyNewThread && !(await findPublicThreadByKey(store.db, post.key))) {
    await post.verifyNewThread(post.thread.url);
  }
  // 3. CPU work, before the write lock is taken. The transaction below
  // repeats every check that depends on other writes: it is the authority.
  const html = renderMarkdown(post.body);
  const editToken = randomBytes(24).toString('base64url');
  const now = post.now.toISOString();
  const status = needsModeration(post.policy, post) ? 'pending' : 'published';

  const message = await store.write(async (trx) => {
    if (post.rateLimit > 0 && post.ipHash && !post.owner) {
      await enforceRateLimit(trx, store.dialect, post.ipHash, post.now, post.rateLimit);
    }
    // A held post (pending, or kept as spam) creates a thread readers cannot
    // see: its title must not go public ahead of a moderator's approval.
    const publishes = status === 'published';
    const found = await findOrCreateThread(trx, {
      key: post.key,
      title: post.thread.title,
      url: post.thread.url,
      now,
      public: publishes,
    });
    let thread = found.thread;
    // Readers see 404 for a thread that is not public, so the post that makes
    // it public was sent as its first: it sets the provisional title and url,
    // and a held title never goes public through someone else's post.
    if (publishes && !found.created && !isPublicThread(thread)) {
      thread = await makeThreadPublic(trx, thread.id, {
        title: post.thread.title,
        url: post.thread.url,
        now,
      });
    }
    if (effectiveStatus(thread, post.now, post.policy.autoCloseDays) === 'closed') {
      throw threadClosed();
    }
    // Not even after held messages: the opening post is the first one listed,
    // and an approved held message would be listed before it.
    if (post.kind === 'opening' && !found.created) {
      throw invalidField('kind', 'only the first post of a thread can be its opening post');
    }
    if (post.parentId != null) {
      const parent = await findMessage(trx, post.parentId);
      if (!parent || parent.thread_id !== thread.id || parent.status !== 'published') {
        throw invalidField('parentId', 'is not a message in this thread');
      }
    }
    const row = await insertMessage(trx, {
      thread_id: thread.id,
      parent_id: post.parentId,
      kind: post.kind,
      author_name: post.author,
      // Only a post that proved the admin token gets the role; readers' input never can.
      author_role: post.owner ? 'owner' : null,
      body: post.body,
      html,
      status,
      ip_hash: post.ipHash,
      edit_token_hash: hashToken(editToken),
      created_at: now,
      edited_at: null,
      updated_at: now,
    });
    if (status === 'published') await recordPublished(trx, thread.id, row.id, now);
    return row;
  });
  return { message, editToken };
}

/**
 * The refusals that need no expensive work, checked before any (outside the
 * write transaction, so they may be stale: the transaction checks again).
 */
async function precheckPost(store: Store, post: NewPost): Promise<void> {
  if (post.rateLimit > 0 && post.ipHash && !post.owner) {
    await checkRateLimit(store.db, post.ipHash, post.now, post.rateLimit);
  }
}

async function enforceRateLimit(
  trx: Kysely<Database>,
  dialect: Store['dialect'],
  ipHash: string,
  now: Date,
  perMinute: number,
): Promise<void> {
  // Two instances could both count before either inserts.
  await lockKey(trx, dialect, ipHash);
  await checkRateLimit(trx, ipHash, now, perMinute);
}

/** Throws 429 when this client posted `perMinute` messages in the last minute. */
async function checkRateLimit(
  db: Kysely<Database>,
  ipHash: string,
  now: Date,
  perMinute: number,
): Promise<void> {
  const since = new Date(now.getTime() - MINUTE).toISOString();
  const recent = await recentPostsByClient(db, ipHash, since);
  if (recent.count < perMinute) return;
  throw rateLimited(
    'Too many messages from this client',
    secondsUntilFree(recent.oldest, MINUTE, now),
  );
}
