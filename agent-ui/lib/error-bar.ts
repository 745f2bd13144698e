import { html } from 'lit';

/**
 * The bar that says what failed to load, with "Try again" (styled by `viewStyles`). `busy` disables
 * the button while a retry runs.
 */
export function errorBar(message: string, retry: () => void, busy = false) {
  return html`<div class="bar error" role="alert">
    <span>${message}</span>
    <button class="btn btn-small" type="button" ?disabled=${busy} @click=${retry}>Try again</button>
  </div>`;
}
