/** Labels, read markers and search: agent-namespace commands; the rules live in WorkspaceService. */
import type { AgentHandlers, AgentNamespace, AgentSocket } from '../../realtime/io.js';
import { rooms } from '../../realtime/rooms.js';
import type { ReadEvents, WorkspaceService } from './workspace.service.js';

export function workspaceAgentHandlers(
  socket: AgentSocket,
  deps: { workspace: WorkspaceService },
): Pick<AgentHandlers, 'conversation:labels' | 'conversation:read' | 'reads:list' | 'search'> {
  const agent = socket.data.agent;
  return {
    'conversation:labels': (input) => deps.workspace.setLabels(agent, input.conversationId, input.labels),
    'conversation:read': (input) => deps.workspace.markRead(agent, input.conversationId, input.seq),
    'reads:list': (input) => deps.workspace.reads(agent, input.conversationIds),
    search: (input) => deps.workspace.search(input.q, input.limit),
  };
}

export function readBroadcaster(agents: AgentNamespace): ReadEvents {
  return {
    readChanged(agentId, read) {
      agents.to(rooms.agent(agentId)).emit('reads:changed', read);
    },
  };
}
