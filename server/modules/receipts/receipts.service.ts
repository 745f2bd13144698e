/**
 * Read receipts: how far the visitor (any of their tabs) and the agents (any agent who opened the
 * conversation) have read it. Both marks are only ever raised and never pass the conversation's
 * lastSeq; each raise is announced to the conversation's visitor and agents.
 */
import type { ReadReceiptsDTO } from '../../../shared/visitor-features.js';
import { AppError, isConflict } from '../../http/errors.js';
import { DocLocks } from '../../store/doc-locks.js';
import type { CustomerPrincipal } from '../customers/customer-identity.js';
import type { ConversationDoc } from '../conversations/conversation.model.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { ReadReceiptModel } from './read-receipt.model.js';

type Side = 'visitorSeq' | 'agentSeq';

/** Where a raise is announced: the conversation's rooms in both namespaces. */
export interface ReceiptEvents {
  receiptsChanged(conversation: ConversationDoc, receipts: ReadReceiptsDTO): void;
}

export class ReceiptsService {
  /**
   * Serializes this process's writes to one receipt document: the visitor's and the agents' raises
   * update different fields of it, which FerretDB would otherwise lose (STORE.md).
   */
  private readonly locks = new DocLocks();

  constructor(
    private readonly deps: {
      receipts: ReadReceiptModel;
      chats: ConversationsService;
      events: ReceiptEvents;
    },
  ) {}

  /** The receipts of a conversation; zeros before anyone read it. */
  async get(conversationId: string): Promise<ReadReceiptsDTO> {
    const doc = await this.deps.receipts.findById(conversationId).lean();
    return { conversationId, visitorSeq: doc?.visitorSeq ?? 0, agentSeq: doc?.agentSeq ?? 0 };
  }

  /**
   * The visitor has seen their conversation up to `seq`. Anyone else's conversation, or one that
   * does not exist, is FORBIDDEN alike, so the answer reveals nothing about other conversations.
   */
  async visitorRead(customer: CustomerPrincipal, conversationId: string, seq: number): Promise<ReadReceiptsDTO> {
    let conv: ConversationDoc;
    try {
      conv = await this.deps.chats.visible({ kind: 'visitor', customer }, conversationId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') throw new AppError('FORBIDDEN', 'Only the visitor of a conversation can mark it as read');
      throw err;
    }
    return this.raise(conv, 'visitorSeq', seq);
  }

  /** An agent has seen the conversation up to `seq` (the agent's `conversation:read`). */
  agentRead(conv: ConversationDoc, seq: number): Promise<ReadReceiptsDTO> {
    return this.raise(conv, 'agentSeq', seq);
  }

  private async raise(conv: ConversationDoc, side: Side, seq: number): Promise<ReadReceiptsDTO> {
    const id = conv._id.toHexString();
    const target = Math.min(seq, conv.lastSeq);
    const { receipts } = this.deps;
    const result = await this.locks.run(id, async () => {
      const current = await this.get(id);
      if (current[side] >= target) return { receipts: current, raised: false };
      const other: Side = side === 'visitorSeq' ? 'agentSeq' : 'visitorSeq';
      const now = new Date();
      try {
        // $max keeps it monotonic on MongoDB even across nodes; the lock does so on one FerretDB node.
        await receipts.updateOne({ _id: id }, { $max: { [side]: target }, $set: { updatedAt: now }, $setOnInsert: { [other]: 0 } }, { upsert: true });
      } catch (err) {
        // Two nodes inserting the same document at once: the other's insert won; raise it instead.
        if (!isConflict(err)) throw err;
        await receipts.updateOne({ _id: id }, { $max: { [side]: target }, $set: { updatedAt: now } });
      }
      return { receipts: await this.get(id), raised: true };
    });
    if (result.raised) this.deps.events.receiptsChanged(conv, result.receipts);
    return result.receipts;
  }
}
