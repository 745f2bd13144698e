import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { SiteDTO } from '../../../shared/api.js';
import type { Locale } from '../../../shared/schemas/common.js';
import type { SiteSettingsInput } from '../../../shared/schemas/admin.js';
import type { CategoryDTO } from '../../../shared/types.js';
import { DEFAULT_PRECHAT } from '../../../shared/visitor-features.js';
import { WEEKDAYS, type BusinessHours, type RoutingMode, type Weekday, type WidgetSettings } from '../../../shared/workspace.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';
import { fieldErrors, messageOf, type AdminApi } from './admin-api.js';
import { adminStyles, LANGUAGES } from './admin-styles.js';
import './confirm-dialog.js';
import type { ConfirmDialog } from './confirm-dialog.js';
import './hours-editor.js';
import { closedWeek, type HoursChangeDetail, type WeekHours } from './hours-editor.js';
import './prechat-editor.js';
import { prechatDraftOf, prechatErrors, prechatOf, type PrechatChangeDetail, type PrechatDraft, type PrechatEditor } from './prechat-editor.js';

/** Widget texts the server accepts per language (MAX_WIDGET_TEXT in shared/schemas/admin.ts; not imported: zod). */
const MAX_WIDGET_TEXT = 500;
const DEFAULT_COLOR = '#3b5bdb';

/** The form's copy of a site; sent back as SiteSettingsInput, only the parts that changed. */
interface Draft {
  name: string;
  routing: RoutingMode;
  hoursOn: boolean;
  timeZone: string;
  days: WeekHours;
  widgetOn: boolean;
  color: string;
  position: 'left' | 'right';
  greeting: Record<Locale, string>;
  offlineMessage: Record<Locale, string>;
  languages: Locale[];
  /** The chat form (part of the widget's settings). */
  prechat: PrechatDraft;
  origins: string;
  categories: CategoryDTO[];
}

const texts = (t: Partial<Record<Locale, string>> | undefined): Record<Locale, string> =>
  Object.fromEntries(LANGUAGES.map((l) => [l.id, t?.[l.id] ?? ''])) as Record<Locale, string>;

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

function draftOf(site: SiteDTO): Draft {
  const w = site.widget;
  return {
    name: site.name,
    routing: site.routing,
    hoursOn: site.businessHours !== null,
    timeZone: site.businessHours?.timeZone ?? browserTimeZone(),
    days: site.businessHours ? { ...closedWeek(), ...site.businessHours.days } : closedWeek(),
    widgetOn: w !== null,
    color: w?.color ?? DEFAULT_COLOR,
    position: w?.position ?? 'right',
    greeting: texts(w?.greeting),
    offlineMessage: texts(w?.offlineMessage),
    languages: w?.languages ?? [],
    prechat: prechatDraftOf(w?.prechat ?? DEFAULT_PRECHAT),
    origins: site.allowedOrigins.join('\n'),
    categories: site.categories.map((c) => ({ ...c })),
  };
}

function hoursOf(d: Draft): BusinessHours | null {
  return d.hoursOn ? { timeZone: d.timeZone.trim(), days: d.days } : null;
}

function widgetOf(d: Draft): WidgetSettings | null {
  if (!d.widgetOn) return null;
  const nonEmpty = (t: Record<Locale, string>) => Object.fromEntries(Object.entries(t).filter(([, v]) => v.trim() !== '')) as Partial<Record<Locale, string>>;
  return {
    color: d.color,
    position: d.position,
    greeting: nonEmpty(d.greeting),
    offlineMessage: nonEmpty(d.offlineMessage),
    languages: d.languages,
    prechat: prechatOf(d.prechat),
  };
}

const originsOf = (d: Draft): string[] =>
  d.origins
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

const isPrechatPath = (path: string) => path === 'widget.prechat' || path.startsWith('widget.prechat.');

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The time zones offered as suggestions (any the browser knows). */
const TIME_ZONES: readonly string[] = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return [];
  }
})();

/** The sections of the form, and which server error paths belong to each. */
const SECTIONS = ['name', 'routing', 'businessHours', 'widget', 'allowedOrigins', 'categories'] as const;
type Section = (typeof SECTIONS)[number];

/**
 * One site's settings: name, routing mode, business hours, the widget's look and texts, allowed
 * origins, ticket categories, and the identity secret (shown on request, rotated after a
 * confirmation). "Save settings" sends only what changed, so two admins editing different parts do
 * not undo each other.
 *
 * @fires admin-reload - something changed on the server; the lists should be fetched again.
 */
export class AdminSite extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    adminStyles,
    css`
      .timezone {
        margin: 0.75rem 0 0.5rem;
      }
      .swatch {
        width: 4rem;
        height: 2.25rem;
        padding: 0.1rem;
      }
      th.row-label {
        text-transform: none;
        font-size: 0.875rem;
        color: inherit;
      }
      .secret {
        padding: 0.35rem 0.55rem;
        border-radius: var(--ah-radius-sm);
        background: var(--ah-surface-2);
        border: 1px solid var(--ah-border);
        overflow-wrap: anywhere;
      }
    `,
  ];

  @property({ attribute: false }) api: AdminApi | null = null;
  @property({ attribute: false }) sites: readonly SiteDTO[] = [];

  @state() private siteKey = 'default';
  @state() private draft: Draft | null = null;
  /** The site as last loaded or saved: what "changed" is measured against. */
  @state() private base: Draft | null = null;
  @state() private busy = false;
  @state() private errors: ReadonlyMap<string, string> = new Map();
  @state() private formError = '';
  @state() private status = '';
  @state() private statusIsError = false;
  @state() private showSecret = false;
  @state() private rotating = false;

  @query('confirm-dialog') private confirm?: ConfirmDialog;
  @query('prechat-editor') private prechatEditor?: PrechatEditor;

  private get site(): SiteDTO | undefined {
    return this.sites.find((s) => s.siteKey === this.siteKey) ?? this.sites[0];
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // A fresh list keeps unsaved edits; only the first load (or another site) starts a new draft.
    if (changed.has('sites') && !this.draft && this.site) this.reset(this.site);
  }

  private reset(site: SiteDTO): void {
    this.siteKey = site.siteKey;
    this.draft = draftOf(site);
    this.base = draftOf(site);
    this.errors = new Map();
    this.formError = '';
  }

  private set<K extends keyof Draft>(key: K, value: Draft[K]): void {
    if (this.draft) this.draft = { ...this.draft, [key]: value };
  }

  private pickSite(key: string): void {
    const site = this.sites.find((s) => s.siteKey === key);
    if (site) {
      this.reset(site);
      this.status = '';
      this.showSecret = false;
    }
  }

  /** Only the parts that differ from what was loaded. */
  private changes(): SiteSettingsInput {
    const d = this.draft!;
    const b = this.base!;
    const out: SiteSettingsInput = {};
    if (d.name.trim() !== b.name) out.name = d.name.trim();
    if (d.routing !== b.routing) out.routing = d.routing;
    if (!same(hoursOf(d), hoursOf(b))) out.businessHours = hoursOf(d);
    if (!same(widgetOf(d), widgetOf(b))) out.widget = widgetOf(d);
    if (!same(originsOf(d), originsOf(b))) out.allowedOrigins = originsOf(d);
    const cats = d.categories.map((c) => ({ id: c.id.trim(), label: c.label.trim() }));
    if (!same(cats, b.categories)) out.categories = cats;
    return out;
  }

  private localErrors(): Map<string, string> {
    const d = this.draft!;
    const errors = new Map<string, string>();
    if (!d.name.trim()) errors.set('name', 'Enter a name for the site.');
    if (d.hoursOn && !isTimeZone(d.timeZone.trim())) errors.set('businessHours.timeZone', 'Enter a time zone such as Europe/Stockholm.');
    if (d.widgetOn && !/^#[0-9a-f]{6}$/i.test(d.color)) errors.set('widget.color', 'Pick a colour (#rrggbb).');
    if (d.widgetOn) for (const [path, m] of prechatErrors(d.prechat)) errors.set(`widget.prechat.${path}`, m);
    return errors;
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const api = this.api;
    const site = this.site;
    if (!api || !site || !this.draft || this.busy) return;
    const local = this.localErrors();
    this.errors = local;
    this.formError = local.size ? 'Please correct the fields marked below.' : '';
    this.status = '';
    if (local.size) {
      await this.focusError();
      return;
    }
    const changes = this.changes();
    if (Object.keys(changes).length === 0) {
      this.announce('Nothing to save: no changes.');
      return;
    }
    this.busy = true;
    try {
      const saved = await api.updateSite(site.siteKey, changes);
      this.reset(saved);
      this.announce('Site settings saved.');
      this.reload();
    } catch (err) {
      const errors = fieldErrors(err);
      this.errors = errors;
      // Each message shows by its field; the summary only needs to say so.
      const placed = errors.size > 0 && [...errors.keys()].every((path) => SECTIONS.some((s) => path === s || path.startsWith(`${s}.`)));
      this.formError = placed ? 'Some settings are not valid: see the messages below.' : messageOf(err);
      await this.focusError();
    } finally {
      this.busy = false;
    }
  }

  private async rotate(): Promise<void> {
    const api = this.api;
    const site = this.site;
    if (!api || !site || this.rotating) return;
    const ok = await this.confirm?.ask({
      title: 'Create a new identity secret?',
      text: 'The current secret stops working at once: signed-in users of your site are treated as anonymous visitors until its backend signs their tokens with the new secret.',
      confirm: 'Rotate secret',
      danger: true,
    });
    if (!ok) return;
    this.rotating = true;
    try {
      await api.updateSite(site.siteKey, { rotateIdentitySecret: true });
      this.showSecret = true;
      this.announce('A new identity secret was created. Give it to your site’s backend now.');
      this.reload();
    } catch (err) {
      this.announce(messageOf(err), true);
    } finally {
      this.rotating = false;
    }
  }

  private async copySecret(secret: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(secret);
      this.announce('Identity secret copied.');
    } catch {
      this.showSecret = true;
      this.announce('Could not copy; the secret is shown so you can select it.', true);
    }
  }

  private async focusError(): Promise<void> {
    await this.updateComplete;
    const first = this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (first) first.focus();
    else if (!(await this.prechatEditor?.focusError())) this.renderRoot.querySelector<HTMLElement>('#site-form-error')?.focus();
  }

  private announce(text: string, isError = false): void {
    this.status = text;
    this.statusIsError = isError;
  }

  private reload(): void {
    this.dispatchEvent(new CustomEvent('admin-reload', { bubbles: true, composed: true }));
  }

  /** Server messages about a section or anything under it ("widget", "widget.greeting.en"). */
  private sectionErrors(section: Section): string[] {
    return [...this.errors]
      // The chat form shows its own, by each field.
      .filter(([path]) => (path === section || path.startsWith(`${section}.`)) && !isPrechatPath(path))
      .map(([path, m]) => (path === section ? m : `${path.slice(section.length + 1)}: ${m}`));
  }

  private renderSectionErrors(section: Section) {
    const list = this.sectionErrors(section);
    return list.length ? html`<div class="field-error" id="${section}-errors">${list.map((m) => html`<div>${m}</div>`)}</div>` : nothing;
  }

  private invalid(path: string): 'true' | 'false' {
    return this.errors.has(path) ? 'true' : 'false';
  }

  private hoursErrors(): Map<Weekday, string> {
    const out = new Map<Weekday, string>();
    for (const [path, m] of this.errors) {
      const day = /^businessHours\.days\.(\w+)/.exec(path)?.[1] as Weekday | undefined;
      if (day && (WEEKDAYS as readonly string[]).includes(day) && !out.has(day)) out.set(day, m);
    }
    return out;
  }

  private renderRouting(d: Draft) {
    return html`<fieldset class="box" aria-describedby=${this.sectionErrors('routing').length ? 'routing-errors' : nothing}>
      <legend>Routing</legend>
      <div class="stack">
        <label class="radio"
          ><input type="radio" name="routing" value="manual" .checked=${live(d.routing === 'manual')} @change=${() => this.set('routing', 'manual')} />
          <span><strong>Manual</strong><br /><span class="muted">Agents pick waiting chats from the queue.</span></span></label
        >
        <label class="radio"
          ><input type="radio" name="routing" value="auto" .checked=${live(d.routing === 'auto')} @change=${() => this.set('routing', 'auto')} />
          <span><strong>Automatic</strong><br /><span class="muted">Each chat goes to the least busy online agent with room, preferring matching languages and categories.</span></span></label
        >
      </div>
      ${this.renderSectionErrors('routing')}
    </fieldset>`;
  }

  private renderHours(d: Draft) {
    return html`<fieldset class="box">
      <legend>Business hours</legend>
      <div class="checks">
        <label><input type="checkbox" .checked=${live(d.hoursOn)} @change=${(e: Event) => this.set('hoursOn', (e.target as HTMLInputElement).checked)} />Offer live chat only during business hours</label>
      </div>
      <p class="hint">${d.hoursOn ? 'Outside these hours the widget shows the offline form.' : 'Live chat is offered at any time while an agent is online.'}</p>
      ${d.hoursOn && WEEKDAYS.every((day) => d.days[day].length === 0)
        ? html`<p class="hint" role="status"><strong>Every day is closed:</strong> visitors can only leave a message until you add opening hours.</p>`
        : nothing}
      ${d.hoursOn
        ? html`<div class="field w-22 timezone">
              <label for="site-timezone">Time zone</label>
              <input
                id="site-timezone"
                list="site-timezones"
                autocomplete="off"
                spellcheck="false"
                .value=${live(d.timeZone)}
                aria-invalid=${this.invalid('businessHours.timeZone')}
                aria-describedby=${this.errors.has('businessHours.timeZone') ? 'site-timezone-error' : 'site-timezone-hint'}
                @input=${(e: Event) => this.set('timeZone', (e.target as HTMLInputElement).value)}
              />
              <datalist id="site-timezones">${TIME_ZONES.map((tz) => html`<option value=${tz}></option>`)}</datalist>
              ${this.errors.has('businessHours.timeZone')
                ? html`<p class="field-error" id="site-timezone-error">${this.errors.get('businessHours.timeZone')}</p>`
                : html`<p class="hint" id="site-timezone-hint">Hours below are in this zone, e.g. Europe/Stockholm. An end of 00:00 means midnight.</p>`}
            </div>
            <hours-editor .days=${d.days} .errors=${this.hoursErrors()} @hours-change=${(e: CustomEvent<HoursChangeDetail>) => this.set('days', e.detail.days)}></hours-editor>
            ${this.sectionErrors('businessHours').length && !this.hoursErrors().size && !this.errors.has('businessHours.timeZone') ? this.renderSectionErrors('businessHours') : nothing}`
        : nothing}
    </fieldset>`;
  }

  private renderWidget(d: Draft) {
    return html`<fieldset class="box">
      <legend>Widget</legend>
      <div class="checks">
        <label><input type="checkbox" .checked=${live(d.widgetOn)} @change=${(e: Event) => this.set('widgetOn', (e.target as HTMLInputElement).checked)} />Customize the widget</label>
      </div>
      <p class="hint">${d.widgetOn ? 'Empty texts use the widget’s built-in wording.' : 'The widget uses its built-in colour and texts.'}</p>
      ${d.widgetOn
        ? html`<div class="grid mt">
              <div class="field">
                <label for="widget-color">Colour</label>
                <input
                  id="widget-color"
                  type="color"
                  .value=${live(d.color)}
                  aria-invalid=${this.invalid('widget.color')}
                  aria-describedby=${this.errors.has('widget.color') ? 'widget-color-error' : nothing}
                  @input=${(e: Event) => this.set('color', (e.target as HTMLInputElement).value)}
                  class="swatch"
                />
                ${this.errors.has('widget.color') ? html`<p class="field-error" id="widget-color-error">${this.errors.get('widget.color')}</p>` : nothing}
              </div>
              <fieldset>
                <legend>Position</legend>
                <div class="checks">
                  <label><input type="radio" name="position" .checked=${live(d.position === 'left')} @change=${() => this.set('position', 'left')} />Bottom left</label>
                  <label><input type="radio" name="position" .checked=${live(d.position === 'right')} @change=${() => this.set('position', 'right')} />Bottom right</label>
                </div>
              </fieldset>
              <fieldset>
                <legend>Languages offered</legend>
                <div class="checks">
                  ${LANGUAGES.map(
                    (l) => html`<label
                      ><input
                        type="checkbox"
                        .checked=${live(d.languages.includes(l.id))}
                        @change=${(e: Event) => {
                          const on = (e.target as HTMLInputElement).checked;
                          this.set('languages', LANGUAGES.map((x) => x.id).filter((id) => (id === l.id ? on : d.languages.includes(id))));
                        }}
                      />${l.label}</label
                    >`,
                  )}
                </div>
                <p class="hint">None checked: all.</p>
              </fieldset>
            </div>
            <div class="table-scroll mt">
              <table>
                <caption class="sr-only">Widget texts by language</caption>
                <thead>
                  <tr>
                    <th scope="col">Language</th>
                    <th scope="col">Greeting</th>
                    <th scope="col">Offline message</th>
                  </tr>
                </thead>
                <tbody>
                  ${LANGUAGES.map(
                    (l) => html`<tr>
                      <th scope="row" class="row-label">${l.label}</th>
                      <td>
                        <textarea
                          rows="2"
                          maxlength=${MAX_WIDGET_TEXT}
                          aria-label="Greeting (${l.label})"
                          aria-invalid=${this.invalid(`widget.greeting.${l.id}`)}
                          .value=${live(d.greeting[l.id])}
                          @input=${(e: Event) => this.set('greeting', { ...d.greeting, [l.id]: (e.target as HTMLTextAreaElement).value })}
                        ></textarea>
                      </td>
                      <td>
                        <textarea
                          rows="2"
                          maxlength=${MAX_WIDGET_TEXT}
                          aria-label="Offline message (${l.label})"
                          aria-invalid=${this.invalid(`widget.offlineMessage.${l.id}`)}
                          .value=${live(d.offlineMessage[l.id])}
                          @input=${(e: Event) => this.set('offlineMessage', { ...d.offlineMessage, [l.id]: (e.target as HTMLTextAreaElement).value })}
                        ></textarea>
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
            ${this.renderSectionErrors('widget')}`
        : nothing}
    </fieldset>`;
  }

  /** The chat form's messages, by path relative to `widget.prechat`, for the editor to place. */
  private prechatErrorMap(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [path, m] of this.errors) if (isPrechatPath(path)) out.set(path.slice('widget.prechat.'.length), m);
    return out;
  }

  private onPrechatChange(prechat: PrechatDraft): void {
    const order = (p: PrechatDraft) => p.fields.map((f) => f.uid).join();
    // Messages are by position: once fields are added, removed or moved they point at the wrong one.
    if (this.draft && order(prechat) !== order(this.draft.prechat)) this.errors = new Map([...this.errors].filter(([path]) => !isPrechatPath(path)));
    this.set('prechat', prechat);
  }

  private renderChatForm(d: Draft) {
    return html`<fieldset class="box">
      <legend>Chat form</legend>
      <p class="hint">
        ${d.widgetOn
          ? 'What the widget asks before a chat starts. Agents see the answers with the conversation.'
          : 'The widget asks for name and email, both optional. Check “Customize the widget” to change the chat form.'}
      </p>
      ${d.widgetOn
        ? html`<prechat-editor
            class="mt"
            .value=${d.prechat}
            .errors=${this.prechatErrorMap()}
            @prechat-change=${(e: CustomEvent<PrechatChangeDetail>) => this.onPrechatChange(e.detail.prechat)}
          ></prechat-editor>`
        : nothing}
    </fieldset>`;
  }

  private renderOrigins(d: Draft) {
    const hasError = this.sectionErrors('allowedOrigins').length > 0;
    return html`<div class="field">
      <label for="site-origins">Allowed origins</label>
      <textarea
        id="site-origins"
        rows="3"
        spellcheck="false"
        placeholder="https://shop.example.com"
        .value=${live(d.origins)}
        aria-invalid=${hasError ? 'true' : 'false'}
        aria-describedby=${hasError ? 'allowedOrigins-errors site-origins-hint' : 'site-origins-hint'}
        @input=${(e: Event) => this.set('origins', (e.target as HTMLTextAreaElement).value)}
      ></textarea>
      <p class="hint" id="site-origins-hint">
        One per line, like https://shop.example.com. Empty: any site. Pages on other sites cannot open this site’s chat.
      </p>
      ${this.renderSectionErrors('allowedOrigins')}
    </div>`;
  }

  private renderCategories(d: Draft) {
    const update = (i: number, patch: Partial<CategoryDTO>) => this.set('categories', d.categories.map((c, j) => (j === i ? { ...c, ...patch } : c)));
    return html`<fieldset class="box">
      <legend>Ticket categories</legend>
      <p class="hint">The id is stored on tickets (lowercase letters, digits and “-”); the label is what people see.</p>
      <div class="stack-tight">
        ${d.categories.map(
          (c, i) => html`<div class="actions">
            <input class="w-12" aria-label="Category ${i + 1} id" spellcheck="false" .value=${live(c.id)} aria-invalid=${this.invalid(`categories.${i}.id`)} @input=${(e: Event) => update(i, { id: (e.target as HTMLInputElement).value })} />
            <input class="w-18" aria-label="Category ${i + 1} label" .value=${live(c.label)} aria-invalid=${this.invalid(`categories.${i}.label`)} @input=${(e: Event) => update(i, { label: (e.target as HTMLInputElement).value })} />
            <button class="btn btn-small" type="button" aria-label="Remove category ${c.label || i + 1}" ?disabled=${d.categories.length <= 1} @click=${() => this.set('categories', d.categories.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>`,
        )}
      </div>
      <div class="actions mt-s">
        <button class="btn btn-small" type="button" ?disabled=${d.categories.length >= 50} @click=${() => this.set('categories', [...d.categories, { id: '', label: '' }])}>Add category</button>
      </div>
      ${this.renderSectionErrors('categories')}
    </fieldset>`;
  }

  private renderSecret(site: SiteDTO) {
    return html`<section class="card" aria-labelledby="secret-title">
      <h3 id="secret-title">Identity secret</h3>
      <p class="lead">Your site’s backend signs its signed-in users’ tokens with this secret (HS256). Keep it private.</p>
      <div class="actions mt">
        <code class="secret"
          >${this.showSecret ? site.identitySecret : '•'.repeat(24)}</code
        >
        <button class="btn btn-small" type="button" aria-pressed=${this.showSecret ? 'true' : 'false'} @click=${() => (this.showSecret = !this.showSecret)}>
          ${this.showSecret ? 'Hide' : 'Show'}
        </button>
        <button class="btn btn-small" type="button" @click=${() => void this.copySecret(site.identitySecret)}>Copy</button>
        <button class="btn btn-small btn-danger" type="button" ?disabled=${this.rotating} @click=${() => void this.rotate()}>Rotate secret…</button>
      </div>
    </section>`;
  }

  override render() {
    const site = this.site;
    const d = this.draft;
    if (!site || !d) return html`<p class="muted" role="status">Loading sites…</p>`;
    return html`
      <section class="card" aria-labelledby="site-title">
        <div class="card-head">
          <div>
            <h2 id="site-title">Site settings</h2>
            <p class="lead">Site key <code>${site.siteKey}</code>${this.sites.length > 1 ? '' : ' (the embed without data-site-key)'}</p>
          </div>
          ${this.sites.length > 1
            ? html`<div class="field">
                <label for="site-pick">Site</label>
                <select id="site-pick" .value=${live(site.siteKey)} @change=${(e: Event) => this.pickSite((e.target as HTMLSelectElement).value)}>
                  ${this.sites.map((s) => html`<option value=${s.siteKey} ?selected=${s.siteKey === site.siteKey}>${s.name} (${s.siteKey})</option>`)}
                </select>
              </div>`
            : nothing}
        </div>
        <p class="message ${this.statusIsError ? 'error' : 'ok'}" role="status">${this.status}</p>
        <form novalidate @submit=${this.save} aria-busy=${this.busy ? 'true' : 'false'}>
          ${this.formError ? html`<div class="message error" role="alert" id="site-form-error" tabindex="-1">${this.formError}</div>` : nothing}
          <div class="field w-24">
            <label for="site-name">Name</label>
            <input
              id="site-name"
              maxlength="120"
              .value=${live(d.name)}
              aria-invalid=${this.invalid('name')}
              aria-describedby=${this.errors.has('name') ? 'name-errors' : nothing}
              @input=${(e: Event) => this.set('name', (e.target as HTMLInputElement).value)}
            />
            ${this.renderSectionErrors('name')}
          </div>
          ${this.renderRouting(d)} ${this.renderHours(d)} ${this.renderWidget(d)} ${this.renderChatForm(d)} ${this.renderOrigins(d)} ${this.renderCategories(d)}
          <div class="actions">
            <button class="btn btn-primary" type="submit" ?disabled=${this.busy}>Save settings</button>
            <button class="btn" type="button" ?disabled=${this.busy} @click=${() => this.reset(site)}>Discard changes</button>
          </div>
        </form>
      </section>
      ${this.renderSecret(site)}
      <confirm-dialog></confirm-dialog>
    `;
  }
}

if (!customElements.get('admin-site')) customElements.define('admin-site', AdminSite);

declare global {
  interface HTMLElementTagNameMap {
    'admin-site': AdminSite;
  }
}
