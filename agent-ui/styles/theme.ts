import { css } from 'lit';

/**
 * Design tokens, set once on `<agent-app>`: custom properties inherit through every shadow root
 * below it, so components only read them (`var(--ah-…)`).
 */
export const themeTokens = css`
  :host {
    --ah-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif;
    --ah-bg: #f4f5f8;
    --ah-surface: #ffffff;
    --ah-surface-2: #f7f8fb;
    --ah-border: #e2e5ec;
    --ah-text: #1b1f29;
    --ah-text-muted: #5b6375;
    --ah-accent: #3b5bdb;
    --ah-accent-hover: #2f4bc0;
    --ah-accent-text: #ffffff;
    --ah-accent-soft: #e8edff;
    --ah-danger: #c92a2a;
    --ah-danger-soft: #fff0f0;
    --ah-warning-soft: #fff6d9;
    --ah-warning-text: #6b4e00;
    --ah-success: #2b8a3e;
    --ah-bubble-visitor: #eef0f4;
    --ah-note-bg: #fff8db;
    --ah-note-border: #f0c94a;
    --ah-note-text: #5c4400;
    --ah-focus: #4c6ef5;
    --ah-radius: 10px;
    --ah-radius-sm: 6px;
    --ah-shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 10%);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --ah-bg: #12141a;
      --ah-surface: #1a1d25;
      --ah-surface-2: #20242e;
      --ah-border: #2e3340;
      --ah-text: #e8eaf0;
      --ah-text-muted: #a0a7b8;
      --ah-accent: #5c7cfa;
      --ah-accent-hover: #748ffc;
      --ah-accent-text: #0d1020;
      --ah-accent-soft: #25305a;
      --ah-danger: #ff8787;
      --ah-danger-soft: #3a1f22;
      --ah-warning-soft: #3a3220;
      --ah-warning-text: #ffe08a;
      --ah-success: #69db7c;
      --ah-bubble-visitor: #262a35;
      --ah-note-bg: #332b14;
      --ah-note-border: #8a6d1c;
      --ah-note-text: #ffe08a;
      --ah-focus: #91a7ff;
      --ah-shadow: 0 1px 2px rgb(0 0 0 / 40%);
    }
  }
`;
