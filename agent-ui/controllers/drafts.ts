/**
 * What the agent has typed but not sent, per conversation: the text, the files already uploaded
 * for it, and whether the ticket composer is on "Internal note". Kept for the whole session, so
 * switching between chats, tickets and the two views never loses a half-written reply.
 */
import type { AttachmentDTO } from '../../shared/types.js';

export type ComposeMode = 'reply' | 'note';

export interface Draft {
  text: string;
  attachments: readonly AttachmentDTO[];
  mode: ComposeMode;
}

const EMPTY: Draft = { text: '', attachments: [], mode: 'reply' };

export class Drafts {
  private readonly drafts = new Map<string, Draft>();

  get(conversationId: string): Draft {
    return this.drafts.get(conversationId) ?? EMPTY;
  }

  update(conversationId: string, patch: Partial<Draft>): Draft {
    const next = { ...this.get(conversationId), ...patch };
    if (!next.text && !next.attachments.length && next.mode === 'reply') this.drafts.delete(conversationId);
    else this.drafts.set(conversationId, next);
    return next;
  }

  addAttachments(conversationId: string, added: readonly AttachmentDTO[]): Draft {
    const current = this.get(conversationId).attachments;
    return this.update(conversationId, { attachments: [...current, ...added.filter((a) => !current.some((c) => c.id === a.id))] });
  }

  removeAttachment(conversationId: string, attachmentId: string): Draft {
    return this.update(conversationId, { attachments: this.get(conversationId).attachments.filter((a) => a.id !== attachmentId) });
  }
}
