/**
 * widget.js: the classic script a host site includes on any origin.
 *
 *   <script src="https://HOST/widget.js" async data-site-key="..." data-locale="de"></script>
 *
 * It draws the launcher bubble and nothing else, and imports the chat app (widget/app/chat-app.ts,
 * served next to it as widget/chat-app.js, which imports its own chunks) on the first click, or at
 * once when a chat is running so its messages arrive. It must stay tiny: it imports only the small
 * modules next to it. It remembers the site's look (colour, side) as the app last reported it, so
 * the launcher wears it from the start on the next page.
 *
 * Data attributes: `data-site-key` (default `default`), `data-locale`, `data-server` (default: the
 * origin of this script), `data-user-token` (the host site's signed user token; passed on),
 * `data-push-sw` (the path of the host's one-line push worker, `importScripts('https://HOST/push-sw.js')`;
 * passed on, see MountOptions.pushWorker), `data-sound="on"` (chime by default), `data-launcher-icon`
 * (an image URL for the bubble's icon).
 * Global: `window.ChatHybrid` (ChatHybridApi in embed-contract.ts); its presence also stops a second copy.
 */
import type { Locale } from '../shared/types.js';
import type { ChatAppModule, ChatHybridApi, Emit, WidgetHandle } from './embed-contract.js';
import { resolveLocale } from './locale.js';
import { VISITOR_TOKEN_KEY, conversationKey, localeKey, lookKey, readStorage, writeStorage } from './storage.js';

/** The launcher's name, here alone: the loader must not import the app's dictionaries (widget/i18n). */
const OPEN_LABEL = {
  en: 'Open chat',
  de: 'Chat öffnen',
  sv: 'Öppna chatten',
  cs: 'Otevřít chat',
  zh: '打开聊天',
} satisfies Record<Locale, string>;

// `!important` in a shadow root beats the page's own `!important`: no host stylesheet can move,
// hide or restyle the widget by accident; the host restyles it on purpose through ::part (launcher,
// launcher-icon, badge), which beats the rules here. The side comes from `--_l`/`--_r`, set inline on
// the host from the site's settings (MountOptions.onLook). The panel positions itself
// (widget/app/chat-panel.styles.ts). Fixed, so the page's layout never moves.
const STYLES = `
:host{all:initial!important;display:block!important;position:fixed!important;left:var(--_l,auto)!important;right:var(--_r,20px)!important;bottom:20px!important;width:56px!important;height:56px!important;z-index:2147483000!important}
.launcher{all:unset;position:relative;box-sizing:border-box;display:grid;place-items:center;width:56px;height:56px;border-radius:50%;cursor:pointer;background:var(--chat-hybrid-accent,#2563eb);color:var(--chat-hybrid-accent-text,#fff);box-shadow:0 4px 14px rgb(0 0 0/.28);transition:transform .15s}
.launcher:hover{transform:scale(1.06)}
.launcher:focus-visible{outline:3px solid var(--chat-hybrid-focus,#1d4ed8);outline-offset:3px}
.launcher[aria-busy=true]{cursor:progress}
svg,img{width:28px;height:28px;object-fit:contain}
.close,[aria-expanded=true] .open{display:none}
[aria-expanded=true] .close{display:block}
.badge{position:absolute;top:-4px;right:-4px;box-sizing:border-box;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#c62828;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}
.badge[hidden]{display:none}
@media (max-width:480px){[aria-expanded=true]{visibility:hidden}}
@media (prefers-reduced-motion:reduce){.launcher{transition:none}.launcher:hover{transform:none}}
@media print{:host{display:none!important}}`;

const ICONS =
  '<svg class="open" part="launcher-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M5 3h14a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3h-7l-5 4v-4H5a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3z"/></svg>' +
  '<svg class="close" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" d="M6 9l6 6 6-6"/></svg>' +
  '<span class="badge" part="badge" aria-hidden="true" hidden></span>';

function thisScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  // Only null when run from a callback or a module; fall back to looking for the tag.
  return document.querySelector<HTMLScriptElement>('script[src$="/widget.js"]');
}

function boot(script: HTMLScriptElement): void {
  const data = script.dataset;
  const scriptSrc = script.src;
  const serverUrl = data.server || new URL(scriptSrc).origin;
  const siteKey = data.siteKey || 'default';
  // The visitor's own pick wins over the page's attribute (until the page calls setLocale).
  let locale = resolveLocale(readStorage(localeKey(siteKey)) || data.locale);
  let userToken = data.userToken;

  const host = document.createElement('chat-hybrid-widget');
  // The site's colour and side as the app last reported them; CSSOM, so a strict style-src allows it.
  host.style.cssText = readStorage(lookKey(siteKey)) ?? '';
  const root = host.attachShadow({ mode: 'open' });
  try {
    // A constructed sheet is not an inline style, so a strict style-src policy lets it through.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
    root.adoptedStyleSheets = [sheet];
  } catch {
    // Older browsers without constructable stylesheets.
    root.innerHTML = `<style>${STYLES}</style>`;
  }
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'launcher';
  button.setAttribute('part', 'launcher');
  button.setAttribute('aria-expanded', 'false');
  button.innerHTML = ICONS;
  if (data.launcherIcon) {
    // The site's own icon; decorative, since the button has the name.
    const img = document.createElement('img');
    img.src = data.launcherIcon;
    img.alt = '';
    img.className = 'open';
    img.setAttribute('part', 'launcher-icon');
    button.firstChild!.replaceWith(img);
  }
  const badge = button.lastChild as HTMLElement;
  const container = document.createElement('div');
  root.append(button, container);

  const showLocale = (next: Locale) => {
    locale = next;
    host.lang = next;
    button.setAttribute('aria-label', OPEN_LABEL[next]);
  };
  showLocale(locale);

  const listeners = new Map<string, Set<(detail: unknown) => void>>();
  const emit: Emit = (event, detail) => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(detail);
      } catch (error) {
        // The host page's own code failed; the widget carries on, and its developer sees why.
        console.error(`[chat-hybrid] A "${event}" listener threw:`, error);
      }
    }
  };

  let app: Promise<WidgetHandle> | null = null;
  let isOpen = false;
  /** The panel is showing ('open' was told): 'close' is told only after it. */
  let shown = false;

  const setExpanded = (open: boolean) => {
    isOpen = open;
    button.setAttribute('aria-expanded', String(open));
  };

  const load = (): Promise<WidgetHandle> => {
    if (app) return app;
    button.setAttribute('aria-busy', 'true');
    const url = new URL('widget/chat-app.js', scriptSrc).href;
    const done = () => button.removeAttribute('aria-busy');
    app = (import(/* @vite-ignore */ url) as Promise<ChatAppModule>)
      .then((module) =>
        module.mount({
          container,
          serverUrl,
          siteKey,
          locale,
          userToken,
          pushWorker: data.pushSw,
          sound: data.sound == 'on',
          onClose: () => close(),
          onLook(css) {
            host.style.cssText = css;
            writeStorage(lookKey(siteKey), css || null);
          },
          onUnread(count) {
            badge.hidden = count === 0;
            badge.textContent = count > 9 ? '9+' : String(count);
            emit('unread', { count });
          },
          onLocale(picked) {
            writeStorage(localeKey(siteKey), picked);
            showLocale(picked);
          },
          emit,
        }),
      )
      .then(
        (handle) => {
          done();
          return handle;
        },
        (error: unknown) => {
          // Forget the failed load so the next click tries again.
          done();
          app = null;
          throw error;
        },
      );
    return app;
  };

  const open = () => {
    if (isOpen) return;
    setExpanded(true);
    load().then(
      (handle) => {
        if (!isOpen || shown) return;
        shown = true;
        handle.open();
        emit('open', undefined);
      },
      // Could not load (offline, say): the bubble stays closed and the next click tries again.
      () => setExpanded(false),
    );
  };

  const close = () => {
    // Focus in the panel would be lost with it; focus elsewhere on the page stays where it is.
    if (host.matches(':focus-within')) button.focus();
    if (!isOpen) return;
    setExpanded(false);
    void app?.then((handle) => handle.close());
    if (shown) {
      shown = false;
      emit('close', undefined);
    }
  };

  button.addEventListener('click', () => (isOpen ? close() : open()));
  const api: ChatHybridApi = {
    open,
    close,
    toggle: () => (isOpen ? close() : open()),
    identify(token) {
      userToken = token || undefined;
      if (app) void app.then((handle) => handle.identify(token));
      else if (token === null) {
        // Logged out before the app came: it starts with no conversation and a new visitor token.
        writeStorage(conversationKey(siteKey), null);
        writeStorage(VISITOR_TOKEN_KEY, null);
      }
    },
    setLocale(tag) {
      writeStorage(localeKey(siteKey), null);
      showLocale(resolveLocale(tag));
      void app?.then((handle) => handle.setLocale(locale));
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (detail: unknown) => void);
      return () => api.off(event, listener);
    },
    off(event, listener) {
      listeners.get(event)?.delete(listener as (detail: unknown) => void);
    },
  };
  window.ChatHybrid = api;
  window.dispatchEvent(new Event('chat-hybrid:ready'));

  if (document.body) document.body.append(host);
  else document.addEventListener('DOMContentLoaded', () => document.body.append(host), { once: true });

  if (readStorage(conversationKey(siteKey))) {
    load().catch(() => {
      // Not fatal: the chat loads again on the first click.
    });
  }
}

if (!window.ChatHybrid) {
  const script = thisScript();
  if (script) boot(script);
}
