/**
 * The interactive part of `<parley-thread>`, loaded as a chunk of its own
 * (`/widget/thread-actions-<hash>.js`) right after the thread is first on
 * screen, so `/widget.js` carries only what reading needs. It imports Lit from
 * `/widget.js` (one Lit per page) and talks to the element only through
 * {@link ActionsHost}.
 *
 * It renders the reply form and each message's actions: reply; edit and delete
 * for the reader's own messages (those whose edit token this browser holds);
 * report for the others'; and posting as the site owner after the owner opened
 * the page through a `#parley-owner=<owner key>` link made in /admin.
 */

import type { Message } from '@parley/server/wire';
import { html, nothing, type ReactiveController } from 'lit';
import { ApiError, deleteMessage, editMessage, postMessage, reportMessage } from '../api/client.js';
import type { Catalog } from '../i18n/en.js';
import { withActions } from '../i18n/en-actions.js';
import { fill, num } from '../i18n/format.js';
import {
  forgetEditToken,
  load,
  loadFor,
  NAME_KEY,
  OWNER_KEY,
  REPORTED_KEY,
  save,
  saveEditToken,
  saveFor,
  TOKENS_KEY,
} from '../storage.js';
import type { ActionsHost, Site } from './actions-host.js';
import { newestIndex, replaced, withoutMessage } from './message-list.js';
import { canonicalUrl } from './parley-thread.js';
import { PostProof } from './post-proof.js';

/**
 * Whether `value` is an owner-posting key (`pok_` and a random part), as /admin
 * issues them. Anything else in the owner's slot is refused, above all the
 * admin token: every script on the blog's origin can read its localStorage.
 */
const isOwnerKey = (value: unknown): value is string =>
  typeof value === 'string' && /^pok_[\w-]{16,200}$/.test(value);

/**
 * The owner key stored for the server at `base`. Whatever else is stored in
 * the owner's slot, for any server, is deleted: before owner keys, it held the
 * admin token.
 */
function ownerKeyFor(base: string): string | undefined {
  const all = load<unknown>(OWNER_KEY, {});
  const stored = all && typeof all === 'object' ? Object.entries(all) : [];
  const keys = stored.filter(([, value]) => isOwnerKey(value));
  if (keys.length !== stored.length || (all && typeof all !== 'object'))
    save(OWNER_KEY, Object.fromEntries(keys));
  return Object.fromEntries(keys)[base];
}

/** The server counts message length in code points, as `[...s].length` does. */
const MAX_BODY = 10_000;

type FieldErrors = { author?: string; body?: string };

/** The inline editor's state. */
interface Editor {
  text: string;
  error: string;
  saving: boolean;
  /** Prefilled from the rendered text, not from what the author typed: formatting is lost. */
  plain: boolean;
}

/** `body` checked as the server will: an error message, or ''. */
const bodyError = (t: Catalog, locale: string, body: string) =>
  !body
    ? t.bodyRequired
    : [...body].length > MAX_BODY
      ? fill(t.bodyTooLong, { max: num(locale, MAX_BODY) })
      : '';

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

/**
 * Holds the form's and the actions' state and renders them into the element's
 * template. Created by the element when the chunk arrives; it registers itself
 * as a Lit controller of the element.
 */
export class ThreadActions implements ReactiveController {
  /** The id of the message whose editor is open, if any (the element hides its body meanwhile). */
  editing: number | null = null;

  #h: ActionsHost;
  #site?: Site;
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
  #keep = false;
  #edit: Editor = { text: '', error: '', saving: false, plain: false };
  #confirming: number | null = null;
  /** Messages with a delete or report on the network. */
  #busy = new Set<number>();
  /** A failed delete or report, per message. */
  #failed = new Map<number, string>();
  /** Messages whose edit window has passed (the server said 403). */
  #expired = new Set<number>();
  /**
   * What this reader typed, per message, this session: the server sends back
   * only the rendered HTML, so an edit is prefilled from here when it can be.
   */
  #sources = new Map<number, string>();
  #tokens: Record<string, string> = {};
  #reported: number[] = [];
  #owner?: string;

  constructor(host: ActionsHost) {
    this.#h = host;
    this.#name = load(NAME_KEY, '');
    host.el.addController(this);
  }

  hostConnected() {
    addEventListener('hashchange', this.#takeOwnerKey);
  }

  hostDisconnected() {
    removeEventListener('hashchange', this.#takeOwnerKey);
  }

  hostUpdate() {
    const site = this.#h.site;
    if (site && site !== this.#site) {
      // A new load (another thread or server, or a retry): the old one's transient state goes.
      this.#site = site;
      this.#replyTo = this.editing = this.#confirming = null;
      this.#keep = false;
      this.#failed.clear();
      this.#refresh();
      this.#takeOwnerKey();
    }
  }

  get #t(): Catalog {
    return withActions(this.#h.t);
  }

  #update() {
    this.#h.el.requestUpdate();
  }

  /** Rereads what this browser holds for the current server. */
  #refresh() {
    const base = this.#site!.base;
    this.#tokens = loadFor(TOKENS_KEY, base) ?? {};
    this.#reported = loadFor(REPORTED_KEY, base) ?? [];
    this.#owner = ownerKeyFor(base);
  }

  /**
   * Takes the site owner's posting key from a `#parley-owner=<key>` link.
   * Why the fragment: browsers never send it to any server, nor in a Referer.
   * The key is kept for this server only (it is sent nowhere else) and
   * wiped from the address bar and this history entry at once, so it is
   * neither bookmarked nor shared by accident. Only an owner key is kept:
   * anything else (an admin token, in an old link) is wiped and refused.
   */
  #takeOwnerKey = () => {
    const raw = /^#parley-owner=(.+)$/.exec(location.hash)?.[1];
    if (!raw || !this.#site) return;
    let token = raw;
    try {
      token = decodeURIComponent(raw);
    } catch {}
    const ok = isOwnerKey(token);
    if (ok) saveFor(OWNER_KEY, this.#site.base, token);
    history.replaceState(history.state, '', location.pathname + location.search);
    this.#refresh();
    // Said in the form's alert, as a refused owner post is.
    if (!ok) this.#formError = this.#t.ownerLinkRefused;
    this.#update();
  };

  #stopOwner = () => {
    saveFor(OWNER_KEY, this.#site!.base, undefined);
    this.#refresh();
    this.#h.announce(this.#t.ownerStopped);
    this.#update();
    this.#focus('#parley-body');
  };

  /** Focuses the first of `selectors` found once rendered; a non-control becomes focusable from script only. */
  async #focus(...selectors: string[]) {
    await this.#h.el.updateComplete;
    for (const s of selectors) {
      const el = this.#h.el.renderRoot.querySelector<HTMLElement>(s);
      if (el) {
        if (!el.matches('button,input,textarea')) el.tabIndex = -1;
        return el.focus();
      }
    }
  }

  /** Shows the thread as closed, as the server just said it is. */
  #close() {
    const th = this.#h.thread;
    if (th) this.#h.thread = { ...th, status: 'closed' };
  }

  #reply(m: Message | null) {
    this.#replyTo = m;
    this.#update();
    this.#focus('#parley-body');
  }

  #onInput = (e: Event) => {
    const field = e.target as HTMLInputElement;
    if (field.id === 'parley-author') this.#name = field.value;
    else if (field.id === 'parley-website') this.#website = field.value;
    else this.#body = field.value;
    this.#warm();
    this.#update();
  };

  /**
   * The reader is typing: start on the next post's proof of work (the owner's
   * posts need none). Not on focus: focus comes back to the form after each
   * post, and a reader who is done should not fetch another challenge.
   */
  #warm = () => {
    if (!this.#owner) this.#proof.warm(this.#h.site.base);
  };

  #onKeydown = (e: KeyboardEvent) => {
    const form = e.currentTarget as HTMLFormElement;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) form.requestSubmit();
    // Escape leaves the editor (not the reply form: a stray key must not drop a draft).
    else if (e.key === 'Escape' && form.part.contains('editor')) this.#endEdit();
  };

  #onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    const h = this.#h;
    const t = this.#t;
    const site = h.site;
    const author = this.#name.trim();
    const body = this.#body.trim();
    const errors: FieldErrors = {};
    if (!author) errors.author = t.nameRequired;
    const bodyProblem = bodyError(t, h.locale, body);
    if (bodyProblem) errors.body = bodyProblem;
    this.#errors = errors;
    this.#formError = '';
    h.announce('');
    this.#update();
    if (errors.author || errors.body) return this.#focusField();
    save(NAME_KEY, author);
    this.#sending = true;
    const title = h.el.threadTitle || document.title;
    const url = canonicalUrl();
    url.hash = '';
    const owner = this.#owner;
    const send = async () => {
      const altcha = owner ? undefined : await this.#proof.take(site.base);
      return postMessage(
        site.base,
        site.key,
        {
          author,
          body,
          parentId: this.#replyTo?.id,
          thread: { ...(title ? { title } : {}), url: url.href },
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
      saveEditToken(site.base, m.id, res.editToken);
      this.#refresh();
      if (site !== h.site) return;
      // Pending: shown to its author only, marked, and not counted (the server does not count it either).
      const pending = res.status === 'pending';
      if (pending) h.pending.add(m.id);
      this.#sources.set(m.id, body);
      const list = h.messages;
      // Live updates may have brought it (and counted it) before this answer did.
      const live = list.some((x) => x.id === m.id);
      const at = h.options().sort === 'newest' ? newestIndex(list) : list.length;
      h.messages = live ? replaced(list, m) : [...list.slice(0, at), m, ...list.slice(at)];
      const th = h.thread ?? {
        key: site.key,
        title: title || null,
        summary: null,
        url: url.href,
        status: 'open',
        messageCount: 0,
        highlightCount: 0,
        createdAt: m.createdAt,
        lastActivityAt: m.createdAt,
      };
      h.thread =
        pending || live
          ? th
          : { ...th, messageCount: th.messageCount + 1, lastActivityAt: m.createdAt };
      this.#body = '';
      this.#replyTo = null;
      h.announce(pending ? t.postedPending : t.posted);
      h.emit('parley-message-posted', { message: m, status: res.status ?? 'published' });
    } catch (e) {
      const error = h.fail(e);
      if (owner && error.status === 401) {
        // A revoked or mistyped key: forgotten, so the next try posts as a reader.
        saveFor(OWNER_KEY, site.base, undefined);
        this.#refresh();
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
        this.#keep = true;
        this.#close();
      }
    } finally {
      this.#sending = false;
      this.#update();
    }
    this.#focusField();
  };

  /** Keeps focus in the form: on the first invalid field, else the message. */
  #focusField() {
    this.#focus(this.#errors.author ? '#parley-author' : '#parley-body');
  }

  #startEdit(m: Message) {
    const typed = this.#sources.get(m.id);
    this.#edit = {
      text: typed ?? plainText(m.html),
      error: '',
      saving: false,
      plain: typed === undefined,
    };
    this.editing = m.id;
    this.#update();
    this.#focus(`#parley-edit-${m.id}`);
  }

  #endEdit() {
    const id = this.editing;
    this.editing = null;
    this.#update();
    this.#focus(`#parley-${id} .edit`, `#parley-${id}`);
  }

  async #save(e: SubmitEvent, id: number) {
    e.preventDefault();
    const h = this.#h;
    const t = this.#t;
    const site = h.site;
    const edit = this.#edit;
    const body = edit.text.trim();
    edit.error = bodyError(t, h.locale, body);
    if (!edit.error) {
      edit.saving = true;
      this.#update();
      try {
        const res = await editMessage(
          site.base,
          id,
          body,
          this.#tokens[id]!,
          new AbortController().signal,
        );
        if (site !== h.site) return;
        const pending = res.status === 'pending';
        if (pending) h.pending.add(id);
        else h.pending.delete(id);
        this.#sources.set(id, body);
        h.messages = replaced(h.messages, res.message);
        h.announce(pending ? t.savedPending : t.saved);
        return this.#endEdit();
      } catch (x) {
        const error = h.fail(x);
        // The draft stays in the open editor whatever went wrong.
        if (error.status === 403) this.#expired.add(id);
        if (error.code === 'thread_closed') this.#close();
        edit.error =
          error.status === 403
            ? t.editExpired
            : (error.issues.find((i) => i.path === 'body')?.message ??
              t.errors[error.code] ??
              t.editFailed);
      } finally {
        edit.saving = false;
        this.#update();
      }
    }
    this.#update();
    this.#focus(`#parley-edit-${id}`);
  }

  #ask(id: number | null, focus: string) {
    const was = this.#confirming;
    this.#confirming = id;
    this.#update();
    this.#focus(`#parley-${id ?? was} ${focus}`);
  }

  async #delete(m: Message) {
    const h = this.#h;
    const t = this.#t;
    const site = h.site;
    const id = m.id;
    this.#busy.add(id);
    this.#update();
    try {
      await deleteMessage(site.base, id, this.#tokens[id]!, new AbortController().signal).catch(
        (e) => {
          // Already gone is what the reader asked for.
          if (e.code !== 'message_not_found') throw e;
        },
      );
      forgetEditToken(site.base, id);
      this.#refresh();
      if (site !== h.site) return;
      h.messages = withoutMessage(h.messages, id);
      // A placeholder stays where it had replies: focus goes back to it.
      const kept = h.messages.some((x) => x.id === id);
      const th = h.thread;
      if (th && !h.pending.delete(id))
        h.thread = {
          ...th,
          messageCount: th.messageCount - 1,
          highlightCount: th.highlightCount - (m.highlighted ? 1 : 0),
        };
      if (this.#replyTo?.id === id) this.#replyTo = null;
      this.#confirming = null;
      h.announce(t.deletedDone);
      this.#focus(kept ? `#parley-${id}` : '[part~=thread]');
    } catch (e) {
      h.fail(e);
      this.#failed.set(id, t.deleteFailed);
      this.#focus(`#parley-${id} .confirm`);
    } finally {
      this.#busy.delete(id);
      this.#update();
    }
  }

  async #report(id: number) {
    const h = this.#h;
    const site = h.site;
    this.#busy.add(id);
    this.#failed.delete(id);
    this.#update();
    try {
      await reportMessage(site.base, id, new AbortController().signal);
      // Remembered so this browser does not offer it again; the server ignores repeats anyway.
      saveFor(REPORTED_KEY, site.base, [...(loadFor<number[]>(REPORTED_KEY, site.base) ?? []), id]);
      this.#refresh();
      h.announce(this.#t.reported);
      this.#focus(`#parley-${id} .done`);
    } catch (e) {
      h.fail(e);
      this.#failed.set(id, this.#t.reportFailed);
    } finally {
      this.#busy.delete(id);
      this.#update();
    }
  }

  /** A message's actions (or its editor, or the delete confirmation), under its body. */
  actions(m: Message, opening: boolean) {
    const t = this.#t;
    const id = m.id;
    const closed = this.#h.thread?.status === 'closed';
    const own = id in this.#tokens;
    const busy = this.#busy.has(id);
    const failed = this.#failed.get(id);
    if (this.editing === id) return this.#editor(id, t);
    const link = (label: string, cls: string, onClick: () => void) =>
      html`<button
        part="button"
        class="link ${cls}"
        aria-describedby="parley-a-${id}"
        ?disabled=${busy}
        @click=${onClick}
      >
        ${label}
      </button>`;
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
              : html`<button
                  part="button"
                  class="link"
                  aria-label=${fill(t.replyTo, { name: m.author.name })}
                  @click=${() => this.#reply(m)}
                >
                  ${t.reply}
                </button>`,
            own && !closed && !this.#expired.has(id)
              ? link(t.edit, 'edit', () => this.#startEdit(m))
              : nothing,
            own ? link(t.delete, 'delete', () => this.#ask(id, '.cancel')) : nothing,
            // Not on one's own messages, nor the owner's, nor for the owner (who moderates in /admin).
            own || m.author.role === 'owner' || this.#owner
              ? nothing
              : this.#reported.includes(id)
                ? html`<span class="done">${t.reported}</span>`
                : link(t.report, 'report', () => this.#report(id)),
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
      @keydown=${this.#onKeydown}
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
      <div class="buttons">
        ${
          this.#expired.has(id)
            ? nothing
            : html`<button part="button" class="primary" ?disabled=${edit.saving}>
                ${edit.saving ? t.saving : t.save}
              </button>`
        }
        <button type="button" part="button" @click=${() => this.#endEdit()}>${t.cancel}</button>
      </div>
    </form>`;
  }

  /** The reply form; in a closed thread, only while it holds a draft the server refused. */
  form(closed: boolean) {
    if (closed && !this.#keep) return nothing;
    const t = this.#t;
    const locale = this.#h.locale;
    const errors = this.#errors;
    const length = [...this.#body].length;
    const invalid = (e?: string) => (e ? 'true' : nothing);
    // The honeypot (`website`) is hidden from people (`hidden`: no CSS a strict
    // CSP could block), from assistive technology (`aria-hidden`, `inert`), from
    // the keyboard and from autofill; a bot that fills every field fills it too,
    // and the server keeps its post as spam.
    return html`<form
      part="form"
      aria-labelledby="parley-form-title"
      novalidate
      @submit=${this.#onSubmit}
      @input=${this.#onInput}
      @keydown=${this.#onKeydown}
    >
      <h3 id="parley-form-title">${t.formTitle}</h3>
      ${
        this.#owner
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
              <button type="button" part="button" class="link" @click=${() => this.#reply(null)}>
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
