import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import type { GuestCodeSent } from '../../../shared/api.js';
import type { ErrorBody } from '../../../shared/errors.js';
import { GUEST_CODE_LENGTH, GUEST_CODE_RESEND_SECONDS, GUEST_CODE_TTL_SECONDS } from '../../../shared/tickets.js';
import type { CustomerSessionDTO } from '../../../shared/types.js';
import type { I18n } from '../i18n/index.js';
import { guestApi } from '../lib/api.js';
import { define, focusHeading } from '../lib/define.js';
import { describeError, errorBody, retryAfterSeconds } from '../lib/errors.js';
import { baseStyles } from '../portal.styles.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'portal-signed-in': CustomEvent<CustomerSessionDTO>;
    'portal-link-broken': CustomEvent<null>;
  }
  interface HTMLElementTagNameMap {
    'portal-guest-access': GuestAccess;
  }
}

type Step = 'send' | 'code';

const CODE_PATTERN = new RegExp(`^\\d{${GUEST_CODE_LENGTH}}$`);

/**
 * A guest's way in from the email link: "we'll send a code to j•••@example.com", then the code.
 * The link itself never leaves memory except to the server's guest endpoints.
 *
 * @fires portal-signed-in - The code was right; the detail is the session for the ticket.
 * @fires portal-link-broken - The server no longer knows the link.
 */
export class GuestAccess extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      .code {
        max-width: 12rem;
        font-size: 1.4rem;
        letter-spacing: 0.3em;
        font-variant-numeric: tabular-nums;
      }
      .resend {
        margin-top: 1.5rem;
        padding-top: 1rem;
        border-top: 1px solid var(--p-border);
      }
    `,
  ];

  @property({ attribute: false }) i18n!: I18n;
  @property({ attribute: false }) link = '';
  @property({ attribute: false }) maskedEmail = '';
  /** Shown above the step, e.g. "your session has ended". */
  @property({ attribute: false }) notice = '';

  @state() private step: Step = 'send';
  @state() private busy: 'send' | 'verify' | null = null;
  @state() private error = '';
  @state() private status = '';
  @state() private sent: GuestCodeSent | null = null;
  @state() private resendAt = 0;
  @state() private now = Date.now();
  @query('#code') private codeInput?: HTMLInputElement;
  private ticker: ReturnType<typeof setInterval> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.ticker);
  }

  /** Focuses the current step's heading. */
  focusHeading(): Promise<void> {
    return focusHeading(this);
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('step') && changed.get('step') !== undefined) void this.focusHeading();
  }

  protected override render() {
    const email = this.sent?.maskedEmail || this.maskedEmail;
    return html`
      <div class="card">
        ${this.step === 'send'
          ? html`<h1 id="heading" tabindex="-1">${this.i18n.t('verifyTitle')}</h1>
              ${this.notice ? html`<p class="notice">${this.notice}</p>` : nothing}
              <p>${this.i18n.t('verifyIntro', { email })}</p>
              <p class="error" role="alert">${this.error}</p>
              <div class="actions">
                <button class="btn primary" type="button" ?disabled=${this.busy !== null} @click=${() => void this.sendCode()}>
                  ${this.busy === 'send' ? this.i18n.t('sendingCode') : this.i18n.t('sendCode')}
                </button>
              </div>`
          : this.renderCodeStep(email)}
      </div>
    `;
  }

  private renderCodeStep(email: string) {
    const wait = Math.max(0, (this.resendAt - this.now) / 1000);
    return html`<h1 id="heading" tabindex="-1">${this.i18n.t('codeTitle')}</h1>
      <p>${this.i18n.t('codeSentTo', { email, when: this.i18n.inTime(this.sent?.expiresInSeconds ?? GUEST_CODE_TTL_SECONDS) })}</p>
      <form novalidate @submit=${this.verify}>
        <label for="code">${this.i18n.t('codeLabel')}</label>
        <input
          id="code"
          class="code"
          type="text"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          spellcheck="false"
          aria-describedby="code-hint code-error"
          aria-invalid=${this.error ? 'true' : 'false'}
          data-testid="guest-code"
          @input=${this.onCodeInput}
        />
        <p class="hint" id="code-hint">${this.i18n.t('codeHint')}</p>
        <p class="error" id="code-error" role="alert">${this.error}</p>
        <div class="actions">
          <button class="btn primary" type="submit" ?disabled=${this.busy !== null}>
            ${this.busy === 'verify' ? this.i18n.t('verifying') : this.i18n.t('verify')}
          </button>
        </div>
      </form>
      <div class="resend">
        <button class="btn" type="button" ?disabled=${this.busy !== null || wait > 0} @click=${() => void this.sendCode()}>${this.i18n.t('resendCode')}</button>
        ${wait > 0 ? html`<p class="hint">${this.i18n.t('resendIn', { time: this.i18n.clock(wait) })}</p>` : nothing}
        <p class="sr-only" role="status">${this.status}</p>
      </div>`;
  }

  private onCodeInput(e: InputEvent): void {
    // Pasted codes often carry spaces or a dash ("123 456"); keep the digits only. (No maxlength on
    // the input: it would cut "123 456" to "123 45" before this sees it.)
    const input = e.target as HTMLInputElement;
    const digits = input.value.replace(/\D/g, '').slice(0, GUEST_CODE_LENGTH);
    if (digits !== input.value) input.value = digits;
  }

  private async sendCode(): Promise<void> {
    const resend = this.step === 'code';
    this.busy = 'send';
    this.error = '';
    this.status = '';
    try {
      const sent = await guestApi.code({ link: this.link });
      this.sent = sent;
      this.countdown(sent.resendAfterSeconds);
      this.step = 'code';
      if (resend) {
        this.status = this.i18n.t('codeResent');
        await this.updateComplete;
        if (this.codeInput) {
          this.codeInput.value = '';
          this.codeInput.focus();
        }
      }
    } catch (error) {
      const body = errorBody(error);
      if (body.code === 'NOT_FOUND') {
        this.fire('portal-link-broken', null);
        return;
      }
      const retry = retryAfterSeconds(body);
      if (body.code === 'RATE_LIMITED' && retry && retry <= GUEST_CODE_RESEND_SECONDS) {
        // A code went out moments ago (another tab, or before a reload): it is in the mailbox.
        this.countdown(retry);
        this.step = 'code';
        return;
      }
      this.error = describeError(body, this.i18n);
      if (body.code === 'RATE_LIMITED' && retry && resend) this.countdown(retry);
    } finally {
      this.busy = null;
    }
  }

  private async verify(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const input = this.codeInput;
    if (!input || this.busy) return;
    const code = input.value.replace(/\D/g, '');
    if (!CODE_PATTERN.test(code)) {
      this.error = this.i18n.t('codeFormat');
      input.focus();
      return;
    }
    this.busy = 'verify';
    this.error = '';
    try {
      const session = await guestApi.verify({ link: this.link, code });
      this.fire('portal-signed-in', session);
    } catch (error) {
      const body = errorBody(error);
      if (body.code === 'NOT_FOUND') {
        this.fire('portal-link-broken', null);
        return;
      }
      this.error = this.codeError(body);
      await this.updateComplete;
      input.focus();
      input.select();
    } finally {
      this.busy = null;
    }
  }

  /** "That code is not right", and what the server says about the code (tries left, expired). */
  private codeError(body: ErrorBody): string {
    const t = this.i18n;
    if (body.code === 'VALIDATION') return `${t.t('codeWrong')} ${t.t('codeFormat')}`;
    if (body.code === 'RATE_LIMITED') {
      // With a wait: too many tries from this network. Without: this code's tries are used up.
      const wait = retryAfterSeconds(body);
      return wait ? t.t('tooManyAttempts', { when: t.inTime(wait) }) : t.t('codeTriesUsed');
    }
    if (body.code !== 'UNAUTHORIZED') return describeError(body, t);
    const left = (body.details as { triesLeft?: unknown } | undefined)?.triesLeft;
    if (typeof left === 'number') return `${t.t('codeWrong')} ${left > 0 ? t.t('codeAttemptsLeft', { count: left }) : t.t('codeTriesUsed')}`;
    // No tries count: the code expired or was used already. The server says which, in English.
    return t.locale === 'en' && body.message.trim() ? body.message.trim() : t.t('codeExpired');
  }

  private countdown(seconds: number): void {
    this.resendAt = Date.now() + seconds * 1000;
    this.now = Date.now();
    clearInterval(this.ticker);
    this.ticker = setInterval(() => {
      this.now = Date.now();
      if (this.now >= this.resendAt) clearInterval(this.ticker);
    }, 1000);
  }

  private fire<K extends 'portal-signed-in' | 'portal-link-broken'>(type: K, detail: GlobalEventHandlersEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

define('portal-guest-access', GuestAccess);
