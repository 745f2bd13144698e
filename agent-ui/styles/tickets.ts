import { css } from 'lit';

/** The ticket status badge and priority mark, shared by the ticket list and the ticket view. */
export const ticketBadgeStyles = css`
  .badge {
    display: inline-block;
    padding: 0.1rem 0.55rem;
    border-radius: 999px;
    font-size: 0.75rem;
    font-weight: 650;
    line-height: 1.35;
    white-space: nowrap;
    border: 1px solid transparent;
  }
  .badge.open {
    background: #fde2e1;
    color: #a61b1b;
  }
  .badge.pending {
    background: #dbe7ff;
    color: #1f3f9a;
  }
  .badge.solved {
    background: #dff3e4;
    color: #1d6b30;
  }
  .badge.closed {
    background: var(--ah-surface-2);
    border-color: var(--ah-border);
    color: var(--ah-text-muted);
  }
  @media (prefers-color-scheme: dark) {
    .badge.open {
      background: #4a1f22;
      color: #ffb3b3;
    }
    .badge.pending {
      background: #1f2b4d;
      color: #b3c7ff;
    }
    .badge.solved {
      background: #1d3a26;
      color: #a6e8b4;
    }
  }
  .priority {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    white-space: nowrap;
  }
  .priority::before {
    content: '';
    width: 0.5rem;
    height: 0.5rem;
    border-radius: 50%;
    background: var(--ah-border);
  }
  .priority.normal::before {
    background: var(--ah-text-muted);
  }
  .priority.high::before {
    background: #e8590c;
  }
  .priority.urgent {
    color: var(--ah-danger);
    font-weight: 650;
  }
  .priority.urgent::before {
    background: var(--ah-danger);
  }
`;
