/**
 * A reply form of `<parley-thread>` (part of the lazy actions chunk): the main
 * one at the end of the thread (`#parley-form`, top-level replies) or the box
 * that opens in place under the message it answers. The reader's name
 * (remembered) and message, checked as the server will, kept as a draft per
 * thread on this browser, the honeypot, the proof of work solved while the
 * reader types, posting as the site owner, a rate limit's countdown, reply
 * mail when the server sends it (`reply-mail.ts`), and what a post changes on
 * screen (the new message revealed, the counts).
 */
import type { Message } from '@parley/server/wire';
import { html, nothing } from 'lit';
import { ApiError } from '../api/client.js';
import { postMessage } from '../api/interactive.js';
import { retryAfter } from '../api/retry-after.js';
import { fill, plural } from '../i18n/format.js';
import { loadDraft, NAME_KEY, save, saveDraft, saveEditToken } from '../storage.js';
import {
  bodyError,
  discardStep,
  fieldHelp,
  MAX_BODY,
  MAX_NAME,
  nameInvalid,
  submitOnCtrlEnter,
  waitNote,
} from './form-fields.js';
import { forgetOwnerKey } from './owner-key.js';
import type { PageFacts } from './page.js';
import {
  emailError,
  mailFields,
  rememberedMail,
  rememberMail,
  replyMailOff,
  replyMailOn,
} from './reply-mail.js';
import type { ThreadActions } from './thread-actions.js';

type FieldErrors = { author?: string; body?: string; email?: string };

export class ReplyForm {
  /** The message this box answers; null for the main form at the end of the thread. */
  readonly parent: Message | null;
  /** What the reader wrote; kept as this thread's draft on every change. */
  body: string;

  #actions: ThreadActions;
  /** The load this form belongs to: its draft is that thread's. */
  #page: PageFacts;
  /** Prefix of the form's ids: `parley` (so the main form's fields are `#parley-body`, ...) or `parley-r<id>`. */
  #p: string;
  /** The honeypot: people never see it, so only a bot fills it. */
  #website = '';
  #errors: FieldErrors = {};
  #formError = '';
  #sending = false;
  /** After a post found the thread closed, the form stays so its draft is not lost. */
  #keepWhenClosed = false;
  /** Escape was pressed on a draft: "Discard your changes?" is asked. */
  #discarding = false;
  /**
   * "Mail me replies" is ticked. Never ticked for the reader: consent to
   * mail is given each time, only the address is remembered.
   */
  #notify = false;

  constructor(actions: ThreadActions, parent: Message | null) {
    this.#actions = actions;
    this.parent = parent;
    this.#page = actions.host.page;
    this.#p = parent ? `parley-r${parent.id}` : 'parley';
    this.body = loadDraft(this.#page.base, this.#page.key, this.#slot);
  }

  /** Where its draft is kept: 0 for the main form, else the id of the message answered. */
  get #slot() {
    return this.parent?.id ?? 0;
  }

  /** The id of the form's message field, for focusing it. */
  get field() {
    return `#${this.#p}-body`;
  }

  /** Keeps `text` as this form's draft; a reply box's Reply button says so while one is kept. */
  #saveDraft(text: string) {
    const page = this.#page;
    saveDraft(page.base, page.key, this.#slot, text);
    if (page !== this.#actions.host.page || !this.parent) return;
    const drafted = this.#actions.drafted;
    if (text.trim()) drafted.add(this.#slot);
    else drafted.delete(this.#slot);
  }

  /** Says `text` in the form's alert. */
  showError(text: string) {
    this.#formError = text;
  }

  #stopOwner = () => {
    const actions = this.#actions;
    forgetOwnerKey(actions.host.page.base);
    actions.refresh();
    actions.host.announce(actions.t.ownerStopped);
    actions.update();
    actions.focus(this.field);
  };

  #onInput = (e: Event) => {
    const field = e.target as HTMLInputElement;
    const actions = this.#actions;
    if (field.id === `${this.#p}-author`) {
      actions.name = field.value;
      save(NAME_KEY, field.value);
    } else if (field.id === `${this.#p}-website`) this.#website = field.value;
    else if (field.id === `${this.#p}-email`) {
      actions.email = field.value;
      const base = this.#page.base;
      const kept = rememberedMail(base);
      // The field is how the address is forgotten: emptied, this browser keeps none.
      if (!field.value) rememberMail(base, undefined);
      // The key was given for the remembered address only: another one must not carry it.
      else if (kept?.mailKey && field.value.trim() !== kept.email)
        rememberMail(base, { email: kept.email });
    } else if (field.id === `${this.#p}-notify`) {
      this.#notify = field.checked;
      // Unticked, the field goes, and its error with it: no address is asked for or sent.
      if (!field.checked) this.#errors = { ...this.#errors, email: '' };
    } else if (field.id === `${this.#p}-body`) {
      this.body = field.value;
      this.#saveDraft(this.body);
    }
    this.#warm();
    actions.askMail();
    actions.update();
  };

  /** A reader in the form may write: time to know whether to offer reply mail. */
  #onFocusin = () => this.#actions.askMail();

  /**
   * Escape closes a reply box at once when it is empty, and asks first when
   * it holds text (the main form ignores it: a stray key must not drop a draft).
   */
  #onKeydown = (e: KeyboardEvent) => {
    submitOnCtrlEnter(e);
    if (e.key !== 'Escape' || !this.parent) return;
    e.preventDefault();
    if (this.#discarding) this.#keep();
    else if (this.body.trim()) {
      this.#discarding = true;
      this.#actions.update();
      this.#actions.focus(`#${this.#p}-keep`);
    } else this.#actions.closeReply();
  };

  #keep = () => {
    this.#discarding = false;
    this.#actions.update();
    this.#actions.focus(this.field);
  };

  #discard = () => {
    this.#saveDraft('');
    this.#actions.closeReply();
  };

  /**
   * The reader is typing: start on the next post's proof of work (the owner's
   * posts need none). Not on focus: focus comes back to the form after each
   * post, and a reader who is done should not fetch another challenge.
   */
  #warm = () => {
    if (!this.#actions.ownerKey) this.#actions.proof.warm(this.#page.base);
  };

  #onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    const actions = this.#actions;
    const host = actions.host;
    const t = actions.t;
    const page = this.#page;
    if (this.#sending || actions.cooldowns.left('post')) return;
    const author = actions.name.trim();
    const body = this.body.trim();
    const errors: FieldErrors = {};
    if (!author) errors.author = t.nameRequired;
    else if ([...author].length > MAX_NAME) errors.author = nameInvalid(t, host.locale);
    const bodyProblem = bodyError(t, host.locale, body);
    if (bodyProblem) errors.body = bodyProblem;
    // Reply mail only when offered and ticked; otherwise no address is sent at all.
    const mail = this.#notify && replyMailOn(page.base);
    const email = actions.email.trim();
    const kept = rememberedMail(page.base);
    // The device's key for the address, only with the address it was given for.
    const mailKey = mail && kept?.email === email ? kept.mailKey : undefined;
    if (mail) {
      const field = host.el.renderRoot.querySelector<HTMLInputElement>(`#${this.#p}-email`);
      const mailProblem = email ? emailError(t, field) : t.emailRequired;
      if (mailProblem) errors.email = mailProblem;
    }
    this.#errors = errors;
    this.#formError = '';
    host.announce('');
    actions.update();
    if (errors.author || errors.body || errors.email) return this.#focusField();
    save(NAME_KEY, author);
    this.#sending = true;
    // The draft as the post takes it: a form made from it meanwhile is emptied once it is posted.
    const sent = this.body;
    const title = page.title;
    const url = page.url;
    const owner = actions.ownerKey;
    const proof = actions.proof;
    const send = async () => {
      const altcha = owner ? undefined : await proof.take(page.base);
      return postMessage(
        page.base,
        page.key,
        {
          author,
          body,
          parentId: this.parent?.id,
          thread: { ...(title ? { title } : {}), url },
          website: this.#website,
          ...(mail ? { email, notifyReplies: true, ...(mailKey ? { mailKey } : {}) } : {}),
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
        proof.reset();
        return send();
      });
      const m = res.message;
      saveEditToken(page.base, m.id, res.editToken);
      // Remembered only now: the reader asked for mail and the server took the address
      // (with the key it gave this device for it; an older server gives none).
      if (mail)
        rememberMail(page.base, { email, ...(res.mailKey ? { mailKey: res.mailKey } : {}) });
      // Posted: the draft has done its work, whatever is on screen now.
      this.#saveDraft('');
      this.#forgetCopies(sent);
      actions.refresh();
      if (page !== host.page) return;
      this.#posted(m, res.status === 'pending', body, mail ? res.replyMail : undefined);
      return;
    } catch (e) {
      this.#failed(host.fail(e), errors);
    } finally {
      this.#sending = false;
      actions.update();
    }
    this.#focusField();
  };

  /**
   * A form for the same draft made while this one posted (the thread
   * reloaded in another order, or this box closed and opened again) was
   * filled from the draft not yet cleared: emptied, so the posted text is not
   * offered again, unless the reader has changed it since.
   */
  #forgetCopies(sent: string) {
    const actions = this.#actions;
    const now = this.parent ? actions.inline : actions.main;
    if (
      now &&
      now !== this &&
      now.#slot === this.#slot &&
      now.#page.base === this.#page.base &&
      now.#page.key === this.#page.key &&
      now.body === sent
    )
      now.body = '';
  }

  /**
   * What a post accepted changes on screen: the message revealed in its
   * place, the counts, the confirmation (with a word on reply mail when it
   * asked for it: `on`, replies are mailed; `confirming`, the address must
   * be confirmed from the mail just sent; nothing when an older server did
   * not say).
   */
  #posted(m: Message, pending: boolean, body: string, mail: 'on' | 'confirming' | undefined) {
    const actions = this.#actions;
    const host = actions.host;
    const t = actions.t;
    // Pending: shown to its author only, marked, and not counted (the server does not count it either).
    if (pending) host.pending.add(m.id);
    actions.typed.set(m.id, body);
    // Live updates may have brought it (and counted it) before this answer did.
    const live = host.messages.some((x) => x.id === m.id);
    host.add(m);
    host.reveal(m.id);
    const thread = host.thread ?? {
      key: this.#page.key,
      title: this.#page.title || null,
      summary: null,
      summarySource: null,
      url: this.#page.url,
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
    this.body = '';
    const mailSaid = mail === 'on' ? t.mailOn : mail === 'confirming' ? t.mailConfirm : '';
    const said = `${pending ? t.postedPending : t.posted}${mailSaid ? ` ${mailSaid}` : ''}`;
    host.announce(said);
    actions.confirm(m.id, said);
    host.emit('parley-message-posted', { message: m, status: pending ? 'pending' : 'published' });
    // A reply box closes with focus on the new message; the main form keeps it,
    // ready for more, without scrolling back from the message just revealed.
    // A box the reader left for another one meanwhile is closed already: the
    // one open now, and focus in it, are theirs.
    if (!this.parent) actions.focus({ preventScroll: true }, this.field);
    else if (actions.inline === this) actions.closeReply(`#parley-${m.id}`);
  }

  /** Says why a post failed, keeping the draft on screen. */
  #failed(error: ApiError, errors: FieldErrors) {
    const actions = this.#actions;
    const t = actions.t;
    const page = this.#page;
    const wait = error.code === 'rate_limited' && retryAfter(error);
    if (actions.ownerKey && error.status === 401) {
      // A revoked or mistyped key: forgotten, so the next try posts as a reader.
      forgetOwnerKey(page.base);
      actions.refresh();
      this.#formError = t.ownerRefused;
    } else if (wait) {
      // Said once, politely; the countdown under the form is not a live region.
      actions.cooldowns.start('post', wait);
      actions.host.announce(`${t.postTooQuick} ${plural(actions.host.locale, t.waitFor, wait)}`);
    } else {
      const rest: string[] = [];
      let mailOff = false;
      for (const issue of error.issues) {
        // In the widget's words, in the reader's language: the server's are a developer's, in English.
        if (issue.path === 'author') errors.author = nameInvalid(t, actions.host.locale);
        else if (issue.path === 'body') errors.body = t.bodyInvalid;
        // In the widget's words, the ones its own check uses: the server's ("must be an
        // email address") reads as a developer's message.
        else if (issue.path === 'email') errors.email = t.emailInvalid;
        // The address is always sent with it, so only the server's mail being off refuses it.
        else if (issue.path === 'notifyReplies') mailOff = true;
        else rest.push(t.postFailed);
      }
      if (mailOff) {
        replyMailOff(page.base);
        this.#notify = false;
      }
      this.#errors = { ...errors };
      this.#formError = mailOff
        ? t.mailOff
        : ((t.errors as Record<string, string>)[error.code] ??
          (error.status === 0 || error.status >= 500
            ? t.offline
            : rest[0] || (error.issues.length ? '' : t.postFailed)));
    }
    if (error.code === 'thread_closed') {
      // Closed meanwhile: say so in the status line, but keep the form and its draft on screen.
      this.#keepWhenClosed = true;
      actions.closeThread();
    }
  }

  /** Keeps focus in the form: on the first invalid field, else the message. */
  #focusField() {
    const { author, body, email } = this.#errors;
    const p = this.#p;
    this.#actions.focus(author ? `#${p}-author` : email && !body ? `#${p}-email` : this.field);
  }

  /** The form; in a closed thread, only while it holds a draft the server refused. */
  render(closed: boolean) {
    if (closed && !this.#keepWhenClosed) return nothing;
    const actions = this.#actions;
    const t = actions.t;
    const locale = actions.host.locale;
    const p = this.#p;
    const parent = this.parent;
    const errors = this.#errors;
    const length = [...this.body].length;
    const wait = actions.cooldowns.left('post');
    const invalid = (e?: string) => (e ? 'true' : nothing);
    // The honeypot (`website`) is hidden from people (`hidden`: no CSS a strict
    // CSP could block), from assistive technology (`aria-hidden`, `inert`), from
    // the keyboard and from autofill; a bot that fills every field fills it too,
    // and the server keeps its post as spam.
    return html`<form
      id=${parent ? nothing : 'parley-form'}
      part=${parent ? 'form reply' : 'form'}
      class=${parent ? 'reply-box' : nothing}
      aria-labelledby=${parent ? `${p}-title` : 'parley-form-title'}
      novalidate
      @submit=${this.#onSubmit}
      @input=${this.#onInput}
      @focusin=${this.#onFocusin}
      @keydown=${this.#onKeydown}
    >
      ${
        parent
          ? html`<p id="${p}-title" class="replying">${fill(t.replyTo, { name: parent.author.name })}</p>`
          : html`<h3 id="parley-form-title">${t.formTitle}</h3>`
      }
      ${
        actions.ownerKey
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
      <div hidden aria-hidden="true" inert>
        <label for="${p}-website">Website</label>
        <input id="${p}-website" name="website" tabindex="-1" autocomplete="off" .value=${this.#website} />
      </div>
      <div class="field">
        <label for="${p}-author">${t.name}</label>
        <input
          id="${p}-author"
          part="input"
          autocomplete="name"
          required
          aria-invalid=${invalid(errors.author)}
          aria-describedby=${errors.author ? `${p}-author-error` : nothing}
          .value=${actions.name}
        />
        ${errors.author ? html`<p id="${p}-author-error" part="error">${errors.author}</p>` : nothing}
      </div>
      <div class="field">
        <label for="${p}-body">${t.message}</label>
        <textarea
          id="${p}-body"
          part="textarea"
          required
          aria-invalid=${invalid(errors.body)}
          aria-describedby="${errors.body ? `${p}-body-error ` : ''}${p}-hint ${p}-count"
          .value=${this.body}
        ></textarea>
        ${errors.body ? html`<p id="${p}-body-error" part="error">${errors.body}</p>` : nothing}
        ${fieldHelp(t, locale, p, t.hint, length, MAX_BODY)}
      </div>
      ${
        replyMailOn(this.#page.base)
          ? mailFields(
              t,
              p,
              actions.email,
              this.#notify,
              this.#notify && rememberedMail(this.#page.base) !== undefined,
              errors.email,
            )
          : nothing
      }
      ${
        wait
          ? waitNote(t, locale, p, t.postTooQuick, wait)
          : this.#formError
            ? html`<p part="error" role="alert">${this.#formError}</p>`
            : nothing
      }
      ${
        this.#discarding
          ? discardStep(t, p, this.#discard, this.#keep)
          : html`<div class="buttons">
              <button
                part="button"
                class="primary"
                ?disabled=${this.#sending || wait > 0}
                aria-describedby=${wait ? `${p}-wait` : nothing}
              >
                ${this.#sending ? t.posting : t.post}
              </button>
              ${
                parent
                  ? html`<button type="button" part="button" @click=${() => actions.closeReply()}>
                      ${t.cancel}
                    </button>`
                  : nothing
              }
            </div>`
      }
    </form>`;
  }
}
