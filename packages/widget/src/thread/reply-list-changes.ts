/**
 * Changes to a thread's {@link ReplyList}: a gap's next page, the page that
 * holds a linked message, a message new to the page, and a list the lazy
 * chunks changed. Pure functions, tested under Node
 * (`reply-list.unit.test.ts`); imported only by the lazy `long-thread.ts`.
 * Every change ends in `tidy`, which keeps the one rule of the list: two runs
 * are apart only by a gap that may still hide something.
 */
import type { Message, MessagePage, MessagePageAt } from '@parley/server/wire';
import type { ReplyList, Run } from './reply-list.js';
import type { ThreadHost } from './thread-host.js';

const idsOf = (messages: Message[]) => new Set(messages.map((m) => m.id));
/**
 * A gap's count is only an estimate (the thread's `messageCount` leaves out
 * placeholders; the loaded runs may hold live replies or the reader's posts
 * awaiting moderation): a label, never a reason to close the gap. While its
 * cursor remains it may hide something, so it says at least one.
 */
const atLeastOne = (n: number | undefined) => (n == null ? n : Math.max(1, n));

/** `a` then `b`, without the replies of `b` that `a` already holds. */
function joined(a: Run, b: Run): Run {
  const ids = idsOf(a.messages);
  return {
    ...a,
    messages: [...a.messages, ...b.messages.filter((m) => !ids.has(m.id))],
    gap: b.gap,
  };
}

/**
 * Joins runs that touch: no gap between them (the server ended it), or a
 * later run that repeats a reply of the one before; never on a gap's count,
 * which is an estimate (see `atLeastOne`). A run left empty (its replies
 * deleted) hands its gap to the run before it.
 */
function tidy(opening: Message | undefined, runs: Run[]): ReplyList {
  const out: Run[] = [runs[0]!];
  for (const run of runs.slice(1)) {
    const last = out.at(-1)!;
    const ids = idsOf(last.messages);
    const count = last.gap?.count;
    if (!last.gap || run.messages.some((m) => ids.has(m.id)))
      out[out.length - 1] = joined(last, run);
    else if (!run.messages.length)
      out[out.length - 1] = {
        ...last,
        // Its gap and the one before it are one gap now.
        gap: run.gap
          ? {
              cursor: last.gap.cursor,
              count: count == null || run.gap.count == null ? undefined : count + run.gap.count,
            }
          : last.gap,
      };
    else out.push(run);
  }
  return { opening, runs: out };
}

/**
 * `list` with the next page of the gap after run `i` read into it: its new
 * replies join the run before the gap, which shrinks, and closes only once the
 * page meets the run after it (a reply of it repeated) or the listing ends.
 */
export function withGapPage(list: ReplyList, i: number, page: MessagePage): ReplyList {
  const runs = [...list.runs];
  const run = runs[i]!;
  const gap = run.gap!;
  const next = idsOf(runs[i + 1]?.messages ?? []);
  const loaded = idsOf(runs.flatMap((r) => r.messages));
  const fresh: Message[] = [];
  let met = !page.nextCursor;
  for (const m of page.messages) {
    // Past here the page repeats the next run: the gap is closed.
    if (next.has(m.id)) {
      met = true;
      break;
    }
    // A reply posted here may come back on a later page.
    if (!loaded.has(m.id)) fresh.push(m);
  }
  const count = atLeastOne(typeof gap.count === 'number' ? gap.count - fresh.length : gap.count);
  runs[i] = {
    ...run,
    messages: [...run.messages, ...fresh],
    gap: met ? null : { cursor: page.nextCursor!, count },
  };
  return tidy(list.opening, runs);
}

/**
 * `list` with the page that holds a linked message put in as a run at its
 * place in the listing: after the run that starts before it, with a gap
 * before it as big as the replies between them (`before` less those loaded).
 */
export function withPageAt(list: ReplyList, page: MessagePageAt): ReplyList {
  const { before, messages, nextCursor } = page;
  const runs = [...list.runs];
  // The first run starts at 0, so some run starts before the page; a run of unknown start is the last.
  let k = runs.findIndex((r) => r.start === null || r.start > before);
  if (k < 0) k = runs.length;
  const prev = runs[k - 1]!;
  const next = runs[k];
  const hid = prev.gap?.count;
  const between = before - (prev.start ?? 0) - prev.messages.length;
  if (prev.gap) runs[k - 1] = { ...prev, gap: { ...prev.gap, count: atLeastOne(between) } };
  // What the gap hid past this page, up to the run after it.
  const after =
    next?.start != null
      ? next.start - before - messages.length
      : next && hid != null
        ? Math.max(0, hid - between - messages.length)
        : undefined;
  runs.splice(k, 0, {
    messages,
    start: before,
    gap: nextCursor ? { cursor: nextCursor, count: atLeastOne(after) } : null,
  });
  return tidy(list.opening, runs);
}

/**
 * `list` with a message new to the page (the reader's own post, or a live
 * one) at its true place: in place of one with its id; an opening post
 * first; with `newest`, first; with `oldest`, last, and when pages are still
 * unloaded after a gap that stands for them ("N earlier replies", N from the
 * thread's `messageCount` before it counts `m`), never above them. A reply
 * whose parent is loaded nests under it wherever it is put.
 */
export function withAdded(
  list: ReplyList,
  m: Message,
  { options, thread, pending }: Pick<ThreadHost, 'options' | 'thread' | 'pending'>,
): ReplyList {
  const { opening, runs } = list;
  if (m.kind === 'opening') return { opening: m, runs };
  const all = [...(opening ? [opening] : []), ...runs.flatMap((r) => r.messages)];
  if (all.some((x) => x.id === m.id))
    return withMessages(
      list,
      all.map((x) => (x.id === m.id ? m : x)),
    );
  const out = [...runs];
  if (options().sort === 'newest') {
    // It comes first in the listing, so every later run starts one further on.
    return tidy(
      opening,
      out.map((r, i) =>
        i
          ? { ...r, start: r.start === null ? null : r.start + 1 }
          : { ...r, messages: [m, ...r.messages] },
      ),
    );
  }
  const last = out.at(-1)!;
  if (last.gap && !runs.some((r) => r.messages.some((x) => x.id === m.parentId))) {
    // The gap stands for every published reply neither loaded nor in another
    // gap (the server counts neither placeholders nor posts awaiting moderation);
    // the caller counts `m` in the thread after this.
    let count =
      (thread?.messageCount ?? 0) - all.filter((x) => !x.deleted && !pending.has(x.id)).length;
    for (const r of runs) count -= r === last ? 0 : (r.gap?.count ?? 0);
    out[out.length - 1] = { ...last, gap: { ...last.gap, count: atLeastOne(count) } };
    out.push({ messages: [m], start: null, gap: null });
  } else out[out.length - 1] = { ...last, messages: [...last.messages, m] };
  return tidy(opening, out);
}

/**
 * `list` changed the way the lazy chunks change the list of messages (a
 * message replaced, removed, or left as a placeholder): each message keeps its
 * run; one new to the list joins the run of the message before it.
 */
export function withMessages(list: ReplyList, messages: Message[]): ReplyList {
  const runOf = new Map<number, number>();
  list.runs.forEach((r, i) => {
    for (const m of r.messages) runOf.set(m.id, i);
  });
  const opening = messages[0]?.kind === 'opening' ? messages[0] : undefined;
  const into: Message[][] = list.runs.map(() => []);
  let at = 0;
  for (const m of messages) {
    if (m === opening) continue;
    at = runOf.get(m.id) ?? at;
    into[at]!.push(m);
  }
  return tidy(
    opening,
    list.runs.map((r, i) => ({ ...r, messages: into[i]! })),
  );
}
