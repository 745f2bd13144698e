/** End-of-chat commands: the visitor's rating and transcript, and the agents' rating averages. */
import type { AgentHandlers, AgentSocket, VisitorHandlers, VisitorSocket } from '../../realtime/io.js';
import type { RatingsService } from './ratings.service.js';
import type { TranscriptsService } from './transcripts.service.js';

interface Deps {
  ratings: RatingsService;
  transcripts: TranscriptsService;
}

export function ratingVisitorHandlers(socket: VisitorSocket, deps: Deps): Pick<VisitorHandlers, 'conversation:rate' | 'conversation:transcript'> {
  const customer = socket.data.customer;
  return {
    'conversation:rate': (input) => deps.ratings.rate(customer, input),
    'conversation:transcript': (input) => deps.transcripts.send(customer, input),
  };
}

export function ratingAgentHandlers(socket: AgentSocket, deps: Deps): Pick<AgentHandlers, 'ratings:summary'> {
  const agent = socket.data.agent;
  return {
    'ratings:summary': () => deps.ratings.summary(agent),
  };
}
