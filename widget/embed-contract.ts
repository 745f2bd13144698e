/**
 * What the loader (widget.js, a classic script on the host page) and the chat app (an ES module it
 * imports on demand) agree on, and the page's API (`window.ChatHybrid`). Types only, so the loader
 * stays tiny.
 */
import type { Locale } from '../shared/types.js';

export interface MountOptions {
  /** An element inside the loader's open shadow root; the chat panel is appended to it. */
  container: HTMLElement;
  /** Origin of the chat server, e.g. `https://chat.example.com`. */
  serverUrl: string;
  siteKey: string;
  /**
   * The language to show: the visitor's own pick (remembered per site), else the host's
   * `data-locale` or `setLocale`, else the browser's. Only this language's dictionary is fetched.
   */
  locale: Locale;
  /**
   * The host site's signed token for its logged-in user (`data-user-token`, or the last
   * `ChatHybrid.identify`): sent in the socket handshake and put in the customer page link. A
   * refused token is reported once on the console.
   */
  userToken?: string | undefined;
  /**
   * The host's own push worker (`data-push-sw`, e.g. `/chat-push-sw.js`): a file on the host's
   * origin whose one line is `importScripts('https://CHAT_SERVER/push-sw.js')`, because a service
   * worker must come from the page's origin. With it, a logged-in user can turn on browser
   * notifications under "My tickets"; the worker is registered with its default scope (its folder),
   * and only after the user clicks to turn them on. Without it, only email alerts are offered.
   * A host that already has a service worker for that scope adds the `importScripts` line to it and
   * names that file instead: one scope holds one worker, and registering another replaces it.
   */
  pushWorker?: string | undefined;
  /** `data-sound="on"`: the site wants the chime by default; the visitor's own choice (remembered) wins. */
  sound: boolean;
  /** The visitor closed the panel from inside it (close button or Escape). */
  onClose(): void;
  /** How many agent messages arrived that the visitor has not seen, for a badge on the launcher. */
  onUnread(count: number): void;
  /**
   * The site's look (accent colour, side of the page) changed, as custom properties for the loader's
   * host element: `--chat-hybrid-accent`, `--chat-hybrid-accent-text`, `--_l` and `--_r` (the left
   * and right offsets); empty for the built-in look. The loader keeps it, so the launcher shows it
   * on the next page before the app loads.
   */
  onLook(css: string): void;
  /** The visitor picked a language in the panel's menu: the loader remembers it for the site and renames the launcher. */
  onLocale(locale: Locale): void;
  /** Tells the host page's listeners (ChatHybridApi.on). */
  emit: Emit;
}

export interface WidgetHandle {
  open(): void;
  close(): void;
  /** See ChatHybridApi.identify. */
  identify(userToken: string | null): void;
  /** The host's choice; unlike the visitor's, it is not remembered. */
  setLocale(locale: Locale): void;
}

/** `mount` is the one export of the chat app module (widget/app/chat-app.ts). */
export interface ChatAppModule {
  /** Resolves once the visitor's dictionary is in and the panel can show; rejects when it could not be loaded. */
  mount(options: MountOptions): Promise<WidgetHandle>;
}

/** What `ChatHybrid.on` listeners receive, by event. */
export interface ChatHybridEventMap {
  /** The panel opened (launcher, `open()`, or `toggle()`). */
  open: undefined;
  /** The panel closed (launcher, its own close button or Escape, `close()`, or `toggle()`). */
  close: undefined;
  /** An agent's message arrived live (not one already in the history when the page loaded). */
  message: { conversationId: string; body: string; author: { type: 'agent'; name: string | null }; createdAt: string };
  /** A ticket was created for this visitor: by their form, "leave a message", an agent, or an unresolved chat's end. */
  ticket: { conversationId: string; number: number };
  /** Agent messages the visitor has not seen yet changed (the launcher's badge). */
  unread: { count: number };
}
export type ChatHybridEvent = keyof ChatHybridEventMap;
export type ChatHybridListener<E extends ChatHybridEvent> = (detail: ChatHybridEventMap[E]) => void;
export type Emit = <E extends ChatHybridEvent>(event: E, detail: ChatHybridEventMap[E]) => void;

/**
 * `window.ChatHybrid`, the one global the widget defines; it exists as soon as widget.js ran, and
 * `chat-hybrid:ready` is dispatched on `window` then (for pages that load the script `async`).
 * Calls made before the chat app has loaded are kept and applied when it mounts.
 *
 *   window.addEventListener('chat-hybrid:ready', () => {
 *     ChatHybrid.identify(myUserToken);
 *     const stop = ChatHybrid.on('message', (m) => console.log(`${m.author.name}: ${m.body}`));
 *   });
 */
export interface ChatHybridApi {
  /** Opens the panel, loading the chat app first if needed; focus moves into it. */
  open(): void;
  /** Closes the panel; focus returns to the launcher if it was in the widget. */
  close(): void;
  toggle(): void;
  /**
   * A logged-in user: the host backend's signed token (as `data-user-token`); the widget reconnects
   * as that user and reloads the session and their tickets. `null` logs out: the widget forgets
   * this browser's conversation (its stored id and visitor token) and shows the start screen, so the
   * next person at this browser does not see it.
   */
  identify(userToken: string | null): void;
  /**
   * Shows the widget in `locale` (`en`, `de`, `sv`, `cs`, `zh`; a tag like `de-AT` counts as its
   * language, anything else falls back to the browser's). Replaces the visitor's own pick.
   */
  setLocale(locale: string): void;
  /** Calls `listener` on every `event`; returns the function that stops it. A listener that throws is reported on the console. */
  on<E extends ChatHybridEvent>(event: E, listener: ChatHybridListener<E>): () => void;
  off<E extends ChatHybridEvent>(event: E, listener: ChatHybridListener<E>): void;
}

declare global {
  interface Window {
    ChatHybrid?: ChatHybridApi;
  }
  interface WindowEventMap {
    /** `window.ChatHybrid` exists now. */
    'chat-hybrid:ready': Event;
  }
}
