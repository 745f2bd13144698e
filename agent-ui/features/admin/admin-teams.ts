import { LitElement, css, html, nothing } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { AgentProfileDTO, TeamDTO } from '../../../shared/workspace.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';
import { messageOf, type AdminApi } from './admin-api.js';
import { adminStyles } from './admin-styles.js';
import './confirm-dialog.js';
import type { ConfirmDialog } from './confirm-dialog.js';

const MAX_TEAM_NAME = 80;

/**
 * Teams: create, rename, delete (after a confirmation that says how many agents are in it).
 * Membership is edited on the agent.
 *
 * @fires admin-reload - something changed on the server; the lists should be fetched again.
 */
export class AdminTeams extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    adminStyles,
    css`
      .new-team {
        margin-bottom: 1rem;
        align-items: start;
      }
      /* Level with the input, below its label. */
      .beside-field {
        margin-top: 1.55rem;
      }
    `,
  ];

  @property({ attribute: false }) api: AdminApi | null = null;
  @property({ attribute: false }) teams: readonly TeamDTO[] = [];
  @property({ attribute: false }) agents: readonly AgentProfileDTO[] = [];

  @state() private newName = '';
  @state() private newError = '';
  @state() private creating = false;
  @state() private renaming: { id: string; name: string; error: string } | null = null;
  @state() private status = '';
  @state() private statusIsError = false;
  @state() private busy: ReadonlySet<string> = new Set();

  @query('confirm-dialog') private confirm?: ConfirmDialog;

  private async create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const api = this.api;
    if (!api || this.creating) return;
    const name = this.newName.trim();
    if (!name) {
      this.newError = 'Enter a name for the team.';
      this.renderRoot.querySelector<HTMLInputElement>('#team-new')?.focus();
      return;
    }
    this.creating = true;
    this.newError = '';
    try {
      const team = await api.createTeam({ name });
      this.newName = '';
      this.announce(`Team “${team.name}” created.`);
      this.reload();
    } catch (err) {
      this.newError = messageOf(err);
      this.renderRoot.querySelector<HTMLInputElement>('#team-new')?.focus();
    } finally {
      this.creating = false;
    }
  }

  private async startRename(team: TeamDTO): Promise<void> {
    this.renaming = { id: team.id, name: team.name, error: '' };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('#team-rename')?.select();
  }

  private async saveRename(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const api = this.api;
    const r = this.renaming;
    if (!api || !r) return;
    const name = r.name.trim();
    if (!name) {
      this.renaming = { ...r, error: 'Enter a name for the team.' };
      return;
    }
    await this.run(r.id, async () => {
      try {
        const team = await api.renameTeam(r.id, { name });
        this.renaming = null;
        this.announce(`Team renamed to “${team.name}”.`);
        this.reload();
        await this.updateComplete;
        this.renderRoot.querySelector<HTMLElement>(`[data-rename="${team.id}"]`)?.focus();
      } catch (err) {
        this.renaming = { ...r, error: messageOf(err) };
        this.renderRoot.querySelector<HTMLInputElement>('#team-rename')?.focus();
      }
    });
  }

  private async confirmDelete(team: TeamDTO): Promise<void> {
    const members = this.agents.filter((a) => a.teamIds.includes(team.id)).length;
    const ok = await this.confirm?.ask({
      title: `Delete the team “${team.name}”?`,
      text: members ? `${members} ${members === 1 ? 'agent is' : 'agents are'} in it; they stay, without this team.` : 'Nobody is in it.',
      confirm: 'Delete team',
      danger: true,
    });
    if (!ok || !this.api) return;
    const api = this.api;
    await this.run(team.id, async () => {
      try {
        await api.deleteTeam(team.id);
        this.announce(`Team “${team.name}” deleted.`);
        this.reload();
      } catch (err) {
        this.announce(messageOf(err), true);
      }
    });
  }

  private async run(id: string, fn: () => Promise<void>): Promise<void> {
    if (this.busy.has(id)) return;
    this.busy = new Set([...this.busy, id]);
    try {
      await fn();
    } finally {
      const rest = new Set(this.busy);
      rest.delete(id);
      this.busy = rest;
    }
  }

  private announce(text: string, isError = false): void {
    this.status = text;
    this.statusIsError = isError;
  }

  private reload(): void {
    this.dispatchEvent(new CustomEvent('admin-reload', { bubbles: true, composed: true }));
  }

  private renderRow(team: TeamDTO) {
    const members = this.agents.filter((a) => a.teamIds.includes(team.id));
    const r = this.renaming?.id === team.id ? this.renaming : null;
    const busy = this.busy.has(team.id);
    return html`<tr>
      <td>
        ${r
          ? html`<form class="actions" @submit=${this.saveRename} novalidate>
              <label class="sr-only" for="team-rename">New name for ${team.name}</label>
              <input
                id="team-rename"
                class="w-18"
                maxlength=${MAX_TEAM_NAME}
                .value=${live(r.name)}
                aria-invalid=${r.error ? 'true' : 'false'}
                aria-describedby=${r.error ? 'team-rename-error' : nothing}
                @input=${(e: Event) => (this.renaming = { ...r, name: (e.target as HTMLInputElement).value })}
                @keydown=${(e: KeyboardEvent) => {
                  if (e.key === 'Escape') this.renaming = null;
                }}
              />
              <button class="btn btn-small btn-primary" type="submit" ?disabled=${busy}>Save</button>
              <button class="btn btn-small" type="button" @click=${() => (this.renaming = null)}>Cancel</button>
              ${r.error ? html`<p class="field-error" id="team-rename-error" role="alert">${r.error}</p>` : nothing}
            </form>`
          : html`<strong>${team.name}</strong>`}
      </td>
      <td>${members.length ? members.map((a) => a.name).join(', ') : html`<span class="muted">Nobody yet</span>`}</td>
      <td>
        <div class="row-actions">
          ${r
            ? nothing
            : html`<button class="btn btn-small" type="button" data-rename=${team.id} aria-label="Rename ${team.name}" @click=${() => void this.startRename(team)}>Rename</button>`}
          <button class="btn btn-small btn-danger" type="button" ?disabled=${busy} aria-label="Delete ${team.name}" @click=${() => void this.confirmDelete(team)}>Delete</button>
        </div>
      </td>
    </tr>`;
  }

  override render() {
    return html`
      <section class="card" aria-labelledby="teams-title">
        <div class="card-head">
          <div>
            <h2 id="teams-title">Teams</h2>
            <p class="lead">Chats can be transferred to a team. Add agents to teams when you edit them.</p>
          </div>
        </div>
        <form class="actions new-team" novalidate @submit=${this.create}>
          <div class="field grow w-22">
            <label for="team-new">New team</label>
            <input
              id="team-new"
              maxlength=${MAX_TEAM_NAME}
              placeholder="e.g. Billing"
              .value=${live(this.newName)}
              aria-invalid=${this.newError ? 'true' : 'false'}
              aria-describedby=${this.newError ? 'team-new-error' : nothing}
              @input=${(e: Event) => (this.newName = (e.target as HTMLInputElement).value)}
            />
            ${this.newError ? html`<p class="field-error" id="team-new-error" role="alert">${this.newError}</p>` : nothing}
          </div>
          <button class="btn btn-primary beside-field" type="submit" ?disabled=${this.creating}>Create team</button>
        </form>
        <p class="message ${this.statusIsError ? 'error' : 'ok'}" role="status">${this.status}</p>
        ${this.teams.length
          ? html`<div class="table-scroll">
              <table>
                <caption class="sr-only">Teams</caption>
                <thead>
                  <tr>
                    <th scope="col">Team</th>
                    <th scope="col">Agents</th>
                    <th scope="col"><span class="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  ${this.teams.map((t) => this.renderRow(t))}
                </tbody>
              </table>
            </div>`
          : html`<p class="muted">No teams yet.</p>`}
      </section>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

if (!customElements.get('admin-teams')) customElements.define('admin-teams', AdminTeams);

declare global {
  interface HTMLElementTagNameMap {
    'admin-teams': AdminTeams;
  }
}
