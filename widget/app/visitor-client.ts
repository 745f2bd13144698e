/**
 * The visitor's connection to the chat server: one Socket.IO socket on `/visitor`, the visitor's
 * current conversation as a ConversationStream, and the typing indicator in both directions.
 *
 * Correctness after a dropped socket rests on one rule: on every connect the stream syncs from the
 * last seq it holds and then flushes its outbox. The server's broadcasts only make that faster.
 */
import { io, type Socket } from 'socket.io-client';
import { ConversationStream, StreamError, type StreamTransport } from '../../shared/conversation-stream.js';
import { RETRYABLE_CODES, type ErrorBody } from '../../shared/errors.js';
import type { NAMESPACES, VisitorAuth, VisitorClientToServer, VisitorServerToClient } from '../../shared/events.js';
import { TYPING_REFRESH_MS, TYPING_TIMEOUT_MS } from '../../shared/limits.js';
import type { StartConversationInput } from '../../shared/schemas/conversations.js';
import type { ConversationDTO, Locale, MessageDTO, TypingDTO } from '../../shared/types.js';
import { VISITOR_TOKEN_KEY, conversationKey, readStorage, writeStorage } from '../storage.js';

type VisitorSocket = Socket<VisitorServerToClient, VisitorClientToServer>;
type CommandName = keyof VisitorClientToServer;
type PayloadOf<E extends CommandName> = Parameters<VisitorClientToServer[E]>[0];
type AckOf<E extends CommandName> = Parameters<Parameters<VisitorClientToServer[E]>[1]>[0];

const VISITOR_NAMESPACE: (typeof NAMESPACES)['visitor'] = '/visitor';
/** How long a command waits for its ack before it counts as failed (and may be retried). */
const ACK_TIMEOUT_MS = 10_000;
/** The visitor counts as having stopped typing after this long without a keystroke. */
const TYPING_IDLE_MS = 3_000;
/** First and longest pause before asking again after a sync or lookup failed on a live socket. */
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 30_000;
const MAX_PAGE_URL_LENGTH = 2000;

/**
 * `connecting`: waiting for the first answer about the visitor's chat; `prechat`: no chat to show,
 * the visitor may start one; `chat`: a conversation is shown, live or (when ended) read-only.
 */
export type ChatPhase = 'connecting' | 'prechat' | 'chat';

export interface VisitorClientOptions {
  serverUrl: string;
  siteKey: string;
  locale: Locale;
  /** Kept for identity verification, which the server does not offer yet. */
  userToken?: string;
}

export interface StartInput {
  name?: string;
  email?: string;
}

export class VisitorClient {
  phase: ChatPhase = 'connecting';
  connected = false;
  /** The connection dropped or could not be made, and the socket is trying again. */
  reconnecting = false;
  /** The server refused the connection (bad site key, say); it stays down until `reconnect()`. */
  refused = false;
  /** The conversation shown; null in the `connecting` and `prechat` phases. */
  stream: ConversationStream | null = null;
  /** Set while an agent is typing, with the agent's name when the server gave one. */
  agentTyping: { name: string | null } | null = null;
  /** What the visitor gave in their last chat, to fill in the form for the next one. */
  lastVisitor = { name: '', email: '' };

  readonly options: VisitorClientOptions;
  private readonly socket: VisitorSocket;
  private readonly listeners = new Set<() => void>();
  /** Bumped on every connect, so answers that belong to an older connection are ignored. */
  private epoch = 0;
  /** Agent messages up to this seq count as seen. */
  private readSeq = 0;
  private storedConversationId: string | null;
  private unsubscribeStream: (() => void) | null = null;
  private typingSentAt = 0;
  private typingIdleTimer: ReturnType<typeof setTimeout> | undefined;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = RETRY_MIN_MS;

  constructor(options: VisitorClientOptions) {
    this.options = options;
    this.storedConversationId = readStorage(conversationKey(options.siteKey));
    const auth: VisitorAuth = { visitorToken: visitorToken(), siteKey: options.siteKey };
    this.socket = io(options.serverUrl.replace(/\/+$/, '') + VISITOR_NAMESPACE, {
      auth,
      transports: ['websocket', 'polling'],
      autoConnect: false,
    });
    this.socket.on('connect', () => void this.onConnect());
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', () => this.onConnectError());
    this.socket.on('message:created', (message) => this.onMessage(message));
    this.socket.on('conversation:updated', (conversation) => this.onConversationUpdated(conversation));
    this.socket.on('typing:changed', (typing) => this.onTyping(typing));
  }

  /** Calls `listener` after any change to what the client shows. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connect(): void {
    this.socket.connect();
  }

  /** Tries again after the server refused the connection. */
  reconnect(): void {
    this.refused = false;
    this.emit();
    this.socket.connect();
  }

  disconnect(): void {
    this.socket.disconnect();
    this.clearTimers();
  }

  /** Starts a chat (or gets the one still open); resolves to the error when it failed. */
  async start(input: StartInput): Promise<ErrorBody | null> {
    const payload: StartConversationInput = {
      ...input,
      locale: this.options.locale,
      pageUrl: location.href.split('#')[0]!.slice(0, MAX_PAGE_URL_LENGTH),
    };
    const res = await this.request('conversation:start', payload);
    if (!res.ok) return res.error;
    const { conversation, messages } = res.data;
    const stream = this.show(conversation);
    for (const message of messages) stream.receive(message);
    this.readSeq = stream.lastSeq;
    // Syncs when the first page did not hold everything.
    stream.updateConversation(conversation);
    return null;
  }

  /** Ends the visitor's chat; resolves to the error when it failed. */
  async end(): Promise<ErrorBody | null> {
    const stream = this.stream;
    if (!stream) return null;
    this.stopTyping();
    const res = await this.request('conversation:end', { conversationId: stream.conversationId });
    if (!res.ok) return res.error;
    stream.updateConversation(res.data);
    return null;
  }

  /** Leaves an ended chat for the form that starts the next one. */
  startOver(): void {
    this.showNothing();
  }

  send(body: string): void {
    this.stopTyping();
    this.stream?.send(body);
  }

  retry(clientId: string): void {
    this.stream?.retry(clientId);
  }

  /** Call on every edit of the message being written; announces typing at most every TYPING_REFRESH_MS. */
  noteTyping(hasText: boolean): void {
    if (!hasText) {
      this.stopTyping();
      return;
    }
    const now = Date.now();
    if (now - this.typingSentAt >= TYPING_REFRESH_MS) {
      this.typingSentAt = now;
      this.sendTyping(true);
    }
    clearTimeout(this.typingIdleTimer);
    this.typingIdleTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping(): void {
    clearTimeout(this.typingIdleTimer);
    if (this.typingSentAt === 0) return;
    this.typingSentAt = 0;
    this.sendTyping(false);
  }

  /** Agent messages the visitor has not seen since the last `markRead()`. */
  get unread(): number {
    const messages = this.stream?.messages ?? [];
    let count = 0;
    for (let i = messages.length - 1; i >= 0 && messages[i]!.seq > this.readSeq; i--) {
      if (messages[i]!.author.type === 'agent') count++;
    }
    return count;
  }

  markRead(): void {
    this.readSeq = Math.max(this.readSeq, this.stream?.lastSeq ?? 0);
  }

  private async onConnect(): Promise<void> {
    const epoch = ++this.epoch;
    this.connected = true;
    this.reconnecting = false;
    this.refused = false;
    this.retryDelay = RETRY_MIN_MS;
    this.emit();
    if (this.stream) await this.resume(this.stream);
    else await this.loadCurrent(epoch);
  }

  /** Asks the server for the visitor's chat and shows it, or the form when there is none. */
  private async loadCurrent(epoch: number): Promise<void> {
    const res = await this.request('conversation:current', {});
    if (epoch !== this.epoch || this.stream) return;
    if (!res.ok) {
      this.retryLater(() => void this.loadCurrent(epoch));
      return;
    }
    if (res.data) await this.load(res.data);
    else this.showNothing();
  }

  private onDisconnect(reason: Socket.DisconnectReason): void {
    this.connected = false;
    this.reconnecting = reason !== 'io client disconnect';
    this.setAgentTyping(null);
    this.typingSentAt = 0;
    clearTimeout(this.retryTimer);
    if (reason === 'io server disconnect') {
      // Socket.IO does not come back by itself after the server closed the socket, but a server
      // going down for a deploy may do just that. Ask again once; the auth middleware has the say.
      this.retryTimer = setTimeout(() => this.socket.connect(), RETRY_MIN_MS);
    }
    this.emit();
  }

  private onConnectError(): void {
    // Not `active` after a connect error means the server's auth middleware said no.
    this.reconnecting = this.socket.active;
    this.refused = !this.socket.active;
    this.emit();
  }

  private onMessage(message: MessageDTO): void {
    const stream = this.stream;
    if (!stream || message.conversationId !== stream.conversationId) return;
    if (message.author.type === 'agent') this.setAgentTyping(null);
    stream.receive(message);
  }

  private onConversationUpdated(conversation: ConversationDTO): void {
    const shown = this.stream?.conversation;
    if (this.stream && conversation.id === this.stream.conversationId) {
      if (conversation.status === 'ended') this.setAgentTyping(null);
      this.stream.updateConversation(conversation);
    } else if (conversation.status !== 'ended' && this.phase !== 'connecting' && (!shown || shown.status === 'ended')) {
      // The visitor started a chat in another tab: show it here too.
      void this.load(conversation);
    }
  }

  private onTyping(typing: TypingDTO): void {
    if (typing.author.type !== 'agent' || typing.conversationId !== this.stream?.conversationId) return;
    this.setAgentTyping(typing.typing ? { name: typing.author.name } : null);
  }

  /** Shows a conversation the visitor already has and fetches its messages. */
  private async load(conversation: ConversationDTO): Promise<void> {
    const stream = this.show(conversation);
    // Messages already in the history when the page loaded are not news; hold the count at zero
    // until they are in.
    this.readSeq = Number.POSITIVE_INFINITY;
    await this.resume(stream);
    if (this.stream === stream) this.readSeq = stream.lastSeq;
    this.emit();
  }

  /** Brings the stream up to date and sends what waits in its outbox: after every (re)connect. */
  private async resume(stream: ConversationStream): Promise<void> {
    try {
      await stream.sync();
    } catch (error) {
      if (this.stream !== stream) return;
      if (error instanceof StreamError && !RETRYABLE_CODES.has(error.body.code)) {
        // The server will not show this conversation (gone, or not the visitor's): start afresh.
        this.showNothing();
        return;
      }
      this.retryLater(() => {
        if (this.stream === stream) void this.resume(stream);
      });
    }
    await stream.flush();
  }

  private show(conversation: ConversationDTO): ConversationStream {
    this.dropStream();
    const stream = new ConversationStream(conversation.id, this.transport);
    stream.conversation = conversation;
    this.stream = stream;
    this.phase = 'chat';
    this.unsubscribeStream = stream.onChange(() => {
      this.remember();
      this.emit();
    });
    this.remember();
    this.emit();
    return stream;
  }

  private showNothing(): void {
    const visitor = this.stream?.conversation?.visitor;
    if (visitor) this.lastVisitor = { name: visitor.name ?? '', email: visitor.email ?? '' };
    this.dropStream();
    this.phase = 'prechat';
    this.remember();
    this.emit();
  }

  private dropStream(): void {
    this.unsubscribeStream?.();
    this.unsubscribeStream = null;
    this.stream = null;
    this.setAgentTyping(null);
    this.stopTyping();
  }

  /** Keeps the id of an open conversation in storage, so the loader connects at once next time. */
  private remember(): void {
    const conversation = this.stream?.conversation;
    const open = conversation && conversation.status !== 'ended' ? conversation.id : null;
    if (open === this.storedConversationId) return;
    this.storedConversationId = open;
    writeStorage(conversationKey(this.options.siteKey), open);
  }

  private setAgentTyping(value: { name: string | null } | null): void {
    clearTimeout(this.agentTypingTimer);
    if (value) this.agentTypingTimer = setTimeout(() => this.setAgentTyping(null), TYPING_TIMEOUT_MS);
    if (value === null && this.agentTyping === null) return;
    this.agentTyping = value;
    this.emit();
  }

  private sendTyping(typing: boolean): void {
    const conversation = this.stream?.conversation;
    if (!conversation || conversation.status === 'ended' || !this.socket.connected) return;
    // Typing is best effort: nothing to do with the ack, and a lost one is corrected by the timeout.
    this.socket.emit('typing:set', { conversationId: conversation.id, typing }, () => undefined);
  }

  private retryLater(run: () => void): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.socket.connected) run();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
  }

  private readonly transport: StreamTransport = {
    connected: () => this.socket.connected,
    sync: (conversationId, afterSeq) => this.request('conversation:sync', { conversationId, afterSeq }),
    send: (input) => this.request('message:send', input),
  };

  /** Sends a command and resolves to its ack; never rejects: no answer in time is UNAVAILABLE. */
  private async request<E extends CommandName>(event: E, payload: PayloadOf<E>): Promise<AckOf<E>> {
    const unavailable = { ok: false, error: { code: 'UNAVAILABLE', message: 'No connection to the chat server.' } } as const;
    if (!this.socket.connected) return unavailable;
    // socket.io's types cannot resolve the payload of a generic event name; this is the same
    // signature, stated for one E at a time.
    const socket = this.socket.timeout(ACK_TIMEOUT_MS) as unknown as {
      emitWithAck(event: E, payload: PayloadOf<E>): Promise<AckOf<E>>;
    };
    try {
      return await socket.emitWithAck(event, payload);
    } catch {
      // Timed out, or the socket dropped before the answer came.
      return unavailable;
    }
  }

  private clearTimers(): void {
    clearTimeout(this.typingIdleTimer);
    clearTimeout(this.agentTypingTimer);
    clearTimeout(this.retryTimer);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The visitor's bearer token: 32 random bytes, base64url, made once and kept in storage. */
function visitorToken(): string {
  const stored = readStorage(VISITOR_TOKEN_KEY);
  if (stored && /^[A-Za-z0-9_-]{43,}$/.test(stored)) return stored;
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  const token = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  writeStorage(VISITOR_TOKEN_KEY, token);
  return token;
}
