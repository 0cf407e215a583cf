/**
 * One message as `<parley-admin>` lists it, with the buttons its status
 * allows (approve, keep, hide, restore, highlight, delete with a second click
 * to confirm). It sends its own requests and keeps the keyboard focus in the
 * card through them (`row-runner.ts`); the page puts the server's answer in
 * every list that shows the message. Registered by the admin entry only.
 */
import type { AdminMessage } from '@parley/server/wire';
import { html, LitElement, nothing, type PropertyDeclarations } from 'lit';
import { deleteMessage, type MessagePatch, updateMessage } from './admin-client.js';
import type { MessageAction } from './admin-events.js';
import { strings } from './admin-strings.js';
import { cardStyles } from './card.styles.js';
import { httpUrl, when } from './format.js';
import { hiddenByReports, hiddenReasonBadge, messageNotes, notesStyles } from './message-notes.js';
import { messageStyles } from './parley-admin-message.styles.js';
import { type CardHost, RowRunner } from './row-runner.js';
import { baseStyles } from './shared.styles.js';
import type { ListName } from './stale-lists.js';

/** What a message card asks of the page, given as its `host` property. */
export interface MessageCardHost extends CardHost<number> {
  /** An action on `before` succeeded; `after` is the server's copy. */
  moderated(before: AdminMessage, after: AdminMessage, action: MessageAction): void;
  /** Makes message `id` the one whose Delete waits for confirmation; null for none. */
  confirm(id: number | null): void;
  /** Ticks or unticks message `id` for a bulk action. */
  select(id: number, on: boolean): void;
}

/** One button of the card: its visible text, what it does, and how it looks. */
interface Action {
  label: string;
  run: () => unknown;
  className?: string;
  pressed?: boolean;
  content?: unknown;
  /** The id of the words that say what the button will do. */
  describedBy?: string;
}

/**
 * A message card of the moderation page.
 *
 * @csspart message - The card.
 * @csspart author - The author's name.
 * @csspart badge - Status, report, highlight and owner badges.
 * @csspart body - The sanitized HTML.
 * @csspart source - The markdown source, in a disclosure.
 * @csspart link - The link to the message on the blog.
 * @csspart button - Every button.
 * @csspart error - Why the last action failed.
 */
export class ParleyAdminMessage extends LitElement {
  static override styles = [baseStyles, cardStyles, messageStyles, notesStyles];

  static override properties: PropertyDeclarations = {
    message: { attribute: false },
    list: {},
    threadName: { attribute: false },
    confirming: { type: Boolean },
    busy: { type: Boolean },
    selectable: { type: Boolean },
    selected: { type: Boolean },
    host: { attribute: false },
  };

  /** The message as the server last sent it. */
  declare message: AdminMessage;
  /** The list the card is in, so that its ids are unique in the page. */
  declare list: ListName;
  /** The title (else key) of the message's thread. */
  declare threadName: string;
  /** Delete was clicked once: the button now asks for confirmation. */
  declare confirming: boolean;
  /** An action on the message runs, started from this card or another list's. */
  declare busy: boolean;
  /** The card has a checkbox, for bulk actions. */
  declare selectable: boolean;
  /** Its checkbox is ticked. */
  declare selected: boolean;
  declare host: MessageCardHost;

  #runner = new RowRunner(
    this,
    () => this.host,
    () => this.message.id,
  );

  constructor() {
    super();
    this.confirming = this.busy = this.selectable = this.selected = false;
  }

  #moderate(action: MessageAction, patch: MessagePatch) {
    const before = this.message;
    this.host.confirm(null);
    return this.#runner.run(async (session, signal) => {
      const { message } = await updateMessage(session, before.id, patch, signal);
      this.host.moderated(before, message, action);
    });
  }

  #delete() {
    const before = this.message;
    // Two clicks on the same button: "Delete", then "Confirm delete". No
    // window.confirm: it blocks the page, and cannot be styled or tested.
    if (!this.confirming) return this.host.confirm(before.id);
    this.host.confirm(null);
    return this.#runner.run(async (session, signal) => {
      await deleteMessage(session, before.id, signal);
      this.host.moderated(before, { ...before, status: 'deleted' }, 'delete');
    });
  }

  #onKeydown(e: KeyboardEvent) {
    if (e.key === 'Escape' && this.confirming) this.host.confirm(null);
  }

  /** The buttons the message's status allows. */
  #actions(): Action[] {
    const message = this.message;
    const approve = { status: 'published' } as const;
    const hide: Action = {
      label: strings.hide,
      run: () => this.#moderate('hide', { status: 'hidden' }),
    };
    const reported =
      message.reportCount > 0 && message.status !== 'hidden' && message.status !== 'deleted';
    const actions: Action[] = [];
    if (message.status === 'pending') {
      actions.push(
        {
          label: strings.approve,
          run: () => this.#moderate('approve', approve),
          className: 'primary',
        },
        hide,
      );
    } else if (message.status === 'published' && reported) {
      actions.push(
        { label: strings.keep, run: () => this.#moderate('keep', approve), className: 'primary' },
        hide,
      );
    } else if (message.status === 'published') {
      const highlighted = message.highlighted;
      actions.push(hide, {
        label: strings.highlight,
        run: () =>
          this.#moderate(highlighted ? 'unhighlight' : 'highlight', { highlighted: !highlighted }),
        pressed: highlighted,
        className: 'toggle',
        content: html`<span aria-hidden="true" class="star">${highlighted ? '★' : '☆'}</span>
          ${strings.highlight}`,
      });
    } else if (message.status === 'hidden') {
      actions.push({
        label: strings.restore,
        run: () => this.#moderate('restore', approve),
        className: hiddenByReports(message) ? 'primary' : '',
      });
    } else if (message.status === 'spam') {
      actions.push({ label: strings.approve, run: () => this.#moderate('approve', approve) });
    }
    if (message.status !== 'deleted') {
      actions.push({
        label: this.confirming ? strings.confirmDelete : strings.delete,
        run: () => this.#delete(),
        // A danger look, not a muted one: a muted Delete reads as disabled.
        className: this.confirming ? 'danger solid' : 'danger',
        ...(this.confirming ? { describedBy: `c-${this.list}-${message.id}` } : {}),
      });
      if (this.confirming)
        actions.push({ label: strings.cancel, run: () => this.host.confirm(null) });
    }
    return actions;
  }

  #renderButton(action: Action, author: string) {
    return html`<button
      part="button"
      class=${action.className ?? nothing}
      aria-label=${strings.act(action.label, this.message.id, author)}
      aria-describedby=${action.describedBy ?? nothing}
      aria-pressed=${action.pressed === undefined ? nothing : String(action.pressed)}
      ?disabled=${this.busy}
      @click=${action.run}
    >
      ${action.content ?? action.label}
    </button>`;
  }

  /** The checkbox of bulk actions, named with the message's author. */
  #renderPick(id: string, author: string) {
    // The label around the box is the touch target (44 px on coarse pointers).
    return html`<label class="pick" for="s-${id}">
      <input
        id="s-${id}"
        type="checkbox"
        aria-label=${strings.act(strings.select, this.message.id, author)}
        .checked=${this.selected}
        @change=${(e: Event) =>
          this.host.select(this.message.id, (e.target as HTMLInputElement).checked)}
      /><span class="vh">${strings.select}</span>
    </label>`;
  }

  /**
   * The link to the message on the blog (its thread's page, at its anchor
   * `#parley-<id>`), in a new tab. Only an http(s) thread url becomes a link:
   * it is user input, and could be `javascript:`. Only a published message
   * (reported or not) has a place there: the blog shows no other.
   */
  #renderPlace(author: string) {
    const page = httpUrl(this.message.threadUrl);
    if (!page || this.message.status !== 'published') return nothing;
    page.hash = `parley-${this.message.id}`;
    // One unbreakable piece: the separator never ends a line without its link.
    return html` <span class="place"
      >· <a
        part="link"
        class="target"
        href=${page.href}
        target="_blank"
        rel="noopener noreferrer"
        aria-label=${strings.act(strings.onBlog, this.message.id, author)}
        >${strings.onBlog}</a
      ></span
    >`;
  }

  override render() {
    const message = this.message;
    const busy = this.busy;
    const error = this.#runner.error;
    const id = `${this.list}-${message.id}`;
    const author = message.author.name || strings.deletedAuthor;
    const actions = this.#actions();
    return html`<article
      part="message"
      class="card message ${message.status}"
      data-row="m${message.id}"
      tabindex="-1"
      aria-labelledby="a-${id}"
      aria-busy=${busy ? 'true' : nothing}
      @keydown=${this.#onKeydown}
    >
      <div class="meta">
        ${this.selectable ? this.#renderPick(id, author) : nothing}
        <h3 id="a-${id}" part="author">${author}</h3>
        ${message.author.role === 'owner' ? html`<span part="badge" class="badge owner">${strings.owner}</span>` : nothing}
        <span part="badge" class="badge status-${message.status}">${strings.status[message.status] ?? message.status}</span>
        ${hiddenReasonBadge(message)}
        ${message.reportCount > 0 ? html`<span part="badge" class="badge reported">${strings.reports(message.reportCount)}</span>` : nothing}
        ${
          message.highlighted
            ? html`<span part="badge" class="badge highlighted"><span aria-hidden="true" class="star">★</span> ${strings.highlighted}</span>`
            : nothing
        }
      </div>
      <p class="where muted">
        ${strings.inThread} <span class="thread-name">${this.threadName}</span> ·
        <time datetime=${message.createdAt}>${when(message.createdAt)}</time>${message.editedAt ? ` · ${strings.edited}` : ''}${this.#renderPlace(author)}
      </p>
      ${messageNotes(message, id)}
      <div part="body" class="body" dir="auto" .innerHTML=${message.html}></div>
      ${
        message.body
          ? html`<details part="source">
              <summary>${strings.source}</summary>
              <pre>${message.body}</pre>
            </details>`
          : nothing
      }
      ${
        actions.length
          ? html`<div class="actions" role="group" aria-label=${strings.actionsFor(message.id, author)}>
              ${actions.map((action) => this.#renderButton(action, author))}
            </div>`
          : nothing
      }
      ${
        this.confirming
          ? html`<p id="c-${id}" class="confirm">${strings.deleteConfirm}</p>`
          : nothing
      }
      ${error ? html`<p part="error" role="alert">${error}</p>` : nothing}
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-admin-message': ParleyAdminMessage;
  }
}
