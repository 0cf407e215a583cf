/**
 * Bulk moderation on `<parley-admin>`: the
 * messages ticked in the open tab (each card's checkbox, or "Select all
 * shown"), and the bar that approves, restores, hides or deletes them at once
 * through `POST /api/admin/messages/bulk` (in batches of the server's 100).
 * Delete asks to confirm, as a card's Delete does. The outcome is announced;
 * the page updates the cards (or takes deleted and missing ones out); the
 * focus goes back to "Select all shown". Rendered in the page's shadow root.
 */
import type {
  AdminBulkRequest,
  AdminBulkResponse,
  AdminMessage,
  MaxBulkIds,
} from '@parley/server/wire';
import { css, html, nothing, type ReactiveControllerHost } from 'lit';
import { bulkMessages } from './admin-client.js';
import type { SessionController } from './admin-session.js';
import { strings } from './admin-strings.js';
import type { Tab } from './parley-admin.js';

type Action = AdminBulkRequest['action'];
/** What a bulk button says: "Restore" in Hidden is the same `publish` as "Approve". */
export type BulkVerb = keyof typeof strings.bulkVerb;

type Page = ReactiveControllerHost & { renderRoot: ParentNode; updateComplete: Promise<unknown> };

/** The server's limit of ids per request (typed by it: a change there fails the type check here). */
const BATCH: MaxBulkIds = 100;

/** The bulk buttons each message tab offers, in order. */
const VERBS: Partial<Record<Tab, readonly BulkVerb[]>> = {
  queue: ['publish', 'hide', 'delete'],
  hidden: ['restore', 'delete'],
  spam: ['publish', 'delete'],
  recent: ['hide', 'delete'],
};

/** What the bar needs from the page. */
export interface BulkHost {
  session: SessionController;
  /** The open tab. */
  tab(): Tab;
  /** The messages the open tab shows. */
  shown(): AdminMessage[];
  /** One batch succeeded: put its answer in the lists. */
  applied(result: AdminBulkResponse, action: Action): void;
  /** Says `text` in the polite live region. */
  announce(text: string): void;
}

export class BulkSelection {
  /** "Delete" was pressed once: the bar asks to confirm. */
  confirming = false;
  /** A bulk request runs. */
  running = false;
  /** Why the last bulk action failed; '' when it did not. */
  error = '';
  #ids = new Set<number>();
  #el: Page;
  #host: BulkHost;

  constructor(el: Page, host: BulkHost) {
    this.#el = el;
    this.#host = host;
  }

  has(id: number): boolean {
    return this.#ids.has(id);
  }

  /** Ticks or unticks message `id`. */
  toggle(id: number, on: boolean) {
    if (on) this.#ids.add(id);
    else this.#ids.delete(id);
    this.confirming = false;
    this.#el.requestUpdate();
  }

  /** Unticks everything (a tab or a filter changed, sign-out) and forgets a failure. */
  clear() {
    this.#ids.clear();
    this.confirming = false;
    this.error = '';
    this.#el.requestUpdate();
  }

  /** The ticked messages the open tab shows: only those are ever acted on. */
  #selected(shown: readonly AdminMessage[]) {
    return shown.filter((message) => this.#ids.has(message.id));
  }

  #selectAll(shown: readonly AdminMessage[], on: boolean) {
    this.#ids.clear();
    if (on) for (const message of shown) this.#ids.add(message.id);
    this.confirming = false;
    this.#el.requestUpdate();
  }

  /** Focuses the first of `selectors` that is rendered. */
  async #focus(...selectors: string[]) {
    await this.#el.updateComplete;
    const root = this.#el.renderRoot;
    for (const selector of selectors) {
      const target = root.querySelector<HTMLElement>(selector);
      if (target) return target.focus();
    }
  }

  async #run(verb: BulkVerb) {
    if (this.running) return;
    const ids = this.#selected(this.#host.shown()).map((message) => message.id);
    if (!ids.length) return;
    if (verb === 'delete' && !this.confirming) {
      this.confirming = true;
      this.#el.requestUpdate();
      return;
    }
    const action: Action = verb === 'restore' ? 'publish' : verb;
    this.confirming = false;
    this.running = true;
    this.error = '';
    this.#el.requestUpdate();
    let changed = 0;
    let missing = 0;
    this.error = await this.#host.session.attempt(async (session, signal) => {
      for (let at = 0; at < ids.length; at += BATCH) {
        const result = await bulkMessages(
          session,
          { ids: ids.slice(at, at + BATCH), action },
          signal,
        );
        changed += result.messages.length + result.deleted.length;
        missing += result.missing.length;
        for (const id of [...result.deleted, ...result.missing]) this.#ids.delete(id);
        this.#host.applied(result, action);
      }
    });
    this.running = false;
    if (!this.error) this.#ids.clear();
    this.#el.requestUpdate();
    if (changed || missing) {
      const done = changed ? strings.bulkDone(changed, verb) : '';
      const gone = missing ? strings.bulkMissing(missing) : '';
      this.#host.announce(done && gone ? `${done}. ${gone}` : done || gone);
    }
    // The bar's buttons went away with the selection; "Select all shown"
    // stays, unless the list is now empty: then the search field, else the
    // open section's heading.
    if (!this.error)
      await this.#focus('#select-all', '#search', '[role=tabpanel]:not([hidden]) h2');
  }

  #cancel() {
    this.confirming = false;
    this.#el.requestUpdate();
    return this.#focus('.bulk .verb-delete');
  }

  /** The bar over the open tab's `shown` messages; nothing when it shows none. */
  render(tab: Tab, shown: readonly AdminMessage[]) {
    const verbs = VERBS[tab];
    if (!verbs || !shown.length) return nothing;
    const count = this.#selected(shown).length;
    const all = count === shown.length;
    const running = this.running;
    // While messages are ticked the bar stays in view (sticky), however far down the list.
    return html`<div
      part="bulk"
      class="bulk ${count ? 'selecting' : ''}"
      role="group"
      aria-label=${strings.bulkLabel}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape' && this.confirming) this.#cancel();
      }}
    >
      <div class="pick">
        <input
          id="select-all"
          type="checkbox"
          .checked=${count > 0 && all}
          .indeterminate=${count > 0 && !all}
          ?disabled=${running}
          @change=${(e: Event) => this.#selectAll(shown, (e.target as HTMLInputElement).checked)}
        />
        <label for="select-all">${strings.selectAll(shown.length)}</label>
      </div>
      ${
        count
          ? html`<p class="muted selected">
                ${strings.selected(count)}${running ? html` · ${strings.bulkWorking}` : nothing}
              </p>
              <div class="actions">
                ${verbs.map((verb) => this.#button(verb, count))}
                ${
                  this.confirming
                    ? html`<button part="button" @click=${() => this.#cancel()}>${strings.cancel}</button>`
                    : html`<button part="button" class="quiet" ?disabled=${running} @click=${() => this.clear()}>
                        ${strings.clearSelection}
                      </button>`
                }
              </div>`
          : nothing
      }
      ${this.confirming ? html`<p id="bulk-confirm" class="confirm">${strings.bulkConfirm(count)}</p>` : nothing}
      ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
    </div>`;
  }

  #button(verb: BulkVerb, count: number) {
    const confirm = verb === 'delete' && this.confirming;
    const label = confirm ? strings.confirmDelete : strings.bulkVerb[verb];
    return html`<button
      part="button"
      class="verb-${verb} ${verb === 'delete' ? (confirm ? 'danger solid' : 'danger') : ''}"
      aria-label=${strings.bulkAct(label, count)}
      aria-describedby=${confirm ? 'bulk-confirm' : nothing}
      aria-busy=${this.running ? 'true' : nothing}
      ?disabled=${this.running}
      @click=${() => this.#run(verb)}
    >
      ${label}
    </button>`;
  }
}

/** Styles of the bar. */
export const bulkStyles = css`
  .bulk {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--parley-border);
    border-radius: var(--parley-radius);
  }
  .bulk.selecting {
    position: sticky;
    top: 0;
    z-index: 1;
    background: Canvas;
    box-shadow: 0 2px 6px color-mix(in srgb, CanvasText 14%, transparent);
  }
  .bulk .confirm {
    flex-basis: 100%;
    color: var(--parley-danger);
    font-weight: 600;
  }
`;
