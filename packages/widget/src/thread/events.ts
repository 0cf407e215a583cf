/** The DOM events `<parley-thread>` fires, by name, with their `detail`: public API. */
import type { Message, Thread } from '@parley/server/wire';

/** Detail of each event `<parley-thread>` fires. */
export interface ParleyEventMap {
  /** The thread was loaded; `thread` is null when no one has posted yet. */
  'parley-thread-loaded': { thread: Thread | null };
  /**
   * The reader's message was accepted by the server; `status` is `pending`
   * when it awaits a moderator (only its author sees it meanwhile).
   */
  'parley-message-posted': { message: Message; status: 'published' | 'pending' };
  /** Loading or posting failed; `code` is an API error code, `network` or `timeout`. */
  'parley-error': { code: string; message: string };
}

declare global {
  interface HTMLElementEventMap {
    'parley-thread-loaded': CustomEvent<ParleyEventMap['parley-thread-loaded']>;
    'parley-message-posted': CustomEvent<ParleyEventMap['parley-message-posted']>;
    'parley-error': CustomEvent<ParleyEventMap['parley-error']>;
  }
}
