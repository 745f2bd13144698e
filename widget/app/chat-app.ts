/**
 * The chat app, loaded by the loader (widget/loader.ts) on first open or when a chat is running.
 * `mount` is its whole interface: see ChatAppModule in widget/embed-contract.ts.
 */
import { accentText } from '../../shared/colors.js';
import type { WidgetSettings } from '../../shared/workspace.js';
import type { MountOptions, WidgetHandle } from '../embed-contract.js';
import { readStorage, soundKey } from '../storage.js';
import './chat-panel.js';
import { chime, unlockSound } from './sound.js';
import { VisitorClient } from './visitor-client.js';

export type { MountOptions, WidgetHandle };

/** The chat panel's parts, exported through the loader's element: `chat-hybrid-widget::part(header)`. */
const PARTS = 'panel,header,title,body,composer';

export async function mount(options: MountOptions): Promise<WidgetHandle> {
  const client = new VisitorClient({
    serverUrl: options.serverUrl,
    siteKey: options.siteKey,
    locale: options.locale,
    userToken: options.userToken,
    pushWorker: options.pushWorker,
  });
  const panel = document.createElement('chat-hybrid-panel');
  panel.client = client;
  panel.setAttribute('exportparts', PARTS);
  const stored = readStorage(soundKey(options.siteKey));
  panel.sound = stored ? stored == 'on' : options.sound;
  panel.addEventListener('chat-hybrid-close', () => options.onClose());
  panel.addEventListener('chat-hybrid-locale', (e) => options.onLocale(e.detail));

  // The dictionary loads while the socket connects; the panel shows once the words are in.
  client.connect();
  try {
    await panel.setLocale(options.locale);
  } catch (error) {
    client.disconnect();
    throw error;
  }

  let unread = 0;
  const reportUnread = () => {
    if (panel.open) client.markRead();
    if (client.unread === unread) return;
    unread = client.unread;
    options.onUnread(unread);
  };
  client.onChange(reportUnread);
  // Coming back to a tab with the panel open is when its messages are seen (read receipts).
  document.addEventListener('visibilitychange', reportUnread);

  let look: string | undefined;
  client.onChange(() => {
    const config = client.config;
    if (!config) return;
    const css = lookCss(config.widget);
    if (css !== look) options.onLook((look = css));
  });

  client.onLive(({ conversationId, author, body, system, createdAt }) => {
    if (author.type == 'agent') {
      options.emit('message', { conversationId, body, author: { type: 'agent', name: author.name }, createdAt });
      if (panel.sound && (!panel.open || document.hidden)) chime();
    } else if (system?.kind == 'ticket.created') options.emit('ticket', { conversationId, number: system.number });
  });

  // Browsers let audio start only from a gesture: any click or key in the widget (the launcher too).
  const root = options.container.getRootNode();
  const unlock = () => panel.sound && unlockSound();
  root.addEventListener('click', unlock);
  root.addEventListener('keydown', unlock);

  options.container.append(panel);
  return {
    open() {
      panel.show();
      reportUnread();
    },
    close() {
      panel.hide();
    },
    identify(userToken) {
      client.identify(userToken);
    },
    setLocale(locale) {
      panel.changeLocale(locale);
    },
  };
}

/**
 * The site's colour and side as custom properties (see MountOptions.onLook). Text on the colour is
 * white or dark, whichever contrasts more (shared/colors.ts; admins cannot save a colour where
 * neither reaches WCAG AA). A luma approximation used before got mid blues such as #0087ff wrong.
 */
function lookCss(widget: WidgetSettings | null): string {
  if (!widget) return '';
  const { color } = widget;
  return (
    `--chat-hybrid-accent:${color};--chat-hybrid-accent-text:${accentText(color).color}` +
    (widget.position == 'left' ? ';--_l:20px;--_r:auto' : '')
  );
}
