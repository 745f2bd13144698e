import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { SiteDTO } from '../../../shared/api.js';
import type { AgentDTO, CategoryDTO } from '../../../shared/types.js';
import type { AgentProfileDTO, TeamDTO } from '../../../shared/workspace.js';
import { errorBar } from '../../lib/error-bar.js';
import { ADMIN_SECTIONS, routeHref, type AdminSection } from '../../lib/route.js';
import { baseStyles, viewStyles } from '../../styles/shared.js';
import { messageOf, type AdminApi } from './admin-api.js';
import './admin-agents.js';
import './admin-official.js';
import './admin-site.js';
import './admin-teams.js';

const SECTION_LABEL: Record<AdminSection, string> = { agents: 'Agents', teams: 'Teams', site: 'Site settings', official: 'Official channels' };

/**
 * The admins' area (`#/admin/<section>`): agents, teams, site settings and official channels, each a tab of its own
 * URL. It fetches the three lists once and again whenever a section reports a change
 * (`admin-reload`), and hands them down. Agents who are not admins see why they cannot be here.
 */
export class AdminArea extends LitElement {
  static override styles = [
    baseStyles,
    viewStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
        background: var(--ah-bg);
      }
      header {
        display: flex;
        align-items: center;
        gap: 1.25rem;
        flex-wrap: wrap;
        padding: 0.8rem 1.25rem 0;
      }
      nav {
        display: flex;
        gap: 0.25rem;
      }
      nav a {
        padding: 0.45rem 0.8rem;
        border-bottom: 2px solid transparent;
        color: var(--ah-text-muted);
        font-size: 0.875rem;
        font-weight: 600;
        text-decoration: none;
      }
      nav a:hover {
        color: var(--ah-text);
      }
      nav a[aria-current='page'] {
        color: var(--ah-accent);
        border-bottom-color: var(--ah-accent);
      }
      .scroll {
        flex: 1;
        min-height: 0;
        overflow: auto;
        padding: 1.25rem;
      }
      .inner {
        max-width: 72rem;
        margin: 0 auto;
      }
      .denied {
        margin: 3rem auto;
        max-width: 26rem;
        text-align: center;
        color: var(--ah-text-muted);
      }
    `,
  ];

  @property({ attribute: false }) api: AdminApi | null = null;
  @property({ attribute: false }) me: AgentDTO | null = null;
  @property() section: AdminSection = 'agents';

  @state() private agents: AgentProfileDTO[] = [];
  @state() private teams: TeamDTO[] = [];
  @state() private sites: SiteDTO[] = [];
  @state() private loadError = '';
  @state() private loading = false;
  private generation = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('admin-reload', this.onReload);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('admin-reload', this.onReload);
  }

  override updated(changed: PropertyValues<this>): void {
    if ((changed.has('api') || changed.has('me')) && this.api && this.me?.role === 'admin') void this.load();
  }

  private readonly onReload = (): void => {
    void this.load();
  };

  private async load(): Promise<void> {
    const api = this.api;
    if (!api) return;
    const generation = ++this.generation;
    this.loading = true;
    try {
      const [agents, teams, sites] = await Promise.all([api.agents(), api.teams(), api.sites()]);
      if (generation !== this.generation) return;
      this.agents = agents;
      this.teams = teams;
      this.sites = sites;
      this.loadError = '';
    } catch (err) {
      if (generation === this.generation) this.loadError = `Could not load the admin data: ${messageOf(err)}`;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  /** Categories of every site, once each: what agents' category skills may name. */
  private categories(): CategoryDTO[] {
    const seen = new Map<string, CategoryDTO>();
    for (const s of this.sites) for (const c of s.categories) if (!seen.has(c.id)) seen.set(c.id, c);
    return [...seen.values()];
  }

  private renderSection() {
    switch (this.section) {
      case 'agents':
        return html`<admin-agents .api=${this.api} .me=${this.me} .agents=${this.agents} .teams=${this.teams} .categories=${this.categories()}></admin-agents>`;
      case 'teams':
        return html`<admin-teams .api=${this.api} .teams=${this.teams} .agents=${this.agents}></admin-teams>`;
      case 'site':
        return html`<admin-site .api=${this.api} .sites=${this.sites}></admin-site>`;
      case 'official':
        return html`<admin-official .api=${this.api} .sites=${this.sites}></admin-official>`;
    }
  }

  override render() {
    if (this.me?.role !== 'admin') {
      return html`<div class="denied" role="alert">
        <h2>Admins only</h2>
        <p>Only admins can manage agents, teams and sites. Ask an admin if you need a change.</p>
      </div>`;
    }
    return html`
      <header>
        <h2>Admin</h2>
        <nav aria-label="Admin sections">
          ${ADMIN_SECTIONS.map(
            (s) => html`<a href=${routeHref({ view: 'admin', section: s })} aria-current=${this.section === s ? 'page' : 'false'}>${SECTION_LABEL[s]}</a>`,
          )}
        </nav>
      </header>
      ${this.loadError ? errorBar(this.loadError, () => void this.load(), this.loading) : nothing}
      <div class="scroll">
        <div class="inner">${this.renderSection()}</div>
      </div>
    `;
  }
}

if (!customElements.get('admin-area')) customElements.define('admin-area', AdminArea);

declare global {
  interface HTMLElementTagNameMap {
    'admin-area': AdminArea;
  }
}
