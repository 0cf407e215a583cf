/**
 * The events `<parley-admin>` fires, typed, and the one function that fires
 * them: every one `bubbles` and is `composed`, so the page around the element
 * hears it. Its parts (the session controller, the cards) fire them on the
 * page element through {@link emit}, never on themselves.
 */
import type { AdminMessage, AdminThread } from '@parley/server/wire';

/** What a moderator did to a message. */
export type MessageAction =
  | 'approve'
  | 'keep'
  | 'hide'
  | 'restore'
  | 'highlight'
  | 'unhighlight'
  | 'delete';

/** Detail of each event `<parley-admin>` fires. */
export interface ParleyAdminEventMap {
  /** The moderator signed in (token accepted) or out. */
  'parley-session-changed': { signedIn: boolean };
  /** A message action succeeded; `message` is the server's answer (status `deleted` after a delete). */
  'parley-message-moderated': { action: MessageAction; message: AdminMessage };
  /** A thread was closed, reopened or edited; `thread` is the server's answer. */
  'parley-thread-moderated': { thread: AdminThread };
  /** A request failed; `code` is an API error code, `network` or `timeout`. */
  'parley-admin-error': { code: string; message: string };
}

/** Fires `type` with `detail` on `target` (the page element), bubbling and composed. */
export function emit<K extends keyof ParleyAdminEventMap>(
  target: EventTarget,
  type: K,
  detail: ParleyAdminEventMap[K],
) {
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}
