/**
 * The push service worker, served at /push-sw.js (shared/alerts.ts, PUSH_SERVICE_WORKER_PATH).
 *
 * Our own pages register it (the agent UI under /agent/, the customer page under /tickets/). A
 * host site whose logged-in users should get pushes from the widget serves a one-line worker from
 * its own origin, because a service worker must come from the page's origin:
 *
 *     importScripts('https://chat.example.com/push-sw.js');
 *
 * It is a classic script with no imports and no state: it shows what a push carries and opens its
 * link when clicked. Other `push` handlers of a host's own worker keep working; ours ignores
 * payloads that are not ours.
 */
/// <reference lib="webworker" />
import type { PushPayload } from '../../shared/alerts.js';

declare const self: ServiceWorkerGlobalScope;

function ours(data: unknown): data is PushPayload {
  const p = data as Partial<PushPayload> | null;
  return !!p && p.v === 1 && typeof p.title === 'string' && typeof p.url === 'string' && /^https?:\/\//.test(p.url);
}

self.addEventListener('install', () => {
  void self.skipWaiting();
});
self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('push', (event) => {
  let payload: unknown = null;
  try {
    payload = event.data?.json();
  } catch {
    return;
  }
  if (!ours(payload)) return;
  const p = payload;
  event.waitUntil(
    self.registration.showNotification(p.title, {
      body: p.body,
      tag: p.tag,
      // A newer update of the same conversation replaces the older notification, and still rings.
      renotify: true,
      data: { url: p.url, kind: p.kind, chatHybrid: 1 },
    } as NotificationOptions),
  );
});

self.addEventListener('notificationclick', (event) => {
  const data = event.notification.data as { url?: unknown; chatHybrid?: unknown } | null;
  if (!data || data.chatHybrid !== 1 || typeof data.url !== 'string') return;
  const url = data.url;
  event.notification.close();
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      // An open tab of the same page (the agent UI, the ticket) is brought forward and told where to go.
      const target = new URL(url);
      for (const w of windows) {
        const at = new URL(w.url);
        if (at.origin === target.origin && at.pathname === target.pathname) {
          w.postMessage({ type: 'chat-hybrid:navigate', url });
          await w.focus();
          return;
        }
      }
      await self.clients.openWindow(url);
    })(),
  );
});
