/**
 * Renders a long page of `<parley-thread>` a batch per task: a reactive
 * controller holding how many replies are rendered and how many rendered
 * messages have their actions, growing either count in a task of its own
 * (the sizes are `message-tree.ts`'s), so no task blocks the reader's page for long.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { FIRST_BATCH, nextBatchReach } from './message-tree.js';

export class RenderBatches implements ReactiveController {
  /** How many replies are rendered; grows a batch per task after a load. */
  declare replies: number;
  /**
   * How many rendered messages (in reading order) have their actions; grows a
   * batch per task once the actions chunk is in, as `replies` did.
   */
  declare withActions: number;
  /** The batch due, settling once it has run (or was cancelled); undefined when none is due. */
  due?: Promise<void>;

  #host: ReactiveControllerHost;
  #timer?: ReturnType<typeof setTimeout>;
  #settle?: () => void;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    this.restart();
    host.addController(this);
  }

  hostDisconnected() {
    // Batches cut short go on from the next render.
    this.cancel();
  }

  /** Back to the first batch, for a new load. */
  restart() {
    this.cancel();
    this.replies = FIRST_BATCH;
    this.withActions = 0;
  }

  /** Everything at once, in the next render: a change must show wherever it falls. */
  showAll() {
    this.replies = this.withActions = Number.POSITIVE_INFINITY;
  }

  /**
   * Grows `count` by the next batch in a task of its own, then renders, unless
   * a batch is due already: `replies` renders more replies, `withActions`
   * gives more rendered messages their actions.
   */
  grow(count: 'replies' | 'withActions') {
    if (this.due) return;
    this.due = new Promise((resolve) => {
      this.#settle = resolve;
    });
    this.#timer = setTimeout(() => {
      this[count] = nextBatchReach(this[count]);
      this.#host.requestUpdate();
      this.cancel();
    });
  }

  cancel() {
    clearTimeout(this.#timer);
    this.#settle?.();
    this.due = this.#settle = undefined;
  }
}
