import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Locale } from '../../../shared/schemas/common.js';
import {
  MAX_PRECHAT_FIELDS,
  MAX_PRECHAT_OPTIONS,
  PRECHAT_FIELD_TYPES,
  PRECHAT_MODES,
  type PrechatField,
  type PrechatFieldType,
  type PrechatMode,
  type PrechatSettings,
} from '../../../shared/visitor-features.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';
import { adminStyles, LANGUAGES } from './admin-styles.js';

/** The server's limit on a label or a choice (shared/schemas/visitor-features.ts; not imported: zod). */
const MAX_LABEL = 120;
const KEY_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

const MODE_LABEL: Record<PrechatMode, string> = { hidden: 'Hidden', optional: 'Optional', required: 'Required' };
const TYPE_LABEL: Record<PrechatFieldType, string> = {
  text: 'Text, one line',
  textarea: 'Text, several lines',
  email: 'Email address',
  tel: 'Phone number',
  select: 'Choice from a list',
};

/** One of the site's own questions as the form holds it: choices as typed (one per line), a stable id for the list. */
export interface FieldDraft {
  uid: number;
  key: string;
  /** The admin typed the key: it no longer follows the English label. */
  keyTouched: boolean;
  label: Record<Locale, string>;
  type: PrechatFieldType;
  required: boolean;
  options: string;
}

export interface PrechatDraft {
  name: PrechatMode;
  email: PrechatMode;
  fields: FieldDraft[];
}

export interface PrechatChangeDetail {
  prechat: PrechatDraft;
}

let nextUid = 1;

export function prechatDraftOf(settings: PrechatSettings): PrechatDraft {
  return {
    name: settings.name,
    email: settings.email,
    fields: settings.fields.map((f) => ({
      uid: nextUid++,
      key: f.key,
      keyTouched: true,
      label: Object.fromEntries(LANGUAGES.map((l) => [l.id, f.label[l.id] ?? ''])) as Record<Locale, string>,
      type: f.type,
      required: f.required,
      options: (f.options ?? []).join('\n'),
    })),
  };
}

const choices = (text: string): string[] =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

/** The settings to send: empty labels left out, choices for select fields only. */
export function prechatOf(d: PrechatDraft): PrechatSettings {
  return {
    name: d.name,
    email: d.email,
    fields: d.fields.map((f): PrechatField => {
      const label = Object.fromEntries(Object.entries(f.label).map(([l, t]) => [l, t.trim()]).filter(([, t]) => t)) as Partial<Record<Locale, string>>;
      return { key: f.key.trim(), label, type: f.type, required: f.required, ...(f.type === 'select' ? { options: choices(f.options) } : {}) };
    }),
  };
}

/** What the browser can tell before asking the server, by the server's paths relative to `prechat` ("fields.0.key"). */
export function prechatErrors(d: PrechatDraft): Map<string, string> {
  const errors = new Map<string, string>();
  const keys = d.fields.map((f) => f.key.trim());
  d.fields.forEach((f, i) => {
    const key = keys[i]!;
    if (!KEY_PATTERN.test(key)) errors.set(`fields.${i}.key`, 'Use 1 to 32 lower-case letters, digits or “_”, starting with a letter.');
    else if (key === 'name' || key === 'email') errors.set(`fields.${i}.key`, 'Name and email are built in: choose another key.');
    else if (keys.indexOf(key) !== i) errors.set(`fields.${i}.key`, 'Another field has this key.');
    if (!f.label.en.trim()) errors.set(`fields.${i}.label.en`, 'Enter the English label.');
    if (f.type === 'select') {
      const n = choices(f.options).length;
      if (n === 0) errors.set(`fields.${i}.options`, 'Enter at least one choice, one per line.');
      else if (n > MAX_PRECHAT_OPTIONS) errors.set(`fields.${i}.options`, `At most ${MAX_PRECHAT_OPTIONS} choices.`);
    }
  });
  return errors;
}

/** "Account number" → "account_number": a key that follows the English label until the admin types one. */
function keyFrom(label: string): string {
  const slug = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const key = /^[a-z]/.test(slug) ? slug : slug ? `f_${slug}` : '';
  return key.slice(0, 32).replace(/_+$/, '');
}

/**
 * The widget's chat form: whether it asks for the visitor's name and email (hidden, optional or
 * required), and the site's own questions, each with a key (where the answer is kept), a label per
 * language (English at least), a type, whether it is required and, for a list, its choices; added,
 * removed and moved up or down, at most MAX_PRECHAT_FIELDS. It only edits: the site form validates
 * (prechatErrors, then the server) and passes back `errors` by path relative to `prechat`.
 *
 * @fires prechat-change - `{prechat}` after every edit.
 */
export class PrechatEditor extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    adminStyles,
    css`
      .fields {
        display: grid;
        gap: 0.75rem;
        margin: 0.75rem 0 0;
        padding: 0;
        list-style: none;
      }
      .fields > li > fieldset {
        display: grid;
        gap: 0.75rem;
      }
      details summary {
        cursor: pointer;
        font-size: 0.875rem;
        font-weight: 550;
        width: fit-content;
      }
      details .grid {
        margin-top: 0.6rem;
      }
      /* In line with the inputs beside it, below their labels. */
      .required {
        align-self: start;
        margin-top: 1.9rem;
      }
    `,
  ];

  @property({ attribute: false }) value: PrechatDraft = { name: 'optional', email: 'optional', fields: [] };
  /** Messages by path relative to `prechat` ("fields.1.key", "fields"). */
  @property({ attribute: false }) errors: ReadonlyMap<string, string> = new Map();
  @state() private announcement = '';

  /** Focuses the first field with an error; false when there is none here. */
  async focusError(): Promise<boolean> {
    await this.updateComplete;
    const invalid = this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (!invalid) return false;
    // Labels in other languages live in a closed <details>: open it first.
    const details = invalid.closest('details');
    if (details) details.open = true;
    invalid.focus();
    return true;
  }

  private emit(prechat: PrechatDraft): void {
    this.dispatchEvent(new CustomEvent<PrechatChangeDetail>('prechat-change', { detail: { prechat }, bubbles: true, composed: true }));
  }

  private patch(uid: number, patch: Partial<FieldDraft>): void {
    this.emit({ ...this.value, fields: this.value.fields.map((f) => (f.uid === uid ? { ...f, ...patch } : f)) });
  }

  private setLabel(f: FieldDraft, locale: Locale, text: string): void {
    const patch: Partial<FieldDraft> = { label: { ...f.label, [locale]: text } };
    if (locale === 'en' && !f.keyTouched) patch.key = keyFrom(text);
    this.patch(f.uid, patch);
  }

  private async add(): Promise<void> {
    if (this.value.fields.length >= MAX_PRECHAT_FIELDS) return;
    const uid = nextUid++;
    const label = Object.fromEntries(LANGUAGES.map((l) => [l.id, ''])) as Record<Locale, string>;
    this.emit({ ...this.value, fields: [...this.value.fields, { uid, key: '', keyTouched: false, label, type: 'text', required: false, options: '' }] });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(`#pf-${uid}-en`)?.focus();
  }

  private async removeField(f: FieldDraft, index: number): Promise<void> {
    const fields = this.value.fields.filter((x) => x.uid !== f.uid);
    this.emit({ ...this.value, fields });
    this.announcement = `${nameOf(f, index)} removed.`;
    await this.updateComplete;
    const next = fields[Math.min(index, fields.length - 1)];
    this.renderRoot.querySelector<HTMLElement>(next ? `[data-remove="${next.uid}"]` : '.add')?.focus();
  }

  private async move(f: FieldDraft, index: number, by: -1 | 1): Promise<void> {
    const fields = [...this.value.fields];
    const to = index + by;
    if (to < 0 || to >= fields.length) return;
    fields.splice(index, 1);
    fields.splice(to, 0, f);
    this.emit({ ...this.value, fields });
    this.announcement = `${nameOf(f, index)} moved to position ${to + 1} of ${fields.length}.`;
    await this.updateComplete;
    // Focus stays on the field moved; at an end, on the button that still works.
    const same = this.renderRoot.querySelector<HTMLButtonElement>(`[data-move="${f.uid}:${by}"]`);
    (same && !same.disabled ? same : this.renderRoot.querySelector<HTMLButtonElement>(`[data-move="${f.uid}:${-by}"]`))?.focus();
  }

  private invalid(path: string): 'true' | 'false' {
    return this.errors.has(path) ? 'true' : 'false';
  }

  private error(path: string, id: string) {
    const m = this.errors.get(path);
    return m ? html`<p class="field-error" id=${id}>${m}</p>` : nothing;
  }

  private describedBy(...ids: Array<string | false>): string | typeof nothing {
    const list = ids.filter(Boolean).join(' ');
    return list || nothing;
  }

  private renderMode(which: 'name' | 'email', label: string) {
    const path = which;
    return html`<div class="field">
      <label for="prechat-${which}">${label}</label>
      <select
        id="prechat-${which}"
        .value=${live(this.value[which])}
        aria-invalid=${this.invalid(path)}
        aria-describedby=${this.describedBy(this.errors.has(path) && `prechat-${which}-error`)}
        @change=${(e: Event) => this.emit({ ...this.value, [which]: (e.target as HTMLSelectElement).value as PrechatMode })}
      >
        ${PRECHAT_MODES.map((m) => html`<option value=${m} ?selected=${m === this.value[which]}>${MODE_LABEL[m]}</option>`)}
      </select>
      ${this.error(path, `prechat-${which}-error`)}
    </div>`;
  }

  private renderField(f: FieldDraft, i: number, count: number) {
    const p = `fields.${i}`;
    const id = `pf-${f.uid}`;
    const name = nameOf(f, i);
    const labelErrors = [...this.errors].filter(([path]) => path === `${p}.label` || (path.startsWith(`${p}.label.`) && path !== `${p}.label.en`));
    const shown = new Set([`${p}.key`, `${p}.label.en`, `${p}.options`, ...labelErrors.map(([path]) => path)]);
    const rest = [...this.errors].filter(([path]) => (path === p || path.startsWith(`${p}.`)) && !shown.has(path));
    return html`<li>
      <fieldset class="box">
        <legend>Field ${i + 1}${f.label.en.trim() ? `: ${f.label.en.trim()}` : ''}</legend>
        <div class="grid">
          <div class="field">
            <label for="${id}-en">Label (English)</label>
            <input
              id="${id}-en"
              maxlength=${MAX_LABEL}
              .value=${live(f.label.en)}
              aria-invalid=${this.invalid(`${p}.label.en`)}
              aria-describedby=${this.describedBy(this.errors.has(`${p}.label.en`) && `${id}-en-error`)}
              @input=${(e: Event) => this.setLabel(f, 'en', (e.target as HTMLInputElement).value)}
            />
            ${this.error(`${p}.label.en`, `${id}-en-error`)}
          </div>
          <div class="field">
            <label for="${id}-key">Key</label>
            <input
              id="${id}-key"
              maxlength="32"
              spellcheck="false"
              autocomplete="off"
              .value=${live(f.key)}
              aria-invalid=${this.invalid(`${p}.key`)}
              aria-describedby=${this.describedBy(this.errors.has(`${p}.key`) && `${id}-key-error`, `${id}-key-hint`)}
              @input=${(e: Event) => this.patch(f.uid, { key: (e.target as HTMLInputElement).value, keyTouched: true })}
            />
            ${this.error(`${p}.key`, `${id}-key-error`)}
            <p class="hint" id="${id}-key-hint">Where the answer is kept, e.g. account_number.</p>
          </div>
          <div class="field">
            <label for="${id}-type">Type</label>
            <select id="${id}-type" .value=${live(f.type)} @change=${(e: Event) => this.patch(f.uid, { type: (e.target as HTMLSelectElement).value as PrechatFieldType })}>
              ${PRECHAT_FIELD_TYPES.map((t) => html`<option value=${t} ?selected=${t === f.type}>${TYPE_LABEL[t]}</option>`)}
            </select>
          </div>
          <div class="checks required">
            <label><input type="checkbox" .checked=${live(f.required)} @change=${(e: Event) => this.patch(f.uid, { required: (e.target as HTMLInputElement).checked })} />Required</label>
          </div>
        </div>
        ${f.type === 'select'
          ? html`<div class="field">
              <label for="${id}-options">Choices, one per line</label>
              <textarea
                id="${id}-options"
                rows="4"
                .value=${live(f.options)}
                aria-invalid=${this.invalid(`${p}.options`)}
                aria-describedby=${this.describedBy(this.errors.has(`${p}.options`) && `${id}-options-error`, `${id}-options-hint`)}
                @input=${(e: Event) => this.patch(f.uid, { options: (e.target as HTMLTextAreaElement).value })}
              ></textarea>
              ${this.error(`${p}.options`, `${id}-options-error`)}
              <p class="hint" id="${id}-options-hint">Up to ${MAX_PRECHAT_OPTIONS}, shown and stored as written.</p>
            </div>`
          : nothing}
        <details ?open=${labelErrors.length > 0}>
          <summary>Labels in other languages</summary>
          <div class="grid">
            ${LANGUAGES.filter((l) => l.id !== 'en').map(
              (l) => html`<div class="field">
                <label for="${id}-${l.id}">Label (${l.label})</label>
                <input
                  id="${id}-${l.id}"
                  maxlength=${MAX_LABEL}
                  .value=${live(f.label[l.id])}
                  aria-invalid=${this.invalid(`${p}.label.${l.id}`)}
                  aria-describedby=${this.describedBy(this.errors.has(`${p}.label.${l.id}`) && `${id}-${l.id}-error`)}
                  @input=${(e: Event) => this.setLabel(f, l.id, (e.target as HTMLInputElement).value)}
                />
                ${this.error(`${p}.label.${l.id}`, `${id}-${l.id}-error`)}
              </div>`,
            )}
          </div>
          <p class="hint">Empty: the English label.</p>
          ${this.error(`${p}.label`, `${id}-label-error`)}
        </details>
        ${rest.length ? html`<div class="field-error">${rest.map(([path, m]) => html`<div>${path.slice(p.length + 1) || name}: ${m}</div>`)}</div>` : nothing}
        <div class="row-actions">
          <button class="btn btn-small" type="button" data-move="${f.uid}:-1" ?disabled=${i === 0} aria-label="Move up: ${name}" @click=${() => void this.move(f, i, -1)}>Move up</button>
          <button class="btn btn-small" type="button" data-move="${f.uid}:1" ?disabled=${i === count - 1} aria-label="Move down: ${name}" @click=${() => void this.move(f, i, 1)}>
            Move down
          </button>
          <button class="btn btn-small btn-danger" type="button" data-remove=${f.uid} aria-label="Remove: ${name}" @click=${() => void this.removeField(f, i)}>Remove</button>
        </div>
      </fieldset>
    </li>`;
  }

  override render() {
    const d = this.value;
    const full = d.fields.length >= MAX_PRECHAT_FIELDS;
    const general = [...this.errors].filter(([path]) => path === '' || path === 'fields');
    return html`
      <div class="grid">${this.renderMode('name', 'Visitor’s name')} ${this.renderMode('email', 'Visitor’s email')}</div>
      ${d.fields.length
        ? html`<ol class="fields" aria-label="Your own fields">
            ${repeat(
              d.fields,
              (f) => f.uid,
              (f, i) => this.renderField(f, i, d.fields.length),
            )}
          </ol>`
        : html`<p class="hint mt">No fields of your own yet: add one to ask for an account number, say.</p>`}
      ${general.length ? html`<div class="field-error" role="alert">${general.map(([, m]) => html`<div>Fields: ${m}</div>`)}</div>` : nothing}
      <div class="actions mt">
        <button class="btn btn-small add" type="button" ?disabled=${full} aria-describedby=${full ? 'prechat-full' : nothing} @click=${() => void this.add()}>Add field</button>
        ${full ? html`<span class="hint" id="prechat-full">At most ${MAX_PRECHAT_FIELDS} fields.</span>` : nothing}
      </div>
      <p class="sr-only" role="status">${this.announcement}</p>
    `;
  }
}

function nameOf(f: FieldDraft, index: number): string {
  return f.label.en.trim() || `field ${index + 1}`;
}

if (!customElements.get('prechat-editor')) customElements.define('prechat-editor', PrechatEditor);

declare global {
  interface HTMLElementTagNameMap {
    'prechat-editor': PrechatEditor;
  }
}
