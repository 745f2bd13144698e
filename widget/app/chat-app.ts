/**
 * The chat app, loaded by the loader (widget/loader.ts) on first open or when a chat is running.
 * `mount` is its whole interface: see ChatAppModule in widget/embed-contract.ts.
 */
import type { WidgetSettings } from '../../shared/workspace.js';
import type { MountOptions, WidgetHandle } from '../embed-contract.js';
import { createTranslator, resolveLocale } from '../i18n/index.js';
import './chat-panel.js';
import { VisitorClient } from './visitor-client.js';

export type { MountOptions, WidgetHandle };

export function mount(options: MountOptions): WidgetHandle {
  const locale = resolveLocale(options.locale);
  const client = new VisitorClient({
    serverUrl: options.serverUrl,
    siteKey: options.siteKey,
    locale,
    userToken: options.userToken,
    pushWorker: options.pushWorker,
  });
  const panel = document.createElement('chat-hybrid-panel');
  panel.client = client;
  panel.t = createTranslator(locale);
  panel.locale = locale;
  panel.lang = locale;
  panel.addEventListener('chat-hybrid-close', () => options.onClose());

  let unread = 0;
  const reportUnread = () => {
    if (panel.open) client.markRead();
    if (client.unread === unread) return;
    unread = client.unread;
    options.onUnread?.(unread);
  };
  client.onChange(reportUnread);

  let look: string | undefined;
  client.onChange(() => {
    const config = client.config;
    if (!config) return;
    const css = lookCss(config.widget);
    if (css !== look) options.onLook?.((look = css));
  });

  options.container.append(panel);
  client.connect();
  return {
    open() {
      panel.show();
      reportUnread();
    },
    close() {
      panel.hide();
    },
  };
}

/**
 * The site's colour and side as custom properties (see MountOptions.onLook). Text on the colour is
 * white, or dark where white would be hard to read: a luma above 123 of 255 is about where WCAG's
 * relative luminance passes 0.2, past which dark text has the better contrast.
 */
function lookCss(widget: WidgetSettings | null): string {
  if (!widget) return '';
  const { color } = widget;
  const n = parseInt(color.slice(1), 16);
  return (
    `--chat-hybrid-accent:${color};--chat-hybrid-accent-text:${0.2126 * (n >> 16) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255) > 123 ? '#1b1f24' : '#fff'}` +
    (widget.position == 'left' ? ';--_l:20px;--_r:auto' : '')
  );
}
