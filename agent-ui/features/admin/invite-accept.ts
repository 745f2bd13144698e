import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ADMIN_API } from '../../../shared/api.js';
import type { LoginResult } from '../../../shared/types.js';
import { ApiError, request } from '../../controllers/session.js';
import { baseStyles, cardPageStyles, fieldStyles } from '../../styles/shared.js';

/** The server's minimum (MIN_PASSWORD_LENGTH in shared/schemas/admin.ts; not imported: zod). */
const MIN_PASSWORD = 10;

export interface InviteAcceptedDetail {
  result: LoginResult;
}

/**
 * The page an invitation mail links to (`#/invite/<token>`): the new agent chooses a password and
 * is signed in. It talks to POST /api/auth/invite/accept itself and hands the session to
 * `<agent-app>`.
 *
 * @fires invite-accepted - `{result}`: the LoginResult of the new session.
 */
export class InviteAccept extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    cardPageStyles,
    css`
      :host {
        --card-width: 26rem;
      }
      h1 {
        margin: 0 0 0.35rem;
        font-size: 1.25rem;
        font-weight: 650;
      }
      .lead {
        margin: 0 0 1.25rem;
        color: var(--ah-text-muted);
        font-size: 0.9rem;
      }
      [aria-invalid='true'] {
        border-color: var(--ah-danger);
      }
      .hint,
      .field-error {
        margin: 0;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
      .field-error {
        color: var(--ah-danger);
      }
      .btn-primary {
        width: 100%;
        min-height: 2.6rem;
        font-size: 0.9375rem;
      }
      .message {
        margin: 0;
        padding: 0.65rem 0.8rem;
        border-radius: var(--ah-radius-sm);
        font-size: 0.875rem;
        background: var(--ah-danger-soft);
        color: var(--ah-danger);
      }
      a {
        color: var(--ah-accent);
      }
    `,
  ];

  @property() token = '';

  @state() private busy = false;
  @state() private error = '';
  /** The link itself is unusable (used, expired, unknown): only a new invitation helps. */
  @state() private deadLink = false;
  @state() private passwordError = '';
  @state() private confirmError = '';

  @query('#new-password') private passwordInput?: HTMLInputElement;
  @query('#confirm-password') private confirmInput?: HTMLInputElement;

  override firstUpdated(): void {
    if (!/^[A-Za-z0-9_-]{43}$/.test(this.token)) {
      this.deadLink = true;
      this.error = 'This invitation link is incomplete. Open it again from the email, or ask an admin for a new one.';
    } else {
      this.passwordInput?.focus();
    }
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    if (this.busy || this.deadLink) return;
    const password = this.passwordInput?.value ?? '';
    const confirm = this.confirmInput?.value ?? '';
    this.error = '';
    this.passwordError = password.length < MIN_PASSWORD ? `Use at least ${MIN_PASSWORD} characters.` : '';
    this.confirmError = !this.passwordError && confirm !== password ? 'The two passwords are not the same.' : '';
    if (this.passwordError || this.confirmError) {
      await this.updateComplete;
      (this.passwordError ? this.passwordInput : this.confirmInput)?.focus();
      return;
    }
    this.busy = true;
    try {
      const result = await request<LoginResult>(ADMIN_API.acceptInvite, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: this.token, password }),
      });
      this.dispatchEvent(new CustomEvent<InviteAcceptedDetail>('invite-accepted', { detail: { result }, bubbles: true, composed: true }));
    } catch (err) {
      const body = err instanceof ApiError ? err.body : null;
      this.error = body?.message ?? 'Something went wrong. Please try again.';
      // VALIDATION is about the password; anything else but a hiccup means the link is spent.
      this.deadLink = body !== null && ['NOT_FOUND', 'UNAUTHORIZED', 'FORBIDDEN'].includes(body.code);
      if (body?.code === 'VALIDATION') this.passwordError = body.message.replace(/^Invalid input: /, '');
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`<main class="card">
      <h1>Set your password</h1>
      <p class="lead">Welcome! Choose a password for the agent workspace. You are signed in right after.</p>
      <form novalidate @submit=${this.submit} aria-busy=${this.busy ? 'true' : 'false'}>
        ${this.error
          ? html`<div class="message" role="alert">
              ${this.error} ${this.deadLink ? html`<a href="#/chats">Go to sign in</a>` : nothing}
            </div>`
          : nothing}
        ${this.deadLink
          ? nothing
          : html`<div class="field">
                <label for="new-password">New password</label>
                <input
                  id="new-password"
                  type="password"
                  autocomplete="new-password"
                  minlength=${MIN_PASSWORD}
                  required
                  ?readonly=${this.busy}
                  aria-invalid=${this.passwordError ? 'true' : 'false'}
                  aria-describedby=${this.passwordError ? 'new-password-error' : 'new-password-hint'}
                />
                ${this.passwordError
                  ? html`<p class="field-error" id="new-password-error" role="alert">${this.passwordError}</p>`
                  : html`<p class="hint" id="new-password-hint">At least ${MIN_PASSWORD} characters.</p>`}
              </div>
              <div class="field">
                <label for="confirm-password">Repeat the password</label>
                <input
                  id="confirm-password"
                  type="password"
                  autocomplete="new-password"
                  required
                  ?readonly=${this.busy}
                  aria-invalid=${this.confirmError ? 'true' : 'false'}
                  aria-describedby=${this.confirmError ? 'confirm-password-error' : nothing}
                />
                ${this.confirmError ? html`<p class="field-error" id="confirm-password-error" role="alert">${this.confirmError}</p>` : nothing}
              </div>
              <button class="btn btn-primary" type="submit" ?disabled=${this.busy}>Set password and sign in</button>`}
      </form>
    </main>`;
  }
}

if (!customElements.get('invite-accept')) customElements.define('invite-accept', InviteAccept);

declare global {
  interface HTMLElementTagNameMap {
    'invite-accept': InviteAccept;
  }
  interface GlobalEventHandlersEventMap {
    'invite-accepted': CustomEvent<InviteAcceptedDetail>;
  }
}
