import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { OFFICIAL_CHANNEL_KINDS, OFFICIAL_PLATFORMS, type OfficialChannelDTO, type OfficialChannelKind, type OfficialPlatform } from '../../../shared/visitor-features.js';

/** One of a site's official addresses, domains or accounts; `value` is normalised (normalize.ts). */
export interface OfficialChannelDoc {
  _id: Types.ObjectId;
  siteKey: string;
  kind: OfficialChannelKind;
  /** Handles only; null for addresses and domains. */
  platform: OfficialPlatform | null;
  value: string;
  note: string | null;
  createdAt: Date;
}

export type OfficialChannelModel = Model<OfficialChannelDoc>;

export function officialChannelModel(conn: Connection): OfficialChannelModel {
  const schema = new Schema<OfficialChannelDoc>(
    {
      siteKey: { type: String, required: true, index: true },
      kind: { type: String, enum: OFFICIAL_CHANNEL_KINDS, required: true },
      platform: { type: String, enum: [...OFFICIAL_PLATFORMS, null], default: null },
      value: { type: String, required: true },
      note: { type: String, default: null },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  // Two admins adding the same entry at once: the store refuses the second (CONFLICT), on FerretDB too.
  schema.index({ siteKey: 1, kind: 1, platform: 1, value: 1 }, { unique: true });
  return conn.model<OfficialChannelDoc>('OfficialChannel', schema, 'official_channels');
}

export function toOfficialChannelDTO(c: OfficialChannelDoc): OfficialChannelDTO {
  return { id: c._id.toHexString(), siteKey: c.siteKey, kind: c.kind, platform: c.platform, value: c.value, note: c.note, createdAt: c.createdAt.toISOString() };
}
