/**
 * Each message's actions in `<parley-thread>` (part of the lazy actions
 * chunk): reply (a box that opens under the message, `reply-form.ts`); edit
 * (in an inline editor that asks before Escape discards a change) and delete
 * (after a confirmation) for the reader's own messages, those whose edit token
 * this browser holds; report for the others' (`report-step.ts`), apart from
 * the rest, so it is no easy mis-tap. Every action is named with its author.
 */
import type { Message } from '@parley/server/wire';
import { html, nothing } from 'lit';
import { deleteMessage, editMessage } from '../api/interactive.js';
import type { Catalog } from '../i18n/en.js';
import { fill } from '../i18n/format.js';
import { forgetEditToken } from '../storage.js';
import { bodyError, discardStep, submitOnCtrlEnter } from './form-fields.js';
import { replaced, withoutMessage } from './message-list.js';
import { ReportStep } from './report-step.js';
import type { ThreadActions } from './thread-actions.js';

/** The inline editor's state. */
interface Editor {
  text: string;
  /** What it opened with: Escape asks before discarding anything else. */
  initial: string;
  /** "Discard your changes?" is asked. */
  discarding: boolean;
  error: string;
  saving: boolean;
  /** Prefilled from the rendered text, not from what the author typed: formatting is lost. */
  plain: boolean;
}

/**
 * The text of a message's HTML, with its paragraphs and list items on lines
 * of their own: what an editor can be prefilled with when the Markdown the
 * author typed is not at hand (the server sends only HTML). Links, emphasis
 * and code marks are lost. Parsed in a document of its own, which is inert:
 * nothing in it runs or loads (and the HTML was sanitized by the server).
 */
function plainText(html: string): string {
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  for (const el of body.querySelectorAll('br')) el.replaceWith('\n');
  for (const el of body.querySelectorAll('li')) el.prepend('- ');
  for (const el of body.querySelectorAll('p,pre,blockquote,h1,h2,h3,h4,h5,h6,ul,ol,li'))
    el.append(el.tagName === 'LI' ? '\n' : '\n\n');
  return (body.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim();
}

export class MessageActions {
  /** The id of the message whose editor is open, if any (the element hides its body meanwhile). */
  editing: number | null = null;

  /** The report step, under the message it reports. */
  readonly report: ReportStep;

  #actions: ThreadActions;
  #edit: Editor = {
    text: '',
    initial: '',
    discarding: false,
    error: '',
    saving: false,
    plain: false,
  };
  /** The message whose delete awaits the reader's confirmation. */
  #confirming: number | null = null;
  /** Messages with a delete or report on the network. */
  #busy = new Set<number>();
  /** A failed delete or report, per message. */
  #failed = new Map<number, string>();
  /** Messages whose edit window has passed (the server said 403). */
  #expired = new Set<number>();

  constructor(actions: ThreadActions) {
    this.#actions = actions;
    this.report = new ReportStep(actions);
  }

  /** A new load (another thread or server, or a retry): the old one's transient state goes. */
  reset() {
    this.editing = this.#confirming = this.report.open = null;
    this.#failed.clear();
  }

  #startEdit(m: Message) {
    const typed = this.#actions.typed.get(m.id);
    const text = typed ?? plainText(m.html);
    this.#edit = {
      text,
      initial: text,
      discarding: false,
      error: '',
      saving: false,
      plain: typed === undefined,
    };
    this.editing = m.id;
    this.#actions.update();
    this.#actions.focus(`#parley-edit-${m.id}`);
  }

  #endEdit() {
    const id = this.editing;
    this.editing = null;
    this.#actions.update();
    this.#actions.focus(`#parley-${id} .edit`, `#parley-${id}`);
  }

  async #save(e: SubmitEvent, id: number) {
    e.preventDefault();
    const actions = this.#actions;
    const host = actions.host;
    const t = actions.t;
    const page = host.page;
    const edit = this.#edit;
    const body = edit.text.trim();
    edit.error = bodyError(t, host.locale, body);
    if (!edit.error) {
      edit.saving = true;
      this.#actions.update();
      try {
        const res = await editMessage(
          page.base,
          id,
          body,
          actions.tokens[id]!,
          new AbortController().signal,
        );
        if (page !== host.page) return;
        const pending = res.status === 'pending';
        if (pending) host.pending.add(id);
        else host.pending.delete(id);
        this.#actions.typed.set(id, body);
        host.messages = replaced(host.messages, res.message);
        host.announce(pending ? t.savedPending : t.saved);
        return this.#endEdit();
      } catch (x) {
        const error = host.fail(x);
        // The draft stays in the open editor whatever went wrong.
        if (error.status === 403) this.#expired.add(id);
        if (error.code === 'thread_closed') actions.closeThread();
        edit.error =
          error.status === 403
            ? t.editExpired
            : ((error.issues.some((i) => i.path === 'body') ? t.bodyInvalid : undefined) ??
              (t.errors as Record<string, string>)[error.code] ??
              t.editFailed);
      } finally {
        edit.saving = false;
        this.#actions.update();
      }
    }
    this.#actions.update();
    this.#actions.focus(`#parley-edit-${id}`);
  }

  #ask(id: number | null, focus: string) {
    const was = this.#confirming;
    this.#confirming = id;
    this.#actions.update();
    this.#actions.focus(`#parley-${id ?? was} ${focus}`);
  }

  async #delete(m: Message) {
    const actions = this.#actions;
    const host = actions.host;
    const t = actions.t;
    const page = host.page;
    const id = m.id;
    this.#busy.add(id);
    this.#actions.update();
    try {
      await deleteMessage(page.base, id, actions.tokens[id]!, new AbortController().signal).catch(
        (e) => {
          // Already gone is what the reader asked for.
          if (e.code !== 'message_not_found') throw e;
        },
      );
      forgetEditToken(page.base, id);
      actions.refresh();
      if (page !== host.page) return;
      host.messages = withoutMessage(host.messages, id);
      // A placeholder stays where it had replies: focus goes back to it.
      const kept = host.messages.some((x) => x.id === id);
      const thread = host.thread;
      if (thread && !host.pending.delete(id))
        host.thread = {
          ...thread,
          messageCount: thread.messageCount - 1,
          highlightCount: thread.highlightCount - (m.highlighted ? 1 : 0),
        };
      actions.forget(id);
      this.#confirming = null;
      host.announce(t.deletedDone);
      this.#actions.focus(kept ? `#parley-${id}` : '[part~=thread]');
    } catch (e) {
      host.fail(e);
      this.#failed.set(id, t.deleteFailed);
      this.#actions.focus(`#parley-${id} .confirm`);
    } finally {
      this.#busy.delete(id);
      this.#actions.update();
    }
  }

  /**
   * A message's actions (or its editor, or the delete confirmation) under its
   * body, then what opened from them: the reply box, the report step, the
   * confirmation of a post, a failure.
   */
  render(m: Message, opening: boolean) {
    const actions = this.#actions;
    const t = actions.t;
    const id = m.id;
    const name = m.author.name;
    const closed = actions.host.thread?.status === 'closed';
    const own = id in actions.tokens;
    const busy = this.#busy.has(id);
    const failed = this.#failed.get(id);
    const note = actions.note;
    if (this.editing === id) return this.#editor(id, t);
    const link = (label: string, cls: string, onClick: () => void, named?: string) =>
      html`<button
        part="button"
        class="link ${cls}"
        aria-label=${named ?? nothing}
        ?disabled=${busy}
        @click=${onClick}
      >
        ${label}
      </button>`;
    // Not on one's own messages, nor the owner's, nor for the owner (who moderates in /admin).
    const reportable = !own && m.author.role !== 'owner' && !actions.ownerKey;
    const items =
      this.#confirming === id
        ? [
            html`<span id="parley-q-${id}">${t.deleteQuestion}</span>`,
            link(t.confirm, 'confirm', () => this.#delete(m)),
            link(t.cancel, 'cancel', () => this.#ask(null, '.delete')),
          ]
        : [
            closed || opening
              ? nothing
              : // A kept draft whose box is closed (after a reload, say) is offered back.
                actions.drafted.has(id) && actions.inline?.parent?.id !== id
                ? link(
                    t.continueReply,
                    'reply',
                    () => actions.openReply(m),
                    fill(t.continueReplyTo, { name }),
                  )
                : link(t.reply, 'reply', () => actions.openReply(m), fill(t.replyTo, { name })),
            own && !closed && !this.#expired.has(id)
              ? link(t.edit, 'edit', () => this.#startEdit(m), t.editLabel)
              : nothing,
            own
              ? link(t.delete, 'delete', () => this.#ask(id, '.cancel'), t.deleteAction)
              : nothing,
            // At the far end of the row, away from Reply: reporting is no easy mis-tap.
            !reportable
              ? nothing
              : actions.reported.includes(id)
                ? html`<span class="done end">${t.reported}</span>`
                : html`<button
                    part="button"
                    class="link report end"
                    aria-label=${fill(t.reportLabel, { name })}
                    aria-expanded=${this.report.open === id}
                    ?disabled=${busy}
                    @click=${() => this.report.start(id)}
                  >
                    ${t.report}
                  </button>`,
          ];
    return html`<div
        part="actions"
        class="actions"
        role=${this.#confirming === id ? 'group' : nothing}
        aria-labelledby=${this.#confirming === id ? `parley-q-${id}` : nothing}
        @keydown=${(e: KeyboardEvent) => {
          if (e.key === 'Escape' && this.#confirming === id) this.#ask(null, '.delete');
        }}
      >
        ${items}
      </div>
      ${actions.inline?.parent?.id === id ? actions.inline.render(false) : nothing}
      ${this.report.render(m)}
      ${note?.id === id ? html`<p part="confirmation" class="confirmation">${note.text}</p>` : nothing}
      ${failed ? html`<p part="error" role="alert">${failed}</p>` : nothing}`;
  }

  #editor(id: number, t: Catalog) {
    const edit = this.#edit;
    const described = [edit.error && 'parley-edit-error', edit.plain && 'parley-edit-hint']
      .filter(Boolean)
      .join(' ');
    return html`<form
      part="editor"
      class="editor"
      novalidate
      @submit=${(e: SubmitEvent) => this.#save(e, id)}
      @keydown=${this.#onEditorKeydown}
    >
      <label for="parley-edit-${id}">${t.editLabel}</label>
      <textarea
        id="parley-edit-${id}"
        part="textarea"
        required
        aria-invalid=${edit.error ? 'true' : nothing}
        aria-describedby=${described || nothing}
        .value=${edit.text}
        @input=${(e: Event) => {
          edit.text = (e.target as HTMLTextAreaElement).value;
        }}
      ></textarea>
      ${edit.plain ? html`<p id="parley-edit-hint" class="help">${t.editPlain}</p>` : nothing}
      ${edit.error ? html`<p id="parley-edit-error" part="error" role="alert">${edit.error}</p>` : nothing}
      ${
        edit.discarding
          ? discardStep(t, `parley-edit-${id}`, () => this.#endEdit(), this.#keepEditing)
          : html`<div class="buttons">
              ${
                this.#expired.has(id)
                  ? nothing
                  : html`<button part="button" class="primary" ?disabled=${edit.saving}>
                      ${edit.saving ? t.saving : t.save}
                    </button>`
              }
              <button type="button" part="button" @click=${() => this.#endEdit()}>${t.cancel}</button>
            </div>`
      }
    </form>`;
  }

  #onEditorKeydown = (e: KeyboardEvent) => {
    submitOnCtrlEnter(e);
    if (e.key !== 'Escape') return;
    // Escape leaves an unchanged editor at once, and asks before throwing a change away.
    e.preventDefault();
    const edit = this.#edit;
    if (edit.discarding) this.#keepEditing();
    else if (edit.text !== edit.initial) {
      edit.discarding = true;
      this.#actions.update();
      this.#actions.focus(`#parley-edit-${this.editing}-keep`);
    } else this.#endEdit();
  };

  #keepEditing = () => {
    this.#edit.discarding = false;
    this.#actions.update();
    this.#actions.focus(`#parley-edit-${this.editing}`);
  };
}
