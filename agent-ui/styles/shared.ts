import { css } from 'lit';

/** Base rules every component includes: box sizing, focus ring, buttons and screen-reader-only text. */
export const baseStyles = css`
  :host {
    font-family: var(--ah-font);
    color: var(--ah-text);
    box-sizing: border-box;
  }
  /* A component's own :host display would otherwise beat the browser's [hidden] rule. */
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 2px solid var(--ah-focus);
    outline-offset: 2px;
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
  button {
    font: inherit;
    cursor: pointer;
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.35rem;
    min-height: 2.25rem;
    padding: 0.4rem 0.9rem;
    border-radius: var(--ah-radius-sm);
    border: 1px solid var(--ah-border);
    background: var(--ah-surface);
    color: var(--ah-text);
    font-weight: 550;
    font-size: 0.875rem;
    line-height: 1.2;
    white-space: nowrap;
    transition:
      background-color 120ms ease,
      border-color 120ms ease;
  }
  .btn:hover:not(:disabled) {
    background: var(--ah-surface-2);
  }
  .btn-primary {
    background: var(--ah-accent);
    border-color: var(--ah-accent);
    color: var(--ah-accent-text);
  }
  .btn-primary:hover:not(:disabled) {
    background: var(--ah-accent-hover);
    border-color: var(--ah-accent-hover);
  }
  .btn-danger {
    color: var(--ah-danger);
  }
  .btn-danger-solid {
    background: var(--ah-danger);
    border-color: var(--ah-danger);
    color: #fff;
  }
  .btn-danger-solid:hover:not(:disabled) {
    background: var(--ah-danger);
    filter: brightness(0.92);
  }
  .btn-small {
    min-height: 1.9rem;
    padding: 0.25rem 0.65rem;
    font-size: 0.8125rem;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;

/**
 * What the full-height views (a chat, a ticket, the ticket list) share: the header strip, the view's
 * title, and the bars under the header: `.bar` says why something cannot be done, `.bar.error` what
 * failed (lib/error-bar.ts draws one with "Try again").
 */
export const viewStyles = css`
  header {
    border-bottom: 1px solid var(--ah-border);
    background: var(--ah-surface);
  }
  h2 {
    margin: 0;
    font-size: 1.125rem;
    font-weight: 650;
    overflow-wrap: anywhere;
  }
  .bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1rem;
    margin: 0;
    padding: 0.55rem 1.25rem;
    font-size: 0.875rem;
    background: var(--ah-surface-2);
    border-bottom: 1px solid var(--ah-border);
    color: var(--ah-text-muted);
  }
  .bar.error {
    background: var(--ah-danger-soft);
    color: var(--ah-danger);
  }
`;

/**
 * One look for text fields, selects and text areas; each form sets its own size. `:where()` keeps
 * it at zero specificity, so any rule of the component wins over it.
 */
export const fieldStyles = css`
  :where(input:not([type='checkbox'], [type='radio'], [type='file']), select, textarea) {
    font: inherit;
    border-radius: var(--ah-radius-sm);
    border: 1px solid var(--ah-border);
    background: var(--ah-surface-2);
    color: var(--ah-text);
  }
`;

/** A page that is one centred card (sign-in, accepting an invitation); `--card-width` sizes it. */
export const cardPageStyles = css`
  :host {
    display: grid;
    place-items: center;
    min-height: 100%;
    padding: 1.5rem;
    background: var(--ah-bg);
  }
  .card {
    width: min(100%, var(--card-width, 24rem));
    padding: 2rem;
    border-radius: 14px;
    background: var(--ah-surface);
    border: 1px solid var(--ah-border);
    box-shadow: var(--ah-shadow);
  }
  form {
    display: grid;
    gap: 1rem;
  }
  .field {
    display: grid;
    gap: 0.35rem;
  }
  label {
    font-size: 0.875rem;
    font-weight: 550;
  }
  input {
    font-size: 0.9375rem;
    padding: 0.6rem 0.75rem;
    background: var(--ah-surface);
  }
`;
