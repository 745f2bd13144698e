/**
 * One signed-in customer's connection: the `/visitor` socket opened with the session token, the
 * ticket shown as a ConversationStream, and the REST calls made with the same token.
 *
 * Correctness after a dropped socket rests on one rule, as in the widget: on every connect the
 * open stream syncs from the last seq it holds and then flushes its outbox. Broadcasts only make
 * that faster.
 */
import { io, type Socket } from 'socket.io-client';
import { ConversationStream, StreamError, type StreamTransport } from '../../../shared/conversation-stream.js';
import { RETRYABLE_CODES, type ErrorBody } from '../../../shared/errors.js';
import type { AckOf as SharedAckOf, CustomerPageAuth, NAMESPACES, PayloadOf as SharedPayloadOf, VisitorClientToServer, VisitorServerToClient } from '../../../shared/events.js';
import { ACK_TIMEOUT_MS, RETRY_MAX_MS, RETRY_MIN_MS } from '../../../shared/limits.js';
import type { AttachmentDTO, ConversationDTO, MessageDTO, SiteConfigDTO } from '../../../shared/types.js';
import { ApiError, SessionApi } from './api.js';
import type { StoredSession } from './session-store.js';

type PortalSocket = Socket<VisitorServerToClient, VisitorClientToServer>;
type CommandName = keyof VisitorClientToServer;
type PayloadOf<E extends CommandName> = SharedPayloadOf<VisitorClientToServer, E>;
type AckOf<E extends CommandName> = SharedAckOf<VisitorClientToServer, E>;

const VISITOR_NAMESPACE: (typeof NAMESPACES)['visitor'] = '/visitor';
/** setTimeout's largest delay; a session longer than this is checked again when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export type ConnectionState = 'connecting' | 'online' | 'offline';
/** `expired`: the session's time is up; `refused`: the server no longer accepts the token. */
export type SessionEndReason = 'expired' | 'refused';

export class PortalConnection {
  state: ConnectionState = 'connecting';
  /** The site's categories, for the follow-up form and custom category labels. */
  siteConfig: SiteConfigDTO | null = null;
  /** The ticket shown, if any. */
  stream: ConversationStream | null = null;
  /** Set when the server will not show the stream's conversation (not found, not this customer's). */
  streamError: ErrorBody | null = null;
  /** True once the shown ticket's history has been fetched at least once. */
  streamLoaded = false;

  readonly session: StoredSession;
  private readonly api: SessionApi;
  private readonly socket: PortalSocket;
  private readonly listeners = new Set<() => void>();
  private readonly connectListeners = new Set<() => void>();
  private readonly conversationListeners = new Set<(c: ConversationDTO) => void>();
  private readonly attachmentUrls = new Map<string, Promise<string>>();
  private unsubscribeStream: (() => void) | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  private retryDelay = RETRY_MIN_MS;
  private closed = false;

  constructor(
    session: StoredSession,
    private readonly onEnd: (reason: SessionEndReason) => void,
  ) {
    this.session = session;
    this.api = new SessionApi(session.token);
    const auth: CustomerPageAuth = { session: session.token };
    this.socket = io(VISITOR_NAMESPACE, { auth, transports: ['websocket', 'polling'], autoConnect: false });
    this.socket.on('connect', () => void this.onConnect());
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (err) => this.onConnectError(err));
    this.socket.on('message:created', (message) => this.onMessage(message));
    this.socket.on('conversation:updated', (conversation) => this.onConversationUpdated(conversation));
    this.watchExpiry();
  }

  connect(): void {
    this.socket.connect();
  }

  /** Ends everything this connection holds: the socket, timers and object URLs of previews. */
  close(): void {
    this.closed = true;
    this.socket.disconnect();
    this.dropStream();
    clearTimeout(this.retryTimer);
    clearTimeout(this.expiryTimer);
    for (const url of this.attachmentUrls.values()) void url.then(URL.revokeObjectURL, () => undefined);
    this.attachmentUrls.clear();
    this.listeners.clear();
    this.connectListeners.clear();
    this.conversationListeners.clear();
  }

  /** Calls `listener` after any change to the connection or the shown stream. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` on every (re)connect: the moment to fetch lists again. */
  onConnected(listener: () => void): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  onConversation(listener: (conversation: ConversationDTO) => void): () => void {
    this.conversationListeners.add(listener);
    return () => this.conversationListeners.delete(listener);
  }

  /** Shows a conversation: fetches its history now (if connected) and after every reconnect. */
  open(conversationId: string): ConversationStream {
    if (this.stream?.conversationId === conversationId) return this.stream;
    this.dropStream();
    const stream = new ConversationStream(conversationId, this.transport);
    this.stream = stream;
    this.unsubscribeStream = stream.onChange(() => this.emit());
    this.emit();
    if (this.socket.connected) void this.resume(stream);
    return stream;
  }

  /** Shows a conversation whose first page the caller already has (a new follow-up ticket). */
  openWith(conversation: ConversationDTO, messages: readonly MessageDTO[]): ConversationStream {
    const stream = this.open(conversation.id);
    stream.updateConversation(conversation);
    for (const m of messages) stream.receive(m);
    return stream;
  }

  closeStream(): void {
    this.dropStream();
    this.emit();
  }

  /** Sends a command and resolves to its ack; never rejects: no answer in time is UNAVAILABLE. */
  async request<E extends CommandName>(event: E, payload: PayloadOf<E>): Promise<AckOf<E>> {
    const unavailable = { ok: false, error: { code: 'UNAVAILABLE', message: 'No connection to the server.' } } as const;
    if (!this.socket.connected) return unavailable;
    // socket.io's types cannot resolve the payload of a generic event name; this is the same
    // signature, stated for one E at a time.
    const socket = this.socket.timeout(ACK_TIMEOUT_MS) as unknown as {
      emitWithAck(event: E, payload: PayloadOf<E>): Promise<AckOf<E>>;
    };
    try {
      const res = await socket.emitWithAck(event, payload);
      if (!res.ok && res.error.code === 'UNAUTHORIZED') this.end('refused');
      return res;
    } catch {
      // Timed out, or the socket dropped before the answer came.
      return unavailable;
    }
  }

  upload(files: readonly File[], conversationId: string): Promise<AttachmentDTO[]> {
    return this.guard(this.api.upload(files, conversationId));
  }

  /** An object URL of the attachment, fetched once per page with the session token. */
  attachmentUrl(id: string): Promise<string> {
    let url = this.attachmentUrls.get(id);
    if (!url) {
      url = this.guard(this.api.attachment(id)).then((blob) => URL.createObjectURL(blob));
      // A failed fetch is not remembered, so showing the message again tries again.
      url.catch(() => this.attachmentUrls.delete(id));
      this.attachmentUrls.set(id, url);
    }
    return url;
  }

  /** Saves an attachment under its own name. */
  async download(attachment: AttachmentDTO): Promise<void> {
    const url = await this.attachmentUrl(attachment.id);
    const a = document.createElement('a');
    a.href = url;
    a.download = attachment.name;
    a.rel = 'noopener';
    a.click();
  }

  private async guard<T>(promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof ApiError && error.code === 'UNAUTHORIZED') this.end('refused');
      throw error;
    }
  }

  private async onConnect(): Promise<void> {
    this.state = 'online';
    this.retryDelay = RETRY_MIN_MS;
    clearTimeout(this.retryTimer);
    this.emit();
    for (const l of this.connectListeners) l();
    if (this.stream) void this.resume(this.stream);
    if (!this.siteConfig) {
      const res = await this.request('site:config', {});
      if (res.ok) {
        this.siteConfig = res.data;
        this.emit();
      }
    }
  }

  private onDisconnect(reason: Socket.DisconnectReason): void {
    if (this.closed) return;
    this.state = 'offline';
    if (reason === 'io server disconnect') {
      // Socket.IO does not come back by itself after the server closed the socket (a deploy, or
      // the session ended). Ask again once; the auth middleware has the say.
      this.retryLater(() => this.socket.connect());
    }
    this.emit();
  }

  private onConnectError(err: Error & { data?: unknown }): void {
    if (this.closed) return;
    this.state = 'offline';
    this.emit();
    // Still `active` means socket.io retries by itself (the server is unreachable). Otherwise the
    // auth middleware said no: for the token that is final, anything else is worth another try.
    if (this.socket.active) return;
    const code = (err.data as Partial<ErrorBody> | undefined)?.code ?? err.message;
    if (code === 'UNAUTHORIZED' || code === 'FORBIDDEN') this.end('refused');
    else this.retryLater(() => this.socket.connect());
  }

  private onMessage(message: MessageDTO): void {
    if (this.stream && message.conversationId === this.stream.conversationId) this.stream.receive(message);
  }

  private onConversationUpdated(conversation: ConversationDTO): void {
    this.stream?.updateConversation(conversation);
    for (const l of this.conversationListeners) l(conversation);
  }

  /** Brings the stream up to date and sends what waits in its outbox: after every (re)connect. */
  private async resume(stream: ConversationStream): Promise<void> {
    try {
      await stream.sync();
      if (this.stream === stream && stream.conversation) {
        this.streamLoaded = true;
        this.streamError = null;
      }
    } catch (error) {
      if (this.stream !== stream) return;
      if (error instanceof StreamError && !RETRYABLE_CODES.has(error.body.code)) {
        if (error.body.code === 'UNAUTHORIZED') this.end('refused');
        this.streamError = error.body;
        this.emit();
        return;
      }
      this.retryLater(() => {
        if (this.stream === stream && this.socket.connected) void this.resume(stream);
      });
      return;
    }
    this.emit();
    await stream.flush();
  }

  private dropStream(): void {
    this.unsubscribeStream?.();
    this.unsubscribeStream = null;
    this.stream = null;
    this.streamError = null;
    this.streamLoaded = false;
  }

  private watchExpiry(): void {
    const left = Date.parse(this.session.expiresAt) - Date.now();
    if (!(left > 0)) {
      queueMicrotask(() => this.end('expired'));
      return;
    }
    this.expiryTimer = setTimeout(() => this.watchExpiry(), Math.min(left, MAX_TIMER_MS));
  }

  private end(reason: SessionEndReason): void {
    if (this.closed) return;
    this.close();
    this.onEnd(reason);
  }

  private retryLater(run: () => void): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.closed) run();
    }, this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
  }

  private readonly transport: StreamTransport = {
    connected: () => this.socket.connected,
    sync: (conversationId, afterSeq) => this.request('conversation:sync', { conversationId, afterSeq }),
    send: (input) => this.request('message:send', input),
  };

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
