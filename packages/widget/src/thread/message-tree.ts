/**
 * The shape of a thread's replies on screen, as plain data: which reply nests
 * under which (up to {@link MAX_DEPTH}), which are listed flat past it, in what
 * reading order, and how many of them the current batch renders. Pure
 * functions of the messages, so they are tested without a browser
 * (`message-tree.unit.test.ts`); the element only renders what they return.
 */
import type { Message } from '@parley/server/wire';

/** Replies nest this deep; deeper ones are listed flat, marked "in reply to". */
export const MAX_DEPTH = 3;
/**
 * Replies rendered in the first task after a load, then per further task, in
 * reading order: a long page is laid out a slice at a time, whatever the shape
 * of its branches, so no task blocks the reader's page for long.
 */
export const FIRST_BATCH = 8;
export const BATCH = 12;
/**
 * The next batch's reach. Each render also revisits what is on screen already,
 * so batches grow with it: a page of thousands takes dozens of tasks, not hundreds.
 */
export const nextBatchReach = (reach: number) => reach + Math.max(BATCH, reach >> 2);

/** A reply as the list shows it. */
export interface ReplyNode {
  message: Message;
  /** Its place in reading order, the opening post (if any) being 0. */
  order: number;
  /** Past {@link MAX_DEPTH}, where it is listed flat: the name of the author it answers. */
  replyTo: string | undefined;
  /** The id of the message it answers when that is not on the page (not loaded yet): it starts a branch. */
  away: number | undefined;
  /** The replies nested under it (none past {@link MAX_DEPTH}: those follow it flat). */
  replies: ReplyNode[];
}

export interface MessageTree {
  /** The opening post, when the page starts with one. */
  opening: Message | undefined;
  /** The top-level replies within the budget, each with its branch. */
  replies: ReplyNode[];
  /** Replies the page holds in all: what the batches render in the end. */
  replyCount: number;
  /** Messages the tree holds (the opening post included), within the budget. */
  shownCount: number;
}

/**
 * The page's messages as the list shows them: the opening post apart, then
 * the replies nested by parent, listing at most `budget` replies in reading
 * order (depth first, each branch in the page's order). A reply to the opening
 * post, or to a message not loaded (yet), starts a branch of its own. Past
 * {@link MAX_DEPTH} a branch is listed flat. One explicit stack walks the
 * tree, so even a reply chain thousands deep neither nests nor recurses.
 */
export function messageTree(messages: readonly Message[], budget: number): MessageTree {
  const [first] = messages;
  const opening = first?.kind === 'opening' ? first : undefined;
  const ids = new Set(messages.map((m) => m.id));
  const repliesTo = new Map<number | null, Message[]>();
  for (const m of messages) {
    if (m === opening) continue;
    const parent = m.parentId !== opening?.id && ids.has(m.parentId!) ? m.parentId : null;
    const siblings = repliesTo.get(parent);
    if (siblings) siblings.push(m);
    else repliesTo.set(parent, [m]);
  }
  const replies: ReplyNode[] = [];
  let order = opening ? 1 : 0;
  // Depth first, from a stack of [reply, depth, the list it joins, whom it answers when flat].
  const stack: [Message, number, ReplyNode[], string?][] = [];
  const push = (below: readonly Message[], depth: number, into: ReplyNode[], replyTo?: string) => {
    for (let i = below.length; i--; ) stack.push([below[i]!, depth, into, replyTo]);
  };
  push(repliesTo.get(null) ?? [], 1, replies);
  while (stack.length && order - (opening ? 1 : 0) < budget) {
    const [message, depth, into, replyTo] = stack.pop()!;
    const p = message.parentId;
    const away = p != null && p !== opening?.id && !ids.has(p) ? p : undefined;
    const node: ReplyNode = { message, order: order++, replyTo, away, replies: [] };
    into.push(node);
    const below = repliesTo.get(message.id) ?? [];
    // Past MAX_DEPTH, replies join their parent's list, saying whom they answer.
    if (depth < MAX_DEPTH) push(below, depth + 1, node.replies);
    else push(below, depth, into, message.author.name);
  }
  return {
    opening,
    replies,
    replyCount: messages.length - (opening ? 1 : 0),
    shownCount: order,
  };
}

/** The highlighted messages of the page, in its order (the "Highlights" view). */
export const highlights = (messages: readonly Message[]): Message[] =>
  messages.filter((m) => m.highlighted && !m.deleted);
