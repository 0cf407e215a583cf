/**
 * The interactive part of `<parley-thread>`, loaded as a chunk of its own
 * (`/widget/thread-actions-<hash>.js`) right after the thread is first on
 * screen, so `/widget.js` carries only what reading needs. It imports Lit from
 * `/widget.js` (one Lit per page), adopts its own styles (`actions.styles.ts`)
 * and talks to the element only through {@link ThreadHost}.
 *
 * This controller holds what the reader's parts share (the name, this
 * browser's edit tokens, reports and owner key for the server, the proof of
 * work, rate limits, the confirmation of a post, focus, re-rendering) and
 * hands the rendering to them: the main reply form and the one reply box open
 * under a message (`reply-form.ts`), each message's actions
 * (`message-actions.ts`, `report-step.ts`) and the sort control. Posting as
 * the site owner follows a `#parley-owner=<owner key>` link made in /admin
 * (`owner-key.ts`).
 */

import type { Message, SortOrder } from '@parley/server/wire';
import { html, nothing, type ReactiveController } from 'lit';
import { forcedColors } from '../forced-colors.styles.js';
import type { Catalog } from '../i18n/en.js';
import { withActions } from '../i18n/en-actions.js';
import { draftSlots, load, loadFor, NAME_KEY, REPORTED_KEY, TOKENS_KEY } from '../storage.js';
import { actionSettings } from './action-settings.js';
import { actionStyles } from './actions.styles.js';
import { Cooldowns } from './cooldown.js';
import { MessageActions } from './message-actions.js';
import { ownerKeyFor, takeOwnerKeyFromHash } from './owner-key.js';
import type { PageFacts } from './page.js';
import { PostProof } from './post-proof.js';
import { ReplyForm } from './reply-form.js';
import { askReplyMail, rememberedMail, replyMailKnown } from './reply-mail.js';
import type { ThreadHost } from './thread-host.js';

/**
 * Created by the element when the chunk arrives; it registers itself as a Lit
 * controller of the element, which renders {@link form}, {@link actions} and
 * {@link sortControl}.
 */
export class ThreadActions implements ReactiveController {
  readonly host: ThreadHost;
  readonly messageActions: MessageActions;
  /** The form at the end of the thread, for top-level replies; a new one per load, with that thread's draft. */
  main!: ReplyForm;
  /** The reply box open under a message, if any: one at a time. */
  inline: ReplyForm | null = null;
  /** The reader's name, shared by every form and remembered on this browser. */
  name: string = load(NAME_KEY, '');
  /**
   * The reader's address for reply mail, shared by every form: the one this
   * browser remembers for the server (see `rememberedMail`), then what they type.
   */
  email = '';
  /** The proof of work for the next post, solved while the reader types. */
  readonly proof = new PostProof();
  /** Rate limits the server announced, counted down. */
  readonly cooldowns = new Cooldowns(
    () => this.update(),
    (kind) => {
      if (kind === 'post') this.host.announce(this.t.canPostAgain);
    },
  );
  /** The visible confirmation under the message just posted, while it lasts. */
  note: { id: number; text: string } | null = null;
  /** This reader's edit tokens for the server, by message id: their own messages. */
  tokens: Record<string, string> = {};
  /** Messages this browser reported to the server. */
  reported: number[] = [];
  /** Messages of this thread whose reply box holds a draft on this browser: their Reply says "Continue your reply". */
  drafted = new Set<number>();
  /** The site owner's posting key for the server, when this browser holds one. */
  ownerKey?: string;
  /**
   * What this reader typed, per message, this session: the server sends back
   * only the rendered HTML, so an edit is prefilled from here when it can be.
   */
  readonly typed = new Map<number, string>();
  /** The load the transient state belongs to. */
  #page?: PageFacts;
  #noteTimer?: ReturnType<typeof setTimeout>;
  /** The sort just changed: focus goes back to the sort control once the thread is in again. */
  #refocusSort = false;

  constructor(host: ThreadHost) {
    this.host = host;
    this.messageActions = new MessageActions(this);
    // This chunk's own styles join the element's: their bytes stay out of /widget.js.
    const root = host.el.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [
      ...root.adoptedStyleSheets,
      forcedColors.styleSheet!,
      actionStyles.styleSheet!,
    ];
    // The reader's next action, whatever it is, takes the confirmation of a post away.
    root.addEventListener('click', (e) => {
      if (this.note && (e.target as Element).closest?.('button')) this.#clearNote();
    });
    this.#newPage();
    host.el.addController(this);
  }

  hostConnected() {
    addEventListener('hashchange', this.#takeOwnerKey);
    this.cooldowns.resume();
  }

  hostDisconnected() {
    removeEventListener('hashchange', this.#takeOwnerKey);
    this.cooldowns.pause();
    this.#clearNote();
  }

  hostUpdate() {
    if (this.host.page !== this.#page) this.#newPage();
    // A message removed (live, or by a moderator) takes its reply box, report
    // step and editor with it; its draft stays kept. (Live updates move the
    // focus to the nearest message.)
    const report = this.messageActions.report;
    const open = [this.inline?.parent?.id, report.open, this.editing].filter((id) => id != null);
    if (!open.length) return;
    const shown = new Set(this.host.messages.filter((m) => !m.deleted).map((m) => m.id));
    for (const id of open) if (!shown.has(id)) this.forget(id);
  }

  hostUpdated() {
    if (!this.#refocusSort) return;
    const pressed = this.host.el.renderRoot.querySelector<HTMLElement>(
      '[part~=sort] [aria-pressed=true]',
    );
    if (pressed) {
      this.#refocusSort = false;
      pressed.focus();
    }
  }

  /** A new load (another thread or server, another order, or a retry): the old one's transient state goes. */
  #newPage() {
    const base = this.host.page.base;
    // Another server: its own remembered address (another order or thread keeps what is typed).
    if (base !== this.#page?.base) {
      this.email = rememberedMail(base)?.email ?? '';
    }
    this.#page = this.host.page;
    this.main = new ReplyForm(this, null);
    this.inline = null;
    this.note = null;
    this.messageActions.reset();
    this.refresh();
    this.#takeOwnerKey();
  }

  /** The id of the message whose editor is open, if any (the element hides its body meanwhile). */
  get editing(): number | null {
    return this.messageActions.editing;
  }

  /** The whole catalog of the current locale. */
  get t(): Catalog {
    return withActions(this.host.t);
  }

  update() {
    this.host.el.requestUpdate();
  }

  /** Rereads what this browser holds for the current server. */
  refresh() {
    const base = this.#page!.base;
    this.tokens = loadFor(TOKENS_KEY, base) ?? {};
    this.reported = loadFor(REPORTED_KEY, base) ?? [];
    this.drafted = new Set(draftSlots(base, this.#page!.key));
    this.ownerKey = ownerKeyFor(base);
  }

  /**
   * A form is in use: asks the server, once per page, whether it sends reply
   * mail, and shows the forms' "Mail me replies" when it does.
   */
  askMail() {
    const base = this.#page!.base;
    if (replyMailKnown(base)) return;
    askReplyMail(base).then((on) => {
      if (on && base === this.#page?.base) this.update();
    });
  }

  /** Takes the owner key from the address, saying in the form's alert when it is refused. */
  #takeOwnerKey = () => {
    if (!this.#page) return;
    const taken = takeOwnerKeyFromHash(this.#page.base);
    if (!taken) return;
    this.refresh();
    // Said in the form's alert, as a refused owner post is.
    if (taken === 'refused') this.main.showError(this.t.ownerLinkRefused);
    this.update();
  };

  /**
   * Focuses the first of `selectors` found once rendered; a non-control
   * becomes focusable from script only. `FocusOptions` among them apply
   * (`preventScroll` where something else was just scrolled into view).
   */
  async focus(...selectors: (string | FocusOptions)[]) {
    await this.host.el.updateComplete;
    const options = selectors.find((s) => typeof s === 'object');
    for (const s of selectors) {
      if (typeof s !== 'string') continue;
      const el = this.host.el.renderRoot.querySelector<HTMLElement>(s);
      if (el) {
        if (!el.matches('button,input,textarea,select')) el.tabIndex = -1;
        return el.focus(options);
      }
    }
  }

  /** Shows the thread as closed, as the server just said it is. */
  closeThread() {
    const thread = this.host.thread;
    if (thread) this.host.thread = { ...thread, status: 'closed' };
  }

  /**
   * Opens the reply box under `m` (closing another one: its draft is kept) with
   * its draft, and focuses it; the same box again is only focused.
   */
  openReply(m: Message) {
    if (this.inline?.parent?.id !== m.id) {
      this.messageActions.report.open = null;
      this.inline = new ReplyForm(this, m);
    }
    this.update();
    this.focus(this.inline!.field);
  }

  /**
   * Closes the reply box (its draft stays kept unless it was posted or
   * discarded); focus goes to `focus`, by default back to its Reply button.
   */
  closeReply(focus?: string) {
    const id = this.inline?.parent?.id;
    this.inline = null;
    this.update();
    this.focus(focus ?? `#parley-${id} .reply`);
  }

  /** A message deleted or removed: a box replying to it, its report step or editor closes. */
  forget(id: number) {
    if (this.inline?.parent?.id === id) this.inline = null;
    const report = this.messageActions.report;
    if (report.open === id) report.open = null;
    if (this.messageActions.editing === id) this.messageActions.editing = null;
  }

  /** Shows `text` under message `id` for a while (until the reader's next action at most). */
  confirm(id: number, text: string) {
    clearTimeout(this.#noteTimer);
    this.note = { id, text };
    this.#noteTimer = setTimeout(() => this.#clearNote(), actionSettings.confirmationMs);
  }

  #clearNote() {
    clearTimeout(this.#noteTimer);
    if (!this.note) return;
    this.note = null;
    this.update();
  }

  /** The main reply form; nothing in a closed thread (the element says it is closed), unless it holds a draft the server just refused. */
  form(closed: boolean) {
    return this.main.render(closed);
  }

  /** A message's actions (or its editor, or the delete confirmation), under its body, and what opened from them. */
  actions(m: Message, opening: boolean) {
    return this.messageActions.render(m, opening);
  }

  /**
   * "Awaiting moderation" in a message's meta line, while this reader's post
   * or edit of it waits for a moderator (`host.pending`, which only this chunk
   * and live updates change).
   */
  pendingMark(m: Message) {
    return this.host.pending.has(m.id)
      ? html`<span class="pending">${this.t.pending}</span>`
      : nothing;
  }

  /**
   * "Oldest" / "Newest", in the header: sets the element's `sort` attribute,
   * which reloads the thread in that order (drafts are kept; focus comes back
   * here once the thread is in again).
   */
  sortControl() {
    if (!this.host.thread) return nothing;
    const t = this.t;
    const sort = this.host.options().sort;
    const choice = (value: SortOrder, label: string) =>
      html`<button
        part="button"
        aria-pressed=${sort === value}
        @click=${() => {
          if (sort === value) return;
          this.#refocusSort = true;
          this.host.el.setAttribute('sort', value);
        }}
      >
        ${label}
      </button>`;
    return html`<div part="sort" role="group" aria-label=${t.sortLabel}>
      ${choice('oldest', t.oldest)}${choice('newest', t.newest)}
    </div>`;
  }
}
