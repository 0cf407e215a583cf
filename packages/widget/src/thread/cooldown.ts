/**
 * Rate limits the server announced (part of the lazy actions chunk): after a
 * 429 with `Retry-After`, the forms say how long to wait, count it down once a
 * second and enable their buttons again when it has passed. Posts and reports
 * are limited apart on the server, so each kind waits on its own.
 */
import { actionSettings } from './action-settings.js';

export type CooldownKind = 'post' | 'report';

export class Cooldowns {
  /** When each kind may be tried again, in ms since the epoch. */
  #until = new Map<CooldownKind, number>();
  #timer?: ReturnType<typeof setInterval>;
  #tick: () => void;
  #over: (kind: CooldownKind) => void;

  /** `tick` re-renders (once a second while a wait runs); `over` is told when a kind's wait has passed. */
  constructor(tick: () => void, over: (kind: CooldownKind) => void) {
    this.#tick = tick;
    this.#over = over;
  }

  /** Waits `seconds` before `kind` may be tried again. */
  start(kind: CooldownKind, seconds: number) {
    this.#until.set(kind, Date.now() + seconds * 1000);
    // Coarse on purpose: the text changes once a second, and only then.
    this.#timer ??= setInterval(this.#onTick, actionSettings.tickMs);
  }

  /** Whole seconds still to wait before `kind` may be tried again; 0 when it may. */
  left(kind: CooldownKind): number {
    const until = this.#until.get(kind);
    return until ? Math.max(0, Math.ceil((until - Date.now()) / 1000)) : 0;
  }

  /** Stops the clock while the element is off the page; the waits go on. */
  pause() {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Starts the clock again, if a wait is still running. */
  resume() {
    if (this.#until.size) this.#timer ??= setInterval(this.#onTick, actionSettings.tickMs);
  }

  #onTick = () => {
    for (const kind of this.#until.keys())
      if (!this.left(kind)) {
        this.#until.delete(kind);
        this.#over(kind);
      }
    if (!this.#until.size) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
    this.#tick();
  };
}
