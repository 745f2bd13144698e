import { css } from 'lit';

/**
 * A top-bar popup's host and its `.panel` (see controllers/popup.ts): anchored under the toggle at
 * the right edge, over the page. Each menu sets the panel's width, padding and layout after this.
 */
export const menuStyles = css`
  :host {
    position: relative;
    display: inline-block;
  }
  .panel {
    position: absolute;
    right: 0;
    top: calc(100% + 0.4rem);
    z-index: 20;
    width: min(20rem, calc(100vw - 1.5rem));
    border-radius: var(--ah-radius);
    border: 1px solid var(--ah-border);
    background: var(--ah-surface);
    box-shadow: var(--ah-shadow), 0 8px 24px rgb(16 24 40 / 12%);
  }
  .panel[hidden] {
    display: none;
  }
`;
