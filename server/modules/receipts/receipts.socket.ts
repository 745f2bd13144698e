/** Read receipts: the visitor's `conversation:read` and the `receipts:changed` broadcast. */
import { customerRooms } from '../../realtime/broadcast.js';
import type { AgentNamespace, VisitorHandlers, VisitorNamespace, VisitorSocket } from '../../realtime/io.js';
import { rooms } from '../../realtime/rooms.js';
import type { ReceiptEvents, ReceiptsService } from './receipts.service.js';

export function receiptVisitorHandlers(socket: VisitorSocket, deps: { receipts: ReceiptsService }): Pick<VisitorHandlers, 'conversation:read'> {
  const customer = socket.data.customer;
  return {
    'conversation:read': (input) => deps.receipts.visitorRead(customer, input.conversationId, input.seq),
  };
}

/**
 * To the visitor's tabs (as `message:created` reaches them) and to the agents who opened the
 * conversation. Agents' read markers stay per agent (`reads:changed`); this is the shared mark.
 */
export function receiptBroadcaster(visitors: VisitorNamespace, agents: AgentNamespace): ReceiptEvents {
  return {
    receiptsChanged(conv, receipts) {
      visitors.to(customerRooms(conv)).emit('receipts:changed', receipts);
      agents.to(rooms.conversation(receipts.conversationId)).emit('receipts:changed', receipts);
    },
  };
}
