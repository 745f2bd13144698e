/**
 * Claims: a collection whose only job is to let the store refuse a second writer.
 *
 * On FerretDB 1.24 a conditional findOneAndUpdate is read-then-write and two racers can both win
 * (STORE.md). An insert with a given `_id` can succeed only once on MongoDB and FerretDB alike, so
 * every "only one may win" decision (one agent per chat, one open chat per visitor) inserts a
 * claim first and acts only if the insert succeeded.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import { isConflict } from '../http/errors.js';

export interface ClaimDoc {
  _id: string;
  owner: string;
  createdAt: Date;
}

export type ClaimModel = Model<ClaimDoc>;

export function claimModel(conn: Connection): ClaimModel {
  const schema = new Schema<ClaimDoc>(
    { _id: { type: String, required: true }, owner: { type: String, required: true }, createdAt: { type: Date, required: true } },
    { versionKey: false },
  );
  return conn.model<ClaimDoc>('Claim', schema, 'claims');
}

export class Claims {
  constructor(private readonly model: ClaimModel) {}

  /** True if this caller now holds the claim; false if someone already does. */
  async take(id: string, owner: string): Promise<boolean> {
    try {
      await this.model.create({ _id: id, owner, createdAt: new Date() });
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  async get(id: string): Promise<ClaimDoc | null> {
    return this.model.findById(id).lean();
  }

  async release(id: string, owner?: string): Promise<void> {
    await this.model.deleteOne(owner === undefined ? { _id: id } : { _id: id, owner });
  }
}
