/** The DOM events the Parley elements fire, by name, with their `detail`: public API. */
import type { Message, Thread } from '@parley/server/wire';
import type { CardLoadedDetail } from '../card/parley-card.js';
import type { CountLoadedDetail } from '../count/parley-count.js';
import type { ThreadsLoadedDetail } from '../threads/parley-threads.js';

/**
 * Detail of each event the elements fire (`parley-error` by all of them), so
 * `addEventListener` and the generated React and Vue typings know each one's
 * `detail`.
 */
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
  /** `<parley-count>` read its thread's count (again, when a live read changed it). */
  'parley-count-loaded': CountLoadedDetail;
  /** `<parley-card>` read its thread. */
  'parley-card-loaded': CardLoadedDetail;
  /** `<parley-threads>` read a page of threads. */
  'parley-threads-loaded': ThreadsLoadedDetail;
}

declare global {
  interface HTMLElementEventMap {
    'parley-thread-loaded': CustomEvent<ParleyEventMap['parley-thread-loaded']>;
    'parley-message-posted': CustomEvent<ParleyEventMap['parley-message-posted']>;
    'parley-error': CustomEvent<ParleyEventMap['parley-error']>;
    'parley-count-loaded': CustomEvent<ParleyEventMap['parley-count-loaded']>;
    'parley-card-loaded': CustomEvent<ParleyEventMap['parley-card-loaded']>;
    'parley-threads-loaded': CustomEvent<ParleyEventMap['parley-threads-loaded']>;
  }
}
