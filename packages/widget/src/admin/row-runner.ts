/**
 * Runs a card's request (approve, close, save, ...), as a Lit reactive
 * controller of the card: the card's buttons are disabled meanwhile, a
 * failure is shown in the card and leaves it as it was, and keyboard focus,
 * lost when the clicked button was disabled or replaced, comes back to the
 * row. Focus is only brought back when it was lost, never taken from where
 * the user moved it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { SessionController, SessionWork } from './admin-session.js';

/** What every card needs from the page (`<parley-admin>`). */
export interface CardHost {
  session: SessionController;
  /** Resolves once the page has rendered what a request changed. */
  settled(): Promise<unknown>;
}

type Card = ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };

/** The focused element, looked for inside open shadow roots. */
function focusedElement(): Element | null {
  let focused = document.activeElement;
  while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
  return focused;
}

export class RowRunner implements ReactiveController {
  /** A request is running. */
  busy = false;
  /** Why the last request failed; '' when it did not. */
  error = '';
  #card: Card;
  #page: () => CardHost;

  constructor(card: Card, page: () => CardHost) {
    this.#card = card;
    this.#page = page;
    card.addController(this);
  }

  hostConnected() {}

  async run(work: SessionWork) {
    if (this.busy) return;
    const page = this.#page();
    const button = (this.#card.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    const row = button?.closest<HTMLElement>('[data-row]') ?? null;
    this.busy = true;
    this.error = '';
    this.#card.requestUpdate();
    this.error = await page.session.attempt(work);
    this.busy = false;
    this.#card.requestUpdate();
    await page.settled();
    await this.#card.updateComplete;
    // A sign-out (a 401) took the card away with everything else.
    if (!this.#card.isConnected) return;
    const focused = focusedElement();
    if (focused && focused !== document.body && focused !== button) return;
    const target =
      button?.isConnected && !(button as HTMLButtonElement).disabled
        ? button
        : (row?.querySelector<HTMLElement>('.actions button:not([disabled])') ?? row);
    target?.focus();
  }
}
