import { Schema, type Connection, type Model } from 'mongoose';
import type { CategoryDTO } from '../../../shared/types.js';
import type { BusinessHours, RoutingMode, WidgetSettings } from '../../../shared/workspace.js';

/** A site embedding the widget, named by the site key in its script tag ("default" when none). */
export interface SiteDoc {
  _id: string;
  name: string;
  /** HS256 secret the host signs its logged-in users' tokens with (identity verification). */
  identitySecret: string;
  /** Null: the server's default categories (TICKET_CATEGORIES or shared/tickets.ts). */
  categories: CategoryDTO[] | null;
  /** manual (default): agents pick from the queue; auto: the router assigns. */
  routing: RoutingMode;
  /** Null: always open. */
  businessHours: BusinessHours | null;
  /** Null: the built-in look and texts. */
  widget: WidgetSettings | null;
  /** Origins whose pages may embed the widget and open sockets for this site; empty: any. */
  allowedOrigins: string[];
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
      routing: { type: String, enum: ['manual', 'auto'], default: 'manual' },
      businessHours: { type: Schema.Types.Mixed, default: null },
      widget: { type: Schema.Types.Mixed, default: null },
      allowedOrigins: { type: [String], default: [] },
      createdAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return conn.model<SiteDoc>('Site', schema, 'sites');
}
