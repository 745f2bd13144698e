/**
 * widget.js: the classic script a host site includes on any origin.
 *
 *   <script src="https://HOST/widget.js" async data-site-key="..." data-locale="de"></script>
 *
 * It draws the launcher bubble and nothing else, and imports the chat app (widget/app/chat-app.ts,
 * served next to it as widget/chat-app.js) on the first click, or at once when a chat is running
 * so its messages arrive. It must stay tiny: it imports only the small modules next to it. It
 * remembers the site's look (colour, side) as the app last reported it, so the launcher wears it
 * from the start on the next page.
 *
 * Data attributes: `data-site-key` (default `default`), `data-locale`, `data-server` (default: the
 * origin of this script), `data-user-token` (the host site's signed user token; passed on),
 * `data-push-sw` (the path of the host's one-line push worker, `importScripts('https://HOST/push-sw.js')`;
 * passed on, see MountOptions.pushWorker).
 * Global: `window.ChatHybrid` = `{ open(), close() }`; its presence also stops a second copy.
 */
import type { Locale } from '../shared/types.js';
import type { ChatAppModule, WidgetHandle } from './embed-contract.js';
import { resolveLocale } from './locale.js';
import { conversationKey, lookKey, readStorage, writeStorage } from './storage.js';

/** The launcher's name, here alone: the loader must not import the app's dictionaries (widget/i18n). */
const OPEN_LABEL = {
  en: 'Open chat',
  de: 'Chat öffnen',
  sv: 'Öppna chatten',
  cs: 'Otevřít chat',
  zh: '打开聊天',
} satisfies Record<Locale, string>;

// `!important` in a shadow root beats the page's own `!important`: no host stylesheet can move,
// hide or restyle the widget by accident. The side comes from `--_l`/`--_r`, set inline on the host
// from the site's settings (MountOptions.onLook). The panel positions itself (widget/app/chat-panel.styles.ts).
const STYLES = `
:host{all:initial!important;display:block!important;position:fixed!important;left:var(--_l,auto)!important;right:var(--_r,20px)!important;bottom:20px!important;width:56px!important;height:56px!important;z-index:2147483000!important}
.launcher{all:unset;position:relative;box-sizing:border-box;display:grid;place-items:center;width:56px;height:56px;border-radius:50%;cursor:pointer;background:var(--chat-hybrid-accent,#2563eb);color:var(--chat-hybrid-accent-text,#fff);box-shadow:0 4px 14px rgb(0 0 0/.28);transition:transform .15s}
.launcher:hover{transform:scale(1.06)}
.launcher:focus-visible{outline:3px solid var(--chat-hybrid-focus,#1d4ed8);outline-offset:3px}
.launcher[aria-busy=true]{cursor:progress}
svg{width:28px;height:28px}
.close,[aria-expanded=true] .open{display:none}
[aria-expanded=true] .close{display:block}
.badge{position:absolute;top:-4px;right:-4px;box-sizing:border-box;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#c62828;color:#fff;font:700 12px/20px system-ui,sans-serif;text-align:center}
.badge[hidden]{display:none}
@media (max-width:480px){[aria-expanded=true]{visibility:hidden}}
@media (prefers-reduced-motion:reduce){.launcher{transition:none}.launcher:hover{transform:none}}
@media print{:host{display:none!important}}`;

const ICONS =
  '<svg class="open" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M5 3h14a3 3 0 0 1 3 3v9a3 3 0 0 1-3 3h-7l-5 4v-4H5a3 3 0 0 1-3-3V6a3 3 0 0 1 3-3z"/></svg>' +
  '<svg class="close" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round" d="M6 9l6 6 6-6"/></svg>' +
  '<span class="badge" aria-hidden="true" hidden></span>';

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
  const locale = resolveLocale(data.locale);

  const host = document.createElement('chat-hybrid-widget');
  host.lang = locale;
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
  button.setAttribute('aria-label', OPEN_LABEL[locale]);
  button.setAttribute('aria-expanded', 'false');
  button.innerHTML = ICONS;
  const badge = button.lastChild as HTMLElement;
  const container = document.createElement('div');
  root.append(button, container);

  let app: Promise<WidgetHandle> | null = null;
  let isOpen = false;

  const setExpanded = (open: boolean) => {
    isOpen = open;
    button.setAttribute('aria-expanded', String(open));
  };

  const load = (): Promise<WidgetHandle> => {
    if (app) return app;
    button.setAttribute('aria-busy', 'true');
    const url = new URL('widget/chat-app.js', scriptSrc).href;
    app = (import(/* @vite-ignore */ url) as Promise<ChatAppModule>).then(
      (module) => {
        button.removeAttribute('aria-busy');
        return module.mount({
          container,
          serverUrl,
          siteKey,
          locale,
          userToken: data.userToken,
          pushWorker: data.pushSw,
          onClose() {
            setExpanded(false);
            button.focus();
          },
          onLook(css) {
            host.style.cssText = css;
            writeStorage(lookKey(siteKey), css || null);
          },
          onUnread(count) {
            badge.hidden = count === 0;
            badge.textContent = count > 9 ? '9+' : String(count);
          },
        });
      },
      (error: unknown) => {
        // Forget the failed import so the next click tries again.
        button.removeAttribute('aria-busy');
        app = null;
        throw error;
      },
    );
    return app;
  };

  const open = () => {
    setExpanded(true);
    load().then(
      (handle) => {
        if (isOpen) handle.open();
      },
      // Could not load (offline, say): the bubble stays closed and the next click tries again.
      () => setExpanded(false),
    );
  };

  const close = () => {
    setExpanded(false);
    void app?.then((handle) => handle.close());
  };

  button.addEventListener('click', () => (isOpen ? close() : open()));
  window.ChatHybrid = { open, close };

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
