/**
 * Reporting another reader's message in `<parley-thread>` (part of the lazy
 * actions chunk): a small inline step under the message, "Report this message
 * by X?", with an optional reason for the moderators, Send report / Cancel.
 * One step open at a time; Escape or Cancel closes it, focus back on Report.
 */
import type { Message } from '@parley/server/wire';
import { html, nothing } from 'lit';
import { reportMessage } from '../api/interactive.js';
import { retryAfter } from '../api/retry-after.js';
import { fill, num, plural } from '../i18n/format.js';
import { loadFor, REPORTED_KEY, saveFor } from '../storage.js';
import { fieldHelp, MAX_REASON, waitNote } from './form-fields.js';
import type { ThreadActions } from './thread-actions.js';

export class ReportStep {
  /** The message whose report step is open, if any. */
  open: number | null = null;

  #actions: ThreadActions;
  #reason = '';
  #error = '';
  #sending = false;

  constructor(actions: ThreadActions) {
    this.#actions = actions;
  }

  /** Opens the step for message `id` (closing any other) and focuses its reason field. */
  start(id: number) {
    if (this.open !== id) {
      this.open = id;
      this.#reason = this.#error = '';
    }
    this.#actions.update();
    this.#actions.focus(`#parley-reason-${id}`);
  }

  /** Closes the step; with `focus`, focus goes back to the message's Report button. */
  close(focus = true) {
    const id = this.open;
    this.open = null;
    this.#actions.update();
    if (focus) this.#actions.focus(`#parley-${id} .report`);
  }

  async #send(e: SubmitEvent, id: number) {
    e.preventDefault();
    const actions = this.#actions;
    const host = actions.host;
    const t = actions.t;
    const page = host.page;
    if (this.#sending || actions.cooldowns.left('report')) return;
    const reason = this.#reason.trim();
    if ([...reason].length > MAX_REASON) {
      this.#error = fill(t.reasonTooLong, { max: num(host.locale, MAX_REASON) });
      actions.update();
      return actions.focus(`#parley-reason-${id}`);
    }
    this.#sending = true;
    this.#error = '';
    actions.update();
    try {
      await reportMessage(page.base, id, reason, new AbortController().signal);
      // Remembered so this browser does not offer it again; the server ignores repeats anyway.
      saveFor(REPORTED_KEY, page.base, [...(loadFor<number[]>(REPORTED_KEY, page.base) ?? []), id]);
      actions.refresh();
      if (page !== host.page) return;
      this.open = null;
      host.announce(t.reported);
      actions.focus(`#parley-${id} .done`);
    } catch (x) {
      const error = host.fail(x);
      const wait = error.code === 'rate_limited' && retryAfter(error);
      if (wait) {
        actions.cooldowns.start('report', wait);
        host.announce(`${t.reportTooQuick} ${plural(host.locale, t.waitFor, wait)}`);
      } else this.#error = t.reportFailed;
    } finally {
      this.#sending = false;
      actions.update();
    }
  }

  /** The step under message `m`, while it is open there. */
  render(m: Message) {
    const id = m.id;
    if (this.open !== id) return nothing;
    const actions = this.#actions;
    const t = actions.t;
    const locale = actions.host.locale;
    const length = [...this.#reason].length;
    const wait = actions.cooldowns.left('report');
    const p = `parley-reason-${id}`;
    const described = [this.#error && `${p}-error`, `${p}-hint`, `${p}-count`].filter(Boolean);
    return html`<form
      part="report"
      class="report-step"
      aria-labelledby="${p}-q"
      novalidate
      @submit=${(e: SubmitEvent) => this.#send(e, id)}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          this.close();
        }
      }}
    >
      <p id="${p}-q" class="replying">${fill(t.reportQuestion, { name: m.author.name })}</p>
      <div class="field">
        <label for=${p}>${t.reason}</label>
        <textarea
          id=${p}
          part="textarea"
          aria-invalid=${this.#error && length > MAX_REASON ? 'true' : nothing}
          aria-describedby=${described.join(' ')}
          .value=${this.#reason}
          @input=${(e: Event) => {
            this.#reason = (e.target as HTMLTextAreaElement).value;
            actions.update();
          }}
        ></textarea>
        ${fieldHelp(t, locale, p, t.reasonHint, length, MAX_REASON)}
      </div>
      ${
        wait
          ? waitNote(t, locale, p, t.reportTooQuick, wait)
          : this.#error
            ? html`<p id="${p}-error" part="error" role="alert">${this.#error}</p>`
            : nothing
      }
      <div class="buttons">
        <button
          part="button"
          class="primary"
          ?disabled=${this.#sending || wait > 0}
          aria-describedby=${wait ? `${p}-wait` : nothing}
        >
          ${this.#sending ? t.reporting : t.sendReport}
        </button>
        <button type="button" part="button" @click=${() => this.close()}>${t.cancel}</button>
      </div>
    </form>`;
  }
}
