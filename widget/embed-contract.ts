/**
 * What the loader (widget.js, a classic script on the host page) and the chat app (an ES module it
 * imports on demand) agree on. Types only, so the loader stays tiny.
 */

export interface MountOptions {
  /** An element inside the loader's open shadow root; the chat panel is appended to it. */
  container: HTMLElement;
  /** Origin of the chat server, e.g. `https://chat.example.com`. */
  serverUrl: string;
  siteKey: string;
  /** The host page's `data-locale`, unchecked; the app falls back to the browser's languages. */
  locale?: string;
  /**
   * The host site's signed token for its logged-in user (`data-user-token`): sent in the socket
   * handshake and put in the customer page link. A refused token is reported once on the console.
   */
  userToken?: string;
  /**
   * The host's own push worker (`data-push-sw`, e.g. `/chat-push-sw.js`): a file on the host's
   * origin whose one line is `importScripts('https://CHAT_SERVER/push-sw.js')`, because a service
   * worker must come from the page's origin. With it, a logged-in user can turn on browser
   * notifications under "My tickets"; the worker is registered with its default scope (its folder),
   * and only after the user clicks to turn them on. Without it, only email alerts are offered.
   * A host that already has a service worker for that scope adds the `importScripts` line to it and
   * names that file instead: one scope holds one worker, and registering another replaces it.
   */
  pushWorker?: string;
  /** The visitor closed the panel from inside it (close button or Escape). */
  onClose(): void;
  /** How many agent messages arrived that the visitor has not seen, for a badge on the launcher. */
  onUnread?(count: number): void;
  /**
   * The site's look (accent colour, side of the page) changed, as custom properties for the loader's
   * host element: `--chat-hybrid-accent`, `--chat-hybrid-accent-text`, `--_l` and `--_r` (the left
   * and right offsets); empty for the built-in look. The loader keeps it, so the launcher shows it
   * on the next page before the app loads.
   */
  onLook?(css: string): void;
}

export interface WidgetHandle {
  open(): void;
  close(): void;
}

/** `mount` is the one export of the chat app module (widget/app/chat-app.ts). */
export interface ChatAppModule {
  mount(options: MountOptions): WidgetHandle;
}

/** `window.ChatHybrid`, the one global the widget defines. */
export interface ChatHybridApi {
  open(): void;
  close(): void;
}

declare global {
  interface Window {
    ChatHybrid?: ChatHybridApi;
  }
}
