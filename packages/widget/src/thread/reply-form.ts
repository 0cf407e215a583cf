/**
 * The reply form of `<parley-thread>` (part of the lazy actions chunk): the
 * reader's name (remembered) and message, checked as the server will, the
 * honeypot, the proof of work solved while the reader types, posting as the
 * site owner, and what a post changes on screen (the new message, the counts).
 */
import type { Message } from '@parley/server/wire';
import { html, nothing } from 'lit';
import { ApiError } from '../api/client.js';
import { postMessage } from '../api/interactive.js';
import { fill, num } from '../i18n/format.js';
import { load, NAME_KEY, save, saveEditToken } from '../storage.js';
import { bodyError, MAX_BODY, submitOnCtrlEnter } from './form-fields.js';

import { forgetOwnerKey } from './owner-key.js';
import { PostProof } from './post-proof.js';
import type { ThreadActions } from './thread-actions.js';

type FieldErrors = { author?: string; body?: string };

export class ReplyForm {
  #actions: ThreadActions;
  #name: string;
  #body = '';
  /** The honeypot: people never see it, so only a bot fills it. */
  #website = '';
  /** The proof of work for the next post, solved while the reader types. */
  #proof = new PostProof();
  #replyTo: Message | null = null;
  #errors: FieldErrors = {};
  #formError = '';
  #sending = false;
  /** After a post found the thread closed, the form stays so its draft is not lost. */
  #keepWhenClosed = false;

  constructor(actions: ThreadActions) {
    this.#actions = actions;
    this.#name = load(NAME_KEY, '');
  }

  /** A new load (another thread or server, or a retry): the old one's transient state goes. */
  reset() {
    this.#replyTo = null;
    this.#keepWhenClosed = false;
  }

  /** Says `text` in the form's alert. */
  showError(text: string) {
    this.#formError = text;
  }

  /** Makes the form a reply to `m` (or, with null, a new message) and focuses it. */
  replyTo(m: Message | null) {
    this.#replyTo = m;
    this.#actions.update();
    this.#actions.focus('#parley-body');
  }

  /** A message deleted: the form no longer replies to it. */
  forget(id: number) {
    if (this.#replyTo?.id === id) this.#replyTo = null;
  }

  #stopOwner = () => {
    const actions = this.#actions;
    forgetOwnerKey(actions.host.page.base);
    actions.refresh();
    actions.host.announce(actions.t.ownerStopped);
    actions.update();
    actions.focus('#parley-body');
  };

  #onInput = (e: Event) => {
    const field = e.target as HTMLInputElement;
    if (field.id === 'parley-author') this.#name = field.value;
    else if (field.id === 'parley-website') this.#website = field.value;
    else this.#body = field.value;
    this.#warm();
    this.#actions.update();
  };

  /**
   * The reader is typing: start on the next post's proof of work (the owner's
   * posts need none). Not on focus: focus comes back to the form after each
   * post, and a reader who is done should not fetch another challenge.
   */
  #warm = () => {
    if (!this.#actions.ownerKey) this.#proof.warm(this.#actions.host.page.base);
  };

  #onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    const actions = this.#actions;
    const host = actions.host;
    const t = actions.t;
    const page = host.page;
    const author = this.#name.trim();
    const body = this.#body.trim();
    const errors: FieldErrors = {};
    if (!author) errors.author = t.nameRequired;
    const bodyProblem = bodyError(t, host.locale, body);
    if (bodyProblem) errors.body = bodyProblem;
    this.#errors = errors;
    this.#formError = '';
    host.announce('');
    actions.update();
    if (errors.author || errors.body) return this.#focusField();
    save(NAME_KEY, author);
    this.#sending = true;
    const title = page.title;
    const url = page.url;
    const owner = actions.ownerKey;
    const send = async () => {
      const altcha = owner ? undefined : await this.#proof.take(page.base);
      return postMessage(
        page.base,
        page.key,
        {
          author,
          body,
          parentId: this.#replyTo?.id,
          thread: { ...(title ? { title } : {}), url },
          website: this.#website,
          ...(altcha ? { altcha } : {}),
        },
        // Not the load's signal: a post must not be lost to a re-key; its answer is then ignored.
        new AbortController().signal,
        // The owner's key goes only to the server it was stored for.
        owner,
      );
    };
    try {
      const res = await send().catch((e) => {
        // The proof was refused (expired, or the server just turned proof of work
        // on): solve a fresh challenge and try once more.
        if (!(e instanceof ApiError && e.code === 'challenge_required')) throw e;
        this.#proof.reset();
        return send();
      });
      const m = res.message;
      saveEditToken(page.base, m.id, res.editToken);
      actions.refresh();
      if (page !== host.page) return;
      // Pending: shown to its author only, marked, and not counted (the server does not count it either).
      const pending = res.status === 'pending';
      if (pending) host.pending.add(m.id);
      actions.typed.set(m.id, body);
      // Live updates may have brought it (and counted it) before this answer did.
      const live = host.messages.some((x) => x.id === m.id);
      host.add(m);
      host.reveal(m.id);
      const thread = host.thread ?? {
        key: page.key,
        title: title || null,
        summary: null,
        url,
        status: 'open',
        messageCount: 0,
        highlightCount: 0,
        createdAt: m.createdAt,
        lastActivityAt: m.createdAt,
      };
      host.thread =
        pending || live
          ? thread
          : { ...thread, messageCount: thread.messageCount + 1, lastActivityAt: m.createdAt };
      this.#body = '';
      this.#replyTo = null;
      host.announce(pending ? t.postedPending : t.posted);
      host.emit('parley-message-posted', { message: m, status: res.status ?? 'published' });
    } catch (e) {
      const error = host.fail(e);
      if (owner && error.status === 401) {
        // A revoked or mistyped key: forgotten, so the next try posts as a reader.
        forgetOwnerKey(page.base);
        actions.refresh();
        this.#formError = t.ownerRefused;
      } else {
        const rest: string[] = [];
        for (const issue of error.issues) {
          if (issue.path === 'author' || issue.path === 'body') errors[issue.path] = issue.message;
          else rest.push(issue.message);
        }
        this.#errors = { ...errors };
        this.#formError =
          t.errors[error.code] ??
          (error.status === 0 || error.status >= 500
            ? t.offline
            : rest.join(' ') || (error.issues.length ? '' : t.postFailed));
      }
      if (error.code === 'thread_closed') {
        // Closed meanwhile: say so in the status line, but keep the form and its draft on screen.
        this.#keepWhenClosed = true;
        actions.closeThread();
      }
    } finally {
      this.#sending = false;
      actions.update();
    }
    this.#focusField();
  };

  /** Keeps focus in the form: on the first invalid field, else the message. */
  #focusField() {
    this.#actions.focus(this.#errors.author ? '#parley-author' : '#parley-body');
  }

  /** The reply form; in a closed thread, only while it holds a draft the server refused. */
  render(closed: boolean) {
    if (closed && !this.#keepWhenClosed) return nothing;
    const t = this.#actions.t;
    const locale = this.#actions.host.locale;
    const errors = this.#errors;
    const length = [...this.#body].length;
    const invalid = (e?: string) => (e ? 'true' : nothing);
    // The honeypot (`website`) is hidden from people (`hidden`: no CSS a strict
    // CSP could block), from assistive technology (`aria-hidden`, `inert`), from
    // the keyboard and from autofill; a bot that fills every field fills it too,
    // and the server keeps its post as spam.
    return html`<form
      id="parley-form"
      part="form"
      aria-labelledby="parley-form-title"
      novalidate
      @submit=${this.#onSubmit}
      @input=${this.#onInput}
      @keydown=${submitOnCtrlEnter}
    >
      <h3 id="parley-form-title">${t.formTitle}</h3>
      ${
        this.#actions.ownerKey
          ? html`<p class="replying">
              ${t.asOwner}
              <button
                type="button"
                part="button"
                class="link"
                aria-label=${t.stopOwnerLabel}
                @click=${this.#stopOwner}
              >
                ${t.stopOwner}
              </button>
            </p>`
          : nothing
      }
      ${
        this.#replyTo
          ? html`<p class="replying">
              ${fill(t.replyingTo, { name: this.#replyTo.author.name })}
              <button type="button" part="button" class="link" @click=${() => this.replyTo(null)}>
                ${t.cancelReply}
              </button>
            </p>`
          : nothing
      }
      <div hidden aria-hidden="true" inert>
        <label for="parley-website">Website</label>
        <input
          id="parley-website"
          name="website"
          tabindex="-1"
          autocomplete="off"
          .value=${this.#website}
        />
      </div>
      <div class="field">
        <label for="parley-author">${t.name}</label>
        <input
          id="parley-author"
          part="input"
          autocomplete="name"
          required
          aria-invalid=${invalid(errors.author)}
          aria-describedby=${errors.author ? 'parley-author-error' : nothing}
          .value=${this.#name}
        />
        ${errors.author ? html`<p id="parley-author-error" part="error">${errors.author}</p>` : nothing}
      </div>
      <div class="field">
        <label for="parley-body">${t.message}</label>
        <textarea
          id="parley-body"
          part="textarea"
          required
          aria-invalid=${invalid(errors.body)}
          aria-describedby="${errors.body ? 'parley-body-error ' : ''}parley-hint parley-count"
          .value=${this.#body}
        ></textarea>
        ${errors.body ? html`<p id="parley-body-error" part="error">${errors.body}</p>` : nothing}
        <div class="help">
          <span id="parley-hint">${t.hint}</span>
          <span id="parley-count" class=${length > MAX_BODY ? 'over' : ''}
            >${fill(t.counter, { n: num(locale, length), max: num(locale, MAX_BODY) })}</span
          >
        </div>
      </div>
      ${this.#formError ? html`<p part="error" role="alert">${this.#formError}</p>` : nothing}
      <button part="button" class="primary" ?disabled=${this.#sending}>
        ${this.#sending ? t.posting : t.post}
      </button>
    </form>`;
  }
}
