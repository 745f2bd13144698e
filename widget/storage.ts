/**
 * The widget's localStorage keys and safe access to them: storage may be disabled or throw (blocked
 * third-party storage, some private modes), and the chat must then still work for the page's life.
 */

export const VISITOR_TOKEN_KEY = 'chat-hybrid:visitor-token';

/** Holds the id of the site's queued or active conversation; the loader then connects at once. */
export function conversationKey(siteKey: string): string {
  return `chat-hybrid:${siteKey}:conversation`;
}

/** The site's look as the chat app last reported it (MountOptions.onLook), for the loader to show at once. */
export function lookKey(siteKey: string): string {
  return `chat-hybrid:${siteKey}:look`;
}

/** The language the visitor picked in the panel's menu; it wins over `data-locale` until the host calls setLocale. */
export function localeKey(siteKey: string): string {
  return `chat-hybrid:${siteKey}:locale`;
}

/** `on` or `off`: the visitor's sound choice, which wins over the site's `data-sound`. */
export function soundKey(siteKey: string): string {
  return `chat-hybrid:${siteKey}:sound`;
}

export function readStorage(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    // Storage is unavailable here; behave as if nothing was stored.
    return null;
  }
}

/** Stores `value`, or removes the key when it is null. */
export function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Storage is unavailable or full; the value then lives only as long as the page.
  }
}
