import { createHash } from 'node:crypto';
import { isConflict } from '../../http/errors.js';
import type { VisitorModel } from './visitor.model.js';

/** A visitor token: 32+ random bytes in base64url, created and kept by the widget. */
export const VISITOR_TOKEN = /^[A-Za-z0-9_-]{43,128}$/;

export interface VisitorPrincipal {
  id: string;
  siteKey: string;
}

export class VisitorsService {
  constructor(private readonly visitors: VisitorModel) {}

  /** The visitor holding this token, created on first sight. */
  async resolve(token: string, siteKey: string): Promise<VisitorPrincipal> {
    const tokenHash = createHash('sha256').update(token).digest('hex');
    const now = new Date();
    for (let attempt = 0; ; attempt++) {
      const existing = await this.visitors.findOneAndUpdate({ tokenHash }, { $set: { lastSeenAt: now } }, { returnDocument: 'after' }).lean();
      if (existing) return { id: existing._id.toHexString(), siteKey: existing.siteKey };
      try {
        const created = await this.visitors.create({ tokenHash, siteKey, createdAt: now, lastSeenAt: now });
        return { id: created._id.toHexString(), siteKey };
      } catch (err) {
        // Two tabs of a new visitor connected at once: the unique index kept one; use it.
        if (!isConflict(err) || attempt > 2) throw err;
      }
    }
  }
}
