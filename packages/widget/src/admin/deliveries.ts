/**
 * The Deliveries section of `<parley-admin>`: the webhooks and mail the server
 * sends through its outbox, failed ones first (each with Retry), then those
 * waiting for their next attempt and those delivered, newest first, each list
 * paged like the others (`paged-list.ts`). A server older than notifications
 * answers 404 for the route: the section says they are not available there.
 *
 * A Lit controller of the page element, like `owner-keys.ts`: it renders into
 * the page's shadow root and reaches the page only through {@link DeliveriesHost}.
 */
import type { Delivery } from '@parley/server/wire';
import { css, html, nothing, type ReactiveControllerHost } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError } from '../api/client.js';
import { type DeliveryState, listDeliveries, retryDelivery } from './admin-client.js';
import type { SessionController } from './admin-session.js';
import { strings } from './admin-strings.js';
import { when } from './format.js';
import { listMore, listStatus, type MoreHost, reloading } from './list-status.js';
import { PagedList } from './paged-list.js';

/** What the section needs from the page. */
export interface DeliveriesHost {
  el: ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };
  session: SessionController;
  /** Says `text` in the page's live region. */
  announce(text: string): void;
  /** What "Load more" needs. */
  more: MoreHost;
}

/** The lists, in the order shown: what needs the owner first. */
const STATES: readonly DeliveryState[] = ['failed', 'pending', 'delivered'];

export class Deliveries {
  readonly lists: Record<DeliveryState, PagedList<Delivery>>;
  #host: DeliveriesHost;
  /** The server has no deliveries routes (it answered 404): a Parley older than notifications. */
  #missing = false;
  /** Deliveries whose retry is on its way. */
  #retrying = new Set<number>();
  /** Why a delivery's last retry failed, by id. */
  #rowErrors = new Map<number, string>();

  constructor(host: DeliveriesHost) {
    this.#host = host;
    const list = (state: DeliveryState) =>
      new PagedList<Delivery>(host.el, host.session, {
        fetch: async (session, cursor, signal) => {
          try {
            const page = await listDeliveries(session, { state, cursor }, signal);
            this.#missing = false;
            return { items: page.deliveries, nextCursor: page.nextCursor };
          } catch (e) {
            // Not a failure to report: the server is older than the feature.
            if (!(e instanceof ApiError && e.status === 404)) throw e;
            this.#missing = true;
            return { items: [], nextCursor: null };
          }
        },
        key: (delivery) => delivery.id,
      });
    this.lists = { failed: list('failed'), pending: list('pending'), delivered: list('delivered') };
  }

  /** Loads every list, unless loaded already (`force` reloads). */
  load(force = false): Promise<unknown> {
    return Promise.all(
      STATES.map((state) => this.lists[state])
        .filter((list) => force || list.state === 'idle')
        .map((list) => list.load()),
    );
  }

  /** Forgets everything (sign-out). */
  reset() {
    for (const state of STATES) this.lists[state].reset();
    this.#missing = false;
    this.#retrying = new Set();
    this.#rowErrors = new Map();
  }

  /**
   * Sends a delivery now: a failed one leaves the failed list and the
   * waiting list loads again, where it now is; a waiting one (its receiver
   * fixed, say) is due at once and stays listed with its new time, rather
   * than waiting out its backoff. Focus stays in the list (the same row on a
   * failure, else the next one, the one before, or the heading), unless the
   * owner moved it meanwhile.
   */
  async #retry(delivery: Delivery, state: 'failed' | 'pending') {
    const id = delivery.id;
    if (this.#retrying.has(id)) return;
    const root = this.#host.el.renderRoot as ShadowRoot;
    const button = root.activeElement;
    const list = this.lists[state];
    const index = list.items.findIndex((listed) => listed.id === id);
    this.#retrying.add(id);
    this.#rowErrors.delete(id);
    this.#host.el.requestUpdate();
    const error = await this.#host.session.attempt(async (session, signal) => {
      const { delivery: after } = await retryDelivery(session, id, signal);
      if (signal.aborted) return;
      if (state === 'pending' || after.failedAt) list.replace(after);
      else list.remove(id);
      this.#host.announce(state === 'failed' ? strings.retried : strings.sentNow);
      if (state === 'failed') this.lists.pending.load();
    });
    this.#retrying.delete(id);
    if (error) this.#rowErrors.set(id, error);
    this.#host.el.requestUpdate();
    await this.#host.el.updateComplete;
    if (!this.#host.session.signedIn) return;
    const now = root.activeElement;
    if (now && now !== button) return;
    const next =
      list.items.find((listed) => listed.id === id) ?? list.items[index] ?? list.items.at(-1);
    const target = next
      ? root.querySelector<HTMLElement>(`[data-delivery="${next.id}"] button`)
      : root.querySelector<HTMLElement>(`#h-deliveries-${state}`);
    target?.focus();
  }

  render() {
    if (this.#missing)
      return html`<div class="section" role="region" aria-labelledby="h-deliveries">
        <h2 id="h-deliveries">${strings.deliveriesTitle}</h2>
        <p class="muted empty">${strings.deliveriesMissing}</p>
      </div>`;
    return html`<p class="muted">${strings.deliveriesAbout}</p>
      ${STATES.map((state) => this.#renderList(state))}`;
  }

  #renderList(state: DeliveryState) {
    const list = this.lists[state];
    const title = strings.deliveryLists[state];
    const counted = state === 'failed' ? strings.count(list.items.length, !!list.cursor) : '';
    return html`<div class="section" role="region" aria-labelledby="h-deliveries-${state}">
      <div class="section-head">
        <h2 id="h-deliveries-${state}" tabindex="-1">
          ${title}${list.state === 'ready' ? counted : ''}
        </h2>
      </div>
      ${listStatus(list, strings.noDeliveries[state], () => list.load())}
      ${
        list.items.length
          ? html`<ol part="deliveries" class="list" aria-labelledby="h-deliveries-${state}"
              ?inert=${reloading(list)}>
              ${repeat(
                list.items,
                (delivery) => delivery.id,
                (delivery) => this.#renderDelivery(delivery, state),
              )}
            </ol>`
          : nothing
      }
      ${listMore(list, title, this.#host.more, strings.moreDeliveries)}
    </div>`;
  }

  #renderDelivery(delivery: Delivery, state: DeliveryState) {
    const { id } = delivery;
    const retrying = this.#retrying.has(id);
    const error = this.#rowErrors.get(id);
    const time = (iso: string) => html`<time datetime=${iso}>${when(iso)}</time>`;
    const facts: [string, unknown][] = [
      [strings.deliveryTo, strings.deliveryTarget(delivery.target)],
      [strings.deliveryAttempts, String(delivery.attempts)],
      [
        strings.deliveryLastAttempt,
        delivery.lastAttemptAt ? time(delivery.lastAttemptAt) : strings.deliveryNotYet,
      ],
    ];
    if (delivery.nextAttemptAt) facts.push([strings.deliveryNext, time(delivery.nextAttemptAt)]);
    if (delivery.deliveredAt) facts.push([strings.deliveredAt, time(delivery.deliveredAt)]);
    if (delivery.failedAt) facts.push([strings.failedAt, time(delivery.failedAt)]);
    const channel = strings.channels[delivery.channel] ?? delivery.channel;
    // Ids carry the list: between two loads one delivery can be in two lists.
    const heading = `d-${state}-${id}`;
    return html`<li
      part="delivery"
      class="card delivery"
      data-row="d${id}"
      data-delivery=${id}
      tabindex="-1"
      aria-labelledby=${heading}
      aria-busy=${retrying ? 'true' : nothing}
    >
      <h3 id=${heading}>
        ${channel}
        <span class="type">${delivery.type}</span>
      </h3>
      <dl class="facts">
        ${facts.map(([term, value]) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`)}
      </dl>
      ${
        delivery.lastError
          ? html`<div class="last-error">
              <span class="muted">${strings.deliveryLastError}</span>
              <pre>${delivery.lastError}</pre>
            </div>`
          : nothing
      }
      ${
        state === 'failed' || state === 'pending'
          ? this.#sendButton(delivery, state, retrying, channel)
          : nothing
      }
      ${error ? html`<p part="error" role="alert">${error}</p>` : nothing}
    </li>`;
  }

  /** Retry (a failed delivery) or Send now (a waiting one), busy while it is asked. */
  #sendButton(delivery: Delivery, state: 'failed' | 'pending', busy: boolean, channel: string) {
    const label = busy
      ? state === 'failed'
        ? strings.retrying
        : strings.sending
      : state === 'failed'
        ? strings.retry
        : strings.sendNow;
    return html`<div class="actions">
      <button
        part="button"
        aria-label=${strings.retryAct(label, delivery.id, channel, delivery.type)}
        ?disabled=${busy}
        @click=${() => this.#retry(delivery, state)}
      >
        ${label}
      </button>
    </div>`;
  }
}

/** The rows of the section: a heading, the facts in a wrapping line, the last error as sent. */
export const deliveryStyles = css`
  .delivery {
    display: grid;
    gap: 0.5rem;
  }
  .delivery h3 {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0 0.5em;
  }
  .delivery .type {
    font-family: ui-monospace, monospace;
    font-size: 0.875em;
    font-weight: 400;
  }
  .facts {
    display: flex;
    flex-wrap: wrap;
    gap: 0.15rem 1.25rem;
    margin: 0;
    font-size: 0.875em;
  }
  .facts div {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.35em;
    min-width: 0;
  }
  .facts dt {
    color: var(--parley-muted);
  }
  .facts dd {
    margin: 0;
    min-width: 0;
  }
  .last-error {
    display: grid;
    gap: 0.15rem;
  }
  /* What the receiver or the mail server said, as it said it, wrapped. */
  .last-error pre {
    padding: 0.4em 0.6em;
    border-inline-start: 3px solid var(--parley-danger);
    background: Canvas;
    font-size: 0.8em;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
`;
