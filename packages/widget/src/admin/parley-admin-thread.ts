/**
 * One thread as `<parley-admin>` lists it: its counts and status, buttons to
 * close or reopen it, show its messages, export it, and edit its title, summary and
 * page URL in a form under it. It sends its own requests and keeps the
 * keyboard focus in the card through them (`row-runner.ts`); the page keeps
 * one form open at a time. Registered by the admin entry only.
 */
import type { AdminThread } from '@parley/server/wire';
import {
  html,
  LitElement,
  nothing,
  type PropertyDeclarations,
  type PropertyValues,
  type TemplateResult,
} from 'lit';
import { ApiError, getThread } from '../api/client.js';
import { type AdminSession, type ThreadPatch, updateThread } from './admin-client.js';
import { strings } from './admin-strings.js';
import { cardStyles } from './card.styles.js';
import { httpUrl, when } from './format.js';
import { threadStyles } from './parley-admin-thread.styles.js';
import { type CardHost, RowRunner } from './row-runner.js';
import { baseStyles, fieldStyles } from './shared.styles.js';

/** What a thread card asks of the page, given as its `host` property. */
export interface ThreadCardHost extends CardHost<string> {
  /**
   * A change succeeded: `thread` is the server's copy, `done` the words to
   * announce; `retitled` when the title changed (messages carry it).
   */
  changed(thread: AdminThread, done: string, retitled: boolean): void;
  /** Opens the edit form of thread `key`, closing any other; null closes it. */
  edit(key: string | null): void;
  /** Shows the thread's messages: the Published tab, filtered to it. */
  showMessages(key: string): void;
  /** Downloads the thread's export (`GET /api/admin/export?thread=KEY`). */
  exportThread(key: string): void;
}

type Fields = { title: string; summary: string; url: string };
type FieldErrors = Partial<Record<keyof Fields | 'form', string>>;
const FIELDS = ['title', 'summary', 'url'] as const;

/**
 * What the edit form's field `name` holds for `thread` when it opens, and
 * what it is compared with on save. The summary field holds a moderator's
 * summary only: an automatic one is its placeholder, so saving other fields
 * (or saving the form untouched) never turns the automatic summary into a
 * moderator's; typing one in replaces it, emptying a moderator's sends null,
 * which lets the server write an automatic one again. (A summary from before
 * automatic summaries, with no source, was a moderator's.)
 */
const initial = (thread: AdminThread, name: keyof Fields) =>
  (name === 'summary' && thread.summarySource === 'automatic' ? null : thread[name]) ?? '';

/**
 * When a card reads its thread again, in ms after a save that cleared a
 * moderator's summary: the server writes the automatic one within about a
 * second, when it is set up to, or up to some 6 s when it had just computed
 * one (at most once every 5 s per thread). A setting object so tests can
 * shorten it.
 */
export const summaryPoll = { delaysMs: [1_500, 5_000, 8_000] };

/**
 * A thread card of the moderation page.
 *
 * @csspart thread - The card.
 * @csspart badge - The open or closed badge.
 * @csspart button - Every button.
 * @csspart form - The edit form.
 * @csspart input - Its fields.
 * @csspart error - Why the last change failed.
 */
export class ParleyAdminThread extends LitElement {
  static override styles = [baseStyles, fieldStyles, cardStyles, threadStyles];

  static override properties: PropertyDeclarations = {
    thread: { attribute: false },
    editing: { type: Boolean },
    busy: { type: Boolean },
    exporting: { type: Boolean },
    host: { attribute: false },
    _fields: { state: true },
    _fieldErrors: { state: true },
    _summaryDue: { state: true },
  };

  /** The thread as the server last sent it. */
  declare thread: AdminThread;
  /** Its edit form is open. */
  declare editing: boolean;
  /** A change of the thread runs. */
  declare busy: boolean;
  /** The thread's export is being downloaded. */
  declare exporting: boolean;
  declare host: ThreadCardHost;
  declare private _fields: Fields;
  declare private _fieldErrors: FieldErrors;
  /** An automatic summary is expected: the card says it is on its way while it reads the thread again. */
  declare private _summaryDue: boolean;
  #summaryPoll?: AbortController;

  #runner = new RowRunner(
    this,
    () => this.host,
    () => this.thread.key,
  );

  constructor() {
    super();
    this.editing = this.busy = this.exporting = false;
    this._fields = { title: '', summary: '', url: '' };
    this._fieldErrors = {};
    this._summaryDue = false;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#summaryPoll?.abort();
    this._summaryDue = false;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    // The form opens on the thread as it is now.
    if (changed.has('editing') && this.editing) {
      const thread = this.thread;
      this._fields = {
        title: initial(thread, 'title'),
        summary: initial(thread, 'summary'),
        url: initial(thread, 'url'),
      };
      this._fieldErrors = {};
    }
  }

  protected override updated(changed: PropertyValues<this>) {
    if (changed.get('editing') === false && this.editing) this.#focus('#edit-title');
  }

  #focus(selector: string) {
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  #setStatus(closed: boolean) {
    const key = this.thread.key;
    const patch: ThreadPatch = { status: closed ? 'closed' : 'open' };
    const done = closed ? strings.threadClosed : strings.threadReopened;
    return this.#runner.run(async (session, signal) => {
      const { thread } = await updateThread(session, key, patch, signal);
      this.host.changed(thread, done, false);
    });
  }

  #onInput(e: Event) {
    const field = e.target as HTMLInputElement;
    const name = field.name as keyof Fields;
    if (name in this._fields) this._fields = { ...this._fields, [name]: field.value };
  }

  async #onSubmit(e: SubmitEvent) {
    e.preventDefault();
    const before = this.thread;
    // Only changed fields are sent; an emptied one is sent as null, to clear it.
    const patch: ThreadPatch = {};
    for (const name of FIELDS) {
      const value = this._fields[name].trim();
      if (value !== initial(before, name)) patch[name] = value || null;
    }
    const errors: FieldErrors = {};
    if (patch.url && !httpUrl(patch.url)) errors.url = strings.badUrl;
    this._fieldErrors = errors;
    if (!errors.url && Object.keys(patch).length) {
      await this.#runner.run((session, signal) => this.#save(session, signal, patch));
    } else if (!errors.url) {
      this.host.edit(null);
    }
    await this.#refocus();
  }

  /**
   * "Use the automatic summary": empties the moderator's summary, so that
   * saving sends null and the server writes one again; the focus goes to the
   * field, whose hint now says so.
   */
  #useAutomatic() {
    this._fields = { ...this._fields, summary: '' };
    return this.updateComplete.then(() => this.#focus('#edit-summary'));
  }

  /** Closes the form unsaved (Cancel, or Escape inside it). */
  #cancel() {
    this.host.edit(null);
    return this.#refocus();
  }

  /**
   * Once the page has drawn the outcome: the focus goes to the first field in
   * error, or back to "Edit details" when the form closed, not to the page's body.
   */
  async #refocus() {
    await this.host.settled();
    await this.updateComplete;
    if (!this.editing) return this.#focus('.edit');
    const first = FIELDS.find((name) => this._fieldErrors[name]);
    if (first) this.#focus(`#edit-${first}`);
  }

  /** Sends the edit; the server's field errors go beside their fields, the rest under the form. */
  async #save(session: AdminSession, signal: AbortSignal, patch: ThreadPatch) {
    try {
      const { thread } = await updateThread(session, this.thread.key, patch, signal);
      this.host.changed(thread, strings.threadSaved, 'title' in patch);
      this.host.edit(null);
      if (patch.summary === null && !thread.summary) this.#awaitSummary(session.base, thread.key);
    } catch (err) {
      const issues = err instanceof ApiError ? err.issues : [];
      const fields: FieldErrors = {};
      const rest: string[] = [];
      for (const issue of issues) {
        const name = issue.path.split('.')[0] as keyof Fields;
        if (name in this._fields && !fields[name]) fields[name] = issue.message;
        else rest.push(issue.message);
      }
      const message = this.host.session.fail(err);
      fields.form = rest.join(' ') || (issues.length && !rest.length ? '' : message);
      this._fieldErrors = fields;
    }
  }

  /**
   * Reads the thread again (its public `GET /api/threads/:key`, which carries
   * the summary) at `summaryPoll.delaysMs` until the automatic summary is
   * there, and shows it; meanwhile the card says it is on its way. Nothing by
   * the last read (summaries not set up, or no published message to sum up
   * yet): the note goes, and the card stays as saved.
   */
  async #awaitSummary(base: string, key: string) {
    this.#summaryPoll?.abort();
    const ctl = new AbortController();
    this.#summaryPoll = ctl;
    this._summaryDue = true;
    let waited = 0;
    try {
      for (const at of summaryPoll.delaysMs) {
        await new Promise((r) => setTimeout(r, at - waited));
        waited = at;
        if (ctl.signal.aborted) return;
        const read = await getThread(base, key, { limit: 1, sort: 'oldest' }, ctl.signal).catch(
          () => null,
        );
        // A later save, or another thread in this card, decides now.
        if (ctl.signal.aborted || this.thread.key !== key || this.thread.summary) return;
        const summary = read?.thread?.summarySource === 'automatic' ? read.thread.summary : null;
        if (summary) {
          const thread = { ...this.thread, summary, summarySource: 'automatic' as const };
          return this.host.changed(thread, strings.summaryArrived, false);
        }
      }
    } finally {
      if (this.#summaryPoll === ctl) this._summaryDue = false;
    }
  }

  override render() {
    const thread = this.thread;
    const busy = this.busy;
    const error = this.#runner.error;
    const name = thread.title || thread.key;
    const closed = thread.status === 'closed';
    const link = httpUrl(thread.url);
    const headingId = `t-${encodeURIComponent(thread.key)}`;
    return html`<article
      part="thread"
      class="card thread"
      data-row="t${thread.key}"
      tabindex="-1"
      aria-labelledby=${headingId}
      aria-busy=${busy ? 'true' : nothing}
    >
      <div class="meta">
        <h3 id=${headingId}>${name}</h3>
        <span part="badge" class="badge ${closed ? 'status-closed' : 'status-open'}"
          >${closed ? strings.closed : strings.open}</span
        >
      </div>
      ${thread.title ? html`<p class="muted key">${thread.key}</p>` : nothing}
      ${
        thread.summary
          ? html`<p class="summary">${thread.summary}</p>
              <p class="muted summary-source">
                ${thread.summarySource === 'automatic' ? strings.summaryAutomatic : strings.summaryManual}
              </p>`
          : this._summaryDue
            ? html`<p class="muted summary-due">${strings.summaryDue}</p>`
            : nothing
      }
      ${
        link
          ? html`<p class="url">
              <a class="target" href=${link.href} target="_blank" rel="noopener noreferrer">${thread.url}</a>
            </p>`
          : nothing
      }
      <p class="muted counts">
        ${strings.threadCounts(thread)} · ${strings.lastActivity}
        <time datetime=${thread.lastActivityAt}>${when(thread.lastActivityAt)}</time>
      </p>
      <div class="actions" role="group" aria-label=${name}>
        <button
          part="button"
          aria-label=${strings.threadAct(closed ? strings.reopen : strings.close, name)}
          ?disabled=${busy}
          @click=${() => this.#setStatus(!closed)}
        >
          ${closed ? strings.reopen : strings.close}
        </button>
        <button
          part="button"
          class="edit"
          aria-label=${strings.threadAct(strings.edit, name)}
          aria-expanded=${this.editing ? 'true' : 'false'}
          ?disabled=${busy}
          @click=${() => this.host.edit(this.editing ? null : thread.key)}
        >
          ${strings.edit}
        </button>
        <button
          part="button"
          aria-label=${strings.threadAct(strings.showMessages, name)}
          @click=${() => this.host.showMessages(thread.key)}
        >
          ${strings.showMessages}
        </button>
        <button
          part="button"
          class="export"
          aria-label=${strings.threadAct(this.exporting ? strings.exporting : strings.exportThread, name)}
          aria-busy=${this.exporting ? 'true' : nothing}
          @click=${() => this.host.exportThread(thread.key)}
        >
          ${this.exporting ? strings.exporting : strings.exportThread}
        </button>
      </div>
      ${this.editing ? this.#renderForm(busy) : nothing}
      ${error && !this.editing ? html`<p part="error" role="alert">${error}</p>` : nothing}
    </article>`;
  }

  #renderForm(busy: boolean) {
    const errors = this._fieldErrors;
    const field = (name: keyof Fields, label: string, input: TemplateResult) => html`<div
      class="field"
    >
      <label for="edit-${name}">${label}</label>
      ${input}
      ${errors[name] ? html`<p id="edit-${name}-error" part="error">${errors[name]}</p>` : nothing}
    </div>`;
    const invalid = (name: keyof Fields) => (errors[name] ? 'true' : nothing);
    const describedBy = (name: keyof Fields) => (errors[name] ? `edit-${name}-error` : nothing);
    const thread = this.thread;
    const automatic = thread.summarySource === 'automatic' ? thread.summary : null;
    const manual = initial(thread, 'summary');
    // What saving the summary field as it is now does.
    const summaryHint = this._fields.summary.trim()
      ? strings.summaryOwnHint
      : manual
        ? strings.summaryBackHint
        : automatic
          ? strings.summaryAutoHint
          : strings.summaryEmptyHint;
    return html`<form
      part="form"
      class="edit-form"
      aria-label=${strings.editTitle(this.thread.title || this.thread.key)}
      novalidate
      @input=${this.#onInput}
      @submit=${this.#onSubmit}
      @keydown=${(e: KeyboardEvent) => {
        // Not while saving: a failed save must still have its form to show why.
        if (e.key === 'Escape' && !this.busy) this.#cancel();
      }}
    >
      ${field(
        'title',
        strings.fieldTitle,
        html`<input
          id="edit-title"
          name="title"
          part="input"
          aria-invalid=${invalid('title')}
          aria-describedby=${describedBy('title')}
          .value=${this._fields.title}
        />`,
      )}
      ${field(
        'summary',
        strings.fieldSummary,
        html`<textarea
            id="edit-summary"
            name="summary"
            part="input"
            rows="3"
            placeholder=${automatic ?? nothing}
            aria-invalid=${invalid('summary')}
            aria-describedby=${['edit-summary-hint', describedBy('summary')].filter((id) => id !== nothing).join(' ')}
            .value=${this._fields.summary}
          ></textarea>
          <p id="edit-summary-hint" class="muted hint">${summaryHint}</p>
          ${
            manual && this._fields.summary
              ? html`<button part="button" type="button" class="use-automatic" @click=${() => this.#useAutomatic()}>
                  ${strings.useAutomatic}
                </button>`
              : nothing
          }`,
      )}
      ${field(
        'url',
        strings.fieldUrl,
        html`<input
          id="edit-url"
          name="url"
          part="input"
          type="url"
          inputmode="url"
          aria-invalid=${invalid('url')}
          aria-describedby=${describedBy('url')}
          .value=${this._fields.url}
        />`,
      )}
      ${errors.form ? html`<p part="error" role="alert">${errors.form}</p>` : nothing}
      <div class="actions">
        <button part="button" class="primary" ?disabled=${busy}>
          ${busy ? strings.saving : strings.save}
        </button>
        <button part="button" type="button" @click=${() => this.#cancel()}>
          ${strings.cancel}
        </button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-admin-thread': ParleyAdminThread;
  }
}
