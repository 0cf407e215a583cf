/**
 * The interactive part of `<parley-thread>`, loaded as a chunk of its own
 * (`/widget/thread-actions-<hash>.js`) right after the thread is first on
 * screen, so `/widget.js` carries only what reading needs. It imports Lit from
 * `/widget.js` (one Lit per page) and talks to the element only through
 * {@link ThreadHost}.
 *
 * This controller holds what the reader's parts share (this browser's edit
 * tokens, reports and owner key for the server, focus, re-rendering) and
 * hands the rendering to them: the reply form (`reply-form.ts`) and each
 * message's actions (`message-actions.ts`). Posting as the site owner follows
 * a `#parley-owner=<owner key>` link made in /admin (`owner-key.ts`).
 */

import type { Message } from '@parley/server/wire';
import type { ReactiveController } from 'lit';
import type { Catalog } from '../i18n/en.js';
import { withActions } from '../i18n/en-actions.js';
import { loadFor, REPORTED_KEY, TOKENS_KEY } from '../storage.js';
import { actionStyles } from './actions.styles.js';
import { MessageActions } from './message-actions.js';
import { ownerKeyFor, takeOwnerKeyFromHash } from './owner-key.js';
import type { PageFacts } from './page.js';
import { ReplyForm } from './reply-form.js';
import type { ThreadHost } from './thread-host.js';

/**
 * Created by the element when the chunk arrives; it registers itself as a Lit
 * controller of the element, which renders {@link form} and {@link actions}.
 */
export class ThreadActions implements ReactiveController {
  readonly host: ThreadHost;
  readonly replyForm: ReplyForm;
  readonly messageActions: MessageActions;
  /** This reader's edit tokens for the server, by message id: their own messages. */
  tokens: Record<string, string> = {};
  /** Messages this browser reported to the server. */
  reported: number[] = [];
  /** The site owner's posting key for the server, when this browser holds one. */
  ownerKey?: string;
  /**
   * What this reader typed, per message, this session: the server sends back
   * only the rendered HTML, so an edit is prefilled from here when it can be.
   */
  readonly typed = new Map<number, string>();
  /** The load the transient state belongs to. */
  #page?: PageFacts;

  constructor(host: ThreadHost) {
    this.host = host;
    this.replyForm = new ReplyForm(this);
    this.messageActions = new MessageActions(this);
    // This chunk's own styles join the element's: their bytes stay out of /widget.js.
    const root = host.el.renderRoot as ShadowRoot;
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, actionStyles.styleSheet!];
    host.el.addController(this);
  }

  hostConnected() {
    addEventListener('hashchange', this.#takeOwnerKey);
  }

  hostDisconnected() {
    removeEventListener('hashchange', this.#takeOwnerKey);
  }

  hostUpdate() {
    const page = this.host.page;
    if (page && page !== this.#page) {
      // A new load (another thread or server, or a retry): the old one's transient state goes.
      this.#page = page;
      this.replyForm.reset();
      this.messageActions.reset();
      this.refresh();
      this.#takeOwnerKey();
    }
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
    this.ownerKey = ownerKeyFor(base);
  }

  /** Takes the owner key from the address, saying in the form's alert when it is refused. */
  #takeOwnerKey = () => {
    if (!this.#page) return;
    const taken = takeOwnerKeyFromHash(this.#page.base);
    if (!taken) return;
    this.refresh();
    // Said in the form's alert, as a refused owner post is.
    if (taken === 'refused') this.replyForm.showError(this.t.ownerLinkRefused);
    this.update();
  };

  /** Focuses the first of `selectors` found once rendered; a non-control becomes focusable from script only. */
  async focus(...selectors: string[]) {
    await this.host.el.updateComplete;
    for (const s of selectors) {
      const el = this.host.el.renderRoot.querySelector<HTMLElement>(s);
      if (el) {
        if (!el.matches('button,input,textarea')) el.tabIndex = -1;
        return el.focus();
      }
    }
  }

  /** Shows the thread as closed, as the server just said it is. */
  closeThread() {
    const thread = this.host.thread;
    if (thread) this.host.thread = { ...thread, status: 'closed' };
  }

  /** The reply form; in a closed thread, only while it holds a draft the server refused. */
  form(closed: boolean) {
    return this.replyForm.render(closed);
  }

  /** A message's actions (or its editor, or the delete confirmation), under its body. */
  actions(m: Message, opening: boolean) {
    return this.messageActions.render(m, opening);
  }
}
