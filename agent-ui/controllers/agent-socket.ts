/**
 * The agent's Socket.IO connection to `/agent`, typed by shared/events.ts.
 *
 * - `request()` sends a command and resolves to its `Ack`; it rejects when no ack came within
 *   `REQUEST_TIMEOUT_MS` (what the conversation stream's outbox expects: the send stays queued).
 * - `command()` is the same for UI actions, turning a timeout into an `UNAVAILABLE` ack.
 * - A refused handshake (`connect_error` with message `UNAUTHORIZED`) or an `UNAUTHORIZED` ack
 *   calls `onUnauthorized`: the token expired or was revoked.
 */
import { io, type Socket } from 'socket.io-client';
import type { ErrorBody } from '../../shared/errors.js';
import type { Ack, AgentClientToServer, AgentServerToClient } from '../../shared/events.js';

export const REQUEST_TIMEOUT_MS = 10_000;
/** Pause before dialling again after the server itself closed or refused the connection. */
const SERVER_CLOSE_RETRY_MS = 2_000;

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

type Command = keyof AgentClientToServer;
export type CommandPayload<E extends Command> = Parameters<AgentClientToServer[E]>[0];
export type CommandAck<E extends Command> = Parameters<Parameters<AgentClientToServer[E]>[1]>[0];
export type CommandData<E extends Command> = Extract<CommandAck<E>, { ok: true }>['data'];

type AgentIo = Socket<AgentServerToClient, AgentClientToServer>;

/**
 * What `socket.timeout(ms)` returns, seen through one non-generic signature: socket.io's
 * `emitWithAck` types cannot resolve an event name that is itself a type parameter.
 */
interface AckEmitter {
  emitWithAck(event: string, payload: unknown): Promise<unknown>;
}

export interface AgentSocketOptions {
  token: string;
  onUnauthorized: () => void;
}

export class AgentSocket {
  private readonly io: AgentIo;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly connectListeners = new Set<() => void>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  state: ConnectionState = 'connecting';

  constructor(private readonly options: AgentSocketOptions) {
    this.io = io('/agent', {
      auth: { token: options.token },
      autoConnect: false,
      // A fresh Manager per session: socket.io otherwise reuses a cached one across sign-ins.
      forceNew: true,
    });
    this.io.on('connect', () => {
      this.setState('connected');
      for (const l of this.connectListeners) l();
    });
    this.io.on('disconnect', (reason) => {
      this.setState('reconnecting');
      // After a server-side close socket.io does not retry by itself; an expired token then shows
      // up as the connect_error below.
      if (reason === 'io server disconnect') this.scheduleRetry();
    });
    this.io.on('connect_error', (err) => {
      if (err.message === 'UNAUTHORIZED') {
        this.options.onUnauthorized();
        return;
      }
      this.setState(this.state === 'connecting' ? 'connecting' : 'reconnecting');
      // `active` is false when the server's middleware refused us for another reason: retry later.
      if (!this.io.active) this.scheduleRetry();
    });
  }

  connect(): void {
    this.closed = false;
    this.io.connect();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.io.disconnect();
    this.stateListeners.clear();
    this.connectListeners.clear();
  }

  get connected(): boolean {
    return this.io.connected;
  }

  /** Called on every connect, the first and each reconnect. */
  onConnect(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  onStateChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  on<E extends keyof AgentServerToClient>(event: E, listener: AgentServerToClient[E]): () => void {
    // socket.io's listener types do not narrow through a generic event name either.
    const io = this.io as unknown as { on(e: string, l: unknown): void; off(e: string, l: unknown): void };
    io.on(event, listener);
    return () => io.off(event, listener);
  }

  /** Resolves to the server's ack; rejects on timeout or when the socket closed first. */
  async request<E extends Command>(event: E, payload: CommandPayload<E>): Promise<CommandAck<E>> {
    const emitter = this.io.timeout(REQUEST_TIMEOUT_MS) as unknown as AckEmitter;
    const ack = (await emitter.emitWithAck(event, payload)) as Ack<unknown>;
    if (!ack.ok && ack.error.code === 'UNAUTHORIZED') this.options.onUnauthorized();
    return ack as CommandAck<E>;
  }

  /** Like `request()`, but never rejects; refuses at once while disconnected instead of buffering. */
  async command<E extends Command>(event: E, payload: CommandPayload<E>): Promise<CommandAck<E>> {
    if (!this.connected) return failure(NOT_CONNECTED) as CommandAck<E>;
    try {
      return await this.request(event, payload);
    } catch {
      // Timed out, or the connection dropped before the ack: the action may or may not have run.
      return failure(NO_ANSWER) as CommandAck<E>;
    }
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const l of this.stateListeners) l(state);
  }

  private scheduleRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.closed && !this.io.connected) this.io.connect();
    }, SERVER_CLOSE_RETRY_MS);
  }
}

const NOT_CONNECTED: ErrorBody = { code: 'UNAVAILABLE', message: 'You are offline. Wait until the connection is back and try again.' };
const NO_ANSWER: ErrorBody = { code: 'UNAVAILABLE', message: 'The server did not answer in time. Please try again.' };

function failure(error: ErrorBody): Ack<never> {
  return { ok: false, error };
}
