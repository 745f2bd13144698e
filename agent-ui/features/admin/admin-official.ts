import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { SiteDTO } from '../../../shared/api.js';
import type { OfficialChannelInput } from '../../../shared/schemas/visitor-features.js';
import { OFFICIAL_PLATFORMS, type OfficialChannelDTO, type OfficialChannelKind, type OfficialPlatform } from '../../../shared/visitor-features.js';
import { ApiError } from '../../controllers/session.js';
import { formatFullTime } from '../../lib/format.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';
import { fieldErrors, messageOf, type AdminApi } from './admin-api.js';
import { adminStyles } from './admin-styles.js';
import './confirm-dialog.js';
import type { ConfirmDialog } from './confirm-dialog.js';

/** The server's limits (shared/schemas/visitor-features.ts officialChannelInput; not imported: zod). */
const MAX_VALUE = 300;
const MAX_NOTE = 200;

const KIND_LABEL: Record<OfficialChannelKind, string> = { email: 'Email address', domain: 'Domain', handle: 'Social media account' };

/** What the value field asks for, per kind. */
const VALUE_FIELD: Record<OfficialChannelKind, { label: string; placeholder: string; hint: string }> = {
  email: { label: 'Address', placeholder: 'support@example.com', hint: 'One address. Visitors who check exactly this address learn it is yours.' },
  domain: {
    label: 'Domain name',
    placeholder: 'example.com',
    hint: 'Every address and web page on it or its subdomains counts as yours. Look-alike domains do not match.',
  },
  handle: { label: 'Account name', placeholder: '@examplesupport', hint: 'The name on that platform, with or without “@”. The same name elsewhere is not yours.' },
};

export const PLATFORM_LABEL: Record<OfficialPlatform, string> = {
  x: 'X (Twitter)',
  telegram: 'Telegram',
  instagram: 'Instagram',
  facebook: 'Facebook',
  linkedin: 'LinkedIn',
  youtube: 'YouTube',
  tiktok: 'TikTok',
  discord: 'Discord',
  whatsapp: 'WhatsApp',
  reddit: 'Reddit',
  other: 'Other platform',
};

interface Form {
  kind: OfficialChannelKind;
  platform: OfficialPlatform;
  value: string;
  note: string;
}

const EMPTY_FORM: Form = { kind: 'email', platform: 'x', value: '', note: '' };

/** Form fields by the server's error paths ("value" → the value input). */
const FIELD_ID: Record<string, string> = { kind: 'official-kind', platform: 'official-platform', value: 'official-value', note: 'official-note' };

/**
 * The site's official channels (`#/admin/official`): the email addresses, domains and social media
 * accounts that are really the site's. Visitors check an address or handle against this list in
 * the widget, so a phishing "support agent" is caught out. Admins add entries (the server
 * normalises them and refuses duplicates) and delete them after a confirmation.
 *
 * The list belongs to one site; with several sites, a picker chooses which.
 */
export class AdminOfficial extends LitElement {
  static override styles = [baseStyles, fieldStyles, adminStyles];

  @property({ attribute: false }) api: AdminApi | null = null;
  @property({ attribute: false }) sites: readonly SiteDTO[] = [];

  @state() private siteKey = 'default';
  @state() private channels: OfficialChannelDTO[] | null = null;
  @state() private loading = false;
  @state() private loadError = '';
  @state() private form: Form = EMPTY_FORM;
  @state() private errors: ReadonlyMap<string, string> = new Map();
  @state() private formError = '';
  @state() private adding = false;
  @state() private busy: ReadonlySet<string> = new Set();
  @state() private status = '';
  @state() private statusIsError = false;

  @query('confirm-dialog') private confirm?: ConfirmDialog;
  private generation = 0;

  override willUpdate(changed: PropertyValues<this>): void {
    // The first site list decides the site shown; the default site when it is among them.
    if (changed.has('sites') && this.sites.length && !this.sites.some((s) => s.siteKey === this.siteKey)) this.siteKey = this.sites[0]!.siteKey;
  }

  // Untyped: `siteKey` is private, which PropertyValues<this> cannot name.
  override updated(changed: PropertyValues): void {
    if ((changed.has('api') || changed.has('siteKey')) && this.api) void this.load();
  }

  private async load(): Promise<void> {
    const api = this.api;
    if (!api) return;
    const generation = ++this.generation;
    const siteKey = this.siteKey;
    this.loading = true;
    try {
      const channels = await api.officialChannels(siteKey);
      if (generation !== this.generation) return;
      this.channels = channels;
      this.loadError = '';
    } catch (err) {
      if (generation === this.generation) this.loadError = `Could not load the official channels: ${messageOf(err)}`;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private set<K extends keyof Form>(key: K, value: Form[K]): void {
    this.form = { ...this.form, [key]: value };
    if (this.errors.has(key)) {
      const rest = new Map(this.errors);
      rest.delete(key);
      this.errors = rest;
    }
  }

  private async add(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const api = this.api;
    if (!api || this.adding) return;
    const f = this.form;
    const value = f.value.trim();
    this.status = '';
    if (!value) {
      this.errors = new Map([['value', `Enter the ${VALUE_FIELD[f.kind].label.toLowerCase()}.`]]);
      this.formError = '';
      await this.focusError();
      return;
    }
    const input: OfficialChannelInput = { siteKey: this.siteKey, kind: f.kind, value };
    if (f.kind === 'handle') input.platform = f.platform;
    if (f.note.trim()) input.note = f.note.trim();
    this.adding = true;
    this.errors = new Map();
    this.formError = '';
    try {
      const added = await api.addOfficialChannel(input);
      this.form = { ...EMPTY_FORM, kind: f.kind, platform: f.platform };
      this.announce(`Added ${describe(added)}.`);
      await this.load();
      this.renderRoot.querySelector<HTMLInputElement>('#official-value')?.focus();
    } catch (err) {
      const errors = fieldErrors(err);
      // "is already listed": the whole sentence says which entry.
      if (err instanceof ApiError && err.body.code === 'CONFLICT' && errors.has('value')) errors.set('value', err.body.message);
      const placed = new Map([...errors].filter(([path]) => path in FIELD_ID));
      this.errors = placed;
      this.formError = placed.size === errors.size && placed.size > 0 ? '' : messageOf(err);
      await this.focusError();
    } finally {
      this.adding = false;
    }
  }

  private async deleteChannel(channel: OfficialChannelDTO): Promise<void> {
    const api = this.api;
    if (!api || this.busy.has(channel.id)) return;
    const ok = await this.confirm?.ask({
      title: `Delete ${describe(channel)}?`,
      text: 'Visitors who check it will no longer be told it is yours. Anything you still use should stay on the list.',
      confirm: 'Delete',
      danger: true,
    });
    if (!ok) return;
    this.busy = new Set([...this.busy, channel.id]);
    try {
      await api.deleteOfficialChannel(channel.id);
      this.announce(`Deleted ${describe(channel)}.`);
      await this.load();
    } catch (err) {
      this.announce(`Could not delete ${channel.value}: ${messageOf(err)}`, true);
    } finally {
      const rest = new Set(this.busy);
      rest.delete(channel.id);
      this.busy = rest;
    }
  }

  private async focusError(): Promise<void> {
    await this.updateComplete;
    (this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]') ?? this.renderRoot.querySelector<HTMLElement>('#official-form-error'))?.focus();
  }

  private announce(text: string, isError = false): void {
    this.status = text;
    this.statusIsError = isError;
  }

  private pickSite(key: string): void {
    if (key === this.siteKey) return;
    this.siteKey = key;
    this.channels = null;
    this.errors = new Map();
    this.formError = '';
    this.status = '';
  }

  /** The field's server message under it, tied to it for assistive technology. */
  private fieldError(path: string) {
    const message = this.errors.get(path);
    if (!message) return nothing;
    // The server's field messages go on from the field's name ("must be a domain, like example.com").
    const label = path === 'value' ? VALUE_FIELD[this.form.kind].label : path === 'note' ? 'Note' : path === 'platform' ? 'Platform' : 'Kind';
    return html`<p class="field-error" id="${FIELD_ID[path]}-error">${/^[a-z]/.test(message) ? `${label} ${message}` : message}</p>`;
  }

  private describedBy(path: string, hint?: string): string | typeof nothing {
    const ids = [this.errors.has(path) ? `${FIELD_ID[path]}-error` : '', hint ?? ''].filter(Boolean).join(' ');
    return ids || nothing;
  }

  private renderForm() {
    const f = this.form;
    const field = VALUE_FIELD[f.kind];
    return html`<form novalidate @submit=${this.add} aria-busy=${this.adding ? 'true' : 'false'} aria-labelledby="official-add-title">
      <h3 id="official-add-title">Add an official channel</h3>
      ${this.formError ? html`<div class="message error" role="alert" id="official-form-error" tabindex="-1">${this.formError}</div>` : nothing}
      <div class="grid">
        <div class="field">
          <label for="official-kind">Kind</label>
          <select
            id="official-kind"
            .value=${live(f.kind)}
            aria-invalid=${this.errors.has('kind') ? 'true' : 'false'}
            aria-describedby=${this.describedBy('kind')}
            @change=${(e: Event) => this.set('kind', (e.target as HTMLSelectElement).value as OfficialChannelKind)}
          >
            ${(Object.keys(KIND_LABEL) as OfficialChannelKind[]).map((k) => html`<option value=${k} ?selected=${k === f.kind}>${KIND_LABEL[k]}</option>`)}
          </select>
          ${this.fieldError('kind')}
        </div>
        ${f.kind === 'handle'
          ? html`<div class="field">
              <label for="official-platform">Platform</label>
              <select
                id="official-platform"
                .value=${live(f.platform)}
                aria-invalid=${this.errors.has('platform') ? 'true' : 'false'}
                aria-describedby=${this.describedBy('platform')}
                @change=${(e: Event) => this.set('platform', (e.target as HTMLSelectElement).value as OfficialPlatform)}
              >
                ${OFFICIAL_PLATFORMS.map((p) => html`<option value=${p} ?selected=${p === f.platform}>${PLATFORM_LABEL[p]}</option>`)}
              </select>
              ${this.fieldError('platform')}
            </div>`
          : nothing}
        <div class="field">
          <label for="official-value">${field.label}</label>
          <input
            id="official-value"
            maxlength=${MAX_VALUE}
            autocomplete="off"
            spellcheck="false"
            placeholder=${field.placeholder}
            .value=${live(f.value)}
            aria-invalid=${this.errors.has('value') ? 'true' : 'false'}
            aria-describedby=${this.describedBy('value', 'official-value-hint')}
            @input=${(e: Event) => this.set('value', (e.target as HTMLInputElement).value)}
          />
          ${this.fieldError('value')}
          <p class="hint" id="official-value-hint">${field.hint}</p>
        </div>
        <div class="field">
          <label for="official-note">Note for visitors (optional)</label>
          <input
            id="official-note"
            maxlength=${MAX_NOTE}
            placeholder="e.g. Our support desk"
            .value=${live(f.note)}
            aria-invalid=${this.errors.has('note') ? 'true' : 'false'}
            aria-describedby=${this.describedBy('note', 'official-note-hint')}
            @input=${(e: Event) => this.set('note', (e.target as HTMLInputElement).value)}
          />
          ${this.fieldError('note')}
          <p class="hint" id="official-note-hint">Shown with a match, so visitors know what it is.</p>
        </div>
      </div>
      <div class="actions">
        <button class="btn btn-primary" type="submit" ?disabled=${this.adding}>${this.adding ? 'Adding…' : 'Add channel'}</button>
      </div>
    </form>`;
  }

  private renderList() {
    const channels = this.channels;
    if (!channels) return this.loadError ? nothing : html`<p class="muted" role="status">Loading official channels…</p>`;
    if (!channels.length) {
      return html`<p class="muted">No official channels yet. Until you add some, visitors who check an address or account are told it is not known to be yours.</p>`;
    }
    return html`<div class="table-scroll">
      <table>
        <caption class="sr-only">Official channels</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Channel</th>
            <th scope="col">Note</th>
            <th scope="col">Added</th>
            <th scope="col"><span class="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${channels.map(
            (c) => html`<tr>
              <td>${c.kind === 'handle' && c.platform ? `Account on ${PLATFORM_LABEL[c.platform]}` : KIND_LABEL[c.kind]}</td>
              <td class="wrap-anywhere"><strong>${c.kind === 'handle' ? `@${c.value}` : c.value}</strong></td>
              <td>${c.note ?? html`<span class="muted">—</span>`}</td>
              <td class="nowrap"><time datetime=${c.createdAt}>${formatFullTime(c.createdAt)}</time></td>
              <td>
                <button class="btn btn-small btn-danger" type="button" ?disabled=${this.busy.has(c.id)} aria-label="Delete ${describe(c)}" @click=${() => void this.deleteChannel(c)}>
                  Delete
                </button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  override render() {
    const many = this.sites.length > 1;
    return html`
      <section class="card" aria-labelledby="official-title">
        <div class="card-head">
          <div>
            <h2 id="official-title">Official channels</h2>
            <p class="lead">
              Your real email addresses, domains and social media accounts. Visitors can check in the chat widget whether an address or account that contacted
              them is really yours.
            </p>
          </div>
          ${many
            ? html`<div class="field">
                <label for="official-site">Site</label>
                <select id="official-site" .value=${live(this.siteKey)} @change=${(e: Event) => this.pickSite((e.target as HTMLSelectElement).value)}>
                  ${this.sites.map((s) => html`<option value=${s.siteKey} ?selected=${s.siteKey === this.siteKey}>${s.name} (${s.siteKey})</option>`)}
                </select>
              </div>`
            : nothing}
        </div>
        ${this.loadError
          ? html`<div class="message error actions spread below" role="alert">
              <span>${this.loadError}</span>
              <button class="btn btn-small" type="button" ?disabled=${this.loading} @click=${() => void this.load()}>Try again</button>
            </div>`
          : nothing}
        <p class="message ${this.statusIsError ? 'error' : 'ok'}" role="status">${this.status}</p>
        ${this.renderList()}
      </section>
      <section class="card">${this.renderForm()}</section>
      <confirm-dialog></confirm-dialog>
    `;
  }
}

/** "the domain example.com", "the Telegram account @shop", as sentences need them. */
function describe(c: Pick<OfficialChannelDTO, 'kind' | 'platform' | 'value'>): string {
  if (c.kind !== 'handle') return `the ${c.kind === 'email' ? 'address' : 'domain'} ${c.value}`;
  return c.platform && c.platform !== 'other' ? `the ${PLATFORM_LABEL[c.platform]} account @${c.value}` : `the account @${c.value}`;
}

if (!customElements.get('admin-official')) customElements.define('admin-official', AdminOfficial);

declare global {
  interface HTMLElementTagNameMap {
    'admin-official': AdminOfficial;
  }
}
