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
  replies = FIRST_BATCH;
  /**
   * How many rendered messages (in reading order) have their actions; grows a
   * batch per task once the actions chunk is in, as `replies` did.
   */
  withActions = 0;

  #host: ReactiveControllerHost;
  #timer?: ReturnType<typeof setTimeout>;
  /** Settles when the due batch has run (or was cancelled). */
  #due?: Promise<void>;
  #settle?: () => void;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostDisconnected() {
    // Batches cut short go on from the next render.
    this.cancel();
  }

  /** The due batch, settling once it has run; undefined when none is due. */
  get due(): Promise<void> | undefined {
    return this.#due;
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

  /** Renders the next batch of replies in a task of its own, unless a batch is due. */
  moreReplies() {
    this.#next(() => {
      this.replies = nextBatchReach(this.replies);
    });
  }

  /** Gives the next batch of messages their actions in a task of its own, unless a batch is due. */
  moreActions() {
    this.#next(() => {
      this.withActions = nextBatchReach(this.withActions);
    });
  }

  cancel() {
    clearTimeout(this.#timer);
    this.#settle?.();
    this.#due = this.#settle = undefined;
  }

  #next(step: () => void) {
    if (this.#due) return;
    this.#due = new Promise((resolve) => {
      this.#settle = resolve;
    });
    this.#timer = setTimeout(() => {
      step();
      this.#host.requestUpdate();
      this.cancel();
    });
  }
}
