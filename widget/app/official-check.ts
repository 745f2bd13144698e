import { LitElement, css, html, type PropertyDeclarations } from 'lit';
import type { Locale } from '../../shared/types.js';
import { MAX_OFFICIAL_CHECK_LENGTH, type OfficialChannelDTO, type OfficialCheckResult, type OfficialPlatform } from '../../shared/visitor-features.js';
import type { Translate } from '../i18n/index.js';
import { data, define, internal } from './define.js';
import { checkIcon, crossIcon, warnIcon } from './icons.js';
import { sharedStyles } from './shared.styles.js';
import type { VisitorClient } from './visitor-client.js';

declare global {
  interface GlobalEventHandlersEventMap {
    'chat-hybrid-back': CustomEvent<null>;
  }
  interface HTMLElementTagNameMap {
    'chat-hybrid-official': OfficialCheck;
  }
}

/** Brand names, the same in every language; `other` is said in the visitor's. */
const PLATFORMS: Record<Exclude<OfficialPlatform, 'other'>, string> = {
  x: 'X',
  telegram: 'Telegram',
  instagram: 'Instagram',
  facebook: 'Facebook',
  linkedin: 'LinkedIn',
  youtube: 'YouTube',
  tiktok: 'TikTok',
  discord: 'Discord',
  whatsapp: 'WhatsApp',
  reddit: 'Reddit',
};

/** An account as people write it: a phone number (WhatsApp) with `+`, any other handle with `@`. */
const account = (name: string, platform: OfficialPlatform | null) => (platform == 'whatsapp' || /^\d+$/.test(name) ? '+' : '@') + name;

/**
 * "Is this really us?": the visitor enters an address or account that contacted them and learns
 * whether it is one of the site's official channels. The answer is an icon and words (never colour
 * alone) in a status region: yes with the entry that matched, no with what to do, or, for a bare
 * `@name` that is ours on some platforms only, which ones. Focusing the element focuses its field.
 *
 * @fires chat-hybrid-back - The visitor leaves the screen.
 */
export class OfficialCheck extends LitElement {
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        overflow-y: auto;
        padding: 20px 18px;
      }
      form {
        display: grid;
        gap: 14px;
      }
      p,
      ul {
        margin: 0;
      }
      label {
        font-weight: 600;
      }
      input {
        width: 100%;
        min-height: 40px;
        margin: 4px 0;
        padding: 8px 10px;
        border: 1px solid var(--_border);
        border-radius: 8px;
        background: var(--_background);
      }
      .hint {
        font-size: 13px;
        color: var(--_muted);
      }
      .row {
        display: flex;
        gap: 8px;
      }
      .row .primary {
        flex: 1;
      }
      .verdict {
        display: flex;
        gap: 10px;
        padding: 12px;
        border-radius: 8px;
        background: var(--_surface);
      }
      .verdict > div {
        display: grid;
        gap: 6px;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .verdict svg {
        flex: none;
      }
      .yes svg {
        color: #15803d;
      }
      .no svg {
        color: var(--_danger);
      }
      .some svg {
        color: #b45309;
      }
      .answer {
        font-weight: 700;
      }
      ul {
        padding-left: 18px;
      }
      .error {
        color: var(--_danger);
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    t: data,
    locale: {},
    client: data,
    busy: internal,
    result: internal,
    error: internal,
  };

  t!: Translate;
  locale: Locale = 'en';
  client!: VisitorClient;
  private busy = false;
  private result: OfficialCheckResult | null = null;
  private error = '';

  protected override render() {
    const { t, result } = this;
    return html`<form novalidate @submit=${this.check}>
      <p>${t('officialIntro')}</p>
      <div>
        <label for="value">${t('officialLabel')}</label>
        <input id="value" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength=${MAX_OFFICIAL_CHECK_LENGTH} aria-describedby="hint" />
        <p id="hint" class="hint">${t('officialHint')}</p>
      </div>
      <div class="row">
        <button class="button primary" aria-disabled=${this.busy}>${t('officialCheck')}</button>
        <button type="button" class="button" @click=${this.back}>${t('back')}</button>
      </div>
      <div role="status">${result ? this.verdict(result) : ''}</div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
    </form>`;
  }

  private verdict(r: OfficialCheckResult) {
    const { t } = this;
    if (r.kind == 'unknown') return html`<p>${t('officialUnknown')}</p>`;
    const handle = r.kind == 'handle';
    // A handle that is ours elsewhere: the answer names where, since the same name is often taken.
    const onlyOn =
      !r.official && handle && r.matches.length
        ? t('officialOnlyOn', {
            handle: account(r.normalized, r.platform),
            platforms: new Intl.ListFormat(this.locale).format([...new Set(r.matches.map((m) => this.platform(m.platform!)))]),
          })
        : '';
    // A bare `@name` says no platform: ours on some, not ours on the others.
    const some = onlyOn && !r.platform;
    return html`<div class="verdict ${r.official ? 'yes' : some ? 'some' : 'no'}">
      ${r.official ? checkIcon : some ? warnIcon : crossIcon}
      <div>
        <p>${handle ? account(r.normalized, r.platform) : r.normalized}${r.platform ? ` (${this.platform(r.platform)})` : ''}</p>
        <p class="answer">${r.official ? t('officialYes') : some ? onlyOn : t('officialNo')}</p>
        ${r.official
          ? html`<ul>
              ${r.matches.map((m) => html`<li>${this.entry(m)}</li>`)}
            </ul>`
          : html`${onlyOn && !some ? html`<p>${onlyOn}</p>` : ''}
              <p>${t('officialAdvice')}</p>`}
      </div>
    </div>`;
  }

  private entry(c: OfficialChannelDTO): string {
    const value = c.kind == 'handle' ? `${account(c.value, c.platform)} (${this.platform(c.platform!)})` : c.value;
    return c.note ? `${value} — ${c.note}` : value;
  }

  private platform(p: OfficialPlatform): string {
    return p == 'other' ? this.t('officialOtherPlatform') : PLATFORMS[p];
  }

  private async check(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    const input = this.renderRoot.querySelector('input')!;
    const value = input.value.trim();
    this.result = null;
    this.error = '';
    if (!value) {
      this.error = this.t('officialUnknown');
      input.focus();
      return;
    }
    this.busy = true;
    const result = await this.client.checkOfficial(value);
    this.busy = false;
    if ('code' in result) this.error = this.t('alertsFailed');
    else this.result = result;
  }

  private back(): void {
    this.dispatchEvent(new CustomEvent('chat-hybrid-back', { detail: null, bubbles: true, composed: true }));
  }
}

define('chat-hybrid-official', OfficialCheck);
