import { css } from 'lit';

/**
 * Design tokens, set once on `<portal-app>`: custom properties inherit through every shadow root
 * below it, so components only read them (`var(--p-…)`).
 */
export const themeTokens = css`
  :host {
    --p-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', 'PingFang SC', 'Microsoft YaHei', sans-serif;
    --p-bg: #f4f5f8;
    --p-surface: #ffffff;
    --p-surface-2: #f0f2f6;
    --p-border: #d9dde6;
    --p-text: #1b1f29;
    --p-muted: #565e70;
    --p-accent: #2f4bc0;
    --p-accent-hover: #263d9e;
    --p-accent-text: #ffffff;
    --p-accent-soft: #e8edff;
    --p-danger: #b42318;
    --p-danger-soft: #fff0ef;
    --p-warning-soft: #fff6d9;
    --p-warning-text: #5c4300;
    --p-success: #1f7a35;
    --p-mine: #e3e9ff;
    --p-focus: #3b5bdb;
    --p-radius: 10px;
    --p-radius-sm: 6px;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --p-bg: #12141a;
      --p-surface: #1a1d25;
      --p-surface-2: #232733;
      --p-border: #363c4b;
      --p-text: #e8eaf0;
      --p-muted: #a9b0c0;
      --p-accent: #8ea2ff;
      --p-accent-hover: #a9b8ff;
      --p-accent-text: #0d1020;
      --p-accent-soft: #25305a;
      --p-danger: #ff8f87;
      --p-danger-soft: #3a1f22;
      --p-warning-soft: #3a3220;
      --p-warning-text: #ffe08a;
      --p-success: #7ee29a;
      --p-mine: #27315a;
      --p-focus: #a9b8ff;
    }
  }
`;

/** Rules every component includes: box sizing, focus ring, buttons, fields, notices, screen-reader-only text. */
export const baseStyles = css`
  :host {
    font-family: var(--p-font);
    color: var(--p-text);
    box-sizing: border-box;
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  :focus-visible {
    outline: 2px solid var(--p-focus);
    outline-offset: 2px;
  }
  /* Headings get focus when their step appears; a ring there would look like a control. */
  h1[tabindex='-1']:focus,
  h2[tabindex='-1']:focus {
    outline: none;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  h1 {
    margin: 0 0 0.75rem;
    font-size: 1.5rem;
    line-height: 1.25;
  }
  h2 {
    margin: 0 0 0.5rem;
    font-size: 1.15rem;
  }
  p {
    line-height: 1.5;
  }
  a {
    color: var(--p-accent);
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
    min-height: 2.75rem;
    padding: 0.5rem 1.1rem;
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius-sm);
    background: var(--p-surface);
    color: var(--p-text);
    font-weight: 600;
    text-decoration: none;
  }
  .btn:hover:not(:disabled) {
    background: var(--p-surface-2);
  }
  .btn.primary {
    border-color: var(--p-accent);
    background: var(--p-accent);
    color: var(--p-accent-text);
  }
  .btn.primary:hover:not(:disabled) {
    background: var(--p-accent-hover);
  }
  .link {
    padding: 0;
    border: 0;
    background: none;
    color: var(--p-accent);
    font-weight: 600;
    text-decoration: underline;
  }
  label {
    display: block;
    margin-bottom: 0.35rem;
    font-weight: 600;
  }
  input[type='text'],
  select,
  textarea {
    width: 100%;
    min-height: 2.75rem;
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius-sm);
    background: var(--p-surface);
  }
  textarea {
    resize: vertical;
  }
  .hint {
    margin: 0.35rem 0 0;
    color: var(--p-muted);
    font-size: 0.875rem;
  }
  .error {
    margin: 0.75rem 0;
    padding: 0.6rem 0.8rem;
    border-left: 4px solid var(--p-danger);
    border-radius: var(--p-radius-sm);
    background: var(--p-danger-soft);
    color: var(--p-text);
  }
  .error:empty {
    display: none;
  }
  .notice {
    margin: 0.75rem 0;
    padding: 0.6rem 0.8rem;
    border-radius: var(--p-radius-sm);
    background: var(--p-warning-soft);
    color: var(--p-warning-text);
  }
  .card {
    padding: 1.25rem;
    border: 1px solid var(--p-border);
    border-radius: var(--p-radius);
    background: var(--p-surface);
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.75rem;
    margin-top: 1rem;
  }
  .badge {
    display: inline-block;
    padding: 0.1rem 0.55rem;
    border-radius: 999px;
    background: var(--p-surface-2);
    font-size: 0.8125rem;
    font-weight: 600;
    white-space: nowrap;
  }
  .badge.open {
    background: var(--p-accent-soft);
  }
  .badge.pending {
    background: var(--p-warning-soft);
    color: var(--p-warning-text);
  }
`;
