/**
 * Alerts for an agent who has the workspace open but is looking elsewhere, and the switch for web
 * push once it is closed (issue 4).
 *
 * While the page is open, two live events alert the agent when the page is hidden or not focused:
 * a new chat entering the queue (`conversation:updated` with status `queued` for a chat not queued
 * before), and a visitor's message on a chat or ticket assigned to this agent (`message:created`
 * by the visitor, then the `conversation:updated` that follows it naming the agent). Each alert is
 * a desktop notification, a short beep (unless muted) and a count in the tab title, cleared when
 * the agent looks at the page again.
 *
 * Notifications go through the push service worker (`/push-sw.js`, registered for `/agent/` when
 * the UI starts), so a click focuses this tab and the worker tells it where to go
 * (`chat-hybrid:navigate`); without a worker they fall back to `new Notification`. They use the
 * same titles and tags as the server's pushes, so one conversation never piles up several.
 *
 * When the agent UI is closed the server pushes instead (to agents without a socket); the "push"
 * switch subscribes this browser or unsubscribes it with the customers' helper (widget/push).
 */
import { PUSH_SERVICE_WORKER_PATH, type AlertSettingsDTO } from '../../shared/alerts.js';
import type { PushSubscriptionInput } from '../../shared/schemas/alerts.js';
import type { AgentDTO, ConversationDTO, MessageDTO } from '../../shared/types.js';
import { PUSH_TIMEOUT_MS, PushError, disablePush, enablePush, pushState, sent, unsubscribePush, type AlertSend } from '../../widget/push/subscribe.js';
import type { AgentSocket } from './agent-socket.js';

/** The agent UI's path: the worker's scope, and where notification links point. */
export const AGENT_UI_SCOPE = '/agent/';
export const SOUND_STORAGE_KEY = 'chat-hybrid.agent.sound';
export const DESKTOP_STORAGE_KEY = 'chat-hybrid.agent.desktop-notifications';
/** How long to wait for the worker to become active before showing a notification without it. */
const WORKER_READY_TIMEOUT_MS = 5_000;
/** Several alerts in a burst ring once. */
const SOUND_GAP_MS = 1_000;
const EXCERPT_LENGTH = 140;

/** What turning push on says when it fails, by the shared helper's reason (`server`: the server's own words). */
const PUSH_FAILURE: Record<Exclude<PushError['reason'], 'server'>, string> = {
  denied: 'Push needs notifications: allow them for this site in the browser, then try again.',
  dismissed: 'Push needs notifications: allow them for this site in the browser, then try again.',
  failed: 'Could not turn on push: the browser could not subscribe (no push service, or the notification worker did not start).',
  timeout: `Could not turn on push: the browser's push service did not answer within ${PUSH_TIMEOUT_MS / 1000} seconds.`,
};

export type DesktopPermission = NotificationPermission | 'unsupported';
/** `unknown`: not asked the server yet (offline); `busy`: subscribing or unsubscribing. */
export type PushState = 'unsupported' | 'unknown' | 'off' | 'on' | 'busy';

export interface AlertsState {
  permission: DesktopPermission;
  /** The agent's own choice; notifications show when this is on and the browser allows them. */
  desktop: boolean;
  sound: boolean;
  push: PushState;
  /** What the last settings action could not do, in words. */
  error: string | null;
  /** Alerts since the agent last looked at the page: the count in the tab title. */
  unseen: number;
}

export type AlertKind = 'new-chat' | 'ticket-reply' | 'chat-reply';

export interface DesktopAlert {
  kind: AlertKind;
  title: string;
  body: string;
  tag: string;
  /** Absolute URL of the view to open on click. */
  url: string;
}

/** The message the push worker posts to an open tab when one of our notifications is clicked. */
export const NAVIGATE_MESSAGE = 'chat-hybrid:navigate';

interface Session {
  socket: AgentSocket;
  me: AgentDTO;
  /** Chats known to be waiting: an update for one of these is not a new chat. */
  queued: Set<string>;
  /** False until the first `queue:list` answered: before it, an old chat cannot be told from a new one. */
  queueLoaded: boolean;
  /** The newest visitor message per conversation, until the `conversation:updated` that follows it says whose it is. */
  pendingReplies: Map<string, MessageDTO>;
  settings: AlertSettingsDTO | null;
  /** This browser's push endpoint while push is on, to take back at sign-out without waiting. */
  endpoint: string | null;
}

export class DesktopAlerts {
  state: AlertsState;
  private readonly listeners = new Set<(state: AlertsState) => void>();
  private registration: Promise<ServiceWorkerRegistration | null> = Promise.resolve(null);
  private session: Session | null = null;
  private audio: AudioContext | null = null;
  private lastBeep = 0;
  private started = false;

  constructor() {
    this.state = {
      permission: currentPermission(),
      desktop: readFlag(DESKTOP_STORAGE_KEY),
      sound: readFlag(SOUND_STORAGE_KEY),
      push: pushSupported() ? 'unknown' : 'unsupported',
      error: null,
      unseen: 0,
    };
  }

  /** Registers the worker and starts watching focus; called when the UI starts. */
  start(): void {
    if (this.started) return;
    this.started = true;
    window.addEventListener('focus', this.onAttention);
    document.addEventListener('visibilitychange', this.onAttention);
    window.addEventListener('pointerdown', this.unlockAudio, true);
    window.addEventListener('keydown', this.unlockAudio, true);
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.addEventListener('message', this.onWorkerMessage);
      navigator.serviceWorker.startMessages();
      this.registration = navigator.serviceWorker
        .register(PUSH_SERVICE_WORKER_PATH, { scope: AGENT_UI_SCOPE })
        .catch(() => null);
    }
    void this.watchPermission();
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    window.removeEventListener('focus', this.onAttention);
    document.removeEventListener('visibilitychange', this.onAttention);
    window.removeEventListener('pointerdown', this.unlockAudio, true);
    window.removeEventListener('keydown', this.unlockAudio, true);
    if ('serviceWorker' in navigator) navigator.serviceWorker.removeEventListener('message', this.onWorkerMessage);
  }

  onChange(listener: (state: AlertsState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Follows one signed-in session's socket; the returned function lets go of it. */
  attach(socket: AgentSocket, me: AgentDTO): () => void {
    const session: Session = { socket, me, queued: new Set(), queueLoaded: false, pendingReplies: new Map(), settings: null, endpoint: null };
    this.session = session;
    const offs = [
      socket.on('message:created', (m) => this.onMessage(session, m)),
      socket.on('conversation:updated', (c) => this.onUpdated(session, c)),
      socket.onConnect(() => void this.loadPush(session)),
    ];
    if (socket.connected) void this.loadPush(session);
    return () => {
      for (const off of offs) off();
      if (this.session === session) this.session = null;
      this.set({ unseen: 0, error: null, push: pushSupported() ? 'unknown' : 'unsupported' });
    };
  }

  /** The chats `queue:list` found waiting: known, so their later updates do not alert. */
  queueLoaded(queued: readonly ConversationDTO[]): void {
    const s = this.session;
    if (!s) return;
    for (const c of queued) s.queued.add(c.id);
    s.queueLoaded = true;
  }

  // Settings

  /** Turns desktop notifications on (asking the browser first if it has not been asked) or off. */
  async toggleDesktop(): Promise<void> {
    if (this.state.desktop && this.state.permission === 'granted') {
      writeFlag(DESKTOP_STORAGE_KEY, false);
      this.set({ desktop: false, error: null });
      return;
    }
    writeFlag(DESKTOP_STORAGE_KEY, true);
    this.set({ desktop: true, error: null });
    const permission = await this.askPermission();
    if (permission === 'denied') this.set({ error: 'The browser blocks notifications from this site. Allow them in its site settings, then try again.' });
    else if (permission === 'unsupported') this.set({ error: 'This browser cannot show desktop notifications.' });
    else if (permission === 'default') this.set({ error: 'Notifications were not allowed. Try again and choose "Allow".' });
  }

  toggleSound(): void {
    const sound = !this.state.sound;
    writeFlag(SOUND_STORAGE_KEY, sound);
    this.set({ sound });
    if (sound) this.beep(true);
  }

  async togglePush(): Promise<void> {
    if (this.state.push === 'on') await this.disablePush();
    else if (this.state.push === 'off' || this.state.push === 'unknown') await this.enablePush();
  }

  /**
   * On sign-out: this browser stops getting pushes for the agent who leaves it. Fire and forget,
   * sent before the socket closes.
   */
  forgetPush(): void {
    const s = this.session;
    if (!s?.endpoint || this.state.push !== 'on') return;
    void s.socket.command('push:unsubscribe', { endpoint: s.endpoint });
    void unsubscribePush(PUSH_SERVICE_WORKER_PATH, AGENT_UI_SCOPE).catch(() => null);
  }

  private async enablePush(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.set({ push: 'busy', error: null });
    try {
      const { vapidPublicKey } = await sent(s.socket.command('alerts:get', {}));
      // A subscription made with another server key cannot carry this server's pushes, and the
      // browser refuses a new one until it is gone.
      const old = await this.subscription();
      if (old && keyText(old.options.applicationServerKey) !== keyText(vapidPublicKey)) await old.unsubscribe().catch(() => false);
      const settings = await enablePush(agentSend(s), vapidPublicKey, PUSH_SERVICE_WORKER_PATH, AGENT_UI_SCOPE);
      const sub = await this.subscription();
      if (this.session !== s) return;
      s.settings = settings;
      s.endpoint = sub?.endpoint ?? null;
      this.set({ push: 'on', error: null });
    } catch (err) {
      const reason = err instanceof PushError ? err.reason : 'failed';
      this.set({ push: 'off', error: reason === 'server' ? `Could not turn on push: ${errorMessage(err)}.` : PUSH_FAILURE[reason] });
    } finally {
      this.set({ permission: currentPermission() });
    }
  }

  private async disablePush(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.set({ push: 'busy', error: null });
    try {
      s.settings = await disablePush(agentSend(s), PUSH_SERVICE_WORKER_PATH, AGENT_UI_SCOPE);
      s.endpoint = null;
      this.set({ push: 'off', error: null });
    } catch (err) {
      // The browser lets go of its subscription first: whatever the server said, it pushes here no more.
      const on = (await pushState(PUSH_SERVICE_WORKER_PATH, AGENT_UI_SCOPE)) === 'on';
      this.set({ push: on ? 'on' : 'off', error: `Could not turn off push: ${errorMessage(err)}.` });
    }
  }

  /** Whether this browser pushes for the agent: subscribed here, and push on at the server. */
  private async loadPush(s: Session): Promise<void> {
    if (!pushSupported() || this.pushBusy()) return;
    const res = await s.socket.command('alerts:get', {});
    if (this.session !== s || !res.ok || this.pushBusy()) return;
    s.settings = res.data;
    const sub = await this.subscription();
    if (this.session !== s || this.pushBusy()) return;
    const on = !!sub && res.data.push;
    s.endpoint = on && sub ? sub.endpoint : null;
    this.set({ push: on ? 'on' : 'off' });
    // The server may have dropped a subscription it could not deliver to; storing it again is harmless.
    if (on && sub) void s.socket.command('push:subscribe', { subscription: sub.toJSON() as PushSubscriptionInput });
  }

  /** This browser's push subscription in the agent UI's scope, if any. */
  private async subscription(): Promise<PushSubscription | null> {
    return (await (await this.registration)?.pushManager.getSubscription().catch(() => null)) ?? null;
  }

  /** Read through a method: TypeScript would keep a narrowing of `state.push` across awaits. */
  private pushBusy(): boolean {
    return this.state.push === 'busy';
  }

  private async askPermission(): Promise<DesktopPermission> {
    if (!('Notification' in window)) return 'unsupported';
    let permission = Notification.permission;
    if (permission === 'default') {
      try {
        permission = await Notification.requestPermission();
      } catch {
        permission = Notification.permission;
      }
    }
    this.set({ permission });
    return permission;
  }

  private async watchPermission(): Promise<void> {
    if (!('Notification' in window) || !navigator.permissions) return;
    try {
      const status = await navigator.permissions.query({ name: 'notifications' });
      status.addEventListener('change', () => this.set({ permission: Notification.permission }));
    } catch {
      // Older browsers cannot watch it; the permission is read again whenever it is asked.
    }
  }

  // Alerts

  private onMessage(s: Session, m: MessageDTO): void {
    if (m.author.type !== 'visitor' || m.system) return;
    s.pendingReplies.set(m.conversationId, m);
  }

  private onUpdated(s: Session, c: ConversationDTO): void {
    const reply = s.pendingReplies.get(c.id);
    if (reply) {
      s.pendingReplies.delete(c.id);
      if (c.agent?.id === s.me.id && c.status !== 'queued') this.alert(replyAlert(c, reply));
    }
    if (c.status === 'queued') {
      if (!s.queued.has(c.id)) {
        s.queued.add(c.id);
        if (s.queueLoaded) this.alert(newChatAlert(c));
      }
    } else {
      s.queued.delete(c.id);
    }
  }

  /** The agent is looking at the page. */
  attended(): boolean {
    return document.visibilityState === 'visible' && document.hasFocus();
  }

  private alert(a: DesktopAlert): void {
    if (this.attended()) return;
    this.set({ unseen: this.state.unseen + 1 });
    if (this.state.sound) this.beep(false);
    if (this.state.desktop && currentPermission() === 'granted') void this.show(a);
  }

  private async show(a: DesktopAlert): Promise<void> {
    const options = { body: a.body, tag: a.tag, renotify: true, data: { url: a.url, kind: a.kind, chatHybrid: 1 } } as NotificationOptions;
    const reg = await this.activeRegistration();
    if (reg) {
      try {
        await reg.showNotification(a.title, options);
        return;
      } catch {
        // Fall through to a page notification.
      }
    }
    try {
      const n = new Notification(a.title, options);
      n.addEventListener('click', () => {
        window.focus();
        navigateTo(a.url);
        n.close();
      });
    } catch {
      // Some browsers only allow notifications through a worker; the title and the sound still tell.
    }
  }

  private async activeRegistration(): Promise<ServiceWorkerRegistration | null> {
    const reg = await this.registration;
    if (!reg) return null;
    if (reg.active) return reg;
    const worker = reg.installing ?? reg.waiting;
    if (!worker) return null;
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, WORKER_READY_TIMEOUT_MS);
      function done() {
        clearTimeout(t);
        worker!.removeEventListener('statechange', check);
        resolve();
      }
      function check() {
        if (worker!.state === 'activated' || worker!.state === 'redundant') done();
      }
      worker.addEventListener('statechange', check);
      check();
    });
    return reg.active ? reg : null;
  }

  /** A short two-tone beep; no audio file. `always`: also when the last one just rang (the switch's preview). */
  private beep(always: boolean): void {
    const now = Date.now();
    if (!always && now - this.lastBeep < SOUND_GAP_MS) return;
    this.lastBeep = now;
    const ctx = this.audioContext();
    if (!ctx) return;
    try {
      if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
      const t = ctx.currentTime;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.setValueAtTime(880, t);
      osc.frequency.setValueAtTime(1320, t + 0.1);
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.2, t + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.3);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.32);
    } catch {
      // No sound is better than a broken page.
    }
  }

  private audioContext(): AudioContext | null {
    if (this.audio) return this.audio;
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return null;
    try {
      this.audio = new Ctor();
    } catch {
      return null;
    }
    return this.audio;
  }

  /** Browsers only let a page make sound after the user touched it: start the audio on the first touch. */
  private readonly unlockAudio = (): void => {
    window.removeEventListener('pointerdown', this.unlockAudio, true);
    window.removeEventListener('keydown', this.unlockAudio, true);
    const ctx = this.audioContext();
    if (ctx?.state === 'suspended') void ctx.resume().catch(() => undefined);
  };

  private readonly onAttention = (): void => {
    if (this.state.unseen > 0 && this.attended()) this.set({ unseen: 0 });
  };

  private readonly onWorkerMessage = (e: MessageEvent): void => {
    const data = e.data as { type?: unknown; url?: unknown } | null;
    if (data?.type === NAVIGATE_MESSAGE && typeof data.url === 'string') navigateTo(data.url);
  };

  private set(patch: Partial<AlertsState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(this.state);
  }
}

// What an alert says: the same words and tags as the server's pushes (server/modules/notifications).

function who(c: ConversationDTO): string {
  return c.visitor.name?.trim() || c.visitor.email || 'A visitor';
}

function cut(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > EXCERPT_LENGTH ? `${t.slice(0, EXCERPT_LENGTH - 1)}…` : t;
}

export function agentUrl(hash: string): string {
  return new URL(`${AGENT_UI_SCOPE}${hash}`, window.location.origin).href;
}

export function newChatAlert(c: ConversationDTO): DesktopAlert {
  return {
    kind: 'new-chat',
    title: `New chat from ${who(c)}`,
    body: cut(c.preview || 'Waiting in the queue'),
    tag: `chat-${c.id}`,
    url: agentUrl('#/chats'),
  };
}

export function replyAlert(c: ConversationDTO, m: MessageDTO): DesktopAlert {
  const body = cut(m.body) || (m.attachments.length ? cut(`Sent ${m.attachments.map((a) => a.name).join(', ')}`) : 'New reply');
  return c.ticket
    ? { kind: 'ticket-reply', title: `Ticket #${c.ticket.number}: ${who(c)} replied`, body, tag: `ticket-${c.id}`, url: agentUrl(`#/tickets/${c.id}`) }
    : { kind: 'chat-reply', title: `New message from ${who(c)}`, body, tag: `chat-${c.id}`, url: agentUrl('#/chats') };
}

/** Follows a notification's link inside this page: only our own agent UI's routes. */
function navigateTo(url: string): void {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return;
  }
  if (target.origin !== window.location.origin || target.pathname !== window.location.pathname) return;
  if (target.hash && target.hash !== window.location.hash) window.location.hash = target.hash;
}

// Helpers

function currentPermission(): DesktopPermission {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window;
}

/** On unless the agent turned it off; storage may be unavailable (privacy modes). */
function readFlag(key: string): boolean {
  try {
    return window.localStorage.getItem(key) !== 'off';
  } catch {
    return true;
  }
}

function writeFlag(key: string, on: boolean): void {
  try {
    window.localStorage.setItem(key, on ? 'on' : 'off');
  } catch {
    // The choice lasts as long as the page.
  }
}

/** The agent's socket as the push helper's `send`. */
function agentSend(s: Session): AlertSend {
  return (event, payload) => s.socket.command(event, payload);
}

/** A VAPID key, from the server (base64url) or from a subscription (bytes), as one comparable text. */
function keyText(key: string | ArrayBuffer | null): string {
  if (key === null) return '';
  const b64 = typeof key === 'string' ? key : btoa(String.fromCharCode(...new Uint8Array(key)));
  return b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function errorMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\.$/, '') || 'unknown error';
}
