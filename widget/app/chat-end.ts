import { LitElement, css, html, nothing, type PropertyDeclarations } from 'lit';
import type { ErrorBody } from '../../shared/errors.js';
import { MAX_EMAIL_LENGTH } from '../../shared/limits.js';
import type { ConversationDTO } from '../../shared/types.js';
import { MAX_RATING_COMMENT_LENGTH } from '../../shared/workspace.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { data, define, internal } from './define.js';
import { sharedStyles } from './shared.styles.js';
import type { VisitorClient } from './visitor-client.js';

declare global {
  interface HTMLElementTagNameMap {
    'chat-hybrid-end': ChatEnd;
  }
}

/** Scores 1 to 5, beside their words. */
const FACES = ['😖', '🙁', '😐', '🙂', '🤩'];

/**
 * The end of a chat (loaded with its own chunk when first shown, see the panel): "How was this chat?" on a five-point scale from terrible to fantastic (native
 * radios in a radiogroup, so arrow keys and screen readers treat them as one choice), a comment once
 * a score is picked, then thanks; and "Email me the transcript", which asks for an address only
 * when the chat has none. Focusing the element focuses its first control.
 */
export class ChatEnd extends LitElement {
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
        padding: 10px 14px;
        border-top: 1px solid var(--_border);
      }
      p {
        margin: 0 0 8px;
        font-weight: 600;
      }
      .scale {
        display: flex;
        gap: 4px;
      }
      label {
        position: relative;
        flex: 1;
        display: grid;
        justify-items: center;
        padding: 2px 0 4px;
        border: 1px solid var(--_border);
        border-radius: 8px;
        font-size: 11px;
        cursor: pointer;
      }
      label span {
        font-size: 22px;
      }
      label:has(:checked) {
        border-color: var(--_accent);
        background: var(--_surface);
        font-weight: 600;
      }
      label:has(:focus-visible) {
        outline: 2px solid var(--_focus);
      }
      textarea,
      input {
        width: 100%;
        padding: 8px 10px;
        border: 1px solid var(--_border);
        border-radius: 8px;
        background: var(--_background);
      }
      form {
        display: grid;
        gap: 8px;
        margin-bottom: 8px;
      }
      .error {
        color: var(--_danger);
        font-weight: 400;
      }
    `,
  ];

  static override properties: PropertyDeclarations = {
    t: data,
    client: data,
    conversation: data,
    score: internal,
    busy: internal,
    asking: internal,
    sentTo: internal,
    error: internal,
  };

  t!: Translate;
  client!: VisitorClient;
  conversation!: ConversationDTO;
  private score = 0;
  private busy = false;
  /** The chat has no address: the transcript form shows a field for one. */
  private asking = false;
  private sentTo = '';
  /** A key, so the text follows a change of language. */
  private error: MessageKey | '' = '';

  protected override render() {
    const { t, busy } = this;
    return html`${this.conversation.rating
      ? html`<p role="status" tabindex="-1">${t('rateThanks')}</p>`
      : html`<form @submit=${this.rate}>
          <p id="q">${t('rateQuestion')}</p>
          <div class="scale" role="radiogroup" aria-labelledby="q">
            ${t('rateScale')
              .split('|')
              .map(
                (label, i) =>
                  html`<label>
                    <input class="sr-only" type="radio" name="score" @change=${() => (this.score = i + 1)} />
                    <span aria-hidden="true">${FACES[i]}</span>
                    ${label}
                  </label>`,
              )}
          </div>
          ${this.score
            ? html`<textarea aria-label=${t('rateComment')} placeholder=${t('rateComment')} maxlength=${MAX_RATING_COMMENT_LENGTH}></textarea>
                <button class="button primary" aria-disabled=${busy}>${t('send')}</button>`
            : nothing}
        </form>`}
    ${this.sentTo
      ? html`<p role="status">${t('transcriptSent', { email: this.sentTo })}</p>`
      : html`<form @submit=${this.mail}>
          ${this.asking
            ? html`<input type="email" required autocomplete="email" maxlength=${MAX_EMAIL_LENGTH} aria-label=${t('emailRequiredLabel')} placeholder=${t('emailRequiredLabel')} />`
            : nothing}
          <button class="button" aria-disabled=${busy}>${t('transcript')}</button>
        </form>`}
    ${this.error ? html`<p class="error" role="alert">${t(this.error)}</p>` : nothing}`;
  }

  private async rate(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const comment = this.renderRoot.querySelector('textarea')!.value.trim();
    if ((await this.run(() => this.client.rate(this.score, comment))) === null) {
      await this.updateComplete;
      this.renderRoot.querySelector('p')?.focus();
    }
  }

  private async mail(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const input = this.renderRoot.querySelector('input[type=email]') as HTMLInputElement | null;
    if (!input && !this.conversation.visitor.email) {
      this.asking = true;
      await this.updateComplete;
      this.renderRoot.querySelector('input')?.focus();
    } else if (input && !input.checkValidity()) {
      this.error = 'emailNeeded';
    } else {
      const sentTo = await this.run(() => this.client.transcript(input?.value.trim()));
      if (sentTo) this.sentTo = sentTo;
    }
  }

  /** One request at a time; a refusal shows in the visitor's words. Resolves to the answer, or undefined. */
  private async run<T>(request: () => Promise<ErrorBody | T>): Promise<T | undefined> {
    if (this.busy) return;
    this.busy = true;
    this.error = '';
    const result = await request();
    this.busy = false;
    if (result && typeof result == 'object' && 'code' in result) {
      // Only an address can be invalid here; everything else (offline, too many transcripts) may work later.
      this.error = result.code == 'VALIDATION' ? 'emailNeeded' : 'alertsFailed';
      return;
    }
    return result as T;
  }
}

define('chat-hybrid-end', ChatEnd);
