/**
 * How a thread's HTML is cut into pages: the opening post first, then the
 * replies in reading order (each top-level reply followed by its branch,
 * depth first, every list oldest first), at most {@link PAGE_SIZE} messages
 * a page. A page ends before a branch that would not fit, so replies stay
 * with their root; only a branch longer than a whole page is cut inside
 * (its continuation says whom its first replies answer, with a link).
 * Pure: a function of the outline, tested without a database.
 */
import type { OutlineRow } from './pages.repository.ts';

/**
 * Messages on one HTML page at most (the opening post counts). Big enough
 * that most threads are one page (the benchmark's 200-message thread is), small
 * enough that a page stays a few hundred KB: readers without JavaScript and
 * crawlers get a bounded document however long the discussion grows.
 */
export const PAGE_SIZE = 200;

/** Replies nest this deep on the page, as in the widget; deeper ones are listed flat, marked "in reply to". */
export const MAX_DEPTH = 3;

/** One message in a page's reading order. */
export interface PlacedMessage {
  id: number;
  /** 0 for the opening post; 1 for a reply that starts a branch on this page; at most {@link MAX_DEPTH}. */
  depth: number;
  /**
   * The message it is shown under on this page (its parent, or for a reply
   * listed flat past {@link MAX_DEPTH}, the parent's own), or null at the top.
   */
  under: number | null;
  /**
   * The message it answers when that is not shown as its parent here: one
   * on another page, or (listed flat) one above it. Undefined otherwise.
   */
  answers: number | undefined;
}

/** The whole thread's cut into pages. */
export interface PagePlan {
  /** Pages in order; each is its messages in reading order. At least one page. */
  pages: PlacedMessage[][];
  /** The page (1-based) each listed message is on. */
  pageOf: Map<number, number>;
  /**
   * Published replies shown nested under each message, over the whole
   * thread: its direct replies, plus those of its deleted placeholders
   * below it (they are shown under it, the placeholder saying nothing).
   */
  replyCount: Map<number, number>;
  /** The opening post's id (page 1's first message), if the thread has one listed. */
  opening: number | undefined;
}

/**
 * Plans the pages of a thread from its outline (listed messages, oldest
 * first). A reply whose parent is not listed (held or hidden) starts a branch
 * of its own, as in the widget; so does a reply to the opening post. Walks
 * with explicit stacks: a reply chain thousands deep neither recurses nor nests.
 */
export function planPages(outline: readonly OutlineRow[], pageSize = PAGE_SIZE): PagePlan {
  const opening = outline.find((m) => m.kind === 'opening');
  const listed = new Set(outline.map((m) => m.id));
  const children = new Map<number | null, OutlineRow[]>();
  const byId = new Map(outline.map((m) => [m.id, m]));
  // The message a reply is counted under: its parent, or past deleted
  // placeholders their nearest published ancestor; none when the chain
  // leaves the listed messages (a held parent: the reply is shown at the top).
  // Memoized, so a long chain of placeholders is walked once.
  const countedUnder = new Map<number, number | null>();
  const shownAncestor = (id: number | null): number | null => {
    const path: number[] = [];
    let at = id;
    let found: number | null = null;
    while (at !== null) {
      const known = countedUnder.get(at);
      if (known !== undefined) {
        found = known;
        break;
      }
      const row = byId.get(at);
      if (!row) break;
      if (row.status !== 'deleted') {
        found = at;
        break;
      }
      path.push(at);
      at = row.parent_id;
    }
    for (const p of path) countedUnder.set(p, found);
    return found;
  };
  const replyCount = new Map<number, number>();
  for (const m of outline) {
    if (m === opening) continue;
    const under = m.status === 'published' ? shownAncestor(m.parent_id) : null;
    if (under !== null && under !== opening?.id) {
      replyCount.set(under, (replyCount.get(under) ?? 0) + 1);
    }
    const parent =
      m.parent_id !== null && m.parent_id !== opening?.id && listed.has(m.parent_id)
        ? m.parent_id
        : null;
    const list = children.get(parent);
    if (list) list.push(m);
    else children.set(parent, [m]);
  }

  // Every reply in reading order, with the parent it is shown under (none at the top).
  const order: { id: number; parent: number | null; depth: number }[] = [];
  const roots = children.get(null) ?? [];
  const rootStart: number[] = [];
  for (const root of roots) {
    rootStart.push(order.length);
    const stack: [OutlineRow, number][] = [[root, 1]];
    while (stack.length) {
      const [m, depth] = stack.pop()!;
      order.push({ id: m.id, parent: depth === 1 ? null : m.parent_id, depth });
      const below = children.get(m.id) ?? [];
      for (let i = below.length; i--; ) stack.push([below[i]!, depth + 1]);
    }
  }
  rootStart.push(order.length);

  // Cut: whole branches while they fit; a branch longer than a page is cut inside.
  const cuts: [number, number][] = [];
  const capacity = () => pageSize - (cuts.length === 0 && opening ? 1 : 0);
  let start = 0;
  for (let r = 0; r < roots.length; r++) {
    const end = rootStart[r + 1]!;
    if (rootStart[r]! > start && end - start > capacity()) {
      cuts.push([start, rootStart[r]!]);
      start = rootStart[r]!;
    }
    while (end - start > capacity()) {
      const to = start + capacity();
      cuts.push([start, to]);
      start = to;
    }
  }
  if (start < order.length || cuts.length === 0) cuts.push([start, order.length]);

  const pageOf = new Map<number, number>();
  const pages: PlacedMessage[][] = cuts.map(([from, to], p) => {
    const page: PlacedMessage[] = [];
    if (p === 0 && opening) {
      page.push({ id: opening.id, depth: 0, under: null, answers: undefined });
      pageOf.set(opening.id, 1);
    }
    // The depth and list each message is shown in, for its replies on this page.
    const shown = new Map<number, { depth: number; under: number | null }>();
    for (let i = from; i < to; i++) {
      const { id, parent } = order[i]!;
      pageOf.set(id, p + 1);
      const above = parent === null ? undefined : shown.get(parent);
      let placed: PlacedMessage;
      if (!above) {
        // A branch's root, or a continuation whose parent is on an earlier page.
        placed = { id, depth: 1, under: null, answers: parent ?? undefined };
      } else if (above.depth < MAX_DEPTH) {
        placed = { id, depth: above.depth + 1, under: parent, answers: undefined };
      } else {
        placed = { id, depth: above.depth, under: above.under, answers: parent ?? undefined };
      }
      shown.set(id, { depth: placed.depth, under: placed.under });
      page.push(placed);
    }
    return page;
  });
  return { pages, pageOf, replyCount, opening: opening?.id };
}
