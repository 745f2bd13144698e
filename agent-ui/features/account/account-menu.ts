import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { AgentDTO } from '../../../shared/types.js';
import { icon } from '../../lib/icons.js';
import { PopupController } from '../../controllers/popup.js';
import { menuStyles } from '../../styles/menu.js';
import { baseStyles } from '../../styles/shared.js';

export interface SignOutDetail {
  /** Every session of the agent, not only this browser's. */
  everywhere: boolean;
}

/** "Ada Lovelace" → "AL"; one word → its first letter. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (!words.length) return '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + last).toUpperCase();
}

/**
 * The signed-in agent at the end of the top bar: their initials (and name, where there is room),
 * opening a panel with the name, the email, "Sign out" and "Sign out everywhere".
 *
 * @fires sign-out - the agent chose to sign out; `detail.everywhere`: of every device and browser too.
 */
export class AccountMenu extends LitElement {
  static override styles = [
    baseStyles,
    menuStyles,
    css`
      :host {
        min-width: 0;
      }
      .toggle {
        max-width: 100%;
        gap: 0.45rem;
        padding-inline: 0.25rem 0.45rem;
      }
      .avatar {
        display: grid;
        place-items: center;
        flex-shrink: 0;
        width: 1.5rem;
        height: 1.5rem;
        border-radius: 50%;
        background: var(--ah-accent-soft);
        color: var(--ah-accent);
        font-size: 0.6875rem;
        font-weight: 700;
        letter-spacing: 0.02em;
      }
      .name {
        max-width: 11rem;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .icon {
        flex-shrink: 0;
        width: 0.9rem;
        height: 0.9rem;
        color: var(--ah-text-muted);
      }
      /* Narrower screens: the initials alone (the panel says the name). */
      @media (max-width: 1040px) {
        .name {
          display: none;
        }
      }
      .panel {
        width: min(18rem, calc(100vw - 1.5rem));
        padding: 0.75rem;
        display: grid;
        gap: 0.6rem;
        font-size: 0.875rem;
      }
      .who {
        display: grid;
        gap: 0.1rem;
        min-width: 0;
      }
      .who strong,
      .who span {
        overflow-wrap: anywhere;
      }
      .who span {
        color: var(--ah-text-muted);
        font-size: 0.8125rem;
      }
      .role {
        justify-self: start;
        padding: 0 0.4rem;
        border-radius: 999px;
        background: var(--ah-surface-2);
        border: 1px solid var(--ah-border);
        font-size: 0.75rem;
        color: var(--ah-text-muted);
      }
      .sign-out {
        justify-self: stretch;
      }
    `,
  ];

  @property({ attribute: false }) me: AgentDTO | null = null;
  private readonly popup = new PopupController(this);

  private signOut(everywhere: boolean): void {
    this.popup.set(false);
    this.dispatchEvent(new CustomEvent<SignOutDetail>('sign-out', { detail: { everywhere }, bubbles: true, composed: true }));
  }

  override render() {
    const me = this.me;
    if (!me) return nothing;
    return html`<div @keydown=${this.popup.onKeydown}>
      <button
        class="btn btn-small toggle"
        type="button"
        title=${me.name}
        aria-expanded=${this.popup.open ? 'true' : 'false'}
        aria-controls="account-panel"
        @click=${this.popup.toggle}
      >
        <span class="avatar" aria-hidden="true">${initials(me.name)}</span>
        <span class="sr-only">Your account: ${me.name}</span>
        <span class="name" aria-hidden="true">${me.name}</span>
        ${icon('chevron-down')}
      </button>
      <div class="panel" id="account-panel" role="group" aria-label="Your account" ?hidden=${!this.popup.open}>
        <div class="who">
          <strong>${me.name}</strong>
          <span>${me.email}</span>
        </div>
        ${me.role === 'admin' ? html`<span class="role">Admin</span>` : nothing}
        <button class="btn btn-small sign-out" type="button" @click=${() => this.signOut(false)}>${icon('sign-out')} Sign out</button>
        <button class="btn btn-small sign-out" type="button" title="Ends your sessions in every browser and on every device" @click=${() => this.signOut(true)}>
          Sign out everywhere
        </button>
      </div>
    </div>`;
  }
}

if (!customElements.get('account-menu')) customElements.define('account-menu', AccountMenu);

declare global {
  interface HTMLElementTagNameMap {
    'account-menu': AccountMenu;
  }
  interface GlobalEventHandlersEventMap {
    'sign-out': CustomEvent<SignOutDetail>;
  }
}
