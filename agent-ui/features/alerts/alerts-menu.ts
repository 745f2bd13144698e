import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { AlertsState, DesktopAlerts } from '../../controllers/desktop-alerts.js';
import { PopupController } from '../../controllers/popup.js';
import { icon } from '../../lib/icons.js';
import { menuStyles } from '../../styles/menu.js';
import { baseStyles } from '../../styles/shared.js';
import { tip, topBarButtonStyles } from '../../styles/top-bar.js';

/**
 * The "Alerts" (bell) button of the top bar and its panel: three switches (desktop notifications, sound,
 * push while the agent UI is closed), each saying what state it is in, and what went wrong last.
 * It only draws `state` and calls the controller.
 */
export class AlertsMenu extends LitElement {
  static override styles = [
    baseStyles,
    topBarButtonStyles,
    menuStyles,
    css`
      .panel {
        padding: 0.5rem;
        display: grid;
        gap: 0.25rem;
      }
      .row {
        display: grid;
        grid-template-columns: 1fr auto;
        align-items: center;
        gap: 0.15rem 0.75rem;
        padding: 0.45rem 0.5rem;
        border-radius: var(--ah-radius-sm);
      }
      .row:hover {
        background: var(--ah-surface-2);
      }
      .label {
        font-size: 0.875rem;
        font-weight: 550;
      }
      .status {
        grid-column: 1;
        font-size: 0.8rem;
        color: var(--ah-text-muted);
      }
      [role='switch'] {
        grid-column: 2;
        grid-row: 1 / span 2;
        position: relative;
        width: 2.6rem;
        height: 1.5rem;
        padding: 0;
        border-radius: 999px;
        border: 1px solid var(--ah-border);
        background: var(--ah-surface-2);
      }
      [role='switch']::after {
        content: '';
        position: absolute;
        top: 0.15rem;
        left: 0.15rem;
        width: 1.1rem;
        height: 1.1rem;
        border-radius: 50%;
        background: var(--ah-text-muted);
        transition: transform 120ms ease;
      }
      [role='switch'][aria-checked='true'] {
        background: var(--ah-accent);
        border-color: var(--ah-accent);
      }
      [role='switch'][aria-checked='true']::after {
        transform: translateX(1.1rem);
        background: var(--ah-accent-text);
      }
      .error {
        margin: 0.25rem 0.5rem 0.35rem;
        font-size: 0.8125rem;
        color: var(--ah-danger);
      }
      .error:empty {
        display: none;
      }
    `,
  ];

  @property({ attribute: false }) alerts: DesktopAlerts | null = null;
  @property({ attribute: false }) state: AlertsState | null = null;
  private readonly popup = new PopupController(this);

  private desktopStatus(s: AlertsState): string {
    switch (s.permission) {
      case 'unsupported':
        return 'Not supported by this browser';
      case 'denied':
        return 'Blocked by the browser (denied)';
      case 'default':
        return 'Not allowed yet: the browser will ask';
      case 'granted':
        return s.desktop ? 'On (allowed by the browser)' : 'Off (allowed by the browser)';
    }
  }

  private pushStatus(s: AlertsState): string {
    switch (s.push) {
      case 'unsupported':
        return 'Not supported by this browser';
      case 'unknown':
        return 'Checking…';
      case 'busy':
        return 'Working…';
      case 'on':
        return 'On for this browser';
      case 'off':
        return 'Off for this browser';
    }
  }

  override render() {
    const s = this.state;
    const alerts = this.alerts;
    if (!s || !alerts) return nothing;
    const desktopOn = s.desktop && s.permission === 'granted';
    return html`
      <div @keydown=${this.popup.onKeydown}>
        <button
          class="btn btn-small icon-btn toggle"
          type="button"
          aria-expanded=${this.popup.open ? 'true' : 'false'}
          aria-controls="alerts-panel"
          @click=${this.popup.toggle}
        >
          ${icon('bell')}<span class="sr-only">Alerts</span>${tip('Alerts: notifications and sound')}
        </button>
        <div class="panel" id="alerts-panel" role="group" aria-label="Alert settings" ?hidden=${!this.popup.open}>
          <div class="row">
            <span class="label" id="desktop-label">Desktop notifications</span>
            <span class="status" id="desktop-status">${this.desktopStatus(s)}</span>
            <button
              type="button"
              role="switch"
              aria-checked=${desktopOn ? 'true' : 'false'}
              aria-labelledby="desktop-label"
              aria-describedby="desktop-status"
              ?disabled=${s.permission === 'unsupported'}
              @click=${() => void alerts.toggleDesktop()}
            ></button>
          </div>
          <div class="row">
            <span class="label" id="sound-label">Sound</span>
            <span class="status" id="sound-status">${s.sound ? 'On' : 'Off'}</span>
            <button
              type="button"
              role="switch"
              aria-checked=${s.sound ? 'true' : 'false'}
              aria-labelledby="sound-label"
              aria-describedby="sound-status"
              @click=${() => alerts.toggleSound()}
            ></button>
          </div>
          <div class="row">
            <span class="label" id="push-label">Push when the agent UI is closed</span>
            <span class="status" id="push-status">${this.pushStatus(s)}</span>
            <button
              type="button"
              role="switch"
              aria-checked=${s.push === 'on' ? 'true' : 'false'}
              aria-busy=${s.push === 'busy' || s.push === 'unknown' ? 'true' : 'false'}
              aria-labelledby="push-label"
              aria-describedby="push-status"
              ?disabled=${s.push === 'unsupported' || s.push === 'busy'}
              @click=${() => void alerts.togglePush()}
            ></button>
          </div>
          <p class="error" role="alert">${s.error ?? ''}</p>
        </div>
      </div>
    `;
  }
}

if (!customElements.get('alerts-menu')) customElements.define('alerts-menu', AlertsMenu);

declare global {
  interface HTMLElementTagNameMap {
    'alerts-menu': AlertsMenu;
  }
}
