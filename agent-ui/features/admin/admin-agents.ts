import { LitElement, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { MAX_EMAIL_LENGTH, MAX_NAME_LENGTH } from '../../../shared/limits.js';
import type { Locale } from '../../../shared/schemas/common.js';
import type { AgentDTO, AgentRole, CategoryDTO } from '../../../shared/types.js';
import { DEFAULT_MAX_CHATS, type AgentProfileDTO, type TeamDTO } from '../../../shared/workspace.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';
import { fieldErrors, messageOf, type AdminApi } from './admin-api.js';
import { adminStyles, LANGUAGES, languageLabel } from './admin-styles.js';
import './confirm-dialog.js';
import type { ConfirmDialog } from './confirm-dialog.js';

/** Capacity bounds the server enforces (shared/schemas/admin.ts MAX_CHATS_LIMIT; not imported: zod). */
const MAX_CHATS = 50;

interface FormValues {
  name: string;
  email: string;
  role: AgentRole;
  maxChats: string;
  languages: ReadonlySet<Locale>;
  categories: ReadonlySet<string>;
  teamIds: ReadonlySet<string>;
}

type FormMode = { kind: 'invite' } | { kind: 'edit'; agent: AgentProfileDTO };

/** Server field paths → the form's field ids. */
const FIELD_OF: Record<string, string> = {
  name: 'agent-name',
  email: 'agent-email',
  role: 'agent-role',
  maxChats: 'agent-capacity',
  'skills.languages': 'agent-languages',
  'skills.categories': 'agent-categories',
  teamIds: 'agent-teams',
};

const emptyForm = (): FormValues => ({
  name: '',
  email: '',
  role: 'agent',
  maxChats: String(DEFAULT_MAX_CHATS),
  languages: new Set(),
  categories: new Set(),
  teamIds: new Set(),
});

/**
 * Agents: the table of every agent (role, status, capacity, skills, teams) with an invite form, an
 * edit form, "Send invitation again" and deactivate/reactivate (after a confirmation). Changes go
 * to the admin REST API; `admin-reload` asks `<admin-area>` to fetch the lists again.
 *
 * @fires admin-reload - something changed on the server; the lists should be fetched again.
 */
export class AdminAgents extends LitElement {
  static override styles = [baseStyles, fieldStyles, adminStyles];

  @property({ attribute: false }) api: AdminApi | null = null;
  @property({ attribute: false }) me: AgentDTO | null = null;
  @property({ attribute: false }) agents: readonly AgentProfileDTO[] = [];
  @property({ attribute: false }) teams: readonly TeamDTO[] = [];
  @property({ attribute: false }) categories: readonly CategoryDTO[] = [];

  @state() private mode: FormMode | null = null;
  @state() private values: FormValues = emptyForm();
  @state() private errors: ReadonlyMap<string, string> = new Map();
  @state() private formError = '';
  @state() private busy = false;
  /** What the last action did, announced politely ("Invitation sent to …"). */
  @state() private status = '';
  @state() private statusIsError = false;
  @state() private rowBusy: ReadonlySet<string> = new Set();

  @query('confirm-dialog') private confirm?: ConfirmDialog;

  // Form

  private async openForm(mode: FormMode): Promise<void> {
    this.mode = mode;
    this.errors = new Map();
    this.formError = '';
    this.status = '';
    if (mode.kind === 'invite') {
      this.values = emptyForm();
    } else {
      const a = mode.agent;
      this.values = {
        name: a.name,
        email: a.email,
        role: a.role,
        maxChats: String(a.maxChats),
        languages: new Set(a.skills.languages),
        categories: new Set(a.skills.categories),
        teamIds: new Set(a.teamIds),
      };
    }
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#agent-name')?.focus();
  }

  private closeForm(): void {
    const editing = this.mode?.kind === 'edit' ? this.mode.agent.id : null;
    this.mode = null;
    void this.updateComplete.then(() => {
      const back = editing ? this.renderRoot.querySelector<HTMLElement>(`[data-edit="${editing}"]`) : this.renderRoot.querySelector<HTMLElement>('#invite-open');
      back?.focus();
    });
  }

  private set<K extends keyof FormValues>(key: K, value: FormValues[K]): void {
    this.values = { ...this.values, [key]: value };
  }

  private toggle(key: 'languages' | 'categories' | 'teamIds', id: string, on: boolean): void {
    const next = new Set<string>(this.values[key]);
    if (on) next.add(id);
    else next.delete(id);
    this.set(key, next as FormValues[typeof key]);
  }

  /** What the browser can tell before asking the server; the server checks everything again. */
  private validate(): Map<string, string> {
    const v = this.values;
    const errors = new Map<string, string>();
    if (!v.name.trim()) errors.set('name', 'Enter a name.');
    if (this.mode?.kind === 'invite' && !/^[^\s@]+@[^\s@]+$/.test(v.email.trim())) errors.set('email', 'Enter an email address, like name@example.com.');
    const n = Number(v.maxChats);
    if (!Number.isInteger(n) || n < 1 || n > MAX_CHATS) errors.set('maxChats', `Enter a whole number from 1 to ${MAX_CHATS}.`);
    return errors;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const api = this.api;
    const mode = this.mode;
    if (!api || !mode || this.busy) return;
    const errors = this.validate();
    this.errors = errors;
    this.formError = errors.size ? 'Please correct the fields marked below.' : '';
    if (errors.size) {
      await this.focusFirstError();
      return;
    }
    const v = this.values;
    const common = {
      name: v.name.trim(),
      role: v.role,
      maxChats: Number(v.maxChats),
      skills: { languages: [...v.languages], categories: [...v.categories] },
      teamIds: [...v.teamIds],
    };
    this.busy = true;
    try {
      if (mode.kind === 'invite') {
        const res = await api.invite({ ...common, email: v.email.trim() });
        this.announce(
          res.mail === 'sent'
            ? `Invitation sent to ${res.agent.email}.`
            : res.mail === 'file'
              ? `${res.agent.name} was invited. No mail server is set up: the invitation was saved in the server's mail folder.`
              : `${res.agent.name} was added, but the invitation email could not be sent. Use “Send invitation again”.`,
          res.mail === 'failed',
        );
      } else {
        const res = await api.updateAgent(mode.agent.id, common);
        this.announce(`Saved the changes to ${res.name}.`);
      }
      this.closeForm();
      this.reload();
    } catch (err) {
      const errors = fieldErrors(err);
      this.errors = errors;
      // Each message shows by its field; the summary only needs to say so.
      this.formError = errors.size > 0 && [...errors.keys()].every((path) => path in FIELD_OF) ? 'Please correct the fields marked below.' : messageOf(err);
      await this.focusFirstError();
    } finally {
      this.busy = false;
    }
  }

  private async focusFirstError(): Promise<void> {
    await this.updateComplete;
    for (const [path] of this.errors) {
      const id = FIELD_OF[path];
      const el = id ? this.renderRoot.querySelector<HTMLElement>(`#${id}`) : null;
      const target = el?.matches('fieldset') ? el.querySelector<HTMLElement>('input') : el;
      if (target) {
        target.focus();
        return;
      }
    }
    this.renderRoot.querySelector<HTMLElement>('#agent-form-error')?.focus();
  }

  // Row actions

  private async resend(agent: AgentProfileDTO): Promise<void> {
    await this.rowAction(agent, async (api) => {
      const res = await api.resendInvite(agent.id);
      this.announce(res.mail === 'failed' ? `The invitation email to ${agent.email} could not be sent. Try again later.` : `A new invitation was sent to ${agent.email}. The previous link no longer works.`, res.mail === 'failed');
    });
  }

  private async setActive(agent: AgentProfileDTO, active: boolean): Promise<void> {
    if (!active) {
      const self = agent.id === this.me?.id;
      const ok = await this.confirm?.ask({
        title: `Deactivate ${agent.name}?`,
        text: self
          ? 'You will be signed out at once and cannot sign in again until another admin reactivates you.'
          : `${agent.name} is signed out at once and cannot sign in until reactivated. Their past chats and tickets stay as they are.`,
        confirm: 'Deactivate',
        danger: true,
      });
      if (!ok) return;
    }
    await this.rowAction(agent, async (api) => {
      const res = await api.updateAgent(agent.id, { active });
      this.announce(res.active ? `${res.name} can sign in again.` : `${res.name} was deactivated and signed out.`);
    });
  }

  private async rowAction(agent: AgentProfileDTO, run: (api: AdminApi) => Promise<void>): Promise<void> {
    const api = this.api;
    if (!api || this.rowBusy.has(agent.id)) return;
    this.rowBusy = new Set([...this.rowBusy, agent.id]);
    try {
      await run(api);
      this.reload();
    } catch (err) {
      this.announce(messageOf(err), true);
    } finally {
      const rest = new Set(this.rowBusy);
      rest.delete(agent.id);
      this.rowBusy = rest;
    }
  }

  private announce(text: string, isError = false): void {
    this.status = text;
    this.statusIsError = isError;
  }

  private reload(): void {
    this.dispatchEvent(new CustomEvent('admin-reload', { bubbles: true, composed: true }));
  }

  // Rendering

  private fieldError(path: string) {
    const message = this.errors.get(path);
    return message ? html`<p class="field-error" id="${FIELD_OF[path]}-error">${message}</p>` : nothing;
  }

  private described(path: string): string | typeof nothing {
    return this.errors.has(path) ? `${FIELD_OF[path]}-error` : nothing;
  }

  private renderChecks(key: 'languages' | 'categories' | 'teamIds', legend: string, items: ReadonlyArray<{ id: string; label: string }>, empty: string) {
    const path = key === 'teamIds' ? 'teamIds' : `skills.${key}`;
    const selected = this.values[key] as ReadonlySet<string>;
    return html`<fieldset class="box" id=${FIELD_OF[path]!} aria-describedby=${this.described(path)}>
      <legend>${legend}</legend>
      ${items.length
        ? html`<div class="checks">
            ${items.map(
              (item) => html`<label
                ><input
                  type="checkbox"
                  .checked=${live(selected.has(item.id))}
                  @change=${(e: Event) => this.toggle(key, item.id, (e.target as HTMLInputElement).checked)}
                />${item.label}</label
              >`,
            )}
          </div>`
        : html`<p class="hint">${empty}</p>`}
      ${this.fieldError(path)}
    </fieldset>`;
  }

  private renderForm(mode: FormMode) {
    const v = this.values;
    const invite = mode.kind === 'invite';
    const title = invite ? 'Invite an agent' : `Edit ${mode.agent.name}`;
    return html`<section class="card" aria-labelledby="agent-form-title">
      <div class="card-head">
        <div>
          <h3 id="agent-form-title">${title}</h3>
          <p class="lead">
            ${invite
              ? 'They get an email with a link to choose a password. The link works once, for 7 days.'
              : 'Skills help automatic routing prefer this agent for chats in those languages and categories.'}
          </p>
        </div>
      </div>
      <form novalidate @submit=${this.submit} aria-busy=${this.busy ? 'true' : 'false'}>
        ${this.formError ? html`<div class="message error" role="alert" id="agent-form-error" tabindex="-1">${this.formError}</div>` : nothing}
        <div class="grid">
          <div class="field">
            <label for="agent-name">Name</label>
            <input
              id="agent-name"
              autocomplete="off"
              maxlength=${MAX_NAME_LENGTH}
              required
              .value=${live(v.name)}
              aria-invalid=${this.errors.has('name') ? 'true' : 'false'}
              aria-describedby=${this.described('name')}
              @input=${(e: Event) => this.set('name', (e.target as HTMLInputElement).value)}
            />
            ${this.fieldError('name')}
          </div>
          ${invite
            ? html`<div class="field">
                <label for="agent-email">Email</label>
                <input
                  id="agent-email"
                  type="email"
                  autocomplete="off"
                  maxlength=${MAX_EMAIL_LENGTH}
                  required
                  .value=${live(v.email)}
                  aria-invalid=${this.errors.has('email') ? 'true' : 'false'}
                  aria-describedby=${this.described('email')}
                  @input=${(e: Event) => this.set('email', (e.target as HTMLInputElement).value)}
                />
                ${this.fieldError('email')}
              </div>`
            : nothing}
          <div class="field">
            <label for="agent-role">Role</label>
            <select
              id="agent-role"
              .value=${live(v.role)}
              aria-describedby=${this.described('role')}
              @change=${(e: Event) => this.set('role', (e.target as HTMLSelectElement).value as AgentRole)}
            >
              <option value="agent" ?selected=${v.role === 'agent'}>Agent</option>
              <option value="admin" ?selected=${v.role === 'admin'}>Admin (manages agents, teams and sites)</option>
            </select>
            ${this.fieldError('role')}
          </div>
          <div class="field">
            <label for="agent-capacity">Chats at once</label>
            <input
              id="agent-capacity"
              type="number"
              inputmode="numeric"
              min="1"
              max=${MAX_CHATS}
              step="1"
              required
              .value=${live(v.maxChats)}
              aria-invalid=${this.errors.has('maxChats') ? 'true' : 'false'}
              aria-describedby=${this.errors.has('maxChats') ? 'agent-capacity-error' : 'agent-capacity-hint'}
              @input=${(e: Event) => this.set('maxChats', (e.target as HTMLInputElement).value)}
            />
            ${this.errors.has('maxChats') ? this.fieldError('maxChats') : html`<p class="hint" id="agent-capacity-hint">Automatic routing never gives them more (1–${MAX_CHATS}).</p>`}
          </div>
        </div>
        ${this.renderChecks('languages', 'Languages', LANGUAGES, '')}
        ${this.renderChecks('categories', 'Categories', this.categories, 'The sites have no categories.')}
        ${this.renderChecks('teamIds', 'Teams', this.teams.map((t) => ({ id: t.id, label: t.name })), 'No teams yet: create them under Teams.')}
        <div class="actions">
          <button class="btn btn-primary" type="submit" ?disabled=${this.busy}>${invite ? 'Send invitation' : 'Save changes'}</button>
          <button class="btn" type="button" @click=${this.closeForm}>Cancel</button>
        </div>
      </form>
    </section>`;
  }

  private renderStatus(agent: AgentProfileDTO) {
    if (!agent.active) return html`<span class="badge off">Deactivated</span>`;
    if (agent.invited) return html`<span class="badge warn">Invited</span>`;
    return html`<span class="badge on">Active</span>`;
  }

  private renderRow(agent: AgentProfileDTO) {
    const busy = this.rowBusy.has(agent.id);
    const teamNames = agent.teamIds.map((id) => this.teams.find((t) => t.id === id)?.name).filter(Boolean);
    const categoryNames = agent.skills.categories.map((id) => this.categories.find((c) => c.id === id)?.label ?? id);
    return html`<tr>
      <td>
        <strong>${agent.name}</strong>${agent.id === this.me?.id ? html` <span class="muted">(you)</span>` : nothing}
        <div class="muted">${agent.email}</div>
      </td>
      <td>${agent.role === 'admin' ? 'Admin' : 'Agent'}</td>
      <td>${this.renderStatus(agent)}</td>
      <td>${agent.maxChats}</td>
      <td>
        ${agent.skills.languages.length ? agent.skills.languages.map(languageLabel).join(', ') : html`<span class="muted">Any</span>`}
        ${categoryNames.length ? html`<div class="muted">${categoryNames.join(', ')}</div>` : nothing}
      </td>
      <td>${teamNames.length ? teamNames.join(', ') : html`<span class="muted">None</span>`}</td>
      <td>
        <div class="row-actions">
          <button class="btn btn-small" type="button" data-edit=${agent.id} aria-label="Edit ${agent.name}" @click=${() => void this.openForm({ kind: 'edit', agent })}>
            Edit
          </button>
          ${agent.invited && agent.active
            ? html`<button class="btn btn-small" type="button" ?disabled=${busy} aria-label="Send the invitation to ${agent.name} again" @click=${() => void this.resend(agent)}>
                Send invitation again
              </button>`
            : nothing}
          ${agent.active
            ? html`<button class="btn btn-small btn-danger" type="button" ?disabled=${busy} aria-label="Deactivate ${agent.name}" @click=${() => void this.setActive(agent, false)}>
                Deactivate
              </button>`
            : html`<button class="btn btn-small" type="button" ?disabled=${busy} aria-label="Reactivate ${agent.name}" @click=${() => void this.setActive(agent, true)}>
                Reactivate
              </button>`}
        </div>
      </td>
    </tr>`;
  }

  override render() {
    return html`
      <section class="card" aria-labelledby="agents-title">
        <div class="card-head">
          <div>
            <h2 id="agents-title">Agents</h2>
            <p class="lead">${this.agents.length} ${this.agents.length === 1 ? 'agent' : 'agents'}</p>
          </div>
          <button id="invite-open" class="btn btn-primary" type="button" ?disabled=${this.mode?.kind === 'invite'} @click=${() => void this.openForm({ kind: 'invite' })}>
            Invite agent
          </button>
        </div>
        <p class="message ${this.statusIsError ? 'error' : 'ok'}" role="status">${this.status}</p>
        ${this.mode ? this.renderForm(this.mode) : nothing}
        <div class="table-scroll">
          <table>
            <caption class="sr-only">Agents</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Chats at once</th>
                <th scope="col">Skills</th>
                <th scope="col">Teams</th>
                <th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              ${this.agents.map((a) => this.renderRow(a))}
            </tbody>
          </table>
        </div>
      </section>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

if (!customElements.get('admin-agents')) customElements.define('admin-agents', AdminAgents);

declare global {
  interface HTMLElementTagNameMap {
    'admin-agents': AdminAgents;
  }
  interface GlobalEventHandlersEventMap {
    'admin-reload': CustomEvent<void>;
  }
}
