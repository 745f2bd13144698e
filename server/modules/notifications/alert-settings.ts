/**
 * Who wants which alerts, and the browsers that subscribed to push. Owners are logged-in customers
 * (`user:<siteKey>:<userId>`) and agents (`agent:<id>`); guests are reached by email only.
 */
import { createHash } from 'node:crypto';
import { Schema, type Connection, type Model } from 'mongoose';
import type { PushSubscriptionInput } from '../../../shared/schemas/alerts.js';
import { AppError } from '../../http/errors.js';

export interface PushSubscriptionDoc {
  /** sha256 of the endpoint: a browser that subscribes again is stored once. */
  _id: string;
  owner: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  createdAt: Date;
}

export interface AlertPrefsDoc {
  _id: string;
  email: boolean;
  push: boolean;
  updatedAt: Date;
}

export type PushSubscriptionModel = Model<PushSubscriptionDoc>;
export type AlertPrefsModel = Model<AlertPrefsDoc>;

export function pushSubscriptionModel(conn: Connection): PushSubscriptionModel {
  const schema = new Schema<PushSubscriptionDoc>(
    {
      _id: { type: String, required: true },
      owner: { type: String, required: true },
      endpoint: { type: String, required: true },
      keys: { p256dh: { type: String, required: true }, auth: { type: String, required: true } },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  schema.index({ owner: 1 });
  return conn.model<PushSubscriptionDoc>('PushSubscription', schema, 'push_subscriptions');
}

export function alertPrefsModel(conn: Connection): AlertPrefsModel {
  const schema = new Schema<AlertPrefsDoc>(
    { _id: { type: String, required: true }, email: { type: Boolean, required: true }, push: { type: Boolean, required: true }, updatedAt: { type: Date, required: true } },
    { versionKey: false },
  );
  return conn.model<AlertPrefsDoc>('AlertPrefs', schema, 'alert_prefs');
}

/** A browser per device is plenty; past this the oldest subscription of the owner makes room. */
const MAX_SUBSCRIPTIONS_PER_OWNER = 10;

export const userOwner = (siteKey: string, userId: string) => `user:${siteKey}:${userId}`;
export const agentOwner = (agentId: string) => `agent:${agentId}`;

export class AlertSettings {
  constructor(
    private readonly subscriptions: PushSubscriptionModel,
    private readonly prefs: AlertPrefsModel,
    private readonly opts: { allowHttpEndpoints: boolean },
  ) {}

  /** Both on unless the owner turned them off. */
  async prefsOf(owner: string): Promise<{ email: boolean; push: boolean }> {
    const p = await this.prefs.findById(owner).lean();
    return { email: p?.email ?? true, push: p?.push ?? true };
  }

  async summary(owner: string): Promise<{ email: boolean; push: boolean; pushSubscriptions: number }> {
    const [prefs, count] = await Promise.all([this.prefsOf(owner), this.subscriptions.countDocuments({ owner })]);
    return { ...prefs, pushSubscriptions: count };
  }

  async setPrefs(owner: string, input: { email?: boolean | undefined; push?: boolean | undefined }): Promise<void> {
    const now = await this.prefsOf(owner);
    // One writer per owner in practice (a person clicking a switch); the whole record is written.
    await this.prefs.updateOne({ _id: owner }, { $set: { email: input.email ?? now.email, push: input.push ?? now.push, updatedAt: new Date() } }, { upsert: true });
  }

  async subscribe(owner: string, sub: PushSubscriptionInput): Promise<void> {
    const url = new URL(sub.endpoint);
    // Push services are https; anything else would let a user point our server at a plain-HTTP address of their choosing.
    if (url.protocol !== 'https:' && !this.opts.allowHttpEndpoints) {
      throw new AppError('VALIDATION', 'Invalid input: subscription.endpoint must be an https URL', [{ path: 'subscription.endpoint', message: 'must be an https URL' }]);
    }
    const id = endpointId(sub.endpoint);
    // The endpoint belongs to whoever subscribed it last (a shared computer changes hands).
    await this.subscriptions.updateOne(
      { _id: id },
      { $set: { owner, endpoint: sub.endpoint, keys: sub.keys }, $setOnInsert: { createdAt: new Date() } },
      { upsert: true },
    );
    const all = await this.subscriptions.find({ owner }).sort({ createdAt: -1 }).lean();
    for (const old of all.slice(MAX_SUBSCRIPTIONS_PER_OWNER)) await this.subscriptions.deleteOne({ _id: old._id, owner });
  }

  async unsubscribe(owner: string, endpoint: string): Promise<void> {
    await this.subscriptions.deleteOne({ _id: endpointId(endpoint), owner });
  }

  subscriptionsOf(owner: string): Promise<PushSubscriptionDoc[]> {
    return this.subscriptions.find({ owner }).lean();
  }

  subscription(id: string): Promise<PushSubscriptionDoc | null> {
    return this.subscriptions.findById(id).lean();
  }

  /** The push service said the subscription is gone (404/410): forget it. */
  async forget(id: string): Promise<void> {
    await this.subscriptions.deleteOne({ _id: id });
  }
}

export function endpointId(endpoint: string): string {
  return createHash('sha256').update(endpoint).digest('hex');
}
