/**
 * `<parley-admin>`, the moderation page's shell: sign-in, tabs, panels. Its
 * parts do the rest: `sign-in-form.ts` (the form), `admin-session.ts` (the
 * session, a reactive controller), `admin-lists.ts` and `paged-list.ts` (what
 * each tab lists, and its "load more"), `<parley-admin-message>` and
 * `<parley-admin-thread>` (the cards, which own their buttons, requests and
 * focus; `row-runner.ts`), `message-search.ts` (search and thread filter of
 * every message list), `bulk-selection.ts` (bulk actions), `export-download.ts`
 * (exports), `owner-keys.ts` (the Owner tab), `deliveries.ts` (the
 * Deliveries tab) and `stale-lists.ts` (what an action in one tab changed in
 * another).
 */
import type { AdminMessage, AdminThreadList } from '@parley/server/wire';
import { html, LitElement, nothing, type PropertyDeclarations, type ReactiveElement } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { isRtl, type Locale, resolveLocale } from '../i18n/locales.js';
import { emit, type MessageAction, type ParleyAdminEventMap } from './admin-events.js';
import { AdminLists } from './admin-lists.js';
import { SessionController } from './admin-session.js';
import { strings, use } from './admin-strings.js';
import { BulkSelection, bulkStyles } from './bulk-selection.js';
import { Deliveries, deliveryStyles } from './deliveries.js';
import { ExportDownload } from './export-download.js';
import { listMore, listStatus, type MoreHost, reloading } from './list-status.js';
import { MessageSearch } from './message-search.js';
import { OwnerKeys } from './owner-keys.js';
import { styles } from './parley-admin.styles.js';
import type { MessageCardHost } from './parley-admin-message.js';
import type { ThreadCardHost } from './parley-admin-thread.js';
import { byReportsCount, byReportsNotice, noticeStyles } from './reports-notice.js';
import { BusyItems } from './row-runner.js';
import { baseStyles, fieldStyles } from './shared.styles.js';
import { SignInForm } from './sign-in-form.js';
import { type ListName, SHOWN } from './stale-lists.js';
import { tabForKey } from './tab-keys.js';

/** The sections of the dashboard, each a tab ('recent' is the Published tab). */
export type Tab = 'queue' | 'hidden' | 'spam' | 'recent' | 'threads' | 'owner' | 'deliveries';
const TABS: Tab[] = ['queue', 'hidden', 'spam', 'recent', 'threads', 'owner', 'deliveries'];

/** The parts of the cards that stay styleable from the page, through `::part`. */
const MESSAGE_PARTS = 'message, author, badge, body, source, link, button, error';
const THREAD_PARTS = 'thread, badge, button, form, input, error';

/**
 * The moderation page: sign in with the admin token, approve, hide or
 * delete held messages, keep, hide or delete reported ones, restore or delete
 * hidden ones (those hidden by readers' reports announced at the top), approve
 * or delete spam, hide, highlight or delete published ones, close, reopen,
 * edit and export threads, create and revoke owner-posting links (see
 * `owner-keys.ts`), and follow the webhooks and mail the server sends,
 * retrying failed ones (see `deliveries.ts`). Every message list can be searched (text or author) and
 * narrowed to one thread; ticked messages are approved, restored, hidden or
 * deleted at once; each message links to its place on the blog. Every Delete
 * asks for a second click. Loaded by the server's `/admin` page from
 * `/admin.js`; never part of `/widget.js`. Each message and thread is a card
 * element (`<parley-admin-message>`, `<parley-admin-thread>`) whose parts are
 * exported, so every part below is styled through `parley-admin::part(...)`.
 *
 * @attr {string} server - Base URL of the Parley server. Default: where `admin.js` was loaded from.
 * @attr {string} locale - Language of the page (de, fr, es, pt-BR, ja, zh-Hans, ar, he; any other reads English). Default: the closest `lang` in the page (across shadow roots), else the browser's.
 *
 * @fires parley-session-changed - The moderator signed in (the token was accepted) or out (by the button, or when the server refused the token). `detail.signedIn`: whether signed in now.
 * @fires parley-message-moderated - A message action succeeded (a bulk action fires one per message). `detail.action`: `approve`, `keep`, `hide`, `restore`, `highlight`, `unhighlight` or `delete`; `detail.message`: the server's answer (status `deleted` after a delete).
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
 * @csspart search - The search form above the message lists (text, thread).
 * @csspart bulk - The bar of bulk actions on the selected messages.
 * @csspart messages - A list of messages.
 * @csspart message - Each message.
 * @csspart author - A message's author name.
 * @csspart badge - Status, report, highlight and owner badges.
 * @csspart body - A message's sanitized HTML.
 * @csspart source - A message's markdown source, in a disclosure.
 * @csspart link - A message's link to its place on the blog.
 * @csspart threads - The list of threads.
 * @csspart thread - Each thread.
 * @csspart form - The thread edit form and the owner form.
 * @csspart input - Text fields, the search field and the thread filter.
 * @csspart button - Every button.
 * @csspart error - Error messages.
 * @csspart deliveries - A list of deliveries (webhooks and mail).
 * @csspart delivery - Each delivery.
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
  static override styles = [
    baseStyles,
    fieldStyles,
    styles,
    noticeStyles,
    bulkStyles,
    deliveryStyles,
  ];

  static override properties: PropertyDeclarations = {
    server: {},
    locale: {},
    _tab: { state: true },
    _confirmingDelete: { state: true },
    _editingThread: { state: true },
    _announcement: { state: true },
    _shown: { state: true },
  };

  /** Base URL of the Parley server. Default: where `admin.js` was loaded from. */
  declare server?: string;
  /** Language of the page. Default: the closest `lang` in the page (across shadow roots), else the browser's. */
  declare locale?: string;
  /** The shipped locale whose words are on screen; undefined while its chunk loads. */
  declare private _shown: Locale | undefined;

  declare private _tab: Tab;
  /** The message whose Delete was clicked once and now asks for confirmation. */
  declare private _confirmingDelete: number | null;
  /** Key of the thread whose edit form is open. */
  declare private _editingThread: string | null;
  /** The words in the polite live region. */
  declare private _announcement: string;

  #session = new SessionController(this, {
    server: () => this.server,
    started: (threads) => this.#started(threads),
    ended: (reason) => this.#ended(reason),
  });
  #lists = new AdminLists(this, this.#session);
  #signInForm = new SignInForm({
    el: this,
    session: this.#session,
    signedIn: async () => {
      this.#announce(strings.signedIn);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[role=tab][aria-selected=true]')?.focus();
    },
  });
  /** The owner-posting keys section. */
  #ownerKeys = new OwnerKeys({
    el: this,
    session: () => this.#session.current,
    signal: () => this.#session.signal,
    fail: (e) => this.#session.fail(e),
    announce: (text) => this.#announce(text),
    blogPage: () => this.#lists.blogPage(),
  });
  /** What "Load more" needs from the page. */
  #more: MoreHost = {
    announce: (text) => this.#announce(text),
    settled: () => this.updateComplete,
  };
  /** The Deliveries section. */
  #deliveries = new Deliveries({
    el: this,
    session: this.#session,
    announce: (text) => this.#announce(text),
    more: this.#more,
  });
  #messageHost: MessageCardHost = {
    session: this.#session,
    settled: () => this.updateComplete,
    busy: new BusyItems(this),
    confirm: (id) => {
      this._confirmingDelete = id;
    },
    select: (id, on) => this.#bulk.toggle(id, on),
    moderated: (before, after, action) => {
      this.#lists.replaceMessage(before, after, this._tab);
      this.#announce(strings.done[action]);
      emit(this, 'parley-message-moderated', { action, message: after });
    },
  };
  #threadHost: ThreadCardHost = {
    session: this.#session,
    settled: () => this.updateComplete,
    busy: new BusyItems(this),
    changed: (thread, done, retitled) => {
      this.#lists.replaceThread(thread, retitled, this._tab);
      this.#announce(done);
      emit(this, 'parley-thread-moderated', { thread });
    },
    edit: (key) => {
      this._editingThread = key;
    },
    showMessages: (key) => this.#showThread(key),
    exportThread: (key) => this.#export.start(key),
  };
  #search = new MessageSearch(this, {
    current: () => ({ thread: this.#lists.filter, query: this.#lists.query }),
    narrow: (thread, query) => this.#narrow(thread, query),
  });
  #bulk = new BulkSelection(this, {
    session: this.#session,
    tab: () => this._tab,
    shown: () => this.#lists.shown(this._tab),
    applied: (result) => {
      for (const after of result.messages) {
        const before = this.#lists.find(after.id) ?? after;
        this.#lists.replaceMessage(before, after, this._tab);
        emit(this, 'parley-message-moderated', {
          action: bulkAction(before, after),
          message: after,
        });
      }
      for (const id of [...result.deleted, ...result.missing]) {
        const before = this.#lists.find(id);
        this.#lists.removeMessage(id, this._tab);
        if (before && result.deleted.includes(id))
          emit(this, 'parley-message-moderated', {
            action: 'delete',
            message: { ...before, status: 'deleted' },
          });
      }
    },
    announce: (text) => this.#announce(text),
  });
  /** Bumped per search, so only the latest one says what it found. */
  #searches = 0;
  #export = new ExportDownload(this, {
    session: this.#session,
    announce: (text) => this.#announce(text),
  });

  constructor() {
    super();
    this._tab = 'queue';
    this._announcement = '';
    this._confirmingDelete = this._editingThread = null;
  }

  override connectedCallback() {
    super.connectedCallback();
    // Loads cut short by a disconnect start again when the element comes back.
    if (this.#session.signedIn) this.#loadTab(this._tab, true);
  }

  /**
   * Says `text` in the polite live region. Cleared first, so the same words
   * twice in a row ("Message approved") are announced twice.
   */
  async #announce(text: string) {
    this._announcement = '';
    await this.updateComplete;
    this._announcement = text;
  }

  #started(threads: AdminThreadList) {
    this.#lists.reset(threads);
    this.#ownerKeys.reset();
    this.#deliveries.reset();
    this.#loadTab(this._tab);
  }

  #ended(reason: string) {
    this.#lists.reset();
    this.#ownerKeys.reset();
    this.#deliveries.reset();
    this.#bulk.clear();
    this.#search.reset();
    this.#export.reset();
    this._confirmingDelete = this._editingThread = null;
    this.#announce(reason || strings.signedOut);
    this.#signInForm.focus();
  }

  /** Loads what `tab` shows, unless loaded already and not stale (`force` reloads). */
  #loadTab(tab: Tab, force = false): Promise<unknown> {
    const loads = this.#lists.loadTab(tab, force);
    if (tab === 'owner') loads.push(this.#ownerKeys.load(force));
    if (tab === 'deliveries') loads.push(this.#deliveries.load(force));
    return Promise.all(loads);
  }

  async #refresh() {
    const session = this.#session.current;
    await this.#loadTab(this._tab, true);
    if (session === this.#session.current) this.#announce(strings.refreshed);
  }

  async #select(tab: Tab, focus = false) {
    // A selection is of what the open tab shows: nothing hidden is ever acted on.
    if (tab !== this._tab) this.#bulk.clear();
    // What was said about the last tab ("7 messages found") is not about this one.
    if (tab !== this._tab) this._announcement = '';
    this._tab = tab;
    this._confirmingDelete = null;
    this.#loadTab(tab);
    if (!focus) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus();
  }

  #onTabKey(e: KeyboardEvent) {
    const next = tabForKey(TABS, this._tab, e.key, isRtl(this._shown ?? 'en'));
    if (!next) return;
    e.preventDefault();
    this.#select(next, true);
  }

  #showThread(key: string) {
    this.#searches++;
    this.#lists.narrow(key, '');
    this.#search.reset();
    this.#select('recent', true);
  }

  /**
   * Narrows every message list, loads the open tab's again, and says what it
   * found; only the latest search speaks (an earlier one's count would be of
   * the lists as they were).
   */
  async #narrow(thread: string, query: string) {
    if (!this.#lists.narrow(thread, query)) return;
    this.#bulk.clear();
    const session = this.#session.current;
    const tab = this._tab;
    const search = ++this.#searches;
    await this.#loadTab(tab);
    if (search !== this.#searches) return;
    if (session !== this.#session.current || tab !== this._tab || !(thread || query)) return;
    const found = this.#lists.shown(tab).length;
    this.#announce(strings.found(found, this.#lists.hasMore(tab)));
  }

  /**
   * Puts the words of the page's locale in `strings` before a render: the
   * `locale` attribute, else the closest `lang` across shadow roots (`/admin` sets it on `<html>`
   * from the browser's languages), else the browser's. Until another locale's
   * chunk is in, nothing is rendered in English to flash by.
   */
  override willUpdate() {
    const [wanted] = resolveLocale(this, this.locale);
    const before = strings;
    this._shown = use(wanted, () => this.requestUpdate()) ? wanted : undefined;
    if (strings === before) return;
    // The cards render their own words: they follow the page's.
    for (const card of this.renderRoot.querySelectorAll<ReactiveElement>(
      'parley-admin-message, parley-admin-thread',
    ))
      card.requestUpdate();
  }

  override render() {
    const shown = this._shown;
    if (!shown) return html`<main part="admin" class="admin" aria-busy="true"></main>`;
    // Landmarks: the header is the banner, everything else is in <main>, so
    // no content sits outside a landmark (axe's region rule).
    return html`<div part="admin" class="admin" lang=${shown} dir=${isRtl(shown) ? 'rtl' : 'ltr'}>
      <header part="header">
        <h1>${strings.title}</h1>
        ${
          this.#session.signedIn
            ? html`<div class="tools">
                <button part="button" @click=${this.#refresh}>${strings.refresh}</button>
                <button part="button" @click=${() => this.#session.signOut()}>${strings.signOut}</button>
              </div>`
            : nothing
        }
      </header>
      <main>
        ${this.#session.signedIn ? this.#renderDashboard() : this.#signInForm.render()}
        <div role="status" class="vh">${this._announcement}</div>
      </main>
    </div>`;
  }

  #renderDashboard() {
    const hidden = this.#lists.noticeList();
    const tab = (id: Tab) => html`<button
      part="tab"
      role="tab"
      id="tab-${id}"
      aria-selected=${this._tab === id ? 'true' : 'false'}
      aria-controls="panel-${id}"
      tabindex=${this._tab === id ? 0 : -1}
      @click=${() => this.#select(id)}
    >
      ${strings.tabs[id]}${id === 'hidden' ? byReportsCount(hidden) : nothing}
    </button>`;
    const open = this._tab;
    // The search and bulk bars only in the open tab's panel: their ids stay unique.
    const messageTools = (id: Tab) =>
      id === open && SHOWN[id].some((key) => key !== 'threads')
        ? html`${this.#search.render(this.#lists.threads.items)}
          ${this.#bulk.render(id, this.#lists.shown(id))}`
        : nothing;
    const panel = (id: Tab, content: unknown) => html`<section
      part="panel"
      role="tabpanel"
      id="panel-${id}"
      aria-labelledby="tab-${id}"
      ?hidden=${open !== id}
    >
      ${messageTools(id)} ${content}
    </section>`;
    const review = this._tab === 'hidden' ? undefined : () => this.#select('hidden', true);
    return html`${byReportsNotice(hidden, review)}
      <div part="tabs" role="tablist" aria-label=${strings.sections} @keydown=${this.#onTabKey}>
        ${TABS.map(tab)}
      </div>
      ${panel(
        'queue',
        html`${this.#renderMessages('pending', strings.pendingTitle, strings.noPending)}
        ${this.#renderMessages('reported', strings.reportedTitle, strings.noReported)}`,
      )}
      ${panel('hidden', this.#renderMessages('hidden', strings.hiddenTitle, strings.noHidden))}
      ${panel(
        'spam',
        html`<p class="muted">${strings.spamHelp}</p>
          ${this.#renderMessages('spam', strings.spamTitle, strings.noSpam)}`,
      )}
      ${panel('recent', this.#renderMessages('recent', strings.recentTitle, strings.noRecent))}
      ${panel('threads', this.#renderThreads())}
      ${panel('owner', this.#ownerKeys.render())}
      ${panel('deliveries', this.#deliveries.render())}`;
  }

  #renderMessages(name: ListName, title: string, empty: string) {
    const list = this.#lists.messages[name];
    const { filter, query } = this.#lists;
    const counted = name === 'recent' ? '' : strings.count(list.items.length, !!list.cursor);
    const none = filter || query ? strings.noMatch(query, this.#lists.threadName(filter)) : empty;
    return html`<div class="section" aria-labelledby="h-${name}" role="region">
      <div class="section-head">
        <h2 id="h-${name}" tabindex="-1">${title}${list.state === 'ready' ? counted : ''}</h2>
      </div>
      ${listStatus(list, none, () => this.#lists.reload(name))}
      ${
        list.items.length
          ? html`<ol part="messages" class="list" aria-labelledby="h-${name}"
              ?inert=${reloading(list)}>
              ${repeat(
                list.items,
                (message) => message.id,
                (message) => html`<li>
                  <parley-admin-message
                    exportparts=${MESSAGE_PARTS}
                    .message=${message}
                    .list=${name}
                    .threadName=${this.#lists.threadName(message.threadKey)}
                    .confirming=${this._confirmingDelete === message.id}
                    .busy=${this.#messageHost.busy.has(message.id)}
                    .selectable=${true}
                    .selected=${this.#bulk.has(message.id)}
                    .host=${this.#messageHost}
                  ></parley-admin-message>
                </li>`,
              )}
            </ol>`
          : nothing
      }
      ${listMore(list, title, this.#more)}
    </div>`;
  }

  #renderThreads() {
    const list = this.#lists.threads;
    return html`<div class="section" role="region" aria-labelledby="h-threads">
      <div class="section-head">
        <h2 id="h-threads">${strings.threadsTitle}</h2>
        ${this.#export.render()}
      </div>
      ${listStatus(list, strings.noThreads, () => this.#lists.reload('threads'))}
      ${
        list.items.length
          ? html`<ol part="threads" class="list" aria-labelledby="h-threads"
              ?inert=${reloading(list)}>
              ${repeat(
                list.items,
                (thread) => thread.key,
                (thread) => html`<li>
                  <parley-admin-thread
                    exportparts=${THREAD_PARTS}
                    .thread=${thread}
                    .editing=${this._editingThread === thread.key}
                    .busy=${this.#threadHost.busy.has(thread.key)}
                    .exporting=${this.#export.running === thread.key}
                    .host=${this.#threadHost}
                  ></parley-admin-thread>
                </li>`,
              )}
            </ol>`
          : nothing
      }
      ${listMore(list, strings.threadsTitle, this.#more, strings.moreThreads)}
    </div>`;
  }
}

/** The single action a bulk `publish` amounts to, for `parley-message-moderated`. */
function bulkAction(before: AdminMessage, after: AdminMessage): MessageAction {
  if (after.status === 'hidden') return 'hide';
  if (before.status === 'hidden') return 'restore';
  return before.status === 'published' ? 'keep' : 'approve';
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
