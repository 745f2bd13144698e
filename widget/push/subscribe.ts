/**
 * Web push for a signed-in customer, shared by the customer page and the widget (and free of Lit
 * and sockets: the caller passes its own `send`).
 *
 * Turning push on must start from a click: it asks the browser's permission first, then registers
 * the service worker (ours at /push-sw.js on our pages; on a host site, the host's one-line worker
 * that imports it), waits for it to be active, subscribes with the server's VAPID key and hands the
 * subscription to the server. Nothing here runs on page load but `pushState`, which asks nothing.
 */
import type { AlertSettingsDTO } from '../../shared/alerts.js';
import type { ErrorBody } from '../../shared/errors.js';
import type { Ack, AlertCommands, PayloadOf } from '../../shared/events.js';
import type { PushSubscriptionInput } from '../../shared/schemas/alerts.js';

/** This browser: subscribed, not subscribed, notifications blocked, or no web push at all. */
export type PushState = 'on' | 'off' | 'denied' | 'unsupported';

/**
 * Why turning push on or off failed. `dismissed`: the permission prompt was closed without an
 * answer; `failed`: the browser could not register or subscribe (its push service unreachable, a
 * missing worker file); `timeout`: it did not answer in time; `server`: our server said no (`body`).
 */
export class PushError extends Error {
  constructor(
    readonly reason: 'denied' | 'dismissed' | 'failed' | 'timeout' | 'server',
    readonly body?: ErrorBody,
  ) {
    super(body?.message ?? reason);
  }
}

type SentCommand = 'push:subscribe' | 'push:unsubscribe' | 'alerts:set';

/** Sends one alert command; the customer page and the widget pass their own socket's request. */
export type AlertSend = <E extends SentCommand>(event: E, payload: PayloadOf<AlertCommands, E>) => Promise<Ack<AlertSettingsDTO>>;

/** How long registering and subscribing may take (not the permission prompt: people read it). */
export const PUSH_TIMEOUT_MS = 15_000;

const supported = () => 'serviceWorker' in navigator && typeof PushManager == 'function' && typeof Notification == 'function';

/** Our worker's registration: the one for `scope`, or for the worker's folder (its default scope). */
const registration = (worker: string, scope?: string) => navigator.serviceWorker.getRegistration(scope ?? worker);

/** Whether this browser is subscribed; says nothing of the user's other browsers. Asks no permission. */
export async function pushState(worker: string, scope?: string): Promise<PushState> {
  if (!supported()) return 'unsupported';
  if (Notification.permission == 'denied') return 'denied';
  try {
    return (await (await registration(worker, scope))?.pushManager.getSubscription()) ? 'on' : 'off';
  } catch {
    return 'off';
  }
}

/** The VAPID key as `applicationServerKey` wants it: base64url to bytes. */
function keyBytes(key: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(key.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
}

/**
 * Asks permission (call it straight from a click), registers `worker` (with `scope`, or its
 * default), subscribes this browser and returns `subscription.toJSON()`. Throws PushError. Only
 * for a browser whose `pushState` is not `unsupported`.
 */
export async function subscribePush(worker: string, scope: string | undefined, vapidPublicKey: string, timeoutMs = PUSH_TIMEOUT_MS): Promise<PushSubscriptionInput> {
  const permission = await Notification.requestPermission();
  if (permission != 'granted') throw new PushError(permission == 'denied' ? 'denied' : 'dismissed');
  const work = (async () => {
    const reg = await navigator.serviceWorker.register(worker, scope ? { scope } : {});
    const sw = reg.installing ?? reg.waiting;
    if (!reg.active && sw) {
      // A worker that fails to install never gets here: the timeout below tells.
      await new Promise((resolve) => sw.addEventListener('statechange', () => sw.state == 'activated' && resolve(0)));
    }
    // The same key again returns the subscription this browser has. (After a change of the
    // server's key the browser refuses until the old one is gone: turning push off does that.)
    const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(vapidPublicKey) });
    return sub.toJSON() as PushSubscriptionInput;
  })();
  // A browser whose push service is out of reach may never answer. (The timer is left to run out.)
  const timeout = new Promise<never>((_, reject) => setTimeout(reject, timeoutMs, new PushError('timeout')));
  return Promise.race([work, timeout]).catch((error: unknown) => {
    if (error instanceof PushError) throw error;
    // For whoever looks: the page's developer (a worker path that 404s) or support.
    console.warn('[chat-hybrid] push:', error);
    throw new PushError('failed');
  });
}

/** Ends this browser's subscription, if there is one, and returns its endpoint. */
export async function unsubscribePush(worker: string, scope?: string): Promise<string | null> {
  const sub = await (await registration(worker, scope))?.pushManager.getSubscription();
  if (!sub) return null;
  await sub.unsubscribe().catch(() => false);
  return sub.endpoint;
}

/** The settings an alert command answers with; a refusal throws PushError `server`. */
export async function sent(ack: Promise<Ack<AlertSettingsDTO>>): Promise<AlertSettingsDTO> {
  const res = await ack;
  if (!res.ok) throw new PushError('server', res.error);
  return res.data;
}

/** Turns push on for this browser: subscribe, `push:subscribe`, `alerts:set {push:true}`. From a click only. */
export async function enablePush(send: AlertSend, vapidPublicKey: string, worker: string, scope?: string): Promise<AlertSettingsDTO> {
  const subscription = await subscribePush(worker, scope, vapidPublicKey);
  await sent(send('push:subscribe', { subscription }));
  return sent(send('alerts:set', { push: true }));
}

/**
 * Turns push off for this browser: unsubscribe, `push:unsubscribe`, and `alerts:set {push:false}`
 * once no other browser of the user is subscribed (their phone keeps its alerts).
 */
export async function disablePush(send: AlertSend, worker: string, scope?: string): Promise<AlertSettingsDTO> {
  const endpoint = await unsubscribePush(worker, scope);
  if (endpoint) {
    const left = await sent(send('push:unsubscribe', { endpoint }));
    if (left.pushSubscriptions > 0) return left;
  }
  return sent(send('alerts:set', { push: false }));
}
