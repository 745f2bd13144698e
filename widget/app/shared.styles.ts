import { css } from 'lit';

/**
 * Rules every part of the panel uses. The theme lives in custom properties the host page may set
 * (on `chat-hybrid-widget` or any ancestor); the panel turns them into private `--_*` properties
 * with defaults, which its parts inherit.
 */
export const sharedStyles = css`
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
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
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-height: 40px;
    padding: 8px 16px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    background: var(--_background);
    font-weight: 600;
  }
  .button:hover {
    background: var(--_surface);
  }
  .button.primary {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_accent-text);
  }
  .button.primary:hover {
    filter: brightness(1.08);
  }
  .button.danger {
    border-color: var(--_danger);
    background: var(--_danger);
    color: #fff;
  }
  .button[aria-disabled='true'] {
    opacity: 0.65;
    cursor: progress;
  }
`;
