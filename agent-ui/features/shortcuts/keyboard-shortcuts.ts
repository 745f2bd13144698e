import { LitElement, css, html } from 'lit';
import { query, state } from 'lit/decorators.js';
import { icon } from '../../lib/icons.js';
import { dialogStyles } from '../../styles/dialog.js';
import { baseStyles } from '../../styles/shared.js';
import { tip, topBarButtonStyles } from '../../styles/top-bar.js';

/**
 * The workspace's keyboard shortcuts, and the "?" dialog that lists them.
 *
 * Modifier combinations (Alt+…, Ctrl/⌘+K) work everywhere, also while typing; plain keys ("/", "?")
 * only when the focus is not in a text field, so they never eat a character the agent types.
 * Alt combinations match the physical key (`KeyboardEvent.code`). Where Alt types a character
 * itself (Option+E or Option+N on a Mac start "é" and "ñ"; Option+↑/↓ move the cursor), a text
 * field keeps it: there the shortcut works from outside the field.
 *
 * A shortcut presses the same button a pointer would (Accept, End chat, the next chat in the list),
 * found in the workspace it is placed in, so it can do exactly what the screen allows and no more:
 * a disabled button stays disabled.
 */
export const SHORTCUTS: ReadonlyArray<{ keys: string; does: string }> = [
  { keys: 'Alt+N', does: 'Accept the next waiting chat' },
  { keys: 'Alt+↓ / Alt+↑', does: 'Open the next / previous of my chats' },
  { keys: 'Alt+E', does: 'End the open chat (asks first)' },
  { keys: '/', does: 'Write in the reply box and pick a canned reply' },
  { keys: 'Enter or Ctrl+Enter', does: 'Send the reply (Shift+Enter: new line)' },
  { keys: '↑ ↓ Enter Tab', does: 'In the canned-reply list: choose and insert' },
  { keys: 'Escape', does: 'Close the canned-reply list, search results or a dialog' },
  { keys: 'Ctrl+K (⌘K)', does: 'Search chats and tickets' },
  { keys: '?', does: 'Show this list' },
];

function isTextField(el: EventTarget | undefined): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  return el instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'range', 'color'].includes(el.type);
}

const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Alt here types or edits text itself: a dead key or a character other than the key's own letter, or a Mac's Option+arrow. */
function altTypes(e: KeyboardEvent): boolean {
  if (e.key.startsWith('Arrow')) return IS_MAC;
  return e.key === 'Dead' || e.key.toLowerCase() !== e.code.replace(/^Key/, '').toLowerCase();
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/**
 * Listens for the shortcuts while it is in the page (the signed-in workspace puts it in its header)
 * and shows a "Keyboard shortcuts" button that opens the list.
 */
export class KeyboardShortcuts extends LitElement {
  static override styles = [
    baseStyles,
    topBarButtonStyles,
    dialogStyles,
    css`
      dialog {
        padding: 1.2rem 1.4rem;
      }
      h2 {
        margin: 0 0 0.8rem;
      }
      table {
        width: 100%;
        border-collapse: collapse;
        font-size: 0.875rem;
      }
      th,
      td {
        padding: 0.35rem 0.4rem;
        text-align: left;
        border-bottom: 1px solid var(--ah-border);
        vertical-align: top;
      }
      th {
        white-space: nowrap;
      }
      kbd {
        font: inherit;
        font-size: 0.8125rem;
        padding: 0.05rem 0.35rem;
        border: 1px solid var(--ah-border);
        border-radius: 4px;
        background: var(--ah-surface-2);
      }
      .buttons {
        margin-top: 0.9rem;
      }
    `,
  ];

  @state() private announcement = '';
  @query('dialog') private dialog?: HTMLDialogElement;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKeydown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKeydown);
  }

  showList(): void {
    this.dialog?.showModal();
  }

  /** The workspace this element sits in (the app shell's shadow root). */
  private get workspace(): ParentNode {
    return this.getRootNode() as ParentNode;
  }

  /** `selector` inside the shadow root of the first `host` element of the workspace. */
  private inside<T extends Element>(host: string, selector: string): T | null {
    return this.workspace.querySelector(host)?.shadowRoot?.querySelector<T>(selector) ?? null;
  }

  private say(text: string): void {
    // Cleared first, so the same words are announced again.
    this.announcement = '';
    void this.updateComplete.then(() => (this.announcement = text));
  }

  private readonly onKeydown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.isComposing || e.repeat) return;
    const typing = isTextField(e.composedPath()[0]);
    const action = this.actionFor(e, typing);
    if (!action) return;
    e.preventDefault();
    void action();
  };

  private actionFor(e: KeyboardEvent, typing: boolean): (() => void | Promise<void>) | null {
    if (e.altKey && !e.ctrlKey && !e.metaKey) {
      if (typing && altTypes(e)) return null;
      switch (e.code) {
        case 'KeyN':
          return () => this.acceptNext();
        case 'KeyE':
          return () => this.endChat();
        case 'ArrowDown':
          return () => this.stepChat(1);
        case 'ArrowUp':
          return () => this.stepChat(-1);
      }
      return null;
    }
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.code === 'KeyK') return () => this.workspace.querySelector('workspace-search')?.focusSearch();
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return null;
    if (e.key === '?') return () => this.showList();
    if (e.key === '/') {
      const composer = this.inside<HTMLElement & { openCanned(): void }>('conversation-view', 'reply-composer') ?? this.inside<HTMLElement & { openCanned(): void }>('ticket-view', 'reply-composer');
      return composer ? () => composer.openCanned() : null;
    }
    return null;
  }

  private async toChats(): Promise<void> {
    if (this.workspace.querySelector('queue-panel')) return;
    window.location.hash = '#/chats';
    for (let i = 0; i < 5 && !this.workspace.querySelector('queue-panel'); i++) await nextFrame();
    await (this.workspace.querySelector('queue-panel') as LitElement | null)?.updateComplete;
  }

  private async acceptNext(): Promise<void> {
    await this.toChats();
    const accept = this.inside<HTMLButtonElement>('queue-panel', 'button.accept:not(:disabled)');
    if (accept) accept.click();
    else this.say('No chat is waiting');
  }

  private endChat(): void {
    const end = this.inside<HTMLButtonElement>('conversation-view', 'button.end:not(:disabled)');
    if (end) end.click();
    else this.say('No chat of yours is open');
  }

  private async stepChat(step: 1 | -1): Promise<void> {
    await this.toChats();
    const panel = this.workspace.querySelector('queue-panel')?.shadowRoot;
    const chats = [...(panel?.querySelectorAll<HTMLButtonElement>('section[aria-labelledby="mine-heading"] button.open') ?? [])];
    if (!chats.length) {
      this.say('You have no active chats');
      return;
    }
    const current = chats.findIndex((b) => b.getAttribute('aria-current') === 'true');
    const next = current < 0 ? (step === 1 ? 0 : chats.length - 1) : (current + step + chats.length) % chats.length;
    chats[next]!.click();
  }

  override render() {
    return html`
      <button class="btn btn-small icon-btn" type="button" aria-haspopup="dialog" aria-keyshortcuts="?" @click=${this.showList}>
        ${icon('keyboard')}<span class="sr-only">Keyboard shortcuts</span>${tip('Keyboard shortcuts (?)')}
      </button>
      <span class="sr-only" role="status">${this.announcement}</span>
      <dialog aria-labelledby="shortcuts-title">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table>
          <tbody>
            ${SHORTCUTS.map((s) => html`<tr><th scope="row"><kbd>${s.keys}</kbd></th><td>${s.does}</td></tr>`)}
          </tbody>
        </table>
        <div class="buttons"><button class="btn" type="button" @click=${() => this.dialog?.close()}>Close</button></div>
      </dialog>
    `;
  }
}

if (!customElements.get('keyboard-shortcuts')) customElements.define('keyboard-shortcuts', KeyboardShortcuts);

declare global {
  interface HTMLElementTagNameMap {
    'keyboard-shortcuts': KeyboardShortcuts;
  }
}
