import { css } from 'lit';

/**
 * The look every modal `<dialog>` of the agent UI shares: the box and its backdrop, the heading, the
 * `.dialog-body` grid inside it (a form or a div; a dialog without one sets its own padding), the
 * `.lead` under the heading, the `.error` message and the `.buttons` row. Each dialog sets its own
 * width (`dialog { width: min(…, calc(100vw - 2rem)) }`) and any other rule after this one.
 */
export const dialogStyles = css`
  dialog {
    width: min(30rem, calc(100vw - 2rem));
    padding: 0;
    border: 1px solid var(--ah-border);
    border-radius: 14px;
    background: var(--ah-surface);
    color: var(--ah-text);
    box-shadow: 0 12px 40px rgb(0 0 0 / 25%);
  }
  dialog::backdrop {
    background: rgb(15 18 30 / 45%);
  }
  .dialog-body {
    display: grid;
    gap: 0.9rem;
    padding: 1.25rem 1.4rem 1.2rem;
  }
  h2 {
    margin: 0;
    font-size: 1.0625rem;
    font-weight: 650;
  }
  .lead {
    margin: -0.4rem 0 0;
    font-size: 0.875rem;
    color: var(--ah-text-muted);
  }
  .error {
    margin: 0;
    padding: 0.5rem 0.7rem;
    border-radius: var(--ah-radius-sm);
    background: var(--ah-danger-soft);
    color: var(--ah-danger);
    font-size: 0.875rem;
  }
  .buttons {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
  }
`;
