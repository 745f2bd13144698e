import { css } from 'lit';

export const panelStyles = css`
  :host {
    --_accent: var(--chat-hybrid-accent, #2563eb);
    --_accent-text: var(--chat-hybrid-accent-text, #ffffff);
    --_background: var(--chat-hybrid-background, #ffffff);
    --_surface: var(--chat-hybrid-surface, #f1f3f5);
    --_text: var(--chat-hybrid-text, #1b1f24);
    --_muted: var(--chat-hybrid-muted, #57606a);
    --_border: var(--chat-hybrid-border, #d0d7de);
    --_danger: var(--chat-hybrid-danger, #b42318);
    --_focus: var(--chat-hybrid-focus, #1d4ed8);
    --_radius: var(--chat-hybrid-radius, 16px);

    position: fixed;
    left: var(--_l, auto);
    right: var(--_r, 20px);
    bottom: 88px;
    z-index: 1;
    display: flex;
    width: 370px;
    height: 560px;
    max-width: calc(100vw - 40px);
    max-height: calc(100vh - 108px);
    max-height: calc(100dvh - 108px);
    color: var(--_text);
    font: 14px/1.45 var(--chat-hybrid-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial,
        'Noto Sans', 'PingFang SC', 'Microsoft YaHei', sans-serif);
    text-align: start;
  }
  :host(:not([open])) {
    display: none;
  }
  .panel {
    display: flex;
    flex: 1;
    flex-direction: column;
    min-width: 0;
    overflow: hidden;
    border-radius: var(--_radius);
    background: var(--_background);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.22);
    animation: rise 0.18s ease-out;
  }
  .panel:focus {
    outline: none;
  }
  @keyframes rise {
    from {
      opacity: 0;
      transform: translateY(12px);
    }
  }

  header {
    position: relative;
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 12px 8px 12px 16px;
    background: var(--_accent);
    color: var(--_accent-text);
  }
  header :focus-visible {
    outline-color: currentColor;
  }
  .heading {
    flex: 1;
    min-width: 0;
  }
  h2 {
    margin: 0;
    font-size: 16px;
    font-weight: 700;
  }
  .status {
    margin: 2px 0 0;
    font-size: 13px;
    opacity: 0.92;
  }
  .header-button {
    flex: none;
    min-height: 32px;
    padding: 4px 10px;
    border: 1px solid currentColor;
    border-radius: 8px;
    background: none;
    font-size: 13px;
    font-weight: 600;
  }
  .icon-button {
    flex: none;
    display: grid;
    place-items: center;
    width: 36px;
    height: 36px;
    border: 0;
    border-radius: 50%;
    background: none;
  }
  .icon-button:hover,
  .header-button:hover {
    background: rgb(255 255 255 / 0.16);
  }

  .menu {
    position: absolute;
    top: calc(100% - 4px);
    right: 8px;
    z-index: 1;
    display: grid;
    min-width: 200px;
    max-height: 70vh;
    overflow-y: auto;
    padding: 6px 0;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_background);
    color: var(--_text);
    box-shadow: 0 8px 24px rgb(0 0 0 / 0.18);
  }
  .menu button {
    display: flex;
    gap: 8px;
    padding: 8px 14px;
    border: 0;
    background: none;
    text-align: start;
  }
  .menu button::before {
    content: '';
    width: 1em;
  }
  .menu [aria-checked='true']::before {
    content: '✓' / '';
  }
  .menu button:hover,
  .menu button:focus {
    background: var(--_surface);
  }
  .menu [role='separator'] {
    margin: 6px 0;
    border-top: 1px solid var(--_border);
  }

  .confirm {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 10px 16px;
    border-bottom: 1px solid var(--_border);
    background: var(--_surface);
  }
  .confirm p {
    flex: 1 1 100%;
    margin: 0;
    font-weight: 600;
  }
  .confirm .error {
    color: var(--_danger);
    font-weight: 400;
  }

  .notice:not(:empty) {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 6px 16px;
    background: #fff4ce;
    color: #5c4400;
    font-size: 13px;
  }
  .notice.ok {
    background: #e7f5ec;
    color: #14532d;
  }
  .notice .button {
    min-height: 28px;
    padding: 2px 10px;
  }

  .body {
    display: flex;
    flex: 1;
    flex-direction: column;
    min-height: 0;
  }
  chat-hybrid-messages,
  chat-hybrid-form,
  chat-hybrid-tickets,
  chat-hybrid-feedback,
  chat-hybrid-official {
    flex: 1;
    min-height: 0;
  }
  .start,
  .bar {
    display: flex;
    flex-direction: column;
    gap: 8px;
    padding: 16px 18px 0;
  }
  .bar {
    padding: 8px 14px;
    border-bottom: 1px solid var(--_border);
  }
  .footer p {
    margin: 0 0 10px;
  }
  .placeholder {
    margin: auto;
    color: var(--_muted);
  }
  .footer {
    padding: 12px 14px;
    border-top: 1px solid var(--_border);
  }
  .footer .button {
    width: 100%;
  }

  @media (max-width: 480px) {
    :host {
      inset: 0;
      width: auto;
      height: auto;
      max-width: none;
      max-height: none;
    }
    .panel {
      border-radius: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .panel {
      animation: none;
    }
  }
`;
