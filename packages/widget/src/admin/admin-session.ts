/**
 * The moderator's session on `<parley-admin>`, as a Lit reactive controller:
 * checks the admin token, keeps it for this tab, holds the `AbortSignal` that
 * sign-out and disconnect abort (so no late answer lands in a later session),
 * and turns a failed request into words, reporting it; a 401 mid-session
 * means the token changed, and signs out.
 */
import type { AdminThreadList } from '@parley/server/wire';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, serverBase } from '../api/client.js';
import { retryAfter } from '../api/retry-after.js';
import { type AdminSession, listThreads } from './admin-client.js';
import { emit } from './admin-events.js';
import { locale, strings } from './admin-strings.js';

/** Storage key of the admin token in `sessionStorage`. */
export const TOKEN_KEY = 'parley:admin-token';

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

/** What the session needs from the page element. */
export interface SessionOptions {
  /** The element's `server` attribute. */
  server(): string | undefined;
  /** The token was accepted: `threads` is the first page of threads, fetched to check it. */
  started(threads: AdminThreadList): void;
  /** The session ended (sign-out, or a 401): forget everything loaded with it. */
  ended(reason: string): void;
}

/** A request of the session: the signed-in session and the signal that ends with it. */
export type SessionWork = (session: AdminSession, signal: AbortSignal) => Promise<void>;

export class SessionController implements ReactiveController {
  /** The signed-in session; null while signed out. */
  current: AdminSession | null = null;
  /** A token is being checked. */
  checking = false;
  /** Why the last sign-in failed (or the session ended), shown on the sign-in form. */
  error = '';
  #host: ReactiveControllerHost & HTMLElement;
  #options: SessionOptions;
  #abort = new AbortController();

  constructor(host: ReactiveControllerHost & HTMLElement, options: SessionOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  get signedIn(): boolean {
    return this.current !== null;
  }

  /** Aborted on sign-out and disconnect. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  hostConnected() {
    // A token kept by this tab (a reload) is checked again before anything shows.
    const token = tokenStore.get();
    if (token && !this.signedIn && !this.checking) this.signIn(token, true);
  }

  hostDisconnected() {
    this.#abort.abort();
    this.#abort = new AbortController();
    this.checking = false;
  }

  /**
   * Checks `token` and starts a session with it; resolves to whether it did.
   * `restoring`: the token came from this tab's storage, and is dropped if refused.
   */
  async signIn(token: string, restoring = false): Promise<boolean> {
    // A header value cannot hold spaces or non-ASCII text; fetch would throw
    // and the user would see "server unreachable" for a paste mistake.
    this.error = !token
      ? strings.tokenRequired
      : /[^\x21-\x7e]/.test(token)
        ? strings.tokenInvalid
        : '';
    if (this.error) {
      if (restoring) tokenStore.set(null);
      this.#host.requestUpdate();
      return false;
    }
    const session = { base: serverBase(this.#options.server(), import.meta.url), token };
    const signal = this.signal;
    this.checking = true;
    this.#host.requestUpdate();
    try {
      // Listing threads is the cheapest admin call, and its answer fills the Threads tab.
      const threads = await listThreads(session, {}, signal);
      if (signal.aborted) return false;
      this.current = session;
      tokenStore.set(token);
      this.#options.started(threads);
      emit(this.#host, 'parley-session-changed', { signedIn: true });
      return true;
    } catch (e) {
      if (signal.aborted) return false;
      if (restoring) tokenStore.set(null);
      this.error = this.describe(e);
      const code = e instanceof ApiError ? e.code : 'internal';
      emit(this.#host, 'parley-admin-error', { code, message: this.error });
      return false;
    } finally {
      if (!signal.aborted) this.checking = false;
      this.#host.requestUpdate();
    }
  }

  /** Forgets the token and everything loaded with it; `reason` is shown on the sign-in form. */
  signOut(reason = '') {
    this.#abort.abort();
    this.#abort = new AbortController();
    tokenStore.set(null);
    this.current = null;
    this.checking = false;
    this.error = reason;
    this.#options.ended(reason);
    this.#host.requestUpdate();
    emit(this.#host, 'parley-session-changed', { signedIn: false });
  }

  /** The words for a failure: the server's own message when it sent one. */
  describe(e: unknown): string {
    if (!(e instanceof ApiError) || e.status === 0) return strings.offline;
    const wait = e.code === 'rate_limited' && retryAfter(e);
    if (wait) return strings.tooMany(wait);
    // The server speaks English: in another locale its words give way to the catalog's.
    if (locale !== 'en') return errorWords(e.code) ?? strings.failed;
    return e.message || strings.failed;
  }

  /**
   * Reports a failure and returns the words for it; a 401 mid-session signs
   * out. A request the session aborted (sign-out, disconnect) is not a
   * failure: nothing is reported, and the words are ''.
   */
  fail(e: unknown): string {
    const error = e instanceof ApiError ? e : undefined;
    // The client says `aborted` only when the caller's signal, the session's, was aborted.
    if (error?.code === 'aborted') return '';
    const message = this.describe(e);
    emit(this.#host, 'parley-admin-error', { code: error?.code ?? 'internal', message });
    if (error?.status === 401 && this.signedIn)
      this.signOut((locale === 'en' && error.message) || strings.sessionEnded);
    return message;
  }

  /**
   * Runs `work` with the session. Resolves to '' when it succeeded (or could
   * not run, or was cut short by sign-out or disconnect, when there is
   * nothing to show), else to the words for its failure, already reported.
   */
  async attempt(work: SessionWork): Promise<string> {
    const session = this.current;
    if (!session) return '';
    const signal = this.signal;
    try {
      await work(session, signal);
      return '';
    } catch (e) {
      // fail() may sign out (a 401), which aborts the signal: nothing is shown then.
      const message = this.fail(e);
      return signal.aborted ? '' : message;
    }
  }
}

/** The catalog's words for an error code of the HTTP API (`*_not_found` reads as `not_found`). */
function errorWords(code: string): string | undefined {
  const errors: Record<string, string> = strings.errors;
  return errors[code.endsWith('_not_found') ? 'not_found' : code];
}
