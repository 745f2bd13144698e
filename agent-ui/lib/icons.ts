/**
 * The few icons of the top bar, inline so they need no request and take the text colour. Shapes
 * after Lucide (ISC licence). Always decorative: the button around one carries the words.
 */
import { html, svg, type SVGTemplateResult } from 'lit';

export type IconName = 'bell' | 'star' | 'star-filled' | 'keyboard' | 'canned' | 'chevron-down' | 'sign-out' | 'feedback';

const PATHS: Record<IconName, SVGTemplateResult> = {
  bell: svg`<path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" /><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />`,
  star: svg`<polygon points="12 2 15.09 8.26 22 9.27 17 14.14 18.18 21.02 12 17.77 5.82 21.02 7 14.14 2 9.27 8.91 8.26 12 2" />`,
  'star-filled': svg`<polygon fill="currentColor" points="12 2 15.09 8.26 22 9.27 17 14.14 18.18 21.02 12 17.77 5.82 21.02 7 14.14 2 9.27 8.91 8.26 12 2" />`,
  keyboard: svg`<rect width="20" height="16" x="2" y="4" rx="2" /><path d="M6 8h.01M10 8h.01M14 8h.01M18 8h.01M8 12h.01M12 12h.01M16 12h.01M7 16h10" />`,
  canned: svg`<path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" /><path d="M13 8H7M17 12H7" />`,
  'chevron-down': svg`<path d="m6 9 6 6 6-6" />`,
  'sign-out': svg`<path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4" /><path d="m16 17 5-5-5-5M21 12H9" />`,
  feedback: svg`<circle cx="12" cy="12" r="10" /><path d="M8 14s1.5 2 4 2 4-2 4-2M9 9h.01M15 9h.01" />`,
};

/** An 18 px (1.125rem) icon in the current text colour, hidden from assistive technology. */
export function icon(name: IconName) {
  return html`<svg
    class="icon"
    viewBox="0 0 24 24"
    width="18"
    height="18"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >${PATHS[name]}</svg>`;
}
