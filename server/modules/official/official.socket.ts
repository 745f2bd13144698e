/** The visitor's official-channel check; the rules live in OfficialService and normalize.ts. */
import type { VisitorHandlers, VisitorSocket } from '../../realtime/io.js';
import type { OfficialService } from './official.service.js';

export function officialVisitorHandlers(socket: VisitorSocket, deps: { official: OfficialService }): Pick<VisitorHandlers, 'official:check'> {
  const customer = socket.data.customer;
  return {
    // Only the socket's own site's list: a visitor of one site learns nothing about another's.
    'official:check': (input) => deps.official.check(customer, input.value),
  };
}
