import { Schema, type Connection, type Model } from 'mongoose';
import type { CategoryDTO } from '../../../shared/types.js';

/** A site embedding the widget, named by the site key in its script tag ("default" when none). */
export interface SiteDoc {
  _id: string;
  name: string;
  /** HS256 secret the host signs its logged-in users' tokens with (identity verification). */
  identitySecret: string;
  /** Null: the server's default categories (TICKET_CATEGORIES or shared/tickets.ts). */
  categories: CategoryDTO[] | null;
  createdAt: Date;
}

export type SiteModel = Model<SiteDoc>;

export function siteModel(conn: Connection): SiteModel {
  const schema = new Schema<SiteDoc>(
    {
      _id: { type: String, required: true },
      name: { type: String, required: true },
      identitySecret: { type: String, required: true },
      categories: { type: [Schema.Types.Mixed], default: null },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return conn.model<SiteDoc>('Site', schema, 'sites');
}
