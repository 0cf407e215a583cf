/**
 * The sign-in form of `<parley-admin>`: the admin token field, its button
 * (disabled while the token is checked) and why the last attempt failed,
 * with the keyboard focus put back in the field after a failure or a
 * sign-out. Rendered in the page's shadow root (its styles, ids in one
 * scope); signs in through the page's session.
 */
import { html, nothing } from 'lit';
import type { SessionController } from './admin-session.js';
import { strings } from './admin-strings.js';

/** What the form needs from the page. */
export interface SignInHost {
  el: HTMLElement & {
    renderRoot: HTMLElement | DocumentFragment;
    updateComplete: Promise<unknown>;
  };
  session: SessionController;
  /** The token was accepted: the dashboard takes the form's place. */
  signedIn(): void;
}

export class SignInForm {
  #host: SignInHost;

  constructor(host: SignInHost) {
    this.#host = host;
  }

  #field() {
    return this.#host.el.renderRoot.querySelector<HTMLInputElement>('#token');
  }

  /** Puts the keyboard focus in the token field once it is on screen (after sign-out). */
  async focus() {
    await this.#host.el.updateComplete;
    this.#field()?.focus();
  }

  #onSubmit = async (e: SubmitEvent) => {
    e.preventDefault();
    const { session, el } = this.#host;
    const field = this.#field()!;
    if (await session.signIn(field.value.trim())) return this.#host.signedIn();
    await el.updateComplete;
    if (session.error) field.focus();
  };

  render() {
    const { error, checking } = this.#host.session;
    return html`<form
      part="sign-in"
      class="card sign-in"
      aria-labelledby="sign-in-title"
      novalidate
      @submit=${this.#onSubmit}
    >
      <h2 id="sign-in-title">${strings.signInTitle}</h2>
      <p class="muted">${strings.signInHelp}</p>
      <div class="field">
        <label for="token">${strings.token}</label>
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
          <button part="button" class="primary" ?disabled=${checking}>
            ${checking ? strings.signingIn : strings.signIn}
          </button>
        </div>
        ${error ? html`<p id="token-error" part="error" role="alert">${error}</p>` : nothing}
      </div>
    </form>`;
  }
}
