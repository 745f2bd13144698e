import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { MAX_EMAIL_LENGTH } from '../../../shared/limits.js';
import type { ErrorBody } from '../../../shared/errors.js';
import { baseStyles, cardPageStyles, fieldStyles } from '../../styles/shared.js';

export interface LoginSubmitDetail {
  email: string;
  password: string;
}

/**
 * The sign-in form. It only collects the credentials; `<agent-app>` talks to the server and hands
 * back `busy` and `error`.
 *
 * @fires login-submit - `{email, password}` when the form is submitted.
 */
export class LoginView extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    cardPageStyles,
    css`
      .brand {
        display: flex;
        align-items: center;
        gap: 0.6rem;
        margin-bottom: 1.5rem;
      }
      .logo {
        display: grid;
        place-items: center;
        width: 2.25rem;
        height: 2.25rem;
        border-radius: 9px;
        background: var(--ah-accent);
        color: var(--ah-accent-text);
        font-weight: 700;
      }
      h1 {
        margin: 0;
        font-size: 1.25rem;
        font-weight: 650;
      }
      .subtitle {
        margin: 0.15rem 0 0;
        color: var(--ah-text-muted);
        font-size: 0.875rem;
      }
      input:focus-visible {
        outline: 2px solid var(--ah-focus);
        outline-offset: 0;
        border-color: var(--ah-focus);
      }
      .btn {
        width: 100%;
        min-height: 2.6rem;
        font-size: 0.9375rem;
      }
      .message {
        margin: 0;
        padding: 0.65rem 0.8rem;
        border-radius: var(--ah-radius-sm);
        font-size: 0.875rem;
      }
      .error {
        background: var(--ah-danger-soft);
        color: var(--ah-danger);
      }
      .notice {
        background: var(--ah-warning-soft);
        color: var(--ah-warning-text);
      }
      .details {
        margin: 0.35rem 0 0;
        padding-left: 1.1rem;
      }
    `,
  ];

  @property({ type: Boolean }) busy = false;
  @property({ attribute: false }) error: ErrorBody | null = null;
  /** Why the agent is here again, e.g. "Your session has expired". */
  @property() notice = '';

  @state() private email = '';
  @query('#email') private emailInput?: HTMLInputElement;
  @query('#password') private passwordInput?: HTMLInputElement;

  override firstUpdated(): void {
    this.emailInput?.focus();
  }

  override updated(changed: Map<PropertyKey, unknown>): void {
    // After a refused sign-in, put the agent back in the password field to try again.
    if (changed.has('error') && this.error && !this.busy && this.passwordInput) {
      this.passwordInput.select();
      this.passwordInput.focus();
    }
  }

  private submit(e: SubmitEvent): void {
    e.preventDefault();
    if (this.busy) return;
    const form = e.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const detail: LoginSubmitDetail = {
      email: String(data.get('email') ?? '').trim(),
      password: String(data.get('password') ?? ''),
    };
    this.email = detail.email;
    this.dispatchEvent(new CustomEvent<LoginSubmitDetail>('login-submit', { detail, bubbles: true, composed: true }));
  }

  private renderDetails() {
    const details = this.error?.details;
    if (!Array.isArray(details) || details.length === 0) return nothing;
    const lines = details
      .map((d: unknown) => {
        const item = d as { path?: unknown; message?: unknown };
        const path = Array.isArray(item.path) ? item.path.join('.') : typeof item.path === 'string' ? item.path : '';
        return typeof item.message === 'string' ? (path ? `${path}: ${item.message}` : item.message) : '';
      })
      .filter(Boolean);
    if (lines.length === 0) return nothing;
    return html`<ul class="details">
      ${lines.map((l) => html`<li>${l}</li>`)}
    </ul>`;
  }

  override render() {
    return html`
      <main class="card">
        <div class="brand">
          <span class="logo" aria-hidden="true">C</span>
          <div>
            <h1>Agent workspace</h1>
            <p class="subtitle">Chat Hybrid</p>
          </div>
        </div>
        <form @submit=${this.submit} aria-busy=${this.busy ? 'true' : 'false'}>
          ${this.notice && !this.error ? html`<p class="message notice" role="status">${this.notice}</p>` : nothing}
          ${this.error
            ? html`<div class="message error" role="alert">${this.error.message}${this.renderDetails()}</div>`
            : nothing}
          <div class="field">
            <label for="email">Email</label>
            <input
              id="email"
              name="email"
              type="email"
              autocomplete="username"
              required
              maxlength=${MAX_EMAIL_LENGTH}
              .value=${this.email}
              ?readonly=${this.busy}
            />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required ?readonly=${this.busy} />
          </div>
          <button class="btn btn-primary" type="submit" ?disabled=${this.busy}>Sign in</button>
        </form>
      </main>
    `;
  }
}

if (!customElements.get('login-view')) customElements.define('login-view', LoginView);

declare global {
  interface HTMLElementTagNameMap {
    'login-view': LoginView;
  }
  interface GlobalEventHandlersEventMap {
    'login-submit': CustomEvent<LoginSubmitDetail>;
  }
}
