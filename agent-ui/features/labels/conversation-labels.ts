import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { MAX_LABEL_LENGTH, MAX_LABELS } from '../../../shared/schemas/canned.js';
import type { ConversationDTO } from '../../../shared/types.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { errorText } from '../../lib/format.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';
import type { ConversationChangedDetail } from '../conversation/conversation-view.js';

/**
 * A conversation's labels: chips with a remove button, and a field that adds one (Enter or ",").
 * Labels are lower-case on the server; every agent who has the conversation open sees a change live.
 *
 * @fires conversation-changed - `{conversation}` from the ack, before the broadcast arrives.
 */
export class ConversationLabels extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    css`
      :host {
        display: block;
        margin-top: 0.45rem;
      }
      .labels {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.3rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .chip {
        display: inline-flex;
        align-items: center;
        gap: 0.1rem;
        padding: 0.05rem 0.15rem 0.05rem 0.55rem;
        border-radius: 999px;
        background: var(--ah-accent-soft);
        color: var(--ah-accent);
        font-size: 0.75rem;
        font-weight: 600;
      }
      .chip button {
        display: grid;
        place-items: center;
        width: 1.35rem;
        height: 1.35rem;
        padding: 0;
        border: 0;
        border-radius: 50%;
        background: transparent;
        color: inherit;
      }
      .chip button:hover {
        background: color-mix(in srgb, var(--ah-accent) 18%, transparent);
      }
      input {
        width: 8.5rem;
        padding: 0.15rem 0.5rem;
        font-size: 0.8125rem;
      }
      .error {
        margin: 0.3rem 0 0;
        font-size: 0.8125rem;
        color: var(--ah-danger);
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  @property({ attribute: false }) conversation: ConversationDTO | null = null;

  /** What is being saved, shown until the ack. */
  @state() private pending: string[] | null = null;
  @state() private draft = '';
  @state() private error = '';
  @query('input') private input?: HTMLInputElement;

  override willUpdate(changed: PropertyValues<this>): void {
    const before = changed.get('conversation') as ConversationDTO | null | undefined;
    if (changed.has('conversation') && before?.id !== this.conversation?.id) {
      this.pending = null;
      this.draft = '';
      this.error = '';
    }
  }

  private get labels(): string[] {
    return this.pending ?? this.conversation?.labels ?? [];
  }

  private async save(labels: string[]): Promise<boolean> {
    const c = this.conversation;
    if (!c || !this.socket) return false;
    this.pending = labels;
    this.error = '';
    const res = await this.socket.command('conversation:labels', { conversationId: c.id, labels });
    if (this.conversation?.id !== c.id) return false;
    this.pending = null;
    if (!res.ok) {
      this.error = errorText(res.error);
      return false;
    }
    this.dispatchEvent(new CustomEvent<ConversationChangedDetail>('conversation-changed', { detail: { conversation: res.data }, bubbles: true, composed: true }));
    return true;
  }

  private async add(): Promise<void> {
    const label = this.draft.trim().toLowerCase();
    if (!label || this.pending !== null) return;
    if (label.length > MAX_LABEL_LENGTH) {
      this.error = `A label is at most ${MAX_LABEL_LENGTH} characters.`;
      return;
    }
    if (this.labels.includes(label)) {
      this.draft = '';
      return;
    }
    if (this.labels.length >= MAX_LABELS) {
      this.error = `At most ${MAX_LABELS} labels; remove one first.`;
      return;
    }
    if (await this.save([...this.labels, label])) this.draft = '';
  }

  private removeLabel(label: string): void {
    void this.save(this.labels.filter((l) => l !== label));
    this.input?.focus();
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.isComposing) return;
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      void this.add();
    }
  }

  override render() {
    if (!this.conversation) return nothing;
    const busy = this.pending !== null;
    const offline = !this.socket?.connected;
    return html`
      <ul class="labels" aria-label="Labels" aria-busy=${busy ? 'true' : 'false'}>
        ${this.labels.map(
          (l) => html`<li class="chip">
            ${l}<button type="button" aria-label="Remove label ${l}" title="Remove" ?disabled=${busy || offline} @click=${() => this.removeLabel(l)}>
              <span aria-hidden="true">×</span>
            </button>
          </li>`,
        )}
        <li>
          <input
            type="text"
            aria-label="Add a label"
            placeholder="+ Label"
            maxlength=${MAX_LABEL_LENGTH}
            .value=${this.draft}
            ?disabled=${offline}
            @input=${(e: Event) => (this.draft = (e.target as HTMLInputElement).value)}
            @keydown=${this.onKeydown}
          />
        </li>
      </ul>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    `;
  }
}

if (!customElements.get('conversation-labels')) customElements.define('conversation-labels', ConversationLabels);

declare global {
  interface HTMLElementTagNameMap {
    'conversation-labels': ConversationLabels;
  }
}
