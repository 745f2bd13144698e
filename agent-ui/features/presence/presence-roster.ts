import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AgentSocket } from '../../controllers/agent-socket.js';
import { PresenceClient, type PresenceState } from './presence-client.js';

export interface PresenceRosterOptions {
  /** The socket to follow now; null while the host should not watch (e.g. a closed dialog). */
  socket: () => AgentSocket | null;
  /** Runs with the state when it binds (`first`) and on every change after. */
  onState?: (state: PresenceState, first: boolean) => void;
}

/**
 * Keeps a Lit host attached to the shared PresenceClient of its socket: the roster (`state`, every
 * agent's PresenceDTO) and the client (`client`, to set or look up a status) while the host is in
 * the page and `socket()` names one. It follows `socket()` on every update, lets go when the host
 * leaves the page, and asks the host to render on each change.
 */
export class PresenceRoster implements ReactiveController {
  /** Null while not bound. */
  state: PresenceState | null = null;
  client: PresenceClient | null = null;

  private bound: AgentSocket | null = null;
  private release: Array<() => void> = [];
  private inPage = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: PresenceRosterOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.inPage = true;
    this.sync();
  }

  hostDisconnected(): void {
    this.inPage = false;
    this.unbind();
  }

  hostUpdate(): void {
    this.sync();
  }

  /** Binds to, or lets go of, what `socket()` says now. Runs before each render; a host may call it earlier. */
  sync(): void {
    const socket = this.inPage ? this.options.socket() : null;
    if (socket === this.bound) return;
    this.unbind();
    if (socket) this.bind(socket);
  }

  private bind(socket: AgentSocket): void {
    const client = PresenceClient.for(socket);
    this.client = client;
    this.bound = socket;
    this.state = client.state;
    this.release = [client.attach(), client.onChange((s) => this.set(s, false))];
    this.set(client.state, true);
  }

  private unbind(): void {
    if (!this.bound) return;
    for (const off of this.release) off();
    this.release = [];
    this.client = null;
    this.bound = null;
    this.state = null;
    this.host.requestUpdate();
  }

  private set(state: PresenceState, first: boolean): void {
    this.state = state;
    this.options.onState?.(state, first);
    this.host.requestUpdate();
  }
}
