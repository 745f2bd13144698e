import { createHash } from 'node:crypto';
import { isConflict } from '../../http/errors.js';
import type { VisitorTokenModel } from './visitor-token.model.js';
import type { VisitorModel } from './visitor.model.js';

/** A visitor token: 32+ random bytes in base64url, created and kept by the widget. */
export const VISITOR_TOKEN = /^[A-Za-z0-9_-]{43,128}$/;

export interface VisitorPrincipal {
  id: string;
  siteKey: string;
}

export class VisitorsService {
  constructor(
    private readonly visitors: VisitorModel,
    private readonly tokens: VisitorTokenModel,
  ) {}

  /**
   * The visitor holding this token, created on first sight. Looked up by the token's own document
   * (visitor-token.model.ts), so no step reads the visitors collection by a field other than `_id`
   * except for a visitor whose token document is missing (one created before it existed): that one
   * is found once by `tokenHash` and gets its token document then.
   */
  async resolve(token: string, siteKey: string): Promise<VisitorPrincipal> {
    const tokenHash = createHash('sha256').update(token).digest('hex');
    const now = new Date();
    const known = await this.tokens.findById(tokenHash).lean();
    if (known) {
      await this.visitors.updateOne({ _id: known.visitorId }, { $set: { lastSeenAt: now } });
      return { id: known.visitorId.toHexString(), siteKey: known.siteKey };
    }
    for (let attempt = 0; ; attempt++) {
      try {
        // A new token: the unique index on tokenHash refuses it if a visitor holds it already.
        const created = await this.visitors.create({ tokenHash, siteKey, createdAt: now, lastSeenAt: now });
        return await this.remember(tokenHash, { id: created._id.toHexString(), siteKey });
      } catch (err) {
        if (!isConflict(err) || attempt > 2) throw err;
      }
      // Another tab of a new visitor created it this moment, or the visitor predates token documents.
      const existing = await this.visitors.findOneAndUpdate({ tokenHash }, { $set: { lastSeenAt: now } }, { returnDocument: 'after' }).lean();
      if (existing) return this.remember(tokenHash, { id: existing._id.toHexString(), siteKey: existing.siteKey });
    }
  }

  private async remember(tokenHash: string, visitor: VisitorPrincipal): Promise<VisitorPrincipal> {
    try {
      await this.tokens.create({ _id: tokenHash, visitorId: visitor.id, siteKey: visitor.siteKey });
    } catch (err) {
      // Another tab wrote the same document first.
      if (!isConflict(err)) throw err;
    }
    return visitor;
  }
}
