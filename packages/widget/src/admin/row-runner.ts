/**
 * Runs a card's request (approve, close, save, ...), as a Lit reactive
 * controller of the card: the item is busy meanwhile in every card that
 * shows it (a pending message with reports is in two lists), a failure is
 * shown in the card clicked and leaves it as it was, and keyboard focus,
 * lost when the clicked button was disabled or replaced, comes back to the
 * row. Focus is only brought back when it was lost, never taken from where
 * the user moved it.
 */
import type { ReactiveControllerHost } from 'lit';
import type { SessionController, SessionWork } from './admin-session.js';

/**
 * The items (message ids, thread keys) with a request running, held by the
 * page so that every card showing one is busy: the page renders again on
 * each change and gives each card its `busy`.
 */
export class BusyItems<Key> {
  #keys = new Set<Key>();
  #page: ReactiveControllerHost;

  constructor(page: ReactiveControllerHost) {
    this.#page = page;
  }

  has(key: Key): boolean {
    return this.#keys.has(key);
  }

  add(key: Key) {
    this.#keys.add(key);
    this.#page.requestUpdate();
  }

  delete(key: Key) {
    this.#keys.delete(key);
    this.#page.requestUpdate();
  }
}

/** What every card needs from the page (`<parley-admin>`); `Key` tells its items apart. */
export interface CardHost<Key> {
  session: SessionController;
  /** Resolves once the page has rendered what a request changed. */
  settled(): Promise<unknown>;
  /** The items of this kind with a request running. */
  busy: BusyItems<Key>;
}

type Card = ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };

/** The focused element, looked for inside open shadow roots. */
function focusedElement(): Element | null {
  let focused = document.activeElement;
  while (focused?.shadowRoot?.activeElement) focused = focused.shadowRoot.activeElement;
  return focused;
}

/** Focuses the first card of `items` still listed, else the heading of `section`. */
function focusOutside(
  items: (Element | null | undefined)[],
  section: HTMLElement | null | undefined,
) {
  const card = items.find((item) => item?.isConnected)?.firstElementChild;
  const target = card?.shadowRoot?.querySelector<HTMLElement>('[data-row]');
  if (target) return target.focus();
  if (section?.isConnected) section.querySelector<HTMLElement>('h2')?.focus();
}

export class RowRunner<Key> {
  /** Why the last request failed; '' when it did not. */
  error = '';
  #card: Card;
  #page: () => CardHost<Key>;
  #key: () => Key;

  /** `key`: the item the card shows, as the page's {@link BusyItems} knows it. */
  constructor(card: Card, page: () => CardHost<Key>, key: () => Key) {
    this.#card = card;
    this.#page = page;
    this.#key = key;
  }

  async run(work: SessionWork) {
    const page = this.#page();
    const key = this.#key();
    if (page.busy.has(key)) return;
    const button = (this.#card.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    const row = button?.closest<HTMLElement>('[data-row]') ?? null;
    // Where the card sits in its list: a decision can take it out of the list.
    const item = this.#card.parentElement;
    const neighbours = [item?.nextElementSibling, item?.previousElementSibling];
    const section = item?.closest<HTMLElement>('[role=region]');
    page.busy.add(key);
    this.error = '';
    this.#card.requestUpdate();
    this.error = await page.session.attempt(work);
    page.busy.delete(key);
    this.#card.requestUpdate();
    await page.settled();
    await this.#card.updateComplete;
    const focused = focusedElement();
    if (focused && focused !== document.body && focused !== button) return;
    // The card left its list (approved out of the Queue, deleted): the next
    // card, else the one before, else the list's heading. After a sign-out
    // (a 401) none of them is still there, and the sign-in form has the focus.
    if (!this.#card.isConnected) return focusOutside(neighbours, section);
    const target =
      button?.isConnected && !(button as HTMLButtonElement).disabled
        ? button
        : (row?.querySelector<HTMLElement>('.actions button:not([disabled])') ?? row);
    target?.focus();
  }
}
