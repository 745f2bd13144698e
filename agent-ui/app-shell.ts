import { LitElement, css, html, nothing } from 'lit';
import { query, state } from 'lit/decorators.js';
import type { ErrorBody } from '../shared/errors.js';
import { DEFAULT_CATEGORIES } from '../shared/tickets.js';
import type { AgentDTO, ConversationDTO } from '../shared/types.js';
import { AgentSocket, type ConnectionState } from './controllers/agent-socket.js';
import { AttachmentClient } from './controllers/attachments.js';
import { ConversationStreams } from './controllers/conversation-streams.js';
import { DesktopAlerts, type AlertsState } from './controllers/desktop-alerts.js';
import { Directory, type DirectoryData } from './controllers/directory.js';
import { Drafts } from './controllers/drafts.js';
import { NoteThreads } from './controllers/note-threads.js';
import { ApiError, Session, TOKEN_STORAGE_KEY, type SessionEndReason } from './controllers/session.js';
import './features/account/account-menu.js';
import type { SignOutDetail } from './features/account/account-menu.js';
import './features/alerts/alerts-menu.js';
import './features/canned/canned-manager.js';
import { cannedReplies } from './features/canned/canned-replies.js';
import './features/search/workspace-search.js';
import type { SearchOpenDetail } from './features/search/workspace-search.js';
import './features/shortcuts/keyboard-shortcuts.js';
import { readMarkers } from './features/unread/read-markers.js';
import { AdminApi } from './features/admin/admin-api.js';
import './features/admin/admin-area.js';
import './features/admin/invite-accept.js';
import type { InviteAcceptedDetail } from './features/admin/invite-accept.js';
import './features/presence/presence-menu.js';
import './features/ratings/ratings-menu.js';
import './features/feedback/feedback-link.js';
import './features/feedback/feedback-view.js';
import './features/presence/team-panel.js';
import './features/conversation/conversation-view.js';
import type { ConversationChangedDetail, ConversationView } from './features/conversation/conversation-view.js';
import './features/login/login-view.js';
import type { LoginSubmitDetail } from './features/login/login-view.js';
import { applyUpdate, EMPTY_LISTS, findChat, fromSnapshot, removeChat, type ChatLists } from './features/queue/chat-lists.js';
import './features/queue/queue-panel.js';
import type { ConversationIdDetail } from './features/queue/queue-panel.js';
import './features/tickets/ticket-view.js';
import type { TicketView } from './features/tickets/ticket-view.js';
import './features/tickets/tickets-panel.js';
import type { TicketsPanel } from './features/tickets/tickets-panel.js';
import { newTicketListMemory, type TicketListMemory } from './features/tickets/ticket-rows.js';
import { parseRoute, routeHref, type Route } from './lib/route.js';
import { baseStyles } from './styles/shared.js';
import { themeTokens } from './styles/theme.js';

type Phase = 'starting' | 'unreachable' | 'signed-out' | 'signed-in';

interface Toast {
  id: number;
  text: string;
}

const TOAST_MS = 8_000;
/** A failed `queue:list` is asked again after this long while still connected. */
const QUEUE_RETRY_MS = 3_000;
const TITLE = 'Agent workspace';

const END_NOTICE: Record<SessionEndReason, string> = {
  'signed-out': '',
  expired: 'Your session has expired',
  elsewhere: 'You signed out in another window.',
};

/**
 * The agent UI: the sign-in screen, then the workspace over one socket to `/agent`, in two views
 * the top bar switches between: "Live chats" (the queue and the agent's chats on the left, the
 * open conversation on the right) and "Tickets" (the ticket list, or one ticket). The view lives in
 * the URL fragment (lib/route.ts), so tickets can be linked and Back works.
 *
 * It owns the session, the socket, the per-session controllers (streams, notes, drafts, the
 * directory of categories and agents, attachments) and the two chat lists: on every connect it
 * replaces the lists with `queue:list`, and `conversation:updated` broadcasts move chats between them.
 */
export class AgentApp extends LitElement {
  static override styles = [
    themeTokens,
    baseStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100vh;
        height: 100dvh;
        background: var(--ah-bg);
        color: var(--ah-text);
      }
      login-view,
      invite-accept {
        flex: 1;
      }
      /* Here, not in style attributes: the page's CSP allows no inline styles. */
      admin-area,
      feedback-view {
        flex: 1;
        min-height: 0;
      }
      /*
       * The top bar: brand, views and search on the left; the agent's status, the secondary tools
       * (icon buttons with tooltips) and the account menu on the right. Narrower, the title and
       * then the agent's name give way; on a phone it takes two rows (views and account; search
       * and tools), and wraps further rather than clipping anything.
       */
      .top {
        display: flex;
        align-items: center;
        gap: 0.45rem 1rem;
        padding: 0.5rem 1rem;
        background: var(--ah-surface);
        border-bottom: 1px solid var(--ah-border);
      }
      .brand {
        display: flex;
        align-items: center;
        gap: 0.55rem;
        min-width: 0;
        flex-shrink: 0;
      }
      .logo {
        display: grid;
        place-items: center;
        width: 1.9rem;
        height: 1.9rem;
        border-radius: 8px;
        background: var(--ah-accent);
        color: var(--ah-accent-text);
        font-weight: 700;
        font-size: 0.9rem;
      }
      h1 {
        margin: 0;
        font-size: 1rem;
        font-weight: 650;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .views {
        display: flex;
        gap: 0.25rem;
        flex-shrink: 0;
      }
      .views a {
        display: inline-flex;
        align-items: center;
        gap: 0.4rem;
        padding: 0.35rem 0.8rem;
        border-radius: var(--ah-radius-sm);
        color: var(--ah-text-muted);
        font-size: 0.875rem;
        font-weight: 600;
        text-decoration: none;
      }
      .views a:hover {
        background: var(--ah-surface-2);
        color: var(--ah-text);
      }
      .views a[aria-current='page'] {
        background: var(--ah-accent-soft);
        color: var(--ah-accent);
      }
      .views .count {
        min-width: 1.3rem;
        padding: 0 0.4rem;
        border-radius: 999px;
        background: var(--ah-accent);
        color: var(--ah-accent-text);
        font-size: 0.75rem;
        text-align: center;
      }
      .tickets {
        flex: 1;
        min-height: 0;
        display: flex;
        flex-direction: column;
      }
      tickets-panel,
      ticket-view {
        flex: 1;
        min-height: 0;
      }
      workspace-search {
        /* A small basis: it grows into spare room, but gives way before the agent's name does. */
        flex: 1 1 11rem;
        min-width: 8rem;
        max-width: 22rem;
      }
      .tools {
        display: flex;
        align-items: center;
        gap: 0.35rem;
        margin-left: auto;
        flex-shrink: 0;
      }
      .tools .sep {
        width: 1px;
        height: 1.4rem;
        margin-inline: 0.3rem;
        background: var(--ah-border);
      }
      account-menu {
        flex-shrink: 1;
      }
      .row-break {
        display: none;
      }
      @media (max-width: 1240px) {
        /* The logo stays; the words give way. */
        h1 {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip: rect(0 0 0 0);
        }
      }
      @media (max-width: 900px) {
        .top {
          flex-wrap: wrap;
          gap: 0.45rem 0.5rem;
          padding-inline: 0.6rem;
        }
        .views a {
          padding-inline: 0.55rem;
        }
        account-menu {
          order: 1;
          margin-left: auto;
        }
        .row-break {
          display: block;
          order: 1;
          flex-basis: 100%;
          height: 0;
        }
        workspace-search {
          order: 2;
          flex: 1 1 6rem;
          min-width: 6rem;
          max-width: none;
        }
        .tools {
          order: 2;
        }
      }
      .banner {
        margin: 0;
        padding: 0.45rem 1rem;
        text-align: center;
        font-size: 0.875rem;
        font-weight: 550;
        background: var(--ah-warning-soft);
        color: var(--ah-warning-text);
        border-bottom: 1px solid var(--ah-border);
      }
      .workspace {
        flex: 1;
        min-height: 0;
        display: grid;
        grid-template-columns: minmax(16rem, 22rem) 1fr;
      }
      aside {
        display: flex;
        flex-direction: column;
        min-height: 0;
        border-right: 1px solid var(--ah-border);
      }
      queue-panel {
        flex: 1;
      }
      main {
        display: flex;
        flex-direction: column;
        min-width: 0;
        min-height: 0;
      }
      conversation-view {
        flex: 1;
        min-height: 0;
      }
      .back {
        display: none;
        margin: 0.5rem 0.75rem;
        align-self: flex-start;
      }
      .placeholder {
        margin: auto;
        max-width: 22rem;
        padding: 2rem;
        text-align: center;
        color: var(--ah-text-muted);
      }
      .placeholder strong {
        display: block;
        margin-bottom: 0.35rem;
        font-size: 1rem;
        color: var(--ah-text);
      }
      .center {
        margin: auto;
        display: grid;
        gap: 0.75rem;
        justify-items: center;
        padding: 2rem;
        text-align: center;
        color: var(--ah-text-muted);
      }
      .toasts {
        position: fixed;
        left: 1rem;
        bottom: 1rem;
        z-index: 10;
        display: grid;
        gap: 0.5rem;
        max-width: min(26rem, calc(100vw - 2rem));
      }
      .toast {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        padding: 0.6rem 0.6rem 0.6rem 0.9rem;
        border-radius: var(--ah-radius);
        background: var(--ah-text);
        color: var(--ah-bg);
        box-shadow: var(--ah-shadow);
        font-size: 0.875rem;
      }
      .toast .btn {
        background: transparent;
        color: inherit;
        border-color: color-mix(in srgb, currentColor 35%, transparent);
      }
      .views a {
        white-space: nowrap;
      }
      @media (max-width: 760px) {
        .workspace {
          grid-template-columns: 1fr;
        }
        aside {
          border-right: 0;
        }
        .workspace.has-open aside,
        .workspace:not(.has-open) main {
          display: none;
        }
        .back {
          display: inline-flex;
        }
      }
    `,
  ];

  @state() private phase: Phase = 'starting';
  @state() private agent: AgentDTO | null = null;
  @state() private startError: string | null = null;
  @state() private loginBusy = false;
  @state() private loginError: ErrorBody | null = null;
  @state() private loginNotice = '';
  @state() private connection: ConnectionState = 'connecting';
  @state() private lists: ChatLists = EMPTY_LISTS;
  @state() private openConversation: ConversationDTO | null = null;
  @state() private accepting: ReadonlySet<string> = new Set();
  @state() private unread: ReadonlySet<string> = new Set();
  @state() private toasts: Toast[] = [];
  @state() private route: Route = parseRoute(window.location.hash);
  @state() private directoryData: DirectoryData | null = null;
  @state() private alertsState: AlertsState;

  @query('conversation-view') private conversationView?: ConversationView;
  @query('tickets-panel') private ticketsPanel?: TicketsPanel;
  @query('ticket-view') private ticketView?: TicketView;

  private readonly session = new Session();
  /** The admin REST API (features/admin); a refused token signs out like a refused socket. */
  private readonly adminApi = new AdminApi({ token: () => this.session.token, onUnauthorized: () => this.expire() });
  /** Desktop notifications, sound and the title count while the agent looks elsewhere; push switch. */
  private readonly alerts = new DesktopAlerts();
  private offAlerts: (() => void) | null = null;
  private socket: AgentSocket | null = null;
  private streams: ConversationStreams | null = null;
  private notes: NoteThreads | null = null;
  private directory: Directory | null = null;
  private drafts = new Drafts();
  private attachments: AttachmentClient | null = null;
  private ticketList: TicketListMemory = newTicketListMemory();
  /** The ticket opened last, highlighted when the agent comes back to the list. */
  private lastTicketId: string | null = null;
  private unsubscribe: Array<() => void> = [];
  /** The newest message seq the agent has had in front of them, per chat, for the unread marks. */
  private readonly seenSeq = new Map<string, number>();
  /** Updates that arrive while `queue:list` is in flight, replayed over its (possibly older) snapshot. */
  private updatesDuringList: ConversationDTO[] | null = null;
  private listGeneration = 0;
  private queueRetryTimer: ReturnType<typeof setTimeout> | undefined;
  private toastSeq = 0;

  constructor() {
    super();
    this.alertsState = this.alerts.state;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('storage', this.onStorage);
    window.addEventListener('hashchange', this.onHashChange);
    this.alerts.start();
    this.offAlerts ??= this.alerts.onChange((s) => (this.alertsState = s));
    if (this.phase === 'starting') void this.restore();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('storage', this.onStorage);
    window.removeEventListener('hashchange', this.onHashChange);
    this.stopWorkspace();
    this.offAlerts?.();
    this.offAlerts = null;
    this.alerts.stop();
  }

  /** "(3) Agent workspace · 2 waiting": alerts the agent has not looked at yet, then the queue. */
  override updated(): void {
    const signedIn = this.phase === 'signed-in';
    const waiting = signedIn ? this.lists.queued.length : 0;
    const unseen = signedIn ? this.alertsState.unseen : 0;
    document.title = `${unseen > 0 ? `(${unseen}) ` : ''}${TITLE}${waiting > 0 ? ` · ${waiting} waiting` : ''}`;
  }

  // Session

  private async restore(): Promise<void> {
    this.phase = 'starting';
    this.startError = null;
    const hadToken = this.session.token !== null;
    try {
      const agent = await this.session.restore();
      if (agent) this.startWorkspace(agent);
      else this.showLogin(hadToken ? 'expired' : 'signed-out');
    } catch (err) {
      this.phase = 'unreachable';
      this.startError = err instanceof ApiError ? err.body.message : 'Could not reach the server.';
    }
  }

  private async onLoginSubmit(e: CustomEvent<LoginSubmitDetail>): Promise<void> {
    if (this.loginBusy) return;
    this.loginBusy = true;
    this.loginError = null;
    try {
      const agent = await this.session.login(e.detail.email, e.detail.password);
      this.loginNotice = '';
      this.startWorkspace(agent);
    } catch (err) {
      this.loginError =
        err instanceof ApiError ? err.body : { code: 'INTERNAL', message: 'Something went wrong. Please try again.' };
    } finally {
      this.loginBusy = false;
    }
  }

  private signOut(e: CustomEvent<SignOutDetail>): void {
    this.alerts.forgetPush();
    // Revokes the token on the server, so a copy of it (a stolen one) stops working as well.
    this.session.logout(e.detail?.everywhere === true);
    this.showLogin('signed-out');
  }

  /** The token was refused (handshake or a command): forget it and ask for the password again. */
  private expire(): void {
    if (this.phase !== 'signed-in') return;
    this.session.clear();
    this.showLogin('expired');
  }

  private showLogin(reason: SessionEndReason): void {
    this.stopWorkspace();
    this.agent = null;
    this.loginError = null;
    this.loginNotice = END_NOTICE[reason];
    this.phase = 'signed-out';
  }

  /** Keeps several tabs in step: signing out in one signs out all, signing in elsewhere signs this one in. */
  private readonly onStorage = (e: StorageEvent): void => {
    if (e.key !== TOKEN_STORAGE_KEY && e.key !== null) return;
    if (this.phase === 'signed-in' && e.newValue !== this.session.token) {
      if (e.newValue) {
        this.stopWorkspace();
        void this.restore();
      } else {
        this.session.clear();
        this.showLogin('elsewhere');
      }
    } else if (this.phase === 'signed-out' && e.newValue) {
      void this.restore();
    }
  };

  // Workspace

  private startWorkspace(agent: AgentDTO): void {
    const token = this.session.token;
    if (!token) {
      this.showLogin('expired');
      return;
    }
    this.stopWorkspace();
    this.agent = agent;
    const socket = new AgentSocket({ token, onUnauthorized: () => this.expire() });
    this.socket = socket;
    this.streams = new ConversationStreams(socket);
    this.notes = new NoteThreads(socket);
    this.drafts = new Drafts();
    this.ticketList = newTicketListMemory();
    this.lastTicketId = null;
    this.attachments = new AttachmentClient({ token: () => this.session.token, onUnauthorized: () => this.expire() });
    const directory = new Directory(socket);
    this.directory = directory;
    this.directoryData = directory.data;
    this.connection = socket.state;
    this.unsubscribe = [
      directory.onChange((data) => (this.directoryData = data)),
      socket.onStateChange((s) => (this.connection = s)),
      socket.onConnect(() => void this.loadLists()),
      socket.on('conversation:updated', (c) => this.onConversationUpdated(c)),
      this.alerts.attach(socket, agent),
      cannedReplies.attach(socket),
      readMarkers.attach(socket),
    ];
    this.phase = 'signed-in';
    socket.connect();
  }

  private stopWorkspace(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    clearTimeout(this.queueRetryTimer);
    this.streams?.dispose();
    this.notes?.dispose();
    this.directory?.dispose();
    this.socket?.close();
    this.streams = null;
    this.notes = null;
    this.directory = null;
    this.directoryData = null;
    this.attachments = null;
    this.socket = null;
    this.lists = EMPTY_LISTS;
    this.openConversation = null;
    this.accepting = new Set();
    this.unread = new Set();
    this.seenSeq.clear();
    this.updatesDuringList = null;
    this.toasts = [];
  }

  /** Replaces both lists with the server's snapshot; called on every (re)connect. */
  private async loadLists(): Promise<void> {
    const socket = this.socket;
    const me = this.agent;
    if (!socket || !me) return;
    clearTimeout(this.queueRetryTimer);
    const generation = ++this.listGeneration;
    this.updatesDuringList = [];
    const res = await socket.command('queue:list', {});
    if (socket !== this.socket || generation !== this.listGeneration) return;
    const replay = this.updatesDuringList ?? [];
    this.updatesDuringList = null;
    if (!res.ok) {
      this.toast(`Could not load the chat lists: ${res.error.message}`);
      this.queueRetryTimer = setTimeout(() => {
        if (this.socket === socket && socket.connected) void this.loadLists();
      }, QUEUE_RETRY_MS);
      return;
    }
    this.alerts.queueLoaded(res.data.queued);
    let lists = fromSnapshot(res.data);
    for (const c of replay) lists = applyUpdate(lists, c, me.id);
    this.setLists(lists);
    const open = this.openConversation && findChat(lists, this.openConversation.id);
    if (open) this.openConversation = open;
  }

  private onConversationUpdated(c: ConversationDTO): void {
    if (!this.agent) return;
    this.updatesDuringList?.push(c);
    this.setLists(applyUpdate(this.lists, c, this.agent.id));
    // The open chat stays open whatever happens to it; it only turns read-only.
    if (this.openConversation?.id === c.id) this.openConversation = c;
  }

  private setLists(lists: ChatLists): void {
    this.lists = lists;
    const unread = new Set<string>();
    for (const c of lists.mine) {
      const seen = this.seenSeq.get(c.id);
      if (seen === undefined || c.id === this.openConversation?.id) this.seenSeq.set(c.id, c.lastSeq);
      else if (c.lastSeq > seen) unread.add(c.id);
    }
    this.unread = unread;
  }

  private open(conversation: ConversationDTO): void {
    this.openConversation = conversation;
    this.seenSeq.set(conversation.id, conversation.lastSeq);
    if (this.unread.has(conversation.id)) {
      const unread = new Set(this.unread);
      unread.delete(conversation.id);
      this.unread = unread;
    }
  }

  private onSelect(e: CustomEvent<ConversationIdDetail>): void {
    const c = findChat(this.lists, e.detail.conversationId);
    if (c) this.open(c);
  }

  private async onAccept(e: CustomEvent<ConversationIdDetail>): Promise<void> {
    const id = e.detail.conversationId;
    const socket = this.socket;
    if (!socket || this.accepting.has(id)) return;
    this.accepting = new Set([...this.accepting, id]);
    const res = await socket.command('conversation:accept', { conversationId: id });
    const rest = new Set(this.accepting);
    rest.delete(id);
    this.accepting = rest;
    if (socket !== this.socket) return;
    if (res.ok) {
      this.streams?.updateConversation(res.data);
      this.onConversationUpdated(res.data);
      this.open(res.data);
      await this.updateComplete;
      this.conversationView?.focusComposer();
      return;
    }
    if (res.error.code === 'CONFLICT') {
      this.lists = { ...this.lists, queued: this.lists.queued.filter((c) => c.id !== id) };
      this.toast('Another agent already took this chat');
    } else if (res.error.code === 'NOT_FOUND') {
      this.lists = removeChat(this.lists, id);
      this.toast(res.error.message);
    } else {
      this.toast(res.error.message);
    }
  }

  private onConversationChanged(e: CustomEvent<ConversationChangedDetail>): void {
    this.onConversationUpdated(e.detail.conversation);
    this.ticketsPanel?.receive(e.detail.conversation);
  }

  // Navigation

  private readonly onHashChange = (): void => {
    const previous = this.route;
    const next = parseRoute(window.location.hash);
    this.route = next;
    if (next.view === 'tickets' && next.ticketId) this.lastTicketId = next.ticketId;
    if (this.phase !== 'signed-in') return;
    // Keyboard and screen-reader users land where the new view starts, not on a vanished link.
    // (Back on the list, the panel itself focuses the ticket they came from.)
    if (next.view === 'tickets' && next.ticketId && next.ticketId !== (previous.view === 'tickets' ? previous.ticketId : null)) {
      void this.updateComplete.then(() => this.ticketView?.updateComplete).then(() => this.ticketView?.focusStart());
    }
  };

  private closeConversation(): void {
    this.openConversation = null;
  }

  /** A chat picked in the header's search opens in the live-chat view (read-only unless it is the agent's). */
  private onSearchOpen(e: CustomEvent<SearchOpenDetail>): void {
    this.open(findChat(this.lists, e.detail.conversation.id) ?? e.detail.conversation);
    if (this.route.view !== 'chats') window.location.hash = routeHref({ view: 'chats' });
  }

  // Notifications

  private toast(text: string): void {
    const id = ++this.toastSeq;
    this.toasts = [...this.toasts, { id, text }];
    setTimeout(() => this.dismiss(id), TOAST_MS);
  }

  private dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  // Rendering

  private renderNav() {
    const route = this.route;
    const waiting = this.lists.queued.length;
    return html`<nav class="views" aria-label="Workspace">
      <a href=${routeHref({ view: 'chats' })} aria-current=${route.view === 'chats' ? 'page' : 'false'}>
        Live chats
        ${waiting ? html`<span class="count"><span aria-hidden="true">${waiting}</span><span class="sr-only">, ${waiting} waiting</span></span>` : nothing}
      </a>
      <a href=${routeHref({ view: 'tickets', ticketId: null })} aria-current=${route.view === 'tickets' ? 'page' : 'false'}>Tickets</a>
      ${this.agent?.role === 'admin'
        ? html`<a href=${routeHref({ view: 'admin', section: 'agents' })} aria-current=${route.view === 'admin' ? 'page' : 'false'}>Admin</a>`
        : nothing}
    </nav>`;
  }

  private renderChats(agent: AgentDTO, offline: boolean) {
    const open = this.openConversation;
    return html`
      <div class="workspace ${open ? 'has-open' : ''}">
        <aside aria-label="Chats">
          <queue-panel
            .queued=${this.lists.queued}
            .mine=${this.lists.mine}
            .selectedId=${open?.id ?? null}
            .unread=${this.unread}
            .accepting=${this.accepting}
            ?offline=${offline}
            @conversation-select=${this.onSelect}
            @conversation-accept=${this.onAccept}
          ></queue-panel>
          <team-panel .socket=${this.socket} .me=${agent}></team-panel>
        </aside>
        <main aria-label="Conversation">
          ${open
            ? html`<button class="btn btn-small back" type="button" @click=${this.closeConversation}>Back to chats</button>
                <conversation-view
                  .socket=${this.socket}
                  .streams=${this.streams}
                  .notes=${this.notes}
                  .drafts=${this.drafts}
                  .attachments=${this.attachments}
                  .categories=${this.directoryData?.categories ?? DEFAULT_CATEGORIES}
                  .me=${agent}
                  .conversation=${open}
                  @conversation-changed=${this.onConversationChanged}
                ></conversation-view>`
            : html`<div class="placeholder">
                <strong>No conversation open</strong>
                Pick a chat on the left, or accept a waiting visitor to start replying.
              </div>`}
        </main>
      </div>
    `;
  }

  /**
   * Only what is on screen is in the page (no hidden copies of the same labels and controls); the
   * list's state outlives it in `ticketList`.
   */
  private renderTickets(agent: AgentDTO) {
    const route = this.route;
    if (route.view !== 'tickets') return nothing;
    const data = this.directoryData;
    return html`
      <div class="tickets">
        ${route.ticketId
          ? html`<ticket-view
              .socket=${this.socket}
              .streams=${this.streams}
              .notes=${this.notes}
              .drafts=${this.drafts}
              .attachments=${this.attachments}
              .me=${agent}
              .categories=${data?.categories ?? DEFAULT_CATEGORIES}
              .agents=${data?.agents ?? []}
              conversationId=${route.ticketId}
              @conversation-changed=${this.onConversationChanged}
            ></ticket-view>`
          : html`<tickets-panel
              .socket=${this.socket}
              .me=${agent}
              .memory=${this.ticketList}
              .categories=${data?.categories ?? DEFAULT_CATEGORIES}
              .agents=${data?.agents ?? []}
              .selectedId=${this.lastTicketId}
            ></tickets-panel>`}
      </div>
    `;
  }

  private renderWorkspace(agent: AgentDTO) {
    const offline = this.connection !== 'connected';
    return html`
      <header class="top">
        <div class="brand">
          <span class="logo" aria-hidden="true">C</span>
          <h1>Agent workspace</h1>
        </div>
        ${this.renderNav()}
        <workspace-search .socket=${this.socket} @search-open=${this.onSearchOpen}></workspace-search>
        <div class="tools">
          <presence-menu .socket=${this.socket} .me=${agent}></presence-menu>
          <span class="sep" aria-hidden="true"></span>
          <ratings-menu .socket=${this.socket} .me=${agent}></ratings-menu>
          <feedback-link .socket=${this.socket} ?current=${this.route.view === 'feedback'}></feedback-link>
          <canned-manager .me=${agent}></canned-manager>
          <keyboard-shortcuts></keyboard-shortcuts>
          <alerts-menu .alerts=${this.alerts} .state=${this.alertsState}></alerts-menu>
        </div>
        <account-menu .me=${agent} @sign-out=${this.signOut}></account-menu>
        <span class="row-break" aria-hidden="true"></span>
      </header>
      ${offline
        ? html`<p class="banner" role="status">${this.connection === 'connecting' ? 'Connecting…' : 'Reconnecting…'}</p>`
        : nothing}
      ${this.route.view === 'admin'
        ? html`<admin-area .api=${this.adminApi} .me=${agent} section=${this.route.section}></admin-area>`
        : this.route.view === 'feedback'
          ? html`<feedback-view .socket=${this.socket} .attachments=${this.attachments}></feedback-view>`
          : this.route.view === 'chats' || this.route.view === 'invite'
            ? this.renderChats(agent, offline)
            : this.renderTickets(agent)}
    `;
  }

  private renderToasts() {
    return html`<div class="toasts">
      ${this.toasts.map(
        (t) => html`<div class="toast" role="alert">
          <span>${t.text}</span>
          <button class="btn btn-small" type="button" aria-label="Dismiss notification" @click=${() => this.dismiss(t.id)}>
            Dismiss
          </button>
        </div>`,
      )}
    </div>`;
  }

  /** An invited agent chose their password: the session is theirs now (the link leaves the address bar). */
  private onInviteAccepted(e: CustomEvent<InviteAcceptedDetail>): void {
    const agent = this.session.adopt(e.detail.result);
    history.replaceState(null, '', routeHref({ view: 'chats' }));
    this.route = { view: 'chats' };
    this.loginNotice = '';
    this.startWorkspace(agent);
  }

  override render() {
    // The invitation link works whoever is signed in here (or nobody).
    if (this.route.view === 'invite') {
      return html`<invite-accept token=${this.route.token} @invite-accepted=${this.onInviteAccepted}></invite-accept>`;
    }
    switch (this.phase) {
      case 'starting':
        return html`<div class="center" role="status">Loading…</div>`;
      case 'unreachable':
        return html`<div class="center" role="alert">
          <span>${this.startError}</span>
          <button class="btn btn-primary" type="button" @click=${() => void this.restore()}>Try again</button>
        </div>`;
      case 'signed-out':
        return html`<login-view
          ?busy=${this.loginBusy}
          .error=${this.loginError}
          notice=${this.loginNotice}
          @login-submit=${this.onLoginSubmit}
        ></login-view>`;
      case 'signed-in':
        return this.agent ? html`${this.renderWorkspace(this.agent)}${this.renderToasts()}` : nothing;
    }
  }
}

if (!customElements.get('agent-app')) customElements.define('agent-app', AgentApp);

declare global {
  interface HTMLElementTagNameMap {
    'agent-app': AgentApp;
  }
}
