import { css } from 'lit';
import type { AgentStatus } from '../../../shared/workspace.js';

export const STATUS_TEXT: Record<AgentStatus, string> = { online: 'Online', away: 'Away', offline: 'Offline' };

/** The coloured status dot: `<span class="presence-dot online" aria-hidden="true">`. */
export const presenceDotStyles = css`
  .presence-dot {
    display: inline-block;
    flex-shrink: 0;
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    background: var(--ah-text-muted);
    box-sizing: border-box;
  }
  .presence-dot.online {
    background: var(--ah-success);
  }
  .presence-dot.away {
    background: transparent;
    border: 2px solid #e0a400;
  }
  .presence-dot.offline {
    background: transparent;
    border: 2px solid var(--ah-text-muted);
  }
`;
