/**
 * The export of `<parley-admin>`: one thread (each thread card's Export) or
 * every thread ("Export all threads"), as the documented JSON, saved as a
 * file. Why not a plain link: the admin token goes only in the Authorization
 * header, never in an address, so the page fetches the export itself and
 * hands the body to the browser as a file (a `Blob`, an object URL and an
 * `<a download>` named as the server's `Content-Disposition` says). One
 * export at a time; the session's signal ends it on sign-out. Held by the
 * page; its status line is rendered in the
 * Threads tab.
 */
import { html, nothing, type ReactiveControllerHost } from 'lit';
import { downloadExport } from './admin-client.js';
import type { SessionController } from './admin-session.js';
import { strings } from './admin-strings.js';

/** How long the object URL lives after the click: the browser has read the blob by then. */
const REVOKE_AFTER_MS = 60_000;

/** What an export needs from the page. */
export interface ExportHost {
  session: SessionController;
  /** Says `text` in the polite live region. */
  announce(text: string): void;
}

type Page = ReactiveControllerHost & HTMLElement & { renderRoot: ParentNode };

/** The one thread being exported: its key, or ALL for every thread; null for none. */
const ALL = '';

export class ExportDownload {
  /** What is being exported: a thread key, {@link ALL}, or null while idle. */
  running: string | null = null;
  /** Why the last export failed; '' when it did not. */
  error = '';
  #el: Page;
  #host: ExportHost;

  constructor(el: Page, host: ExportHost) {
    this.#el = el;
    this.#host = host;
  }

  /** Forgets a failure (sign-out). A running export ends with the session's signal. */
  reset() {
    this.running = null;
    this.error = '';
    this.#el.requestUpdate();
  }

  /** Exports thread `key`, or every thread for {@link ALL}, and saves it as a file. */
  async start(key: string) {
    if (this.running !== null) return;
    const session = this.#host.session;
    const started = session.current;
    this.running = key;
    this.error = '';
    this.#el.requestUpdate();
    this.#host.announce(strings.exportStarted);
    let saved = '';
    const error = await session.attempt(async (current, signal) => {
      const file = await downloadExport(current, key === ALL ? undefined : key, signal);
      if (signal.aborted) return;
      this.#save(file.blob, file.filename);
      saved = file.filename;
    });
    // Signed out meanwhile: that session's export is over, and says nothing.
    if (session.current !== started) return;
    this.running = null;
    this.error = error ? strings.exportFailed(error) : '';
    this.#el.requestUpdate();
    if (saved) this.#host.announce(strings.exportSaved(saved));
  }

  /** Hands `blob` to the browser as the download `filename`. */
  #save(blob: Blob, filename: string) {
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = filename;
    link.hidden = true;
    // In the page's shadow root while clicked, so the click is an ordinary,
    // composed event of the page (and the link is never left behind).
    this.#el.renderRoot.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }

  /** The "Export all threads" button and the last failure, for the Threads tab's head. */
  render() {
    const running = this.running;
    return html`<div class="export">
      <button
        part="button"
        class="export-all"
        aria-busy=${running === ALL ? 'true' : nothing}
        aria-disabled=${running !== null ? 'true' : nothing}
        @click=${() => this.start(ALL)}
      >
        ${running === ALL ? strings.exporting : strings.exportAll}
      </button>
      ${this.error ? html`<p part="error" role="alert">${this.error}</p>` : nothing}
    </div>`;
  }
}
