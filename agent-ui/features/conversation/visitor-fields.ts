import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { PrechatField } from '../../../shared/visitor-features.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { baseStyles } from '../../styles/shared.js';

/** A key no label is known for asks the server again, but not more often than this. */
const REFRESH_MS = 30_000;

/**
 * The site's chat-form questions (`site:config` → widget.prechat.fields), shared by every view of
 * the page: fetched when a conversation shows a key not known yet, since admins may have added a
 * question after the agent connected.
 */
class PrechatLabels {
  fields = new Map<string, PrechatField>();
  private fetchedAt = 0;
  private pending: Promise<void> | null = null;

  knows(keys: readonly string[]): boolean {
    return keys.every((k) => this.fields.has(k));
  }

  /** Resolves once the labels were asked for (or were asked for lately). */
  refresh(socket: AgentSocket): Promise<void> {
    if (this.pending) return this.pending;
    if (Date.now() - this.fetchedAt < REFRESH_MS) return Promise.resolve();
    this.pending = (async () => {
      const ack = await socket.command('site:config', {});
      if (ack.ok) {
        this.fetchedAt = Date.now();
        this.fields = new Map((ack.data.widget?.prechat?.fields ?? []).map((f) => [f.key, f]));
      }
    })().finally(() => (this.pending = null));
    return this.pending;
  }
}

const labels = new PrechatLabels();

/**
 * The visitor's answers to the site's own chat-form questions (ConversationDTO.visitor.fields),
 * "Account number: 12345", in the order the form asks them. Labels in English, else another
 * language the admin gave, else the key. Answers are the visitor's text: rendered as text only.
 */
export class VisitorFields extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }
      ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.2rem 1rem;
        margin: 0.3rem 0 0;
        padding: 0;
        list-style: none;
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
      }
      li {
        max-width: 100%;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .key {
        font-weight: 600;
      }
      .value {
        color: var(--ah-text);
      }
    `,
  ];

  @property({ attribute: false }) socket: AgentSocket | null = null;
  @property({ attribute: false }) fields: Readonly<Record<string, string>> | null | undefined = null;
  /** Bumped when the labels arrive, to render with them. */
  @state() private labelsVersion = 0;

  protected override updated(changed: PropertyValues<this>): void {
    const keys = Object.keys(this.fields ?? {});
    if ((changed.has('fields') || changed.has('socket')) && keys.length && this.socket?.connected && !labels.knows(keys)) {
      void labels.refresh(this.socket).then(() => this.labelsVersion++);
    }
  }

  override render() {
    const entries = Object.entries(this.fields ?? {}).filter(([, v]) => v !== '');
    if (!entries.length) return nothing;
    const order = [...labels.fields.keys()];
    const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
    entries.sort(([a], [b]) => rank(a) - rank(b));
    return html`<ul aria-label="Chat form answers">
      ${entries.map(([key, value]) => html`<li><span class="key">${labelOf(key)}:</span> <span class="value">${value}</span></li>`)}
    </ul>`;
  }
}

function labelOf(key: string): string {
  const label = labels.fields.get(key)?.label;
  return label?.en ?? Object.values(label ?? {}).find(Boolean) ?? key;
}

if (!customElements.get('visitor-fields')) customElements.define('visitor-fields', VisitorFields);

declare global {
  interface HTMLElementTagNameMap {
    'visitor-fields': VisitorFields;
  }
}
