/**
 * Where a message new to the page lands in the list on screen (the reader's
 * own post, or a live one): pure, so the element and its lazy parts agree.
 */
import type { Message, SortOrder } from '@parley/server/wire';

/**
 * `list` with `m` at its place: in place of the message of the same id; an
 * opening post first; with `newest`, first after the opening post; with
 * `oldest`, last (nesting under a parent on the page is `messageTree`'s).
 */
export function placed(list: readonly Message[], m: Message, sort: SortOrder): Message[] {
  if (list.some((x) => x.id === m.id)) return list.map((x) => (x.id === m.id ? m : x));
  if (m.kind === 'opening') return [m, ...list];
  const at = sort === 'newest' ? (list[0]?.kind === 'opening' ? 1 : 0) : list.length;
  return [...list.slice(0, at), m, ...list.slice(at)];
}
