import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { WEEKDAYS, type OpeningInterval, type Weekday } from '../../../shared/workspace.js';
import { baseStyles, fieldStyles } from '../../styles/shared.js';

export type WeekHours = Record<Weekday, OpeningInterval[]>;

export const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export const closedWeek = (): WeekHours => ({ mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] });

/** A time field cannot show 24:00: "open until midnight" is 00:00 as the end. */
export const toField = (end: string): string => (end === '24:00' ? '00:00' : end);
export const fromEndField = (value: string): string => (value === '00:00' ? '24:00' : value);

const MAX_INTERVALS = 6;

export interface HoursChangeDetail {
  days: WeekHours;
}

/**
 * The opening hours of one week: per weekday, none (closed) or some intervals, each with a start
 * and an end time. It only edits; the site form validates through the server and passes back
 * `errors` by weekday ("tue" → "09:00–12:00 and 11:30–15:00 overlap").
 *
 * @fires hours-change - `{days}` after every edit.
 */
export class HoursEditor extends LitElement {
  static override styles = [
    baseStyles,
    fieldStyles,
    css`
      :host {
        display: grid;
        gap: 0.35rem;
      }
      fieldset {
        display: grid;
        grid-template-columns: 7rem 1fr;
        gap: 0.5rem 0.75rem;
        align-items: start;
        margin: 0;
        padding: 0.5rem 0;
        border: 0;
        border-bottom: 1px solid var(--ah-border);
        min-width: 0;
      }
      legend {
        float: left;
        padding: 0.4rem 0 0;
        font-size: 0.875rem;
        font-weight: 600;
      }
      .intervals {
        display: grid;
        gap: 0.4rem;
      }
      .interval {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.4rem;
        font-size: 0.875rem;
      }
      input[type='time'] {
        font-size: 0.9rem;
        padding: 0.3rem 0.45rem;
      }
      .closed {
        padding-top: 0.4rem;
        color: var(--ah-text-muted);
        font-size: 0.875rem;
      }
      .day-actions {
        display: flex;
        gap: 0.4rem;
        flex-wrap: wrap;
      }
      .field-error {
        margin: 0;
        color: var(--ah-danger);
        font-size: 0.8125rem;
      }
      [aria-invalid='true'] {
        border-color: var(--ah-danger);
      }
    `,
  ];

  @property({ attribute: false }) days: WeekHours = closedWeek();
  /** Messages by weekday, from the server's validation. */
  @property({ attribute: false }) errors: ReadonlyMap<Weekday, string> = new Map();

  private emit(days: WeekHours): void {
    this.dispatchEvent(new CustomEvent<HoursChangeDetail>('hours-change', { detail: { days }, bubbles: true, composed: true }));
  }

  private change(day: Weekday, intervals: OpeningInterval[]): void {
    this.emit({ ...this.days, [day]: intervals });
  }

  private async add(day: Weekday): Promise<void> {
    const list = this.days[day];
    const last = list[list.length - 1];
    // After an existing interval, suggest the evening; otherwise office hours.
    const next = last ? { from: last.to === '24:00' ? '23:00' : last.to, to: '24:00' } : { from: '09:00', to: '17:00' };
    this.change(day, [...list, next]);
    await this.updateComplete;
    const inputs = this.renderRoot.querySelectorAll<HTMLInputElement>(`fieldset[data-day="${day}"] input[type="time"]`);
    inputs[inputs.length - 2]?.focus();
  }

  private copyToWeekdays(): void {
    const monday = this.days.mon.map((i) => ({ ...i }));
    this.emit({ ...this.days, tue: monday.map((i) => ({ ...i })), wed: monday.map((i) => ({ ...i })), thu: monday.map((i) => ({ ...i })), fri: monday.map((i) => ({ ...i })) });
  }

  private renderDay(day: Weekday) {
    const name = DAY_NAMES[day];
    const list = this.days[day];
    const error = this.errors.get(day);
    const several = list.length > 1;
    return html`<fieldset data-day=${day} aria-describedby=${error ? `hours-${day}-error` : nothing}>
      <legend>${name}</legend>
      <div class="intervals">
        ${list.length === 0 ? html`<span class="closed">Closed</span>` : nothing}
        ${list.map((interval, i) => {
          const suffix = several ? ` (${i + 1})` : '';
          return html`<div class="interval">
            <input
              type="time"
              required
              aria-label="${name} from${suffix}"
              aria-invalid=${error ? 'true' : 'false'}
              .value=${live(interval.from)}
              @change=${(e: Event) => this.change(day, list.map((x, j) => (j === i ? { ...x, from: (e.target as HTMLInputElement).value } : x)))}
            />
            <span aria-hidden="true">to</span>
            <input
              type="time"
              required
              aria-label="${name} to${suffix}"
              aria-invalid=${error ? 'true' : 'false'}
              .value=${live(toField(interval.to))}
              @change=${(e: Event) => this.change(day, list.map((x, j) => (j === i ? { ...x, to: fromEndField((e.target as HTMLInputElement).value) } : x)))}
            />
            <button class="btn btn-small" type="button" aria-label="Remove ${name} ${interval.from} to ${interval.to}" @click=${() => this.change(day, list.filter((_, j) => j !== i))}>
              Remove
            </button>
          </div>`;
        })}
        <div class="day-actions">
          ${list.length < MAX_INTERVALS
            ? html`<button class="btn btn-small" type="button" aria-label="Add opening hours on ${name}" @click=${() => void this.add(day)}>Add hours</button>`
            : nothing}
          ${day === 'mon' && list.length ? html`<button class="btn btn-small" type="button" @click=${this.copyToWeekdays}>Copy to Tuesday–Friday</button>` : nothing}
        </div>
        ${error ? html`<p class="field-error" id="hours-${day}-error">${error}</p>` : nothing}
      </div>
    </fieldset>`;
  }

  override render() {
    return html`${WEEKDAYS.map((d) => this.renderDay(d))}`;
  }
}

if (!customElements.get('hours-editor')) customElements.define('hours-editor', HoursEditor);

declare global {
  interface HTMLElementTagNameMap {
    'hours-editor': HoursEditor;
  }
  interface GlobalEventHandlersEventMap {
    'hours-change': CustomEvent<HoursChangeDetail>;
  }
}
