import { css, html } from 'lit';

/**
 * The top bar's compact buttons: `.icon-btn` (with `.btn btn-small`) holds an icon from lib/icons.ts,
 * the words for assistive technology in `.sr-only`, and `tip()`, a tooltip shown on hover and on
 * keyboard focus (a `title` would show on hover only, and be read a second time).
 */
export const topBarButtonStyles = css`
  .icon-btn {
    position: relative;
    min-width: 2rem;
    padding-inline: 0.45rem;
    gap: 0.3rem;
  }
  .icon-btn .icon {
    flex-shrink: 0;
  }
  .tip {
    position: absolute;
    top: calc(100% + 0.45rem);
    right: 0;
    z-index: 30;
    padding: 0.3rem 0.55rem;
    border-radius: var(--ah-radius-sm);
    background: var(--ah-text);
    color: var(--ah-bg);
    font-size: 0.75rem;
    font-weight: 500;
    white-space: nowrap;
    pointer-events: none;
    opacity: 0;
    visibility: hidden;
  }
  .icon-btn:hover .tip,
  .icon-btn:focus-visible .tip {
    opacity: 1;
    visibility: visible;
    transition: opacity 120ms ease 250ms;
  }
  /* The panel it opens says the same, bigger. */
  .icon-btn[aria-expanded='true'] .tip {
    display: none;
  }
`;

/** The tooltip of an `.icon-btn`; its words are the button's accessible name already, so hidden from AT. */
export function tip(text: string) {
  return html`<span class="tip" aria-hidden="true">${text}</span>`;
}
