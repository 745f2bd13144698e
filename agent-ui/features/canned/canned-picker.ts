/**
 * The "/" picker of the reply composer: typing "/" at the start of a word lists the canned
 * replies whose shortcut or title matches what follows; ↑/↓ move, Enter or Tab inserts the
 * highlighted one with its placeholders filled, Escape closes the list and keeps the text.
 *
 * It renders into the composer's own shadow root, next to the text area, because the text area's
 * `aria-activedescendant` can only point at options in the same tree (the "listbox popup of a
 * text field" pattern; focus never leaves the text area).
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { fillPlaceholders, type PlaceholderValues } from '../../../shared/canned-placeholders.js';
import type { CannedReplyDTO } from '../../../shared/workspace.js';
import { cannedReplies } from './canned-replies.js';

/** "/" after the start or a space, then what may follow it in a shortcut, right before the caret. */
const TOKEN = /(^|\s)\/([a-z0-9-]{0,32})$/i;
const MAX_SHOWN = 8;
export const CANNED_LIST_ID = 'canned-list';

interface Token {
  start: number;
  end: number;
  filter: string;
}

export interface CannedPickerOptions {
  textarea: () => HTMLTextAreaElement | null | undefined;
  /** Values for the placeholders; null turns the picker off (a composer that cannot write). */
  values: () => PlaceholderValues | null;
  /** Puts the new text in the composer and the caret at `caret`. */
  apply: (value: string, caret: number) => void;
}

export class CannedPicker implements ReactiveController {
  private token: Token | null = null;
  private active = 0;
  /** Escape closes the list for this "/" until the agent types elsewhere. */
  private dismissedAt: number | null = null;
  private off: (() => void) | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly opts: CannedPickerOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.off = cannedReplies.onChange(() => this.host.requestUpdate());
  }

  hostDisconnected(): void {
    this.off?.();
    this.off = null;
  }

  get open(): boolean {
    return this.token !== null && this.opts.values() !== null && this.dismissedAt !== this.token.start;
  }

  private get matches(): CannedReplyDTO[] {
    return this.token ? cannedReplies.match(this.token.filter).slice(0, MAX_SHOWN) : [];
  }

  /** Id of the highlighted option, for the text area's aria-activedescendant. */
  get activeId(): string | undefined {
    return this.open && this.matches.length ? `canned-option-${this.active}` : undefined;
  }

  /** After every edit or caret move: is the caret right after "/something"? */
  update(): void {
    const ta = this.opts.textarea();
    const before = ta && ta.selectionStart === ta.selectionEnd ? ta.value.slice(0, ta.selectionStart) : '';
    const m = TOKEN.exec(before);
    const next = m ? { start: before.length - m[2]!.length - 1, end: before.length, filter: m[2]!.toLowerCase() } : null;
    if (next?.filter !== this.token?.filter || next?.start !== this.token?.start) this.active = 0;
    if (!next || next.start !== this.dismissedAt) this.dismissedAt = null;
    this.token = next;
    this.host.requestUpdate();
  }

  /** Escape: closed for this "/" even as the agent types on. */
  close(): void {
    if (this.token) this.dismissedAt = this.token.start;
    this.host.requestUpdate();
  }

  /** Focus left the text area: hidden until the next edit there. */
  hide(): void {
    this.token = null;
    this.host.requestUpdate();
  }

  /** Handles the keys the list owns while it is open; true when the key was used. */
  keydown(e: KeyboardEvent): boolean {
    if (!this.open || e.isComposing) return false;
    const count = this.matches.length;
    if (e.key === 'Escape') {
      this.close();
      return true;
    }
    if (!count) return false;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : count - 1)) % count;
      this.host.requestUpdate();
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey && !e.ctrlKey && !e.metaKey) || (e.key === 'Tab' && !e.shiftKey)) {
      this.insert(this.matches[this.active]!);
      return true;
    }
    return false;
  }

  insert(reply: CannedReplyDTO): void {
    const ta = this.opts.textarea();
    const values = this.opts.values();
    const token = this.token;
    if (!ta || !values || !token) return;
    const text = fillPlaceholders(reply.body, values);
    const value = ta.value.slice(0, token.start) + text + ta.value.slice(token.end);
    this.token = null;
    this.opts.apply(value, token.start + text.length);
  }

  render() {
    if (!this.open) return nothing;
    const matches = this.matches;
    const values = this.opts.values()!;
    if (!matches.length) {
      const why = !cannedReplies.loaded ? 'Loading canned replies…' : cannedReplies.replies.length ? `No canned reply matches “/${this.token!.filter}”` : 'No canned replies yet: add some under “Canned replies” at the top.';
      return html`<div class="canned-pop" role="status">${why}</div>`;
    }
    return html`<div class="canned-pop">
      <ul id=${CANNED_LIST_ID} role="listbox" aria-label="Canned replies">
        ${matches.map(
          (r, i) => html`<li
            id="canned-option-${i}"
            role="option"
            aria-selected=${i === this.active ? 'true' : 'false'}
            @mousedown=${(e: MouseEvent) => e.preventDefault()}
            @click=${() => this.insert(r)}
          >
            <span class="canned-head"><span class="canned-shortcut">/${r.shortcut}</span> <span class="canned-title">${r.title}</span>${r.scope === 'personal' ? html` <span class="canned-mine">mine</span>` : nothing}</span>
            <span class="canned-body">${fillPlaceholders(r.body, values)}</span>
          </li>`,
        )}
      </ul>
      <p class="canned-help" aria-hidden="true">↑↓ to choose · Enter to insert · Esc to close</p>
    </div>`;
  }
}

export const cannedPickerStyles = css`
  .canned-anchor {
    position: relative;
  }
  .canned-pop {
    position: absolute;
    left: 0;
    right: 0;
    bottom: calc(100% + 0.35rem);
    z-index: 5;
    max-height: 18rem;
    overflow-y: auto;
    border: 1px solid var(--ah-border);
    border-radius: var(--ah-radius);
    background: var(--ah-surface);
    box-shadow: 0 8px 24px rgb(0 0 0 / 18%);
    font-size: 0.875rem;
  }
  .canned-pop[role='status'] {
    padding: 0.6rem 0.8rem;
    color: var(--ah-text-muted);
  }
  .canned-pop ul {
    list-style: none;
    margin: 0;
    padding: 0.25rem;
  }
  .canned-pop li {
    display: grid;
    gap: 0.1rem;
    padding: 0.4rem 0.6rem;
    border-radius: var(--ah-radius-sm);
    cursor: pointer;
  }
  .canned-pop li[aria-selected='true'] {
    background: var(--ah-accent-soft);
    outline: 1px solid color-mix(in srgb, var(--ah-accent) 45%, transparent);
  }
  .canned-shortcut {
    font-weight: 650;
    color: var(--ah-accent);
  }
  .canned-title {
    font-weight: 550;
  }
  .canned-mine {
    font-size: 0.75rem;
    color: var(--ah-text-muted);
  }
  .canned-body {
    color: var(--ah-text-muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .canned-help {
    margin: 0;
    padding: 0.3rem 0.8rem 0.45rem;
    font-size: 0.75rem;
    color: var(--ah-text-muted);
    border-top: 1px solid var(--ah-border);
  }
`;
