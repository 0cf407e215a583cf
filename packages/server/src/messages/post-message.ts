import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, MessageRow, ThreadRow } from '../db/schema.ts';
import { lockKey, type Store } from '../db/store.ts';
import {
  challengeRequired,
  duplicateMessage,
  invalidField,
  threadClosed,
} from '../http/api-error.ts';
import { type RenderedComment, renderComment } from '../markdown/render.ts';
import { comparableText } from '../moderation/comparable-text.ts';
import type { ModerationPolicy } from '../moderation/policy.ts';
import {
  findOrCreateAddress,
  newReaderKey,
  useReaderKey,
} from '../notifications/reader-addresses.repository.ts';
import { effectiveStatus } from '../threads/auto-close.ts';
import {
  findOrCreateThread,
  findPublicThreadByKey,
  findThreadByKey,
  isPublicThread,
  makeThreadPublic,
} from '../threads/threads.repository.ts';
import type { HeldReason, MessageKind } from '../wire.ts';
import { isChallengeUsed, useChallenge } from './challenges.repository.ts';
import { type ClientLimit, checkLimit, spendLimit } from './client-limit.ts';
import { recordNewMessage } from './message-state.ts';
import { findMessage, insertMessage, postedFingerprintSince } from './messages.repository.ts';
import type { SolvedChallenge } from './proof-of-work.ts';

/** Renders a message's markdown and counts its links (a seam for tests). */
export type Renderer = (source: string) => RenderedComment;

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
  /** Moderation mode, held words, the link limit and auto-close. */
  policy: Pick<ModerationPolicy, 'moderation' | 'isHeld' | 'autoCloseDays' | 'maxLinks'>;
  /**
   * The honeypot was filled: the post is answered like a published one and
   * stored as spam (hidden, reason `spam`). Default false.
   */
  spam?: boolean;
  /**
   * Checks the post's proof of work (signature, expiry, solution) or throws
   * 400 `challenge_required`. Unset: proof of work is off. Never asked of the
   * site owner.
   */
  proveWork?: () => Promise<SolvedChallenge>;
  /**
   * The reader asked for replies to be mailed to `email` (validated), with
   * the key their browser keeps (`key`, from an earlier post's answer) or
   * none yet: the message points at that key when it is one of this
   * address's, else at a new one (see `useReaderKey`). A key not yet
   * confirmed gets its confirmation when the message is first published.
   * Nothing is stored for spam. Unset: no reply mail.
   */
  replyMail?: { email: string; key?: string };
  /** Markdown to HTML, with the link count; default `renderComment`. */
  render?: Renderer;
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

/** How long the same body from the same client is refused as a duplicate. */
const DUPLICATE_WINDOW_MINUTES = 10;

/**
 * Why a new or edited message waits for a moderator, or null: more than
 * `maxLinks` links, moderation mode `all`, or a held word in its body, its
 * author name or (for a post that creates its thread) the thread's title;
 * the first rule that holds it. The site owner's messages never wait.
 */
export function holdReason(
  policy: Pick<ModerationPolicy, 'moderation' | 'isHeld'> &
    Partial<Pick<ModerationPolicy, 'maxLinks'>>,
  message: { body: string; author: string; owner: boolean; title?: string | null; links?: number },
): Exclude<HeldReason, 'spam'> | null {
  if (message.owner) return null;
  if (policy.maxLinks !== undefined && (message.links ?? 0) > policy.maxLinks) return 'links';
  if (policy.moderation === 'all') return 'moderation';
  const worded =
    policy.isHeld(message.body) ||
    policy.isHeld(message.author) ||
    (!!message.title && policy.isHeld(message.title));
  return worded ? 'held_words' : null;
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
): Promise<{
  message: MessageRow;
  editToken: string;
  answer: 'published' | 'pending';
  /** With {@link NewPost.replyMail}: the key the message uses, and whether it is confirmed. */
  mail?: PostedMail;
}> {
  // 1. Every cheap refusal first, read-only: a refused post costs no fetch and no markdown.
  const challenge = await precheckPost(store, post);
  // 2. A thread this post would create, or make public (setting its title and
  // url), is checked once, outside the transaction.
  const createsThread = !(await findPublicThreadByKey(store.db, post.key));
  if (post.verifyNewThread && createsThread) {
    await post.verifyNewThread(post.thread.url);
  }
  // 3. CPU work, before the write lock is taken. The transaction below
  // repeats every check that depends on other writes: it is the authority.
  const { html, links } = (post.render ?? renderComment)(post.body);
  const editToken = randomBytes(24).toString('base64url');
  const now = post.now.toISOString();
  // A filled honeypot is kept as spam: hidden (never listed, counted or
  // announced) with the reason moderators see, and answered like a published
  // post so the bot learns nothing.
  // The owner's post is never spam: the widget never fills the honeypot for anyone.
  const spam = post.spam === true && !post.owner;
  const heldFor = holdReason(post.policy, {
    ...post,
    links,
    // A title is shown only with the thread this post creates.
    title: createsThread ? post.thread.title : null,
  });
  const held = heldFor !== null;
  // Spam is answered with the status the same post would have had, so the
  // bot cannot tell it was caught (not even by a held word or a link count).
  const answer = held ? 'pending' : 'published';
  const status = spam ? 'hidden' : answer;

  let mail: PostedMail | undefined;
  const message = await store.write(async (trx) => {
    if (post.ipHash && !post.owner) {
      // Two instances could both count before either inserts.
      await lockKey(trx, store.dialect, post.ipHash);
      await spendLimit(trx, store.dialect, postLimit(post.ipHash, post.rateLimit), post.now);
      await checkDuplicate(trx, post.ipHash, post.body, post.now);
    }
    if (challenge && !(await useChallenge(trx, { ...challenge, now }))) {
      throw challengeRequired('This proof of work was already used by another post.');
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
    await refuseByThread(trx, post, found.created ? undefined : thread);
    // A bot that filled the honeypot gets no mail sent anywhere in its name,
    // and an answer like any first post's: a key (stored nowhere), confirming.
    let notifyKeyId: number | null = null;
    if (post.replyMail && spam) mail = { key: newReaderKey(), state: 'confirming' };
    else if (post.replyMail) {
      const address = await findOrCreateAddress(trx, post.replyMail.email, now);
      const used = await useReaderKey(trx, address.id, post.replyMail.key, now);
      notifyKeyId = used.row.id;
      mail = { key: used.key, state: used.row.confirmed_at === null ? 'confirming' : 'on' };
    }
    const row = await insertMessage(trx, {
      thread_id: thread.id,
      parent_id: post.parentId,
      kind: post.kind,
      author_name: post.author,
      // Only a post that proved the admin token or an owner key gets the role; readers' input never can.
      author_role: post.owner ? 'owner' : null,
      body: post.body,
      body_fingerprint: bodyFingerprint(post.body),
      html,
      status,
      ...(spam ? { hidden_reason: 'spam' as const } : {}),
      ip_hash: post.ipHash,
      edit_token_hash: hashToken(editToken),
      created_at: now,
      edited_at: null,
      updated_at: now,
      first_published_at: status === 'published' ? now : null,
      notify_key_id: notifyKeyId,
    });
    await recordNewMessage(trx, row, now, heldFor ?? undefined);
    return row;
  });
  return { message, editToken, answer, ...(mail ? { mail } : {}) };
}

/** What a post that asked for reply mail is told: its key, and whether replies are mailed yet. */
export interface PostedMail {
  /** The key the message uses: the one sent, or a new one for the browser to keep. */
  key: string;
  /** `on`: the key is confirmed; `confirming`: its confirmation mail is awaited. */
  state: 'on' | 'confirming';
}

/**
 * The refusals that need no expensive work, checked before any (outside the
 * write transaction, so they may be stale: the transaction checks again):
 * the proof of work (two HMACs), the rate limit and duplicates (indexed
 * reads of the client's recent posts). Returns the challenge to spend.
 */
async function precheckPost(store: Store, post: NewPost): Promise<SolvedChallenge | null> {
  let challenge: SolvedChallenge | null = null;
  if (post.proveWork && !post.owner) {
    challenge = await post.proveWork();
    if (await isChallengeUsed(store.db, challenge.id)) {
      throw challengeRequired('This proof of work was already used by another post.');
    }
  }
  if (post.ipHash && !post.owner) {
    await checkLimit(store.db, postLimit(post.ipHash, post.rateLimit), post.now);
    await checkDuplicate(store.db, post.ipHash, post.body, post.now);
  }
  await refuseByThread(store.db, post, await findThreadByKey(store.db, post.key));
  return challenge;
}

/**
 * The refusals that depend on the thread as stored (`existing`, undefined
 * when this post creates it): a closed thread, an opening post for a thread
 * that has messages, a parent that is not a published message of this
 * thread. Run read-only before any expensive work, so such a post costs no
 * fetch and no render, and again in the transaction, which decides.
 */
async function refuseByThread(
  db: Kysely<Database>,
  post: NewPost,
  existing: ThreadRow | undefined,
): Promise<void> {
  if (existing && effectiveStatus(existing, post.now, post.policy.autoCloseDays) === 'closed') {
    throw threadClosed();
  }
  // Not even after held messages: the opening post is the first one listed,
  // and an approved held message would be listed before it.
  if (post.kind === 'opening' && existing) {
    throw invalidField('kind', 'only the first post of a thread can be its opening post');
  }
  if (post.parentId != null) {
    // A thread this post creates has no message to answer.
    const parent = existing ? await findMessage(db, post.parentId) : undefined;
    if (!parent || parent.thread_id !== existing?.id || parent.status !== 'published') {
      throw invalidField('parentId', 'is not a message in this thread');
    }
  }
}

/** The fingerprint the duplicate check compares: SHA-256 of the body's {@link comparableText} form. */
export function bodyFingerprint(body: string): string {
  return createHash('sha256').update(comparableText(body)).digest('base64url');
}

/**
 * Throws 409 when this client posted the same words in the last
 * `DUPLICATE_WINDOW_MINUTES` minutes, to any thread, whatever became of them
 * (published, held, hidden or kept as spam). Bodies are compared by
 * {@link bodyFingerprint}, so changing case, adding a zero-width space or
 * swapping a space for a no-break one does not make a new message; one
 * indexed lookup, however many messages the client posted.
 */
async function checkDuplicate(
  db: Kysely<Database>,
  ipHash: string,
  body: string,
  now: Date,
): Promise<void> {
  const since = new Date(now.getTime() - DUPLICATE_WINDOW_MINUTES * MINUTE).toISOString();
  if (await postedFingerprintSince(db, ipHash, bodyFingerprint(body), since)) {
    throw duplicateMessage(DUPLICATE_WINDOW_MINUTES);
  }
}

/**
 * The per-minute post limit of one client (`PARLEY_RATE_LIMIT`; 0: none),
 * logged in `post_sends`, so a post its author deleted still counts.
 */
function postLimit(ipHash: string, perMinute: number): ClientLimit {
  return {
    log: 'post_sends',
    clientHash: ipHash,
    max: perMinute,
    windowMs: MINUTE,
    what: 'Too many messages from this client',
  };
}
