/**
 * The chat app, loaded by the loader (widget/loader.ts) on first open or when a chat is running.
 * `mount` is its whole interface: see ChatAppModule in widget/embed-contract.ts.
 */
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
