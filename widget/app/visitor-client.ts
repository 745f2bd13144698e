/**
 * The visitor's connection to the chat server: one Socket.IO socket on `/visitor`, the visitor's
 * current conversation as a ConversationStream, and the typing indicator in both directions.
 *
 * Correctness after a dropped socket rests on one rule: on every connect the stream syncs from the
 * last seq it holds and then flushes its outbox. The server's broadcasts only make that faster.
 */
import { io, type Socket } from 'socket.io-client';
import type { AlertSettingsDTO } from '../../shared/alerts.js';
import { ConversationStream, StreamError, type StreamTransport } from '../../shared/conversation-stream.js';
import { RETRYABLE_CODES, type ErrorBody } from '../../shared/errors.js';
import { API, type UploadResult } from '../../shared/api.js';
import type { AckOf as SharedAckOf, NAMESPACES, PayloadOf as SharedPayloadOf, VisitorAuth, VisitorClientToServer, VisitorServerToClient } from '../../shared/events.js';
import { ACK_TIMEOUT_MS, RETRY_MAX_MS, RETRY_MIN_MS, TYPING_REFRESH_MS, TYPING_TIMEOUT_MS } from '../../shared/limits.js';
import { OUTBOX_RETRY_MS } from '../../shared/outbox.js';
import type { StartConversationInput } from '../../shared/schemas/conversations.js';
import type { CreateTicketInput, LeaveMessageInput } from '../../shared/schemas/tickets.js';
import type { SendFeedbackInput } from '../../shared/schemas/visitor-features.js';
import { DEFAULT_CATEGORIES, type TicketListFilter } from '../../shared/tickets.js';
import type {
  AttachmentDTO,
  ConversationDTO,
  CustomerSessionDTO,
  Locale,
  MessageDTO,
  SiteConfigDTO,
  SyncResult,
  TypingDTO,
} from '../../shared/types.js';
import type { FeedbackDTO, OfficialCheckResult } from '../../shared/visitor-features.js';
import type { QueuePositionDTO } from '../../shared/workspace.js';
import { PushError, disablePush, enablePush, pushState, sent, type AlertSend, type PushState } from '../push/subscribe.js';
import { VISITOR_TOKEN_KEY, conversationKey, readStorage, writeStorage } from '../storage.js';

type VisitorSocket = Socket<VisitorServerToClient, VisitorClientToServer>;
type CommandName = keyof VisitorClientToServer;
type PayloadOf<E extends CommandName> = SharedPayloadOf<VisitorClientToServer, E>;
type AckOf<E extends CommandName> = SharedAckOf<VisitorClientToServer, E>;

const VISITOR_NAMESPACE: (typeof NAMESPACES)['visitor'] = '/visitor';
/** The visitor counts as having stopped typing after this long without a keystroke. */
const TYPING_IDLE_MS = 3_000;
const MAX_PAGE_URL_LENGTH = 2000;
/** A session token is renewed this long before it expires, and not used for a request closer to it. */
const SESSION_MARGIN_MS = 60_000;
/** What the start screen offers when the site's settings could not be read: the live chat, as before tickets. */
const FALLBACK_CONFIG: SiteConfigDTO = { categories: [...DEFAULT_CATEGORIES], agentsOnline: true, available: true, unavailableReason: null, widget: null };

/**
 * `connecting`: waiting for the first answer about the visitor's chat; `prechat`: the start screen
 * (the chat form, or the ticket form when no agent is online); `chat`: a conversation is shown,
 * live, as a ticket, or read-only; `tickets`: the visitor's list of tickets.
 */
export type ChatPhase = 'connecting' | 'prechat' | 'chat' | 'tickets';

export interface VisitorClientOptions {
  serverUrl: string;
  siteKey: string;
  /** The visitor's language, changed when they switch: the next chat, ticket or feedback carries it. */
  locale: Locale;
  /** The host site's signed token for its logged-in user, sent in the handshake. */
  userToken?: string;
  /** The host's own push worker (MountOptions.pushWorker); without it there is no web push. */
  pushWorker?: string | undefined;
}

export interface StartInput {
  name?: string;
  email?: string;
  /** Answers to the site's own pre-chat questions, by key. */
  fields?: Record<string, string>;
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
  /** For REST calls and to know who the visitor is; null until the first connect answered. */
  session: CustomerSessionDTO | null = null;
  /** The site's categories and whether live chat is offered now (pushed live); null until the start screen asked. */
  config: SiteConfigDTO | null = null;
  /** The waiting chat's place in the queue, as the server last pushed it. */
  queue: QueuePositionDTO | null = null;
  /** The newest ticket that is not closed, offered on the start screen as the place to continue. */
  openTicket: ConversationDTO | null = null;
  /** The `tickets` phase: the list (null while it loads), its filter, and whether loading failed. */
  tickets: ConversationDTO[] | null = null;
  ticketFilter: TicketListFilter = 'open';
  ticketsFailed = false;
  /** The conversation shown was opened from the list, so going back returns there. */
  fromList = false;
  /** A logged-in user's alert settings, shown under "My tickets"; null until loaded, and for anyone else. */
  alerts: AlertSettingsDTO | null = null;
  /** This browser's web push (`unsupported` without the host's worker); `busy` while it changes. */
  push: PushState | 'busy' = 'unsupported';
  /** The last change of the alert settings failed (the browser could not, or the server did not). */
  alertsFailed = false;

  readonly options: VisitorClientOptions;
  private readonly socket: VisitorSocket;
  private readonly listeners = new Set<() => void>();
  /** Bumped on every connect, so answers that belong to an older connection are ignored. */
  private epoch = 0;
  /** Agent messages up to this seq count as seen. */
  private readSeq = 0;
  /** A `conversation:read` is on its way. */
  private reading = false;
  private storedConversationId: string | null;
  private unsubscribeStream: (() => void) | null = null;
  private typingSentAt = 0;
  private typingIdleTimer: ReturnType<typeof setTimeout> | undefined;
  private agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private flushTimer: ReturnType<typeof setInterval> | undefined;
  private retryDelay = RETRY_MIN_MS;
  private sessionTimer: ReturnType<typeof setTimeout> | undefined;
  private sessionRequest: Promise<CustomerSessionDTO | null> | null = null;
  private identityWarned = false;
  /** Object URLs of fetched attachments, by id, kept for the page's life. */
  private readonly files = new Map<string, Promise<string>>();

  constructor(options: VisitorClientOptions) {
    this.options = options;
    this.storedConversationId = readStorage(conversationKey(options.siteKey));
    this.socket = io(options.serverUrl.replace(/\/+$/, '') + VISITOR_NAMESPACE, {
      auth: handshake(options),
      transports: ['websocket', 'polling'],
      autoConnect: false,
    });
    this.socket.on('connect', () => void this.onConnect());
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', () => this.onConnectError());
    this.socket.on('message:created', (message) => this.onMessage(message));
    this.socket.on('conversation:updated', (conversation) => this.onConversationUpdated(conversation));
    this.socket.on('typing:changed', (typing) => this.onTyping(typing));
    this.socket.on('queue:position', (queue) => this.set({ queue }));
    this.socket.on('site:config', (config) => this.set({ config }));
    this.socket.on('receipts:changed', (receipts) => this.stream?.updateReceipts(receipts));
  }

  /** Calls `listener` after any change to what the client shows. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` with every message the server pushes as it is written (never the history). */
  onLive(listener: (message: MessageDTO) => void): void {
    this.socket.on('message:created', listener);
  }

  /**
   * Another host user (their signed token), or none (null: logged out). Reconnects as them, which
   * loads the session, the start screen's ticket and the list again. Logging out also forgets this
   * browser's conversation and visitor token, so whoever uses the browser next does not see it.
   */
  identify(userToken: string | null): void {
    const { options } = this;
    if (userToken && userToken === options.userToken) return;
    options.userToken = userToken || undefined;
    if (!userToken) {
      writeStorage(VISITOR_TOKEN_KEY, null);
      this.lastVisitor = { name: '', email: '' };
      this.openTicket = null;
      this.dropStream();
      writeStorage(conversationKey(options.siteKey), (this.storedConversationId = null));
      this.phase = 'connecting';
    }
    this.session = null;
    this.sessionRequest = null;
    this.alerts = null;
    this.identityWarned = false;
    this.socket.auth = handshake(options);
    this.socket.disconnect().connect();
  }

  connect(): void {
    clearInterval(this.flushTimer);
    // A send refused as retryable while the socket stays up (the store briefly away) gets no
    // reconnect to send it again: the outbox's owner retries on a timer (shared/outbox.ts).
    this.flushTimer = setInterval(() => {
      if (this.socket.connected) void this.stream?.flush();
    }, OUTBOX_RETRY_MS);
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
    const payload: StartConversationInput = { ...input, locale: this.options.locale, pageUrl: pageUrl() };
    const res = await this.request('conversation:start', payload);
    if (!res.ok) return res.error;
    this.showSync(res.data);
    return null;
  }

  /**
   * The offline form, or a follow-up of a closed ticket: opens a ticket and shows it. Pass the same
   * `clientId` when sending the same form again, so a resend returns the ticket instead of a second one.
   */
  async createTicket(input: Omit<CreateTicketInput, 'locale' | 'pageUrl'>): Promise<ErrorBody | SyncResult> {
    const res = await this.request('ticket:create', { ...input, locale: this.options.locale, pageUrl: pageUrl() });
    if (!res.ok) return res.error;
    this.showSync(res.data);
    return res.data;
  }

  /** "Leave a message instead": the queued chat shown becomes a ticket, keeping its stream. */
  async leaveMessage(input: Omit<LeaveMessageInput, 'conversationId'>): Promise<ErrorBody | ConversationDTO> {
    const stream = this.stream;
    if (!stream) return { code: 'NOT_FOUND', message: 'No conversation.' };
    const res = await this.request('conversation:leave-message', { ...input, conversationId: stream.conversationId });
    if (!res.ok) return res.error;
    stream.updateConversation(res.data);
    return res.data;
  }

  /** Product feedback (not about a chat). Pass the same `clientId` when sending again after a failure, so a resend returns the first. */
  async sendFeedback(input: Omit<SendFeedbackInput, 'locale' | 'pageUrl'>): Promise<ErrorBody | FeedbackDTO> {
    const res = await this.request('feedback:send', { ...input, locale: this.options.locale, pageUrl: pageUrl() });
    return res.ok ? res.data : res.error;
  }

  /** Is this address or account one of the site's official channels? */
  async checkOfficial(value: string): Promise<ErrorBody | OfficialCheckResult> {
    const res = await this.request('official:check', { value });
    return res.ok ? res.data : res.error;
  }

  /** Shows the visitor's tickets ("My tickets"), newest activity first. */
  async listTickets(filter = this.ticketFilter): Promise<void> {
    if (this.phase !== 'tickets') this.dropStream();
    this.phase = 'tickets';
    this.fromList = false;
    this.ticketFilter = filter;
    this.tickets = null;
    this.ticketsFailed = false;
    this.emit();
    if (this.options.userToken) void this.loadAlerts();
    const res = await this.request('tickets:list', { filter });
    if (this.phase !== 'tickets' || this.ticketFilter !== filter) return;
    if (res.ok) this.tickets = newestFirst(res.data);
    else this.ticketsFailed = true;
    this.emit();
  }

  /**
   * Turns email alerts or this browser's push on or off. Push only from a click: turning it on
   * asks the browser's permission, then subscribes through the host's worker.
   */
  async setAlerts(kind: 'email' | 'push', on: boolean): Promise<void> {
    const alerts = this.alerts;
    const worker = this.options.pushWorker!;
    if (!alerts || (kind == 'push' && this.push == 'busy')) return;
    const send: AlertSend = (event, payload) => this.request(event, payload);
    this.alertsFailed = false;
    // Email shows the change at once, and takes it back if the server says no.
    if (kind == 'email') this.alerts = { ...alerts, email: on };
    else this.push = 'busy';
    this.emit();
    try {
      this.alerts = await (kind == 'email'
        ? sent(this.request('alerts:set', { email: on }))
        : on
          ? enablePush(send, alerts.vapidPublicKey, worker)
          : disablePush(send, worker));
    } catch (error) {
      if (kind == 'email') this.alerts = { ...this.alerts!, email: !on };
      // Blocked shows as the state itself; a prompt closed without an answer needs no words.
      this.alertsFailed = !(error instanceof PushError && (error.reason == 'denied' || error.reason == 'dismissed'));
    }
    if (kind == 'push') await this.readPush(true);
    else this.emit();
  }

  /** Shows a conversation from the list or the start screen; `conversation:sync` brings its messages. */
  open(conversation: ConversationDTO): void {
    this.fromList = this.phase === 'tickets';
    void this.load(conversation);
  }

  /** From a conversation that is not live: back to the list it was opened from, or to the start screen. */
  back(): void {
    if (this.fromList) void this.listTickets();
    else this.showNothing();
  }

  /** Asks again what the start screen offers: agents may have come online, a ticket may have closed. */
  refreshStart(): void {
    if (this.phase === 'prechat') void this.loadStart();
  }

  /**
   * Uploads files for a message or a ticket form; rejects when the upload failed. XMLHttpRequest,
   * because fetch reports no upload progress; a refused token is renewed once, as fetchApi does.
   */
  async upload(files: readonly File[], conversationId?: string, onProgress?: (loaded: number, total: number) => void): Promise<AttachmentDTO[]> {
    const body = new FormData();
    for (const file of files) body.append('files', file);
    if (conversationId) body.append('conversationId', conversationId);
    const xhr = await this.authed(
      (authorization) =>
        new Promise<XMLHttpRequest>((resolve, reject) => {
          const xhr = new XMLHttpRequest();
          xhr.open('POST', this.options.serverUrl.replace(/\/+$/, '') + API.uploads);
          xhr.setRequestHeader('Authorization', authorization);
          xhr.responseType = 'json';
          if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total);
          xhr.onload = () => resolve(xhr);
          xhr.onerror = xhr.ontimeout = () => reject(new Error('Upload failed'));
          xhr.send(body);
        }),
    );
    if (xhr.status > 299 || !xhr.response) throw new Error(`Upload failed: ${xhr.status}`);
    return (xhr.response as UploadResult).attachments;
  }

  /**
   * An object URL for an attachment, fetched with the session token (attachments are served only
   * to participants). Fetched once per page; a host page's CSP must allow `img-src blob:` to preview.
   */
  attachmentUrl(id: string): Promise<string> {
    let url = this.files.get(id);
    if (!url) {
      url = this.fetchApi(API.attachment(id), {}).then(async (res) => {
        if (!res.ok) throw new Error(`Attachment failed: ${res.status}`);
        return URL.createObjectURL(await res.blob());
      });
      // Forget a failure, so the next look tries again.
      url.catch(() => this.files.delete(id));
      this.files.set(id, url);
    }
    return url;
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

  /** Rates the conversation shown (1 terrible … 5 fantastic); resolves to the error when it failed. */
  async rate(score: number, comment: string): Promise<ErrorBody | null> {
    const stream = this.stream;
    const res = stream && (await this.request('conversation:rate', { conversationId: stream.conversationId, score, ...(comment && { comment }) }));
    if (!res?.ok) return res?.error ?? null;
    stream!.updateConversation(res.data);
    return null;
  }

  /** Emails the conversation shown to its address, or to `email` when it has none; resolves to where, or the error. */
  async transcript(email?: string): Promise<ErrorBody | string> {
    const conversationId = this.stream?.conversationId ?? '';
    const res = await this.request('conversation:transcript', { conversationId, email, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone });
    return res.ok ? res.data.sentTo : res.error;
  }

  /** Leaves an ended chat for the form that starts the next one. */
  startOver(): void {
    this.showNothing();
  }

  send(body: string, attachments: AttachmentDTO[] = []): void {
    this.stopTyping();
    this.stream?.send(body, attachments);
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

  /**
   * Call while the panel is open: the shown messages count as seen. The agents learn it (read
   * receipts) only while the page is visible too; one `conversation:read` at a time.
   */
  markRead(): void {
    const stream = this.stream;
    const seq = stream?.lastSeq ?? 0;
    this.readSeq = Math.max(this.readSeq, seq);
    if (!stream || this.reading || seq <= (stream.receipts?.visitorSeq ?? 0) || document.visibilityState != 'visible') return;
    this.reading = true;
    void this.request('conversation:read', { conversationId: stream.conversationId, seq }).then((res) => {
      this.reading = false;
      if (!res.ok) return;
      stream.updateReceipts(res.data);
      // More came in meanwhile (the answer itself may change nothing): have it looked at again.
      if (seq < stream.lastSeq) this.emit();
    });
  }

  private async onConnect(): Promise<void> {
    const epoch = ++this.epoch;
    this.connected = true;
    this.reconnecting = false;
    this.refused = false;
    this.retryDelay = RETRY_MIN_MS;
    this.emit();
    void this.refreshSession();
    if (this.stream) await this.resume(this.stream);
    else if (this.phase === 'tickets') await this.listTickets();
    else if (this.phase === 'prechat') await this.loadStart();
    else await this.loadCurrent(epoch);
  }

  /**
   * Asks for a session token (uploads, attachments) and renews it before it expires. Tells the host
   * developer, once, when their user token was refused.
   */
  private refreshSession(): Promise<CustomerSessionDTO | null> {
    this.sessionRequest ??= this.request('session:get', {}).then((res) => {
      this.sessionRequest = null;
      clearTimeout(this.sessionTimer);
      if (!res.ok) {
        // Asked again on the next connect, or here while connected.
        if (this.socket.connected) this.sessionTimer = setTimeout(() => void this.refreshSession(), RETRY_MAX_MS);
        return null;
      }
      const session = (this.session = res.data);
      if (session.identity === 'refused' && !this.identityWarned) {
        this.identityWarned = true;
        // For the host page's developer, the one reader who can fix it; the visitor sees nothing.
        console.warn(
          `[chat-hybrid] The user token was refused (${session.identityError ?? 'no reason given'}); continuing as an anonymous visitor.`,
        );
      }
      const left = Date.parse(session.expiresAt) - Date.now();
      // setTimeout fires at once for delays past 2^31 - 1 ms (24.8 days).
      const renewIn = Math.min(Math.max(left - SESSION_MARGIN_MS, left / 2, 5_000), 0x7fffffff);
      this.sessionTimer = setTimeout(() => void this.refreshSession(), renewIn);
      this.emit();
      return session;
    });
    return this.sessionRequest;
  }

  /** Calls the REST API with the session token. */
  private fetchApi(path: string, init: RequestInit): Promise<Response> {
    return this.authed((Authorization) => fetch(this.options.serverUrl.replace(/\/+$/, '') + path, { ...init, headers: { Authorization } }));
  }

  /** Runs a request with the session's Authorization header; asks for a fresh token once if it was refused. */
  private async authed<R extends { status: number }>(call: (authorization: string) => Promise<R>, again = false): Promise<R> {
    let session = this.session;
    if (!session || Date.parse(session.expiresAt) - Date.now() < SESSION_MARGIN_MS / 2) session = await this.refreshSession();
    if (!session) throw new Error('No session');
    const res = await call(`Bearer ${session.token}`);
    if (res.status !== 401 || again) return res;
    this.session = null;
    return this.authed(call, true);
  }

  private async loadAlerts(): Promise<void> {
    const res = await this.request('alerts:get', {});
    if (this.push == 'busy') return;
    // Guests and refused tokens have no settings (FORBIDDEN): nothing is shown.
    this.alerts = res.ok ? res.data : null;
    await this.readPush();
  }

  /** This browser counts as on when it is subscribed and the user wants pushes. */
  private async readPush(settled?: boolean): Promise<void> {
    const worker = this.options.pushWorker;
    const state = worker ? await pushState(worker) : 'unsupported';
    // A click began a change meanwhile: that change reads the state when it is done.
    if (this.push == 'busy' && !settled) return;
    this.push = state == 'on' && !this.alerts?.push ? 'off' : state;
    this.emit();
  }

  /** What the start screen offers: the site's settings and the ticket to continue in, if any. */
  private async loadStart(): Promise<void> {
    const [config, open] = await Promise.all([this.request('site:config', {}), this.request('tickets:list', { filter: 'open' })]);
    this.config = config.ok ? config.data : (this.config ?? FALLBACK_CONFIG);
    if (open.ok) this.openTicket = newestFirst(open.data).find((c) => c.ticket && c.ticket.status !== 'closed') ?? null;
    this.emit();
  }

  /** Asks the server for the visitor's chat and shows it, or the form when there is none. */
  private async loadCurrent(epoch: number): Promise<void> {
    const res = await this.request('conversation:current', {});
    if (epoch !== this.epoch || this.stream) return;
    if (!res.ok) {
      this.retryLater(() => void this.loadCurrent(epoch));
      return;
    }
    // A ticket is offered from the start screen, next to starting a new chat; a chat that just
    // ended is shown as it was left.
    if (res.data && !(res.data.status === 'ended' && res.data.ticket)) {
      // The start screen asks for the site's settings; a chat shown at once needs its look and texts too.
      void this.request('site:config', {}).then((config) => config.ok && this.set({ config: config.data }));
      await this.load(res.data);
    } else this.showNothing();
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
    if (this.tickets) this.tickets = this.tickets.map((c) => (c.id === conversation.id ? conversation : c));
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

  /** Shows a conversation with the first page of its messages, from a start or a new ticket. */
  private showSync({ conversation, messages, receipts }: SyncResult): void {
    this.fromList = false;
    const stream = this.show(conversation);
    stream.updateReceipts(receipts);
    for (const message of messages) stream.receive(message);
    this.readSeq = stream.lastSeq;
    // Syncs when the first page did not hold everything.
    stream.updateConversation(conversation);
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
    this.fromList = false;
    this.remember();
    this.emit();
    void this.loadStart();
  }

  private dropStream(): void {
    this.unsubscribeStream?.();
    this.unsubscribeStream = null;
    this.stream = null;
    this.tickets = null;
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
    clearInterval(this.flushTimer);
    clearTimeout(this.sessionTimer);
    clearTimeout(this.typingIdleTimer);
    clearTimeout(this.agentTypingTimer);
    clearTimeout(this.retryTimer);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  /** Takes what the server pushed and shows it. */
  private set(pushed: Partial<Pick<this, 'queue' | 'config'>>): void {
    Object.assign(this, pushed);
    this.emit();
  }
}

/** Where the visitor is, for the agent; without the fragment, which may hold tokens. */
function pageUrl(): string {
  return location.href.split('#')[0]!.slice(0, MAX_PAGE_URL_LENGTH);
}

function newestFirst(list: ConversationDTO[]): ConversationDTO[] {
  return list.sort((a, b) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt));
}

/** Who connects: the visitor's token, and the host user's when there is one. */
function handshake(options: VisitorClientOptions): VisitorAuth {
  const auth: VisitorAuth = { visitorToken: visitorToken(), siteKey: options.siteKey };
  if (options.userToken) auth.userToken = options.userToken;
  return auth;
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
