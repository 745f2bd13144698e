import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { CANNED_PLACEHOLDERS } from '../../../shared/canned-placeholders.js';
import { CANNED_BODY_MAX, CANNED_SHORTCUT, CANNED_SHORTCUT_MAX, CANNED_TITLE_MAX } from '../../../shared/schemas/canned.js';
import type { AgentDTO } from '../../../shared/types.js';
import type { CannedReplyDTO } from '../../../shared/workspace.js';
import { errorText } from '../../lib/format.js';
import { icon } from '../../lib/icons.js';
import { dialogStyles } from '../../styles/dialog.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';
import { tip, topBarButtonStyles } from '../../styles/top-bar.js';
import { cannedReplies } from './canned-replies.js';

interface Draft {
  id: string | null;
  shortcut: string;
  title: string;
  body: string;
  scope: 'shared' | 'personal';
}

const EMPTY: Draft = { id: null, shortcut: '', title: '', body: '', scope: 'personal' };

/**
 * "Canned replies" in the header: an icon button that opens a dialog listing the replies the agent can
 * use, with add, edit and delete. Shared replies are the team's (only admins change them); personal
 * ones are the agent's own. In a reply box, "/" and the shortcut insert one.
 */
export class CannedManager extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    topBarButtonStyles,
    dialogStyles,
    css`
      dialog {
        width: min(46rem, calc(100vw - 2rem));
        max-height: calc(100vh - 3rem);
      }
      .dialog-body {
        padding: 1.2rem 1.4rem 1.3rem;
      }
      .head {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 1rem;
      }
      h3 {
        margin: 0;
        font-size: 0.9375rem;
      }
      .lead {
        margin: 0;
      }
      code {
        font-size: 0.8125rem;
        padding: 0 0.25rem;
        border-radius: 4px;
        background: var(--ah-surface-2);
      }
      ul.list {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.4rem;
      }
      .item {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.2rem 0.75rem;
        padding: 0.55rem 0.7rem;
        border: 1px solid var(--ah-border);
        border-radius: var(--ah-radius);
      }
      .item .text {
        min-width: 0;
        display: grid;
        gap: 0.15rem;
      }
      .shortcut {
        font-weight: 650;
        color: var(--ah-accent);
      }
      .scope {
        font-size: 0.75rem;
        color: var(--ah-text-muted);
      }
      .body {
        font-size: 0.8125rem;
        color: var(--ah-text-muted);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        display: -webkit-box;
        -webkit-line-clamp: 2;
        -webkit-box-orient: vertical;
        overflow: hidden;
      }
      .actions {
        display: flex;
        align-items: flex-start;
        gap: 0.35rem;
      }
      form {
        display: grid;
        gap: 0.7rem;
        padding: 0.9rem 1rem;
        border-radius: var(--ah-radius);
        background: var(--ah-surface-2);
        border: 1px solid var(--ah-border);
      }
      .field {
        display: grid;
        gap: 0.25rem;
      }
      label,
      legend {
        font-size: 0.875rem;
        font-weight: 550;
      }
      input,
      textarea {
        font-size: 0.9375rem;
        padding: 0.45rem 0.6rem;
        background: var(--ah-surface);
      }
      textarea {
        min-height: 6rem;
        resize: vertical;
      }
      fieldset {
        display: flex;
        gap: 1rem;
        margin: 0;
        padding: 0;
        border: 0;
      }
      fieldset label {
        font-weight: 400;
        display: inline-flex;
        gap: 0.35rem;
        align-items: center;
      }
      .hint {
        font-size: 0.75rem;
        color: var(--ah-text-muted);
      }
      .error {
        padding: 0.45rem 0.7rem;
      }
      .empty {
        margin: 0;
        font-size: 0.875rem;
        color: var(--ah-text-muted);
      }
    `,
  ];

  @property({ attribute: false }) me: AgentDTO | null = null;

  @state() private draft: Draft | null = null;
  @state() private saving = false;
  @state() private error = '';
  @state() private confirmDelete: string | null = null;
  @query('dialog') private dialog?: HTMLDialogElement;
  @query('.opener') private opener?: HTMLButtonElement;
  private off: (() => void) | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = cannedReplies.onChange(() => this.requestUpdate());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.off?.();
    this.off = null;
  }

  private get isAdmin(): boolean {
    return this.me?.role === 'admin';
  }

  private mayEdit(r: CannedReplyDTO): boolean {
    return r.scope === 'personal' ? r.ownerId === this.me?.id : this.isAdmin;
  }

  show(): void {
    this.draft = null;
    this.error = '';
    this.confirmDelete = null;
    this.dialog?.showModal();
    void cannedReplies.reload();
  }

  private close(): void {
    this.dialog?.close();
  }

  private edit(r: CannedReplyDTO | null): void {
    this.error = '';
    this.confirmDelete = null;
    this.draft = r ? { id: r.id, shortcut: r.shortcut, title: r.title, body: r.body, scope: r.scope } : { ...EMPTY };
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#canned-shortcut')?.focus());
  }

  private set(field: keyof Omit<Draft, 'id'>, value: string): void {
    if (!this.draft) return;
    this.draft = { ...this.draft, [field]: value } as Draft;
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const d = this.draft;
    if (!d || this.saving) return;
    const shortcut = d.shortcut.trim();
    if (!CANNED_SHORTCUT.test(shortcut)) {
      this.error = `The shortcut is 1 to ${CANNED_SHORTCUT_MAX} lower-case letters, digits or "-" (what you type after "/").`;
      return;
    }
    this.saving = true;
    this.error = '';
    const failed = await cannedReplies.save({ ...(d.id ? { id: d.id } : {}), shortcut, title: d.title, body: d.body, scope: d.scope });
    this.saving = false;
    if (failed) {
      this.error = errorText(failed);
      return;
    }
    this.draft = null;
  }

  private async deleteReply(r: CannedReplyDTO): Promise<void> {
    const failed = await cannedReplies.remove(r.id);
    this.confirmDelete = null;
    if (failed) this.error = errorText(failed);
  }

  private renderForm(d: Draft) {
    return html`<form @submit=${this.save} aria-labelledby="canned-form-title">
      <h3 id="canned-form-title">${d.id ? 'Edit canned reply' : 'New canned reply'}</h3>
      <div class="field">
        <label for="canned-shortcut">Shortcut</label>
        <input id="canned-shortcut" required maxlength=${CANNED_SHORTCUT_MAX} pattern="[a-z0-9\\-]+" autocomplete="off" aria-describedby="canned-shortcut-hint" .value=${d.shortcut} @input=${(e: Event) => this.set('shortcut', (e.target as HTMLInputElement).value)} />
        <span class="hint" id="canned-shortcut-hint">Lower-case letters, digits and "-". Type "/" and this in a reply box.</span>
      </div>
      <div class="field">
        <label for="canned-title">Title</label>
        <input id="canned-title" required maxlength=${CANNED_TITLE_MAX} .value=${d.title} @input=${(e: Event) => this.set('title', (e.target as HTMLInputElement).value)} />
      </div>
      <div class="field">
        <label for="canned-body">Text</label>
        <textarea id="canned-body" required maxlength=${CANNED_BODY_MAX} aria-describedby="canned-body-hint" .value=${d.body} @input=${(e: Event) => this.set('body', (e.target as HTMLTextAreaElement).value)}></textarea>
        <span class="hint" id="canned-body-hint">Placeholders: ${CANNED_PLACEHOLDERS.map((p) => html`<code>${p}</code> `)}— filled in when you insert the reply (a visitor without a name becomes "there").</span>
      </div>
      <fieldset>
        <legend class="sr-only">Who can use it</legend>
        <label><input type="radio" name="scope" value="personal" .checked=${d.scope === 'personal'} @change=${() => this.set('scope', 'personal')} /> Only me</label>
        <label title=${this.isAdmin ? '' : 'Only admins add shared replies'}>
          <input type="radio" name="scope" value="shared" .checked=${d.scope === 'shared'} ?disabled=${!this.isAdmin} @change=${() => this.set('scope', 'shared')} /> Everyone (shared)
        </label>
      </fieldset>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      <div class="buttons">
        <button class="btn" type="button" @click=${() => ((this.draft = null), (this.error = ''))}>Cancel</button>
        <button class="btn btn-primary" type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save reply'}</button>
      </div>
    </form>`;
  }

  private renderItem(r: CannedReplyDTO) {
    const editable = this.mayEdit(r);
    return html`<li class="item">
      <div class="text">
        <span><span class="shortcut">/${r.shortcut}</span> ${r.title} <span class="scope">· ${r.scope === 'shared' ? 'Shared' : 'Only me'}</span></span>
        <span class="body">${r.body}</span>
      </div>
      ${editable
        ? html`<div class="actions">
            ${this.confirmDelete === r.id
              ? html`<button class="btn btn-small btn-danger-solid" type="button" @click=${() => this.deleteReply(r)}>Delete /${r.shortcut}</button>
                  <button class="btn btn-small" type="button" @click=${() => (this.confirmDelete = null)}>Keep</button>`
              : html`<button class="btn btn-small" type="button" aria-label="Edit /${r.shortcut}" @click=${() => this.edit(r)}>Edit</button>
                  <button class="btn btn-small btn-danger" type="button" aria-label="Delete /${r.shortcut}" @click=${() => (this.confirmDelete = r.id)}>Delete</button>`}
          </div>`
        : nothing}
    </li>`;
  }

  override render() {
    const replies = cannedReplies.replies;
    return html`
      <button class="btn btn-small icon-btn opener" type="button" aria-haspopup="dialog" @click=${this.show}>
        ${icon('canned')}<span class="sr-only">Canned replies</span>${tip('Canned replies')}
      </button>
      <dialog aria-labelledby="canned-heading" @close=${() => this.opener?.focus()}>
        <div class="dialog-body">
          <div class="head">
            <h2 id="canned-heading">Canned replies</h2>
            <button class="btn btn-small" type="button" @click=${this.close}>Close</button>
          </div>
          <p class="lead">Type <code>/</code> and a shortcut in any reply box to insert one.${this.isAdmin ? ' Shared replies are visible to every agent.' : ' Shared replies are managed by admins.'}</p>
          ${this.draft ? this.renderForm(this.draft) : html`<div><button class="btn btn-primary btn-small" type="button" @click=${() => this.edit(null)}>Add a reply</button></div>`}
          ${!this.draft && this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
          ${cannedReplies.error && !replies.length ? html`<p class="error" role="alert">${errorText(cannedReplies.error)}</p>` : nothing}
          ${replies.length
            ? html`<ul class="list" aria-label="Your canned replies">
                ${replies.map((r) => this.renderItem(r))}
              </ul>`
            : html`<p class="empty">${cannedReplies.loaded ? 'No canned replies yet.' : 'Loading…'}</p>`}
        </div>
      </dialog>
    `;
  }
}

if (!customElements.get('canned-manager')) customElements.define('canned-manager', CannedManager);

declare global {
  interface HTMLElementTagNameMap {
    'canned-manager': CannedManager;
  }
}
