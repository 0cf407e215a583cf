/**
 * The "post as the site owner" section of `<parley-admin>`: creates
 * owner-posting keys, shows each new one once as a ready link to a blog page
 * (`…#parley-owner=<key>`), lists the keys in use and revokes them. Why keys
 * and not the admin token: the reader widget stores the key in the blog's
 * localStorage, which every script on the blog can read; a key can only post
 * as the owner, and is revoked here.
 *
 * A Lit controller of the page element: it renders into the page's shadow
 * root (one live region, one style sheet, ids in one scope) and reaches the
 * page only through {@link OwnerKeysHost}.
 */
import type { OwnerKey } from '@parley/server/wire';
import { html, nothing, type ReactiveControllerHost } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError } from '../api/client.js';
import {
  type AdminSession,
  createOwnerKey,
  listOwnerKeys,
  revokeOwnerKey,
} from './admin-client.js';
import { strings } from './admin-strings.js';
import { httpUrl, when } from './format.js';

/** What the section needs from the page. */
export interface OwnerKeysHost {
  el: ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };
  /** The signed-in session, or null. */
  session(): AdminSession | null;
  /** Aborted on sign-out and disconnect. */
  signal(): AbortSignal;
  /** Reports a failure (a 401 signs out) and returns the words for it. */
  fail(error: unknown): string;
  /** Says `text` in the page's live region. */
  announce(text: string): void;
  /** A page of the blog to suggest, such as a thread's URL; '' for none. */
  blogPage(): string;
}

type Fields = { label: string; url: string };
type Errors = Partial<Record<keyof Fields | 'form', string>>;

export class OwnerKeys {
  #host: OwnerKeysHost;
  #keys: OwnerKey[] = [];
  #state: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  #error = '';
  /** Bumped per load and at sign-out, so only the latest load's answer is kept. */
  #generation = 0;
  #fields: Fields = { label: '', url: '' };
  #errors: Errors = {};
  #creating = false;
  /** The key just created, with its secret: shown until "Done" or sign-out, never again. */
  #created: { key: OwnerKey; token: string; link: string } | null = null;
  /** Keys whose revocation is on its way. */
  #revoking = new Set<number>();
  #rowErrors = new Map<number, string>();
  /** The key whose Revoke was clicked once and now asks for confirmation. */
  #confirmingRevoke: number | null = null;

  constructor(host: OwnerKeysHost) {
    this.#host = host;
  }

  #update() {
    this.#host.el.requestUpdate();
  }

  #find<T extends HTMLElement>(selector: string) {
    return this.#host.el.renderRoot.querySelector<T>(selector);
  }

  async #focus(selector: string) {
    await this.#host.el.updateComplete;
    this.#find(selector)?.focus();
  }

  /** Forgets everything, the shown key above all (sign-out). */
  reset() {
    this.#keys = [];
    this.#state = 'idle';
    this.#error = '';
    this.#generation++;
    this.#fields = { label: '', url: '' };
    this.#errors = {};
    this.#creating = false;
    this.#created = null;
    this.#revoking = new Set();
    this.#rowErrors = new Map();
    this.#confirmingRevoke = null;
  }

  /** Loads the keys in use, unless loaded already (`force` reloads). */
  async load(force = false) {
    const session = this.#host.session();
    if (!session || (!force && this.#state !== 'idle')) return;
    const generation = ++this.#generation;
    const signal = this.#host.signal();
    this.#state = 'loading';
    this.#error = '';
    if (!this.#fields.url) this.#fields = { ...this.#fields, url: this.#host.blogPage() };
    this.#update();
    try {
      const { ownerKeys } = await listOwnerKeys(session, signal);
      if (generation !== this.#generation || signal.aborted) return;
      this.#keys = ownerKeys;
      this.#state = 'ready';
    } catch (e) {
      if (generation !== this.#generation || signal.aborted) return;
      this.#error = this.#host.fail(e);
      this.#state = 'error';
    }
    this.#update();
  }

  #onInput = (e: Event) => {
    const field = e.target as HTMLInputElement;
    const name = field.name as keyof Fields;
    if (name in this.#fields) this.#fields = { ...this.#fields, [name]: field.value };
  };

  #onCreate = async (e: SubmitEvent) => {
    e.preventDefault();
    const session = this.#host.session();
    if (!session || this.#creating) return;
    const url = httpUrl(this.#fields.url.trim());
    const label = this.#fields.label.trim();
    this.#errors = url ? {} : { url: strings.badUrl };
    if (!url) {
      this.#update();
      return this.#focus('#owner-url');
    }
    const signal = this.#host.signal();
    this.#creating = true;
    this.#update();
    try {
      const created = await createOwnerKey(session, label, signal);
      if (signal.aborted) return;
      url.hash = '';
      // Why a fragment: browsers never send it to a server nor in a Referer,
      // and the widget on that page removes it from the address bar at once.
      const link = `${url.href}#parley-owner=${encodeURIComponent(created.token)}`;
      this.#created = { key: created.ownerKey, token: created.token, link };
      const others = this.#keys.filter((listed) => listed.id !== created.ownerKey.id);
      this.#keys = [created.ownerKey, ...others];
      this.#fields = { label: '', url: this.#fields.url };
      this.#host.announce(strings.ownerCreated);
      this.#creating = false;
      this.#update();
      await this.#focus('#owner-link');
      this.#find<HTMLInputElement>('#owner-link')?.select();
    } catch (err) {
      if (signal.aborted) return;
      const issues = err instanceof ApiError ? err.issues : [];
      const message = this.#host.fail(err);
      const label = issues.find((issue) => issue.path === 'label')?.message;
      this.#errors = label ? { label } : { form: message };
      this.#creating = false;
      this.#update();
      if (label) this.#focus('#owner-label');
    }
  };

  async #copy(value: string, field: string) {
    try {
      await navigator.clipboard.writeText(value);
      this.#host.announce(strings.copied);
    } catch {
      // No clipboard access (permissions, an insecure page): the text is
      // selected instead, ready for Ctrl+C.
      const input = this.#find<HTMLInputElement>(field);
      input?.focus();
      input?.select();
      this.#host.announce(strings.copyFailed);
    }
  }

  #done() {
    this.#created = null;
    this.#update();
    this.#focus('#owner-label');
  }

  async #revoke(ownerKey: OwnerKey) {
    // Two clicks, as for deleting a message: "Revoke", then "Confirm revoke".
    if (this.#confirmingRevoke !== ownerKey.id) {
      this.#confirmingRevoke = ownerKey.id;
      return this.#update();
    }
    const session = this.#host.session();
    if (!session || this.#revoking.has(ownerKey.id)) return;
    const signal = this.#host.signal();
    this.#confirmingRevoke = null;
    this.#revoking.add(ownerKey.id);
    this.#rowErrors.delete(ownerKey.id);
    this.#update();
    const index = this.#keys.findIndex((listed) => listed.id === ownerKey.id);
    try {
      await revokeOwnerKey(session, ownerKey.id, signal);
      if (signal.aborted) return;
      this.#keys = this.#keys.filter((listed) => listed.id !== ownerKey.id);
      if (this.#created?.key.id === ownerKey.id) this.#created = null;
      this.#host.announce(strings.revoked);
    } catch (e) {
      if (signal.aborted) return;
      this.#rowErrors.set(ownerKey.id, this.#host.fail(e));
    } finally {
      this.#revoking.delete(ownerKey.id);
    }
    this.#update();
    // Focus stays in the list: on the same row (a failure), the next key, the
    // one before, or the list's heading when none is left.
    const next =
      this.#keys.find((listed) => listed.id === ownerKey.id) ??
      this.#keys[index] ??
      this.#keys.at(-1);
    await this.#focus(next ? `[data-key="${next.id}"] button` : '#h-owner-keys');
  }

  #cancelRevoke() {
    this.#confirmingRevoke = null;
    this.#update();
  }

  render() {
    return html`<div class="section" role="region" aria-labelledby="h-owner">
      <h2 id="h-owner">${strings.ownerTitle}</h2>
      <p>${strings.ownerAbout}</p>
      <p>${strings.ownerHow}</p>
      <p class="warn">${strings.ownerWarn}</p>
      ${this.#created ? this.#renderCreated(this.#created) : this.#renderForm()}
      <h3 id="h-owner-keys" tabindex="-1">${strings.ownerKeysTitle}</h3>
      ${this.#renderKeys()}
    </div>`;
  }

  #renderForm() {
    const errors = this.#errors;
    const describe = (name: keyof Fields) =>
      `owner-${name}-help${errors[name] ? ` owner-${name}-error` : ''}`;
    return html`<form
      part="form"
      class="card owner-form"
      novalidate
      aria-labelledby="h-owner-new"
      @input=${this.#onInput}
      @submit=${this.#onCreate}
    >
      <h3 id="h-owner-new">${strings.ownerCreateTitle}</h3>
      <div class="field">
        <label for="owner-label">${strings.ownerLabel}</label>
        <input
          id="owner-label"
          name="label"
          part="input"
          maxlength="80"
          autocomplete="off"
          aria-invalid=${errors.label ? 'true' : nothing}
          aria-describedby=${describe('label')}
          .value=${this.#fields.label}
        />
        <p id="owner-label-help" class="muted">${strings.ownerLabelHelp}</p>
        ${errors.label ? html`<p id="owner-label-error" part="error">${errors.label}</p>` : nothing}
      </div>
      <div class="field">
        <label for="owner-url">${strings.ownerUrl}</label>
        <input
          id="owner-url"
          name="url"
          part="input"
          type="url"
          inputmode="url"
          autocomplete="url"
          required
          aria-invalid=${errors.url ? 'true' : nothing}
          aria-describedby=${describe('url')}
          .value=${this.#fields.url}
        />
        <p id="owner-url-help" class="muted">${strings.ownerUrlHelp}</p>
        ${errors.url ? html`<p id="owner-url-error" part="error">${errors.url}</p>` : nothing}
      </div>
      ${errors.form ? html`<p part="error" role="alert">${errors.form}</p>` : nothing}
      <button part="button" class="primary" ?disabled=${this.#creating}>
        ${this.#creating ? strings.ownerCreating : strings.ownerCreate}
      </button>
    </form>`;
  }

  #renderCreated(created: { key: OwnerKey; token: string; link: string }) {
    const field = (id: string, label: string, value: string, copyLabel: string) => html`<div
      class="field"
    >
      <label for=${id}>${label}</label>
      <div class="row">
        <input
          id=${id}
          part="input"
          readonly
          spellcheck="false"
          aria-describedby="owner-link-help"
          .value=${value}
        />
        <button part="button" aria-label=${copyLabel} @click=${() => this.#copy(value, `#${id}`)}>
          ${strings.copy}
        </button>
      </div>
    </div>`;
    return html`<div class="card owner-form created" role="group" aria-labelledby="h-owner-link">
      <h3 id="h-owner-link">${strings.ownerLinkTitle(created.key.label)}</h3>
      <p id="owner-link-help">${strings.ownerLinkHelp}</p>
      ${field('owner-link', strings.ownerLink, created.link, strings.copyLink)}
      ${field('owner-token', strings.ownerKeyOnly, created.token, strings.copyKey)}
      <div class="actions">
        <a href=${created.link} target="_blank" rel="noopener noreferrer">${strings.openLink}</a>
        <button part="button" @click=${() => this.#done()}>${strings.ownerDone}</button>
      </div>
    </div>`;
  }

  #renderKeys() {
    if (this.#state === 'idle' || this.#state === 'loading')
      return html`<p class="muted" aria-busy="true">${strings.loading}</p>`;
    if (this.#state === 'error')
      return html`<div class="problem">
        <p part="error" role="alert">${this.#error}</p>
        <button part="button" @click=${() => this.load(true)}>${strings.retry}</button>
      </div>`;
    if (!this.#keys.length) return html`<p class="muted empty">${strings.noOwnerKeys}</p>`;
    return html`<ul class="list" aria-labelledby="h-owner-keys">
      ${repeat(
        this.#keys,
        (ownerKey) => ownerKey.id,
        (ownerKey) => this.#renderKey(ownerKey),
      )}
    </ul>`;
  }

  #renderKey(ownerKey: OwnerKey) {
    const revoking = this.#revoking.has(ownerKey.id);
    const confirming = this.#confirmingRevoke === ownerKey.id;
    const error = this.#rowErrors.get(ownerKey.id);
    const button = (label: string, action: () => unknown, className: string) => html`<button
      part="button"
      class=${className}
      aria-label=${strings.revokeAct(label, ownerKey.label)}
      ?disabled=${revoking}
      @click=${action}
    >
      ${label}
    </button>`;
    const { createdAt, lastUsedAt } = ownerKey;
    return html`<li
      class="card owner-key"
      data-key=${ownerKey.id}
      aria-busy=${revoking ? 'true' : nothing}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape' && confirming) this.#cancelRevoke();
      }}
    >
      <p>
        <strong>${ownerKey.label}</strong>
        <span class="muted">
          · ${strings.ownerKeyCreated} <time datetime=${createdAt}>${when(createdAt)}</time> ·
          ${
            lastUsedAt
              ? html`${strings.ownerKeyUsed} <time datetime=${lastUsedAt}>${when(lastUsedAt)}</time>`
              : strings.ownerKeyNeverUsed
          }
        </span>
      </p>
      <div class="actions">
        ${button(confirming ? strings.confirmRevoke : strings.revoke, () => this.#revoke(ownerKey), confirming ? 'danger' : 'quiet')}
        ${confirming ? button(strings.cancel, () => this.#cancelRevoke(), '') : nothing}
      </div>
      ${error ? html`<p part="error" role="alert">${error}</p>` : nothing}
    </li>`;
  }
}
