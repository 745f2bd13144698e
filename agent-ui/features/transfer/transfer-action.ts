import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { ConversationDTO } from '../../../shared/types.js';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import './transfer-dialog.js';
import { transferErrorText, type TransferSubmitDetail } from './transfer-dialog.js';

export interface TransferActionOptions {
  socket(): AgentSocket | null;
  conversationId(): string | null;
  myId(): string | null;
  /** Whether the agent may transfer the chat on screen now; when that ends, an open dialog closes. */
  available(): boolean;
  /** The visitor's name, for the dialog's text. */
  visitor(): string;
  /** The server's answer: the chat as it is now, with its new agent or back in the queue. */
  onTransferred(conversation: ConversationDTO): void;
}

/**
 * The "Transfer" action of a chat view: its button, its dialog and the `conversation:transfer`
 * command, kept out of the view so the view only places `button()` and `dialog()`.
 */
export class TransferAction implements ReactiveController {
  private open = false;
  private busy = false;
  private error = '';

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: TransferActionOptions,
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    if (this.open && !this.options.available()) this.reset();
  }

  hostDisconnected(): void {
    this.reset();
  }

  /** Closes the dialog and forgets its error, e.g. when the view shows another conversation. */
  reset(): void {
    this.open = false;
    this.busy = false;
    this.error = '';
  }

  button(disabled: boolean) {
    return html`<button class="btn transfer" type="button" ?disabled=${disabled} @click=${this.ask}>Transfer</button>`;
  }

  dialog() {
    return html`<transfer-dialog
      ?open=${this.open}
      ?busy=${this.busy}
      error=${this.error}
      .socket=${this.options.socket()}
      myId=${this.options.myId() ?? ''}
      visitor=${this.options.visitor()}
      @transfer-submit=${this.submit}
      @transfer-cancel=${this.cancel}
    ></transfer-dialog>`;
  }

  private readonly ask = (): void => {
    this.error = '';
    this.open = true;
    this.host.requestUpdate();
  };

  private readonly cancel = (): void => {
    this.open = false;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => this.host.shadowRoot?.querySelector<HTMLButtonElement>('.transfer')?.focus());
  };

  private readonly submit = async (e: CustomEvent<TransferSubmitDetail>): Promise<void> => {
    const socket = this.options.socket();
    const conversationId = this.options.conversationId();
    if (!socket || !conversationId || this.busy) return;
    const { agentId, teamId, note } = e.detail;
    this.busy = true;
    this.error = '';
    this.host.requestUpdate();
    const res = await socket.command('conversation:transfer', {
      conversationId,
      ...(agentId ? { agentId } : { teamId: teamId! }),
      ...(note ? { note } : {}),
    });
    this.busy = false;
    if (conversationId !== this.options.conversationId()) return;
    if (!res.ok) {
      this.error = transferErrorText(res.error);
      this.host.requestUpdate();
      return;
    }
    this.open = false;
    this.host.requestUpdate();
    this.options.onTransferred(res.data);
  };
}
