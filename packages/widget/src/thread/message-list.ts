/**
 * Changes to the list of messages on screen, shared by the reader's own
 * actions (thread-actions.ts) and live updates (live.ts), so a message
 * removed or edited either way looks the same. Only the lazy chunks import it.
 */
import type { Message } from '@parley/server/wire';

/**
 * `list` without message `id`. One with replies on screen stays as a
 * placeholder, as the server lists it, so its replies keep their place.
 */
export function withoutMessage(list: Message[], id: number): Message[] {
  return list.some((x) => x.parentId === id)
    ? list.map((x) =>
        x.id === id
          ? { ...x, html: '', author: { name: '' }, highlighted: false, deleted: true }
          : x,
      )
    : list.filter((x) => x.id !== id);
}

/** `list` with `m` in place of the message of the same id. */
export const replaced = (list: Message[], m: Message): Message[] =>
  list.map((x) => (x.id === m.id ? m : x));
