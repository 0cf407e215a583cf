import type { AdminMessage, AdminThread } from '@parley/server/wire';
import { html, LitElement, nothing, type PropertyDeclarations, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError, serverBase } from '../api/client.js';
import {
  type AdminSession,
  deleteMessage,
  listMessages,
  listThreads,
  type MessagePatch,
  type ThreadPatch,
  updateMessage,
  updateThread,
} from './admin-client.js';
import { strings as s } from './admin-strings.js';
import { httpUrl, when } from './format.js';
import {
  byReportsCount,
  byReportsNotice,
  hiddenByReports,
  hiddenReasonBadge,
  messageNotes,
  notesStyles,
} from './message-notes.js';
import { OwnerKeys } from './owner-keys.js';
import { styles } from './parley-admin.styles.js';
import { type ListName, MESSAGE_LISTS, StaleLists, touchedBy } from './stale-lists.js';

/** What a moderator did to a message. */
export type MessageAction =
  | 'approve'
  | 'keep'
  | 'hide'
  | 'restore'
  | 'highlight'
  | 'unhighlight'
  | 'delete';

/** Detail of each event `<parley-admin>` fires. */
export interface ParleyAdminEventMap {
  /** The moderator signed in (token accepted) or out. */
  'parley-session-changed': { signedIn: boolean };
  /** A message action succeeded; `message` is the server's answer (status `deleted` after a delete). */
  'parley-message-moderated': { action: MessageAction; message: AdminMessage };
  /** A thread was closed, reopened or edited; `thread` is the server's answer. */
  'parley-thread-moderated': { thread: AdminThread };
  /** A request failed; `code` is an API error code, `network` or `timeout`. */
  'parley-admin-error': { code: string; message: string };
}

/** The sections of the dashboard, each a tab. */
export type Tab = 'queue' | 'hidden' | 'spam' | 'recent' | 'threads' | 'owner';
const TABS: Tab[] = ['queue', 'hidden', 'spam', 'recent', 'threads', 'owner'];

/** Storage key of the admin token in `sessionStorage`. */
export const TOKEN_KEY = 'parley:admin-token';

const FILTER = {
  pending: 'pending',
  reported: 'reported',
  hidden: 'hidden',
  spam: 'spam',
  recent: 'published',
} as const;

/** One paged list as shown: `idle` until first asked for. */
interface List<T> {
  items: T[];
  cursor: string | null;
  state: 'idle' | 'loading' | 'more' | 'ready' | 'error';
  error: string;
}
const emptyList = <T>(): List<T> => ({ items: [], cursor: null, state: 'idle', error: '' });

type ThreadFields = { title: string; summary: string; url: string };
type FieldErrors = Partial<Record<keyof ThreadFields | 'form', string>>;

/**
 * `sessionStorage`, guarded: storage can be disabled or throw on access. Why
 * sessionStorage: the admin token should live as long as this tab and no
 * longer, and never in localStorage, where every later visitor of this
 * browser profile (and every tab) could find it.
 */
const tokenStore = {
  get: (): string => {
    try {
      return sessionStorage.getItem(TOKEN_KEY) ?? '';
    } catch {
      return '';
    }
  },
  set: (token: string | null) => {
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch {}
  },
};

/**
 * The moderation page: sign in with the admin token, approve or hide held
 * and reported messages, restore or delete hidden ones (those hidden by
 * readers' reports announced at the top), approve or delete spam, hide,
 * highlight or delete published ones, close, reopen and edit threads, and
 * create and revoke owner-posting links (see `owner-keys.ts`). Loaded by the
 * server's `/admin` page from `/admin.js`; never part of `/widget.js`.
 *
 * @attr {string} server - Base URL of the Parley server. Default: where `admin.js` was loaded from.
 *
 * @fires parley-session-changed - The moderator signed in (the token was accepted) or out (by the button, or when the server refused the token). `detail.signedIn`: whether signed in now.
 * @fires parley-message-moderated - A message action succeeded. `detail.action`: `approve`, `keep`, `hide`, `restore`, `highlight`, `unhighlight` or `delete`; `detail.message`: the server's answer (status `deleted` after a delete).
 * @fires parley-thread-moderated - A thread was closed, reopened or edited. `detail.thread`: the server's answer.
 * @fires parley-admin-error - A request failed. `detail.message`: the words shown for it; `detail.code`: an error code of the HTTP API (`unauthorized` signs out), or `network`, `timeout`, `bad_response` (an answer that is not Parley's JSON), `internal` (a bug in the element).
 *
 * @csspart admin - The whole page.
 * @csspart header - The page title and the sign-out button.
 * @csspart sign-in - The sign-in form.
 * @csspart notice - The notice that readers' reports hid messages.
 * @csspart tabs - The row of section tabs.
 * @csspart tab - Each section tab.
 * @csspart panel - Each section.
 * @csspart messages - A list of messages.
 * @csspart message - Each message.
 * @csspart author - A message's author name.
 * @csspart badge - Status, report, highlight and owner badges.
 * @csspart body - A message's sanitized HTML.
 * @csspart source - A message's markdown source, in a disclosure.
 * @csspart threads - The list of threads.
 * @csspart thread - Each thread.
 * @csspart form - The thread edit form and the owner form.
 * @csspart input - Text fields and the thread filter.
 * @csspart button - Every button.
 * @csspart error - Error messages.
 * @csspart load-more - "Load more" buttons.
 *
 * @cssproperty --parley-accent - Links, focus rings, the selected tab and main buttons. Default a quiet blue.
 * @cssproperty --parley-on-accent - Text on the accent colour. Default white (dark text in dark).
 * @cssproperty --parley-danger - Errors and the delete confirmation. Default a muted red.
 * @cssproperty --parley-success - The "published" and "open" badges. Default green.
 * @cssproperty --parley-warning - The "pending" and "reported" badges. Default amber.
 * @cssproperty --parley-star - The highlight star. Default amber.
 * @cssproperty --parley-surface - Background of cards. Default a 4% tint of the text colour.
 * @cssproperty --parley-border - Borders. Default a 16% tint of the text colour.
 * @cssproperty --parley-muted - Secondary text. Default the text colour at 68%.
 * @cssproperty --parley-radius - Corner radius. Default 0.5rem.
 * @cssproperty --parley-space - Base spacing. Default 1rem.
 * @cssproperty --parley-font - Font family. Default the system UI font.
 */
export class ParleyAdmin extends LitElement {
  static override styles = [styles, notesStyles];

  static override properties: PropertyDeclarations = {
    server: {},
    _signedIn: { state: true },
    _checking: { state: true },
    _signInError: { state: true },
    _tab: { state: true },
    _lists: { state: true },
    _threads: { state: true },
    _filter: { state: true },
    _busy: { state: true },
    _rowErrors: { state: true },
    _confirm: { state: true },
    _editing: { state: true },
    _fields: { state: true },
    _fieldErrors: { state: true },
    _announce: { state: true },
  };

  /** Base URL of the Parley server. Default: where `admin.js` was loaded from. */
  declare server?: string;

  declare private _signedIn: boolean;
  declare private _checking: boolean;
  declare private _signInError: string;
  declare private _tab: Tab;
  declare private _lists: Record<ListName, List<AdminMessage>>;
  declare private _threads: List<AdminThread>;
  /** Thread key the Recent list is filtered by; empty for all threads. */
  declare private _filter: string;
  /** Rows with a request running: `m<id>` for messages, `t<key>` for threads. */
  declare private _busy: ReadonlySet<string>;
  declare private _rowErrors: ReadonlyMap<string, string>;
  /** The message whose Delete was clicked once and now asks for confirmation. */
  declare private _confirm: number | null;
  /** Key of the thread whose edit form is open. */
  declare private _editing: string | null;
  declare private _fields: ThreadFields;
  declare private _fieldErrors: FieldErrors;
  declare private _announce: string;

  /** Aborted on sign-out and disconnect, so no late answer lands in a later session. */
  #abort = new AbortController();
  #session: AdminSession | null = null;
  /** Bumped per reload of a list, so a slow answer for an old filter is ignored. */
  #gen: Record<ListName | 'threads', number> = {
    pending: 0,
    reported: 0,
    hidden: 0,
    spam: 0,
    recent: 0,
    threads: 0,
  };
  /** Lists another tab's action may have changed: loaded again when next shown. */
  #stale = new StaleLists();
  /** The owner-posting keys section. */
  #ownerKeys = new OwnerKeys({
    el: this,
    session: () => this.#session,
    signal: () => this.#abort.signal,
    fail: (e) => this.#fail(e),
    say: (text) => this.#say(text),
    blogPage: () => this._threads.items.map((t) => httpUrl(t.url)).find(Boolean)?.href ?? '',
  });

  constructor() {
    super();
    this._signedIn = this._checking = false;
    this._signInError = this._filter = this._announce = '';
    this._tab = 'queue';
    this.#resetData();
    this._busy = new Set();
    this._rowErrors = new Map();
    this._confirm = this._editing = null;
    this._fields = { title: '', summary: '', url: '' };
    this._fieldErrors = {};
  }

  override connectedCallback() {
    super.connectedCallback();
    // A token kept by this tab (a reload) is checked again before anything shows.
    const token = tokenStore.get();
    if (token && !this._signedIn && !this._checking) this.#signIn(token, true);
    // Loads cut short by a disconnect start again when the element comes back.
    else if (this._signedIn) this.#loadTab(this._tab, true);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#abort.abort();
    this.#abort = new AbortController();
    this._checking = false;
    this._busy = new Set();
  }

  #resetData() {
    this._lists = {
      pending: emptyList(),
      reported: emptyList(),
      hidden: emptyList(),
      spam: emptyList(),
      recent: emptyList(),
    };
    this._threads = emptyList();
    this.#stale.clear();
    this.#ownerKeys.reset();
  }

  #emit<K extends keyof ParleyAdminEventMap>(type: K, detail: ParleyAdminEventMap[K]) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  /**
   * Says `text` in the polite live region. Cleared first, so the same words
   * twice in a row ("Message approved") are announced twice.
   */
  async #say(text: string) {
    this._announce = '';
    await this.updateComplete;
    this._announce = text;
  }

  /** The words for a failure: the server's own message when it sent one. */
  #describe(e: unknown): string {
    if (!(e instanceof ApiError) || e.status === 0) return s.offline;
    if (e.code === 'rate_limited' && e.retryAfter) return s.tooMany(e.retryAfter);
    return e.message || s.failed;
  }

  /** Reports a failure; a 401 mid-session means the token changed: back to sign-in. */
  #fail(e: unknown): string {
    const f = e instanceof ApiError ? e : undefined;
    const message = this.#describe(e);
    this.#emit('parley-admin-error', { code: f?.code ?? 'internal', message });
    if (f?.status === 401 && this._signedIn) this.#signOut(f.message || s.sessionEnded);
    return message;
  }

  // ---- session ---------------------------------------------------------

  async #signIn(token: string, restoring = false) {
    const session = { base: serverBase(this.server, import.meta.url), token };
    const signal = this.#abort.signal;
    this._checking = true;
    this._signInError = '';
    try {
      // Listing threads is the cheapest admin call, and its answer fills the Threads tab.
      const page = await listThreads(session, {}, signal);
      if (signal.aborted) return;
      this.#session = session;
      tokenStore.set(token);
      this.#resetData();
      this._threads = { items: page.threads, cursor: page.nextCursor, state: 'ready', error: '' };
      this._signedIn = true;
      this.#emit('parley-session-changed', { signedIn: true });
      this.#loadTab(this._tab);
      if (!restoring) {
        this.#say(s.signedIn);
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>('[role=tab][aria-selected=true]')?.focus();
      }
    } catch (e) {
      if (signal.aborted) return;
      if (restoring) tokenStore.set(null);
      this._signInError = this.#describe(e);
      const code = e instanceof ApiError ? e.code : 'internal';
      this.#emit('parley-admin-error', { code, message: this._signInError });
      await this.updateComplete;
      if (!restoring) this.renderRoot.querySelector<HTMLInputElement>('#token')?.focus();
    } finally {
      if (!signal.aborted) this._checking = false;
    }
  }

  #onSignIn(e: SubmitEvent) {
    e.preventDefault();
    const field = this.renderRoot.querySelector<HTMLInputElement>('#token')!;
    const token = field.value.trim();
    // A header value cannot hold spaces or non-ASCII text; fetch would throw
    // and the user would see "server unreachable" for a paste mistake.
    this._signInError = !token ? s.tokenRequired : /[^\x21-\x7e]/.test(token) ? s.tokenInvalid : '';
    if (this._signInError) {
      field.focus();
      return;
    }
    this.#signIn(token);
  }

  /** Forgets the token and everything loaded with it; `reason` is shown on the sign-in form. */
  #signOut(reason = '') {
    this.#abort.abort();
    this.#abort = new AbortController();
    tokenStore.set(null);
    this.#session = null;
    this.#resetData();
    this._signedIn = this._checking = false;
    this._signInError = reason;
    this._busy = new Set();
    this._rowErrors = new Map();
    this._confirm = this._editing = null;
    this._filter = '';
    this.#emit('parley-session-changed', { signedIn: false });
    this.#say(reason || s.signedOut);
    this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#token')?.focus());
  }

  // ---- loading ---------------------------------------------------------

  /** Loads what `tab` shows, unless loaded already and not stale (`force` reloads). */
  #loadTab(tab: Tab, force = false): Promise<unknown> {
    const need = (key: ListName | 'threads') =>
      force ||
      this.#stale.has(key) ||
      (key === 'threads' ? this._threads : this._lists[key]).state === 'idle';
    const loads: Promise<void>[] = [];
    // Every tab: the notice at the top counts what readers' reports hid.
    if (need('hidden')) loads.push(this.#loadList('hidden'));
    if (tab === 'queue') {
      if (need('pending')) loads.push(this.#loadList('pending'));
      if (need('reported')) loads.push(this.#loadList('reported'));
    } else if (tab === 'spam') {
      if (need('spam')) loads.push(this.#loadList('spam'));
    } else if (tab === 'owner') {
      loads.push(this.#ownerKeys.load(force));
    } else if (tab === 'recent') {
      if (need('recent')) loads.push(this.#loadList('recent'));
      if (force) loads.push(this.#loadThreads());
    } else if (tab === 'threads' && need('threads')) loads.push(this.#loadThreads());
    return Promise.all(loads);
  }

  async #loadList(name: ListName, more = false) {
    const session = this.#session;
    if (!session) return;
    const gen = more ? this.#gen[name] : ++this.#gen[name];
    if (!more) this.#stale.loading(name);
    const list = this._lists[name];
    const signal = this.#abort.signal;
    this.#setList(name, { state: more ? 'more' : 'loading', error: '' });
    try {
      const page = await listMessages(
        session,
        {
          status: FILTER[name],
          ...(name === 'recent' && this._filter ? { thread: this._filter } : {}),
          ...(more && list.cursor ? { cursor: list.cursor } : {}),
        },
        signal,
      );
      if (gen !== this.#gen[name] || signal.aborted) return;
      const old = more ? this._lists[name].items : [];
      const seen = new Set(old.map((m) => m.id));
      this.#setList(name, {
        items: [...old, ...page.messages.filter((m) => !seen.has(m.id))],
        cursor: page.nextCursor,
        state: 'ready',
      });
    } catch (e) {
      if (gen !== this.#gen[name] || signal.aborted) return;
      const error = this.#fail(e);
      if (!signal.aborted) this.#setList(name, { state: 'error', error });
    }
  }

  #setList(name: ListName, patch: Partial<List<AdminMessage>>) {
    this._lists = { ...this._lists, [name]: { ...this._lists[name], ...patch } };
  }

  async #loadThreads(more = false) {
    const session = this.#session;
    if (!session) return;
    const gen = more ? this.#gen.threads : ++this.#gen.threads;
    if (!more) this.#stale.loading('threads');
    const signal = this.#abort.signal;
    const cursor = this._threads.cursor;
    this._threads = { ...this._threads, state: more ? 'more' : 'loading', error: '' };
    try {
      const page = await listThreads(session, more && cursor ? { cursor } : {}, signal);
      if (gen !== this.#gen.threads || signal.aborted) return;
      const old = more ? this._threads.items : [];
      const seen = new Set(old.map((t) => t.key));
      this._threads = {
        items: [...old, ...page.threads.filter((t) => !seen.has(t.key))],
        cursor: page.nextCursor,
        state: 'ready',
        error: '',
      };
    } catch (e) {
      if (gen !== this.#gen.threads || signal.aborted) return;
      const error = this.#fail(e);
      if (!signal.aborted) this._threads = { ...this._threads, state: 'error', error };
    }
  }

  async #refresh() {
    const session = this.#session;
    await this.#loadTab(this._tab, true);
    if (session === this.#session) this.#say(s.refreshed);
  }

  // ---- tabs ------------------------------------------------------------

  async #select(tab: Tab, focus = false) {
    this._tab = tab;
    this._confirm = null;
    this.#loadTab(tab);
    if (!focus) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus();
  }

  /** Arrow keys, Home and End move between tabs (the WAI-ARIA tabs pattern, automatic activation). */
  #onTabKey(e: KeyboardEvent) {
    const i = TABS.indexOf(this._tab);
    const next =
      e.key === 'ArrowRight'
        ? TABS[(i + 1) % TABS.length]
        : e.key === 'ArrowLeft'
          ? TABS[(i + TABS.length - 1) % TABS.length]
          : e.key === 'Home'
            ? TABS[0]
            : e.key === 'End'
              ? TABS[TABS.length - 1]
              : undefined;
    if (!next) return;
    e.preventDefault();
    this.#select(next, true);
  }

  #onFilter(e: Event) {
    this._filter = (e.target as HTMLSelectElement).value;
    this.#loadList('recent');
  }

  #showThread(key: string) {
    this._filter = key;
    this.#loadList('recent');
    this.#select('recent', true);
  }

  // ---- actions ---------------------------------------------------------

  #setBusy(key: string, on: boolean) {
    const busy = new Set(this._busy);
    if (on) busy.add(key);
    else busy.delete(key);
    this._busy = busy;
  }

  #setRowError(key: string, message: string) {
    const errors = new Map(this._rowErrors);
    if (message) errors.set(key, message);
    else errors.delete(key);
    this._rowErrors = errors;
  }

  /**
   * Runs one row's request: its buttons are disabled meanwhile, a failure is
   * shown in the row and leaves it as it was, and keyboard focus, lost when
   * the clicked button was disabled or replaced, comes back to the row.
   */
  async #run(key: string, work: (session: AdminSession, signal: AbortSignal) => Promise<void>) {
    const session = this.#session;
    if (!session || this._busy.has(key)) return;
    const signal = this.#abort.signal;
    const button = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    const row = button?.closest<HTMLElement>('[data-row]') ?? null;
    this.#setBusy(key, true);
    this.#setRowError(key, '');
    try {
      await work(session, signal);
    } catch (e) {
      // #fail may sign out (a 401), which aborts the signal: no error is kept then.
      const message = this.#fail(e);
      if (!signal.aborted) this.#setRowError(key, message);
    } finally {
      if (!signal.aborted) this.#setBusy(key, false);
    }
    await this.updateComplete;
    const root = this.renderRoot as ShadowRoot;
    // Focus is only brought back when it was lost, never taken from where the user moved it.
    const page = document.activeElement;
    if (!this._signedIn || (page && page !== document.body && page !== this)) return;
    if (root.activeElement && root.activeElement !== button) return;
    const target =
      button?.isConnected && !(button as HTMLButtonElement).disabled
        ? button
        : (row?.querySelector<HTMLElement>('.actions button:not([disabled])') ?? row);
    target?.focus();
  }

  /**
   * Puts the server's copy of a message (`before` the action) in every list
   * that shows it, and marks stale the lists of other tabs it may change.
   */
  #replaceMessage(before: AdminMessage, message: AdminMessage) {
    const lists = { ...this._lists };
    const holding: ListName[] = [];
    for (const name of MESSAGE_LISTS) {
      const list = lists[name];
      if (!list.items.some((m) => m.id === message.id)) continue;
      holding.push(name);
      lists[name] = { ...list, items: list.items.map((m) => (m.id === message.id ? message : m)) };
    }
    this._lists = lists;
    this.#stale.mark(touchedBy(before, message, holding), this._tab);
  }

  #patchMessage(m: AdminMessage, action: MessageAction, patch: MessagePatch) {
    this._confirm = null;
    return this.#run(`m${m.id}`, async (session, signal) => {
      const { message } = await updateMessage(session, m.id, patch, signal);
      this.#replaceMessage(m, message);
      this.#say(s.done[action]);
      this.#emit('parley-message-moderated', { action, message });
    });
  }

  #delete(m: AdminMessage) {
    // Two clicks on the same button: "Delete", then "Confirm delete". No
    // window.confirm: it blocks the page, and cannot be styled or tested.
    if (this._confirm !== m.id) {
      this._confirm = m.id;
      return;
    }
    this._confirm = null;
    return this.#run(`m${m.id}`, async (session, signal) => {
      await deleteMessage(session, m.id, signal);
      const message = { ...m, status: 'deleted' as const };
      this.#replaceMessage(m, message);
      this.#say(s.done.delete);
      this.#emit('parley-message-moderated', { action: 'delete', message });
    });
  }

  #replaceThread(thread: AdminThread) {
    this._threads = {
      ...this._threads,
      items: this._threads.items.map((t) => (t.key === thread.key ? thread : t)),
    };
  }

  #patchThread(t: AdminThread, patch: ThreadPatch, done: string) {
    return this.#run(`t${t.key}`, async (session, signal) => {
      const { thread } = await updateThread(session, t.key, patch, signal);
      this.#replaceThread(thread);
      this.#say(done);
      this.#emit('parley-thread-moderated', { thread });
    });
  }

  async #edit(t: AdminThread | null) {
    this._editing = t?.key ?? null;
    this._fieldErrors = {};
    if (!t) return;
    this._fields = { title: t.title ?? '', summary: t.summary ?? '', url: t.url ?? '' };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('#edit-title')?.focus();
  }

  #onEditInput(e: Event) {
    const field = e.target as HTMLInputElement;
    const name = field.name as keyof ThreadFields;
    if (name in this._fields) this._fields = { ...this._fields, [name]: field.value };
  }

  async #onEditSubmit(e: SubmitEvent, t: AdminThread) {
    e.preventDefault();
    // Only changed fields are sent; an emptied one is sent as null, to clear it.
    const patch: ThreadPatch = {};
    for (const name of ['title', 'summary', 'url'] as const) {
      const value = this._fields[name].trim();
      if (value !== (t[name] ?? '')) patch[name] = value || null;
    }
    const errors: FieldErrors = {};
    if (patch.url && !httpUrl(patch.url)) errors.url = s.badUrl;
    this._fieldErrors = errors;
    if (!errors.url && Object.keys(patch).length) {
      await this.#run(`t${t.key}`, async (session, signal) => {
        try {
          const { thread } = await updateThread(session, t.key, patch, signal);
          this.#replaceThread(thread);
          // Messages carry their thread's title (shown while it is not public).
          if ('title' in patch) this.#stale.mark(MESSAGE_LISTS, this._tab);
          this._editing = null;
          this.#say(s.threadSaved);
          this.#emit('parley-thread-moderated', { thread });
        } catch (err) {
          const issues = err instanceof ApiError ? err.issues : [];
          const fields: FieldErrors = {};
          const rest: string[] = [];
          for (const issue of issues) {
            const name = issue.path.split('.')[0] as keyof ThreadFields;
            if (name in this._fields && !fields[name]) fields[name] = issue.message;
            else rest.push(issue.message);
          }
          const message = this.#fail(err);
          fields.form = rest.join(' ') || (issues.length && !rest.length ? '' : message);
          this._fieldErrors = fields;
        }
      });
    } else if (!errors.url) {
      this._editing = null;
    }
    await this.updateComplete;
    const first = (['title', 'summary', 'url'] as const).find((n) => this._fieldErrors[n]);
    if (first) this.renderRoot.querySelector<HTMLElement>(`#edit-${first}`)?.focus();
    else if (!this._editing)
      this.renderRoot
        .querySelector<HTMLElement>(`[data-row="t${CSS.escape(t.key)}"] .edit`)
        ?.focus();
  }

  // ---- rendering -------------------------------------------------------

  override render() {
    return html`<div part="admin" class="admin">
      <header part="header">
        <h1>${s.title}</h1>
        ${
          this._signedIn
            ? html`<div class="tools">
                <button part="button" @click=${this.#refresh}>${s.refresh}</button>
                <button part="button" @click=${() => this.#signOut()}>${s.signOut}</button>
              </div>`
            : nothing
        }
      </header>
      ${this._signedIn ? this.#renderDashboard() : this.#renderSignIn()}
      <div role="status" class="vh">${this._announce}</div>
    </div>`;
  }

  #renderSignIn() {
    const error = this._signInError;
    return html`<form
      part="sign-in"
      class="card sign-in"
      aria-labelledby="sign-in-title"
      novalidate
      @submit=${this.#onSignIn}
    >
      <h2 id="sign-in-title">${s.signInTitle}</h2>
      <p class="muted">${s.signInHelp}</p>
      <div class="field">
        <label for="token">${s.token}</label>
        <div class="row">
          <input
            id="token"
            part="input"
            type="password"
            autocomplete="current-password"
            spellcheck="false"
            required
            aria-invalid=${error ? 'true' : nothing}
            aria-describedby=${error ? 'token-error' : nothing}
          />
          <button part="button" class="primary" ?disabled=${this._checking}>
            ${this._checking ? s.signingIn : s.signIn}
          </button>
        </div>
        ${error ? html`<p id="token-error" part="error" role="alert">${error}</p>` : nothing}
      </div>
    </form>`;
  }

  #renderDashboard() {
    const tab = (id: Tab) => html`<button
      part="tab"
      role="tab"
      id="tab-${id}"
      aria-selected=${this._tab === id ? 'true' : 'false'}
      aria-controls="panel-${id}"
      tabindex=${this._tab === id ? 0 : -1}
      @click=${() => this.#select(id)}
    >
      ${s.tabs[id]}${id === 'hidden' ? byReportsCount(this._lists.hidden) : nothing}
    </button>`;
    const panel = (id: Tab, content: unknown) => html`<section
      part="panel"
      role="tabpanel"
      id="panel-${id}"
      aria-labelledby="tab-${id}"
      ?hidden=${this._tab !== id}
    >
      ${content}
    </section>`;
    const review = this._tab === 'hidden' ? undefined : () => this.#select('hidden', true);
    return html`${byReportsNotice(this._lists.hidden, review)}
      <div part="tabs" role="tablist" aria-label=${s.sections} @keydown=${this.#onTabKey}>
        ${TABS.map(tab)}
      </div>
      ${panel(
        'queue',
        html`${this.#renderMessages('pending', s.pendingTitle, s.noPending)}
        ${this.#renderMessages('reported', s.reportedTitle, s.noReported)}`,
      )}
      ${panel('hidden', this.#renderMessages('hidden', s.hiddenTitle, s.noHidden))}
      ${panel(
        'spam',
        html`<p class="muted">${s.spamHelp}</p>
          ${this.#renderMessages('spam', s.spamTitle, s.noSpam)}`,
      )}
      ${panel('recent', this.#renderMessages('recent', s.recentTitle, s.noRecent))}
      ${panel('threads', this.#renderThreads())}
      ${panel('owner', this.#ownerKeys.render())}`;
  }

  #threadName(key: string) {
    return this._threads.items.find((t) => t.key === key)?.title || key;
  }

  #renderState<T>(list: List<T>, empty: string, retry: () => void) {
    if (list.state === 'loading' || list.state === 'idle')
      return html`<p class="muted" aria-busy="true">${s.loading}</p>`;
    if (list.state === 'error' && !list.items.length)
      return html`<div class="problem">
        <p part="error" role="alert">${list.error}</p>
        <button part="button" @click=${retry}>${s.retry}</button>
      </div>`;
    if (!list.items.length) return html`<p class="muted empty">${empty}</p>`;
    return nothing;
  }

  #renderMore<T>(list: List<T>, more: () => void, label: string) {
    return html`${
      list.state === 'error' && list.items.length
        ? html`<p part="error" role="alert">${list.error}</p>`
        : nothing
    }
    ${
      list.cursor && list.items.length
        ? html`<button
            part="button load-more"
            class="more"
            aria-label="${s.loadMore}, ${label}"
            ?disabled=${list.state === 'more'}
            @click=${more}
          >
            ${s.loadMore}
          </button>`
        : nothing
    }`;
  }

  #renderMessages(name: ListName, title: string, empty: string) {
    const list = this._lists[name];
    const counted = name === 'recent' ? '' : s.count(list.items.length, !!list.cursor);
    const filter =
      name === 'recent'
        ? html`<div class="filter">
            <label for="filter">${s.filter}</label>
            <select id="filter" part="input" @change=${this.#onFilter}>
              <option value="" ?selected=${!this._filter}>${s.allThreads}</option>
              ${
                this._filter && !this._threads.items.some((t) => t.key === this._filter)
                  ? html`<option value=${this._filter} selected>${this._filter}</option>`
                  : nothing
              }
              ${this._threads.items.map(
                (t) =>
                  html`<option value=${t.key} ?selected=${t.key === this._filter}>
                    ${t.title || t.key}
                  </option>`,
              )}
            </select>
          </div>`
        : nothing;
    return html`<div class="section" aria-labelledby="h-${name}" role="region">
      <div class="section-head">
        <h2 id="h-${name}">${title}${list.state === 'ready' ? counted : ''}</h2>
        ${filter}
      </div>
      ${this.#renderState(list, empty, () => this.#loadList(name))}
      ${
        list.items.length
          ? html`<ol part="messages" class="list" aria-labelledby="h-${name}">
              ${repeat(
                list.items,
                (m) => m.id,
                (m) => html`<li>${this.#renderMessage(m, name)}</li>`,
              )}
            </ol>`
          : nothing
      }
      ${this.#renderMore(list, () => this.#loadList(name, true), title)}
    </div>`;
  }

  #renderMessage(m: AdminMessage, list: ListName): TemplateResult {
    const key = `m${m.id}`;
    const busy = this._busy.has(key);
    const error = this._rowErrors.get(key);
    const id = `${list}-${m.id}`;
    const name = m.author.name || s.deletedAuthor;
    const reported = m.reportCount > 0 && m.status !== 'hidden' && m.status !== 'deleted';
    const button = (
      label: string,
      action: () => unknown,
      extra: { cls?: string; pressed?: boolean; content?: unknown } = {},
    ) => html`<button
      part="button"
      class=${extra.cls ?? nothing}
      aria-label=${s.act(label, m.id, name)}
      aria-pressed=${extra.pressed === undefined ? nothing : String(extra.pressed)}
      ?disabled=${busy}
      @click=${action}
    >
      ${extra.content ?? label}
    </button>`;
    const confirming = this._confirm === m.id;
    const actions: unknown[] = [];
    if (m.status === 'pending') {
      actions.push(
        button(s.approve, () => this.#patchMessage(m, 'approve', { status: 'published' }), {
          cls: 'primary',
        }),
        button(s.hide, () => this.#patchMessage(m, 'hide', { status: 'hidden' })),
      );
    } else if (m.status === 'published' && reported) {
      actions.push(
        button(s.keep, () => this.#patchMessage(m, 'keep', { status: 'published' }), {
          cls: 'primary',
        }),
        button(s.hide, () => this.#patchMessage(m, 'hide', { status: 'hidden' })),
      );
    } else if (m.status === 'published') {
      actions.push(
        button(s.hide, () => this.#patchMessage(m, 'hide', { status: 'hidden' })),
        button(
          s.highlight,
          () =>
            this.#patchMessage(m, m.highlighted ? 'unhighlight' : 'highlight', {
              highlighted: !m.highlighted,
            }),
          {
            pressed: m.highlighted,
            cls: 'toggle',
            content: html`<span aria-hidden="true" class="star">${m.highlighted ? '★' : '☆'}</span>
              ${s.highlight}`,
          },
        ),
      );
    } else if (m.status === 'hidden') {
      actions.push(
        button(s.restore, () => this.#patchMessage(m, 'restore', { status: 'published' }), {
          cls: hiddenByReports(m) ? 'primary' : '',
        }),
      );
    } else if (m.status === 'spam') {
      actions.push(
        button(s.approve, () => this.#patchMessage(m, 'approve', { status: 'published' })),
      );
    }
    if (m.status !== 'deleted') {
      actions.push(
        button(confirming ? s.confirmDelete : s.delete, () => this.#delete(m), {
          cls: confirming ? 'danger' : 'quiet',
        }),
      );
      if (confirming)
        actions.push(
          button(s.cancel, () => {
            this._confirm = null;
          }),
        );
    }
    return html`<article
      part="message"
      class="card message ${m.status}"
      data-row=${key}
      tabindex="-1"
      aria-labelledby="a-${id}"
      aria-busy=${busy ? 'true' : nothing}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape' && confirming) this._confirm = null;
      }}
    >
      <div class="meta">
        <h3 id="a-${id}" part="author">${name}</h3>
        ${m.author.role === 'owner' ? html`<span part="badge" class="badge owner">${s.owner}</span>` : nothing}
        <span part="badge" class="badge status-${m.status}">${s.status[m.status] ?? m.status}</span>
        ${hiddenReasonBadge(m)}
        ${m.reportCount > 0 ? html`<span part="badge" class="badge reported">${s.reports(m.reportCount)}</span>` : nothing}
        ${
          m.highlighted
            ? html`<span part="badge" class="badge highlighted"><span aria-hidden="true" class="star">★</span> ${s.highlighted}</span>`
            : nothing
        }
      </div>
      <p class="where muted">
        ${s.inThread} <span class="thread-name">${this.#threadName(m.threadKey)}</span> ·
        <time datetime=${m.createdAt}>${when(m.createdAt)}</time>${m.editedAt ? ` · ${s.edited}` : ''}
      </p>
      ${messageNotes(m, id)}
      <div part="body" class="body" .innerHTML=${m.html}></div>
      ${
        m.body
          ? html`<details part="source">
              <summary>${s.source}</summary>
              <pre>${m.body}</pre>
            </details>`
          : nothing
      }
      ${
        actions.length
          ? html`<div class="actions" role="group" aria-label=${s.actionsFor(m.id, name)}>
              ${actions}
            </div>`
          : nothing
      }
      ${error ? html`<p part="error" role="alert">${error}</p>` : nothing}
    </article>`;
  }

  #renderThreads() {
    const list = this._threads;
    return html`<div class="section" role="region" aria-labelledby="h-threads">
      <div class="section-head"><h2 id="h-threads">${s.threadsTitle}</h2></div>
      ${this.#renderState(list, s.noThreads, () => this.#loadThreads())}
      ${
        list.items.length
          ? html`<ol part="threads" class="list" aria-labelledby="h-threads">
              ${repeat(
                list.items,
                (t) => t.key,
                (t) => html`<li>${this.#renderThread(t)}</li>`,
              )}
            </ol>`
          : nothing
      }
      ${this.#renderMore(list, () => this.#loadThreads(true), s.threadsTitle)}
    </div>`;
  }

  #renderThread(t: AdminThread) {
    const key = `t${t.key}`;
    const busy = this._busy.has(key);
    const error = this._rowErrors.get(key);
    const name = t.title || t.key;
    const closed = t.status === 'closed';
    const link = httpUrl(t.url);
    const editing = this._editing === t.key;
    return html`<article
      part="thread"
      class="card thread"
      data-row=${key}
      tabindex="-1"
      aria-labelledby="t-${encodeURIComponent(t.key)}"
      aria-busy=${busy ? 'true' : nothing}
    >
      <div class="meta">
        <h3 id="t-${encodeURIComponent(t.key)}">${name}</h3>
        <span part="badge" class="badge ${closed ? 'status-closed' : 'status-open'}"
          >${closed ? s.closed : s.open}</span
        >
      </div>
      ${t.title ? html`<p class="muted key">${t.key}</p>` : nothing}
      ${t.summary ? html`<p class="summary">${t.summary}</p>` : nothing}
      ${
        link
          ? html`<p class="url">
              <a href=${link.href} target="_blank" rel="noopener noreferrer">${t.url}</a>
            </p>`
          : nothing
      }
      <p class="muted counts">
        ${s.threadCounts(t)} · ${s.lastActivity}
        <time datetime=${t.lastActivityAt}>${when(t.lastActivityAt)}</time>
      </p>
      <div class="actions" role="group" aria-label=${name}>
        <button
          part="button"
          aria-label=${s.threadAct(closed ? s.reopen : s.close, name)}
          ?disabled=${busy}
          @click=${() =>
            this.#patchThread(
              t,
              { status: closed ? 'open' : 'closed' },
              closed ? s.threadReopened : s.threadClosed,
            )}
        >
          ${closed ? s.reopen : s.close}
        </button>
        <button
          part="button"
          class="edit"
          aria-label=${s.threadAct(s.edit, name)}
          aria-expanded=${editing ? 'true' : 'false'}
          ?disabled=${busy}
          @click=${() => this.#edit(editing ? null : t)}
        >
          ${s.edit}
        </button>
        <button
          part="button"
          aria-label=${s.threadAct(s.showMessages, name)}
          @click=${() => this.#showThread(t.key)}
        >
          ${s.showMessages}
        </button>
      </div>
      ${editing ? this.#renderEdit(t, busy) : nothing}
      ${error && !editing ? html`<p part="error" role="alert">${error}</p>` : nothing}
    </article>`;
  }

  #renderEdit(t: AdminThread, busy: boolean) {
    const errors = this._fieldErrors;
    const field = (name: keyof ThreadFields, label: string, input: TemplateResult) => html`<div
      class="field"
    >
      <label for="edit-${name}">${label}</label>
      ${input}
      ${errors[name] ? html`<p id="edit-${name}-error" part="error">${errors[name]}</p>` : nothing}
    </div>`;
    const attrs = (name: keyof ThreadFields) => ({
      invalid: errors[name] ? 'true' : nothing,
      describedby: errors[name] ? `edit-${name}-error` : nothing,
    });
    const title = attrs('title');
    const summary = attrs('summary');
    const url = attrs('url');
    return html`<form
      part="form"
      class="edit-form"
      aria-label=${s.editTitle(t.title || t.key)}
      novalidate
      @input=${this.#onEditInput}
      @submit=${(e: SubmitEvent) => this.#onEditSubmit(e, t)}
    >
      ${field(
        'title',
        s.fieldTitle,
        html`<input
          id="edit-title"
          name="title"
          part="input"
          aria-invalid=${title.invalid}
          aria-describedby=${title.describedby}
          .value=${this._fields.title}
        />`,
      )}
      ${field(
        'summary',
        s.fieldSummary,
        html`<textarea
          id="edit-summary"
          name="summary"
          part="input"
          rows="3"
          aria-invalid=${summary.invalid}
          aria-describedby=${summary.describedby}
          .value=${this._fields.summary}
        ></textarea>`,
      )}
      ${field(
        'url',
        s.fieldUrl,
        html`<input
          id="edit-url"
          name="url"
          part="input"
          type="url"
          inputmode="url"
          aria-invalid=${url.invalid}
          aria-describedby=${url.describedby}
          .value=${this._fields.url}
        />`,
      )}
      ${errors.form ? html`<p part="error" role="alert">${errors.form}</p>` : nothing}
      <div class="actions">
        <button part="button" class="primary" ?disabled=${busy}>${busy ? s.saving : s.save}</button>
        <button part="button" type="button" @click=${() => this.#edit(null)}>${s.cancel}</button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'parley-admin': ParleyAdmin;
  }
  interface HTMLElementEventMap {
    'parley-session-changed': CustomEvent<ParleyAdminEventMap['parley-session-changed']>;
    'parley-message-moderated': CustomEvent<ParleyAdminEventMap['parley-message-moderated']>;
    'parley-thread-moderated': CustomEvent<ParleyAdminEventMap['parley-thread-moderated']>;
    'parley-admin-error': CustomEvent<ParleyAdminEventMap['parley-admin-error']>;
  }
}
