/** Product feedback: visitors send it, agents list it and hear of it live; the rules live in FeedbackService. */
import type { AgentHandlers, AgentNamespace, VisitorHandlers, VisitorSocket } from '../../realtime/io.js';
import type { FeedbackEvents, FeedbackService } from './feedback.service.js';

export function feedbackVisitorHandlers(socket: VisitorSocket, deps: { feedback: FeedbackService }): Pick<VisitorHandlers, 'feedback:send'> {
  const customer = socket.data.customer;
  return {
    'feedback:send': (input) => deps.feedback.send(customer, input),
  };
}

/** Every agent may read feedback (it is about the product, not about anyone's chat). */
export function feedbackAgentHandlers(deps: { feedback: FeedbackService }): Pick<AgentHandlers, 'feedback:list'> {
  return {
    'feedback:list': (input) => deps.feedback.list(input),
  };
}

/** New feedback goes to every agent's socket, like presence changes; with an adapter, on every node. */
export function feedbackBroadcaster(agents: AgentNamespace): FeedbackEvents {
  return {
    feedbackCreated(feedback) {
      agents.emit('feedback:created', feedback);
    },
  };
}
