import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { Locale } from '../../../shared/schemas/common.js';
import type { AttachmentDTO } from '../../../shared/types.js';
import type { FeedbackDTO } from '../../../shared/visitor-features.js';
import type { RatingScore } from '../../../shared/workspace.js';

/** A visitor's rating of the product (not of a chat). Written once, never updated. */
export interface FeedbackDoc {
  _id: Types.ObjectId;
  siteKey: string;
  visitorId: Types.ObjectId;
  /** The widget's id for this send: a resend finds the first through the unique index. */
  clientId: string;
  score: RatingScore;
  comment: string | null;
  /** Copies of the attachments' DTOs; the files stay in the uploads module, marked with this feedback's id. */
  screenshots: AttachmentDTO[];
  /** A logged-in user's (from the host's verified token); else null. */
  userId: string | null;
  visitorName: string | null;
  visitorEmail: string | null;
  pageUrl: string | null;
  locale: Locale;
  createdAt: Date;
}

export type FeedbackModel = Model<FeedbackDoc>;

export function feedbackModel(conn: Connection): FeedbackModel {
  const schema = new Schema<FeedbackDoc>(
    {
      siteKey: { type: String, required: true, index: true },
      visitorId: { type: Schema.Types.ObjectId, required: true },
      clientId: { type: String, required: true },
      score: { type: Number, required: true, min: 1, max: 5 },
      comment: { type: String, default: null },
      screenshots: { type: Schema.Types.Mixed, default: () => [] },
      userId: { type: String, default: null },
      visitorName: { type: String, default: null },
      visitorEmail: { type: String, default: null },
      pageUrl: { type: String, default: null },
      locale: { type: String, required: true },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  // Decides idempotency: a resend (two tabs, a retry after a lost ack) cannot store a second copy.
  schema.index({ visitorId: 1, clientId: 1 }, { unique: true });
  return conn.model<FeedbackDoc>('Feedback', schema, 'feedback');
}

export function toFeedbackDTO(f: FeedbackDoc): FeedbackDTO {
  return {
    id: f._id.toHexString(),
    siteKey: f.siteKey,
    score: f.score,
    comment: f.comment,
    screenshots: f.screenshots ?? [],
    visitor: { id: f.visitorId.toHexString(), name: f.visitorName, email: f.visitorEmail, userId: f.userId },
    pageUrl: f.pageUrl,
    locale: f.locale,
    createdAt: f.createdAt.toISOString(),
  };
}
