import { Schema, type Connection, type Model, type Types } from 'mongoose';
import type { AlertJobDTO, AlertJobState } from '../../../shared/alerts.js';

/**
 * The alert outbox: one collection of jobs with deterministic ids, so that writing a job twice
 * (a retry, a second node, a re-run after a crash) stores it once.
 *
 * - `event` jobs are written with the message that caused them (`<messageId>:<audience>`). When
 *   due, one of them leads its group (the same conversation and audience), takes the others that
 *   are pending along (coalescing), and turns them into deliveries.
 * - `email` and `push` jobs are single deliveries (`<lead event id>:<channel>:<recipient>`), each
 *   retried on its own with backoff.
 */
export type AlertAudience = 'customer' | 'created' | 'agent' | 'queue';

export interface AlertJobDoc {
  _id: string;
  kind: 'event' | 'email' | 'push';
  state: AlertJobState;
  /** Event jobs of one group coalesce: `<conversationId>:<audience>`. */
  group: string | null;
  audience: AlertAudience | null;
  conversationId: Types.ObjectId | null;
  messageId: Types.ObjectId | null;
  /** Set on an event job that another one (this id) took along into its alert. */
  coalescedInto: string | null;
  /** email: the address; push: the subscription's owner. */
  recipient: string | null;
  /** `link`: the customer's way back, logged when the mail only becomes a file on this machine. */
  mail: { to: string; subject: string; text: string; html: string; link?: string } | null;
  push: { subscriptionId: string; payload: string; topic: string; ttlSeconds: number; urgency: 'normal' | 'high' } | null;
  dueAt: Date;
  createdAt: Date;
  finishedAt: Date | null;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  outcome: string | null;
  /** How many times a silent worker's attempt was taken over (the delivery may have gone out). */
  takeovers: number;
}

export type AlertJobModel = Model<AlertJobDoc>;

export function alertJobModel(conn: Connection): AlertJobModel {
  const schema = new Schema<AlertJobDoc>(
    {
      _id: { type: String, required: true },
      kind: { type: String, required: true, enum: ['event', 'email', 'push'] },
      state: { type: String, required: true },
      group: { type: String, default: null },
      audience: { type: String, default: null },
      conversationId: { type: Schema.Types.ObjectId, default: null },
      messageId: { type: Schema.Types.ObjectId, default: null },
      coalescedInto: { type: String, default: null },
      recipient: { type: String, default: null },
      mail: { type: Schema.Types.Mixed, default: null },
      push: { type: Schema.Types.Mixed, default: null },
      dueAt: { type: Date, required: true },
      createdAt: { type: Date, required: true },
      finishedAt: { type: Date, default: null },
      attempts: { type: Number, default: 0 },
      maxAttempts: { type: Number, required: true },
      lastError: { type: String, default: null },
      outcome: { type: String, default: null },
      takeovers: { type: Number, default: 0 },
    },
    { versionKey: false },
  );
  // Equality on `state` (then the due time) is what the workers ask for; `group` finds a lead's company.
  schema.index({ state: 1, dueAt: 1 });
  schema.index({ group: 1, state: 1 });
  schema.index({ coalescedInto: 1 });
  return conn.model<AlertJobDoc>('AlertJob', schema, 'alert_jobs');
}

export function toAlertJobDTO(j: AlertJobDoc): AlertJobDTO {
  return {
    id: j._id,
    kind: j.kind,
    state: j.state,
    conversationId: j.conversationId?.toHexString() ?? null,
    recipient: j.recipient,
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    dueAt: j.dueAt.toISOString(),
    createdAt: j.createdAt.toISOString(),
    finishedAt: j.finishedAt?.toISOString() ?? null,
    lastError: j.lastError,
    outcome: j.outcome,
    takeovers: j.takeovers,
  };
}
