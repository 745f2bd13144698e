/**
 * "Email me the transcript": the visitor, present in the widget, asks for their conversation by
 * email. Sent straight through the mailer, not the alert outbox: the visitor waits for the answer
 * and can ask again, and an alert's rules (coalescing, opt-outs) do not apply to a mail asked for.
 *
 * What goes in is what the visitor saw: their messages and the agents', with file names, and the
 * readable events (who joined, who ended it, the ticket number). Internal notes live in their own
 * collection and are never read here; system events of kinds not listed are left out.
 *
 * Anyone can type any address into the widget, so the address is bounded twice: per conversation
 * (3 an hour) and per recipient (10 an hour, across conversations), and an address given for an
 * anonymous chat is kept on it, so later requests go to the same place.
 */
import type { TranscriptSentDTO } from '../../../shared/workspace.js';
import type { SystemEvent } from '../../../shared/types.js';
import { AppError } from '../../http/errors.js';
import type { Logger } from '../../logger.js';
import type { RateLimiter } from '../../store/rate-limiter.js';
import type { CustomerPrincipal } from '../customers/customer-identity.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { MessageModel } from '../conversations/message.model.js';
import type { Mailer } from '../mail/mailer.js';
import { eventText, transcriptMail, type TranscriptEvent, type TranscriptLine } from '../mail/transcript-mail.js';

export const TRANSCRIPT_LIMITS = {
  perConversation: { name: 'transcript-conversation', max: 3, windowSeconds: 3600 },
  perRecipient: { name: 'transcript-email', max: 10, windowSeconds: 3600 },
};
/** A transcript holds at most this many messages; longer conversations say they were cut. */
export const MAX_TRANSCRIPT_MESSAGES = 2000;

/** The system events a transcript shows, with only the fields it needs (nothing else is copied). */
function readableEvent(system: SystemEvent | null): TranscriptEvent | null {
  switch (system?.kind) {
    case 'agent.joined':
      return { kind: 'agent.joined', agentName: system.agentName };
    case 'chat.ended':
      return { kind: 'chat.ended', by: system.by };
    case 'ticket.created':
      return { kind: 'ticket.created', number: system.number };
    case 'ticket.follow-up':
      return { kind: 'ticket.follow-up', of: system.of };
    default:
      return null;
  }
}

export class TranscriptsService {
  constructor(
    private readonly deps: {
      chats: ConversationsService;
      messages: MessageModel;
      limiter: RateLimiter;
      mailer: Mailer;
      log: Logger;
    },
  ) {}

  async send(customer: CustomerPrincipal, input: { conversationId: string; email?: string | undefined; timeZone?: string | undefined }): Promise<TranscriptSentDTO> {
    const { chats, limiter } = this.deps;
    const conv = await chats.visible({ kind: 'visitor', customer }, input.conversationId);
    const to = conv.visitorEmail ?? input.email ?? null;
    if (!to) {
      throw new AppError('VALIDATION', 'Invalid input: email is needed to send the transcript', [{ path: 'email', message: 'is required' }]);
    }
    const limited = 'You asked for this transcript too often; please try again later';
    await limiter.hit(TRANSCRIPT_LIMITS.perConversation, conv._id.toHexString(), limited);
    await limiter.hit(TRANSCRIPT_LIMITS.perRecipient, to, limited);

    if (!conv.visitorEmail) {
      // Only when none is set: an address already on the conversation is never replaced from here.
      await chats.updateDoc(conv._id, { $set: { visitorEmail: to } }, { visitorEmail: null });
      chats.events.conversationUpdated(await chats.load(conv._id), false);
    }

    const docs = await this.deps.messages
      .find({ conversationId: conv._id })
      .sort({ seq: 1 })
      .limit(MAX_TRANSCRIPT_MESSAGES + 1)
      .lean();
    const truncated = docs.length > MAX_TRANSCRIPT_MESSAGES;
    const lines: TranscriptLine[] = [];
    for (const m of docs.slice(0, MAX_TRANSCRIPT_MESSAGES)) {
      if (m.authorType === 'system') {
        const event = readableEvent(m.system);
        if (event) lines.push({ kind: 'event', at: m.createdAt, text: eventText(conv.locale, event) });
        continue;
      }
      lines.push({
        kind: 'message',
        from: m.authorType,
        name: m.authorName,
        at: m.createdAt,
        body: m.body,
        files: (m.attachments ?? []).map((a) => a.name),
      });
    }
    const mail = transcriptMail(conv.locale, {
      lines,
      timeZone: input.timeZone ?? 'UTC',
      startedAt: conv.createdAt,
      ticketNumber: conv.ticketNumber,
      ...(truncated ? { truncatedAt: MAX_TRANSCRIPT_MESSAGES } : {}),
    });
    try {
      await this.deps.mailer.send({ to, ...mail });
    } catch {
      // The mailer logged why; the visitor may simply ask again.
      throw new AppError('UNAVAILABLE', 'The transcript could not be sent right now; please try again later');
    }
    this.deps.log.info({ conversationId: conv._id.toHexString(), lines: lines.length }, 'transcript sent');
    return { sentTo: to };
  }
}
