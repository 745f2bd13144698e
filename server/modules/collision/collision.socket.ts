/**
 * Collision warnings on the agent namespace: `conversation:view` opens and closes a view, and the
 * agents' `typing:set` (conversations.socket.ts relays it to the visitor) also marks the agent as
 * typing for the other viewers. Viewers hear `conversation:viewers` whenever that changes.
 */
import type { AgentHandlers, AgentSocket } from '../../realtime/io.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import { ConversationViewers } from './viewers.js';

interface Deps {
  conversations: ConversationsService;
  viewers: ConversationViewers;
}

/**
 * `typingSet` is the conversations module's own `typing:set`: it runs first (checks the socket
 * opened the conversation, tells the visitor), then the viewers hear of it.
 */
export function collisionAgentHandlers(
  socket: AgentSocket,
  deps: Deps,
  typingSet: AgentHandlers['typing:set'],
): Pick<AgentHandlers, 'conversation:view' | 'typing:set'> {
  const { viewers } = deps;
  const agent = socket.data.agent;
  socket.on('disconnect', () => viewers.disconnected(socket));
  return {
    'conversation:view': async ({ conversationId, viewing }) => {
      let changed: boolean;
      if (viewing) {
        const already = ConversationViewers.state(socket).viewing.includes(conversationId);
        // Agents may see every conversation; this only refuses ids that do not exist.
        if (!already) await deps.conversations.visible({ kind: 'agent', agent }, conversationId);
        changed = await viewers.open(socket, conversationId);
      } else {
        changed = await viewers.close(socket, conversationId);
      }
      // A closed view no longer hears the broadcast, so the ack tells it the outcome.
      return changed ? viewers.announce(conversationId) : viewers.snapshot(conversationId);
    },
    'typing:set': async (input) => {
      const result = await typingSet(input);
      viewers.setTyping(socket, input.conversationId, input.typing);
      return result;
    },
  };
}
