/**
 * Product feedback from the widget: a score (1 terrible … 5 fantastic), a comment and screenshots,
 * read by every agent under "Feedback". Unlike a chat rating it is about the product, so it is a
 * document of its own, written once.
 *
 * Screenshots are uploads (POST /api/uploads) of the same visitor that no message or other feedback
 * uses. A claim per screenshot decides which feedback gets it when two race; the attachment is then
 * marked with the feedback's id, which keeps it out of messages. Agents read it through the usual
 * GET /api/attachments/:id; other visitors never see it (UploadsService.open).
 */
import { Types } from 'mongoose';
import type { z } from 'zod';
import type { feedbackListInput, sendFeedbackInput } from '../../../shared/schemas/visitor-features.js';
import type { FeedbackDTO, FeedbackListResult } from '../../../shared/visitor-features.js';
import type { RatingScore } from '../../../shared/workspace.js';
import { AppError, forbidden, isConflict } from '../../http/errors.js';
import type { Claims } from '../../store/claims.js';
import type { RateLimiter } from '../../store/rate-limiter.js';
import { customerFilter } from '../conversations/conversations.service.js';
import type { ConversationModel } from '../conversations/conversation.model.js';
import { customerKey, type CustomerPrincipal } from '../customers/customer-identity.js';
import { toAttachmentDTO, type AttachmentDoc, type AttachmentModel } from '../uploads/attachment.model.js';
import { toFeedbackDTO, type FeedbackDoc, type FeedbackModel } from './feedback.model.js';

type SendInput = z.output<typeof sendFeedbackInput>;
type ListInput = z.output<typeof feedbackListInput>;

/** Who hears of new feedback: every agent. */
export interface FeedbackEvents {
  feedbackCreated(feedback: FeedbackDTO): void;
}

/** How many of the visitor's conversations are read for a name and an email they gave. */
const RECENT_CONVERSATIONS = 20;
const HOUR_S = 3600;

export class FeedbackService {
  constructor(
    private readonly deps: {
      feedback: FeedbackModel;
      attachments: AttachmentModel;
      conversations: ConversationModel;
      claims: Claims;
      limiter: RateLimiter;
      perHour: number;
      events: FeedbackEvents;
    },
  ) {}

  async send(customer: CustomerPrincipal, input: SendInput): Promise<FeedbackDTO> {
    // The customer page (users and guests without the widget) has no visitor to keep it under.
    if (!customer.visitorId) throw forbidden('Send feedback from the widget on the site');
    const visitorId = new Types.ObjectId(customer.visitorId);
    const first = await this.deps.feedback.findOne({ visitorId, clientId: input.clientId }).lean();
    if (first) return toFeedbackDTO(first);

    const screenshotIds = input.screenshotIds ?? [];
    const screenshots = await this.usableScreenshots(screenshotIds, customerKey(customer));
    await this.deps.limiter.hit(
      { name: 'feedback', max: this.deps.perHour, windowSeconds: HOUR_S },
      customer.visitorId,
      `You can send feedback ${this.deps.perHour} times an hour; thank you, and please try again later`,
    );

    const id = new Types.ObjectId();
    // Owned by this send, not this attempt: a resend racing the first may share its claims, and the
    // unique index below then decides which of the two is stored.
    const owner = `${customer.visitorId}:${input.clientId}`;
    await this.claimScreenshots(screenshotIds, owner);
    const who = await this.whoIs(customer);
    let doc: FeedbackDoc;
    try {
      doc = (
        await this.deps.feedback.create({
          _id: id,
          siteKey: customer.siteKey,
          visitorId,
          clientId: input.clientId,
          score: input.score as RatingScore,
          comment: input.comment ? input.comment : null,
          screenshots: screenshots.map(toAttachmentDTO),
          userId: customer.user?.id ?? null,
          visitorName: who.name,
          visitorEmail: who.email,
          pageUrl: input.pageUrl?.trim() || null,
          locale: input.locale ?? 'en',
          createdAt: new Date(),
        })
      ).toObject();
    } catch (err) {
      if (!isConflict(err)) {
        await this.releaseScreenshots(screenshotIds, owner);
        throw err;
      }
      // The same send from another tab got in first: it is the one (and keeps the claims).
      const winner = await this.deps.feedback.findOne({ visitorId, clientId: input.clientId }).lean();
      if (!winner) throw err;
      return toFeedbackDTO(winner);
    }
    if (screenshotIds.length) {
      await this.deps.attachments.updateMany({ _id: { $in: screenshotIds.map((s) => new Types.ObjectId(s)) } }, { $set: { feedbackId: id } });
    }
    const dto = toFeedbackDTO(doc);
    this.deps.events.feedbackCreated(dto);
    return dto;
  }

  /** Newest first, paged by id (FerretDB pages cheaply by `_id`, not by skip); the average covers the whole filtered list. */
  async list(input: ListInput): Promise<FeedbackListResult> {
    const scope: Record<string, unknown> = input.siteKey ? { siteKey: input.siteKey } : {};
    const page: Record<string, unknown> = { ...scope };
    if (input.before !== undefined) {
      if (!/^[0-9a-f]{24}$/.test(input.before)) throw new AppError('VALIDATION', 'Invalid input: before must be the nextCursor of a previous page', [{ path: 'before', message: 'is not a cursor' }]);
      page._id = { $lt: new Types.ObjectId(input.before) };
    }
    const [docs, count, totals] = await Promise.all([
      this.deps.feedback.find(page).sort({ _id: -1 }).limit(input.limit + 1).lean(),
      this.deps.feedback.countDocuments(scope),
      // One accumulator per $group: FerretDB 1.24 has no $avg, and of several accumulators in one
      // $group it computes only the first (the others come back 0).
      this.deps.feedback.aggregate<{ sum: number }>([{ $match: scope }, { $group: { _id: null, sum: { $sum: '$score' } } }]),
    ]);
    const items = docs.slice(0, input.limit);
    const sum = totals[0]?.sum ?? 0;
    return {
      items: items.map(toFeedbackDTO),
      nextCursor: docs.length > input.limit ? items[items.length - 1]!._id.toHexString() : null,
      average: count > 0 ? Math.round((sum / count) * 100) / 100 : null,
      count,
    };
  }

  /** Checked before anything is written, so a bad screenshot leaves nothing behind. Another's upload reads as unknown. */
  private async usableScreenshots(ids: readonly string[], uploaderKey: string): Promise<AttachmentDoc[]> {
    if (ids.length === 0) return [];
    const docs = await this.deps.attachments.find({ _id: { $in: ids.map((s) => new Types.ObjectId(s)) } }).lean();
    const byId = new Map(docs.map((d) => [d._id.toHexString(), d]));
    return ids.map((id, i) => {
      const doc = byId.get(id);
      const refuse = (message: string) => new AppError('VALIDATION', `Invalid input: screenshot ${i + 1} ${message}`, [{ path: `screenshotIds.${i}`, message }]);
      if (!doc || doc.uploaderKey !== uploaderKey) throw refuse('is not one of your uploads; upload it again');
      if (doc.conversationId || doc.feedbackId) throw refuse('was already sent elsewhere; upload it again');
      if (!doc.type.startsWith('image/')) throw refuse(`("${doc.name}") is not an image; screenshots must be PNG, JPEG, GIF or WebP`);
      return doc;
    });
  }

  /** One feedback per screenshot, decided by the store (STORE.md): the loser gives back what it took. */
  private async claimScreenshots(ids: readonly string[], owner: string): Promise<void> {
    const taken: string[] = [];
    for (const [i, id] of ids.entries()) {
      const claim = `feedback-screenshot:${id}`;
      if (await this.deps.claims.take(claim, owner)) {
        taken.push(id);
        continue;
      }
      // Held by a resend of this same feedback from another tab: shared, and not ours to give back.
      if ((await this.deps.claims.get(claim))?.owner === owner) continue;
      await this.releaseScreenshots(taken, owner);
      const message = 'was already sent elsewhere; upload it again';
      throw new AppError('VALIDATION', `Invalid input: screenshot ${i + 1} ${message}`, [{ path: `screenshotIds.${i}`, message }]);
    }
  }

  private async releaseScreenshots(ids: readonly string[], owner: string): Promise<void> {
    await Promise.all(ids.map((id) => this.deps.claims.release(`feedback-screenshot:${id}`, owner)));
  }

  /** A logged-in user's name and email from the host's token; else what the visitor gave in their latest chats. */
  private async whoIs(customer: CustomerPrincipal): Promise<{ name: string | null; email: string | null }> {
    let name = customer.user?.name ?? null;
    let email = customer.user?.email ?? null;
    if (name && email) return { name, email };
    const recent = await this.deps.conversations.find(customerFilter(customer)).sort({ createdAt: -1 }).limit(RECENT_CONVERSATIONS).select({ visitorName: 1, visitorEmail: 1 }).lean();
    name ??= recent.find((c) => c.visitorName)?.visitorName ?? null;
    email ??= recent.find((c) => c.visitorEmail)?.visitorEmail ?? null;
    return { name, email };
  }
}
