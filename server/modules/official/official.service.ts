/**
 * The official-channel check: admins keep a site's list of real addresses, domains and accounts;
 * visitors ask whether something that claims to be the site's support is on it. The comparison
 * rules are in normalize.ts.
 */
import { Types } from 'mongoose';
import type { z } from 'zod';
import type { officialChannelInput } from '../../../shared/schemas/visitor-features.js';
import type { OfficialChannelDTO, OfficialCheckResult } from '../../../shared/visitor-features.js';
import { AppError, isConflict, notFound } from '../../http/errors.js';
import type { RateLimiter } from '../../store/rate-limiter.js';
import { customerKey, type CustomerPrincipal } from '../customers/customer-identity.js';
import { toOfficialChannelDTO, type OfficialChannelModel } from './official-channel.model.js';
import { matchChannels, normalizeEntry, parseCheck } from './normalize.js';

type ChannelInput = z.output<typeof officialChannelInput>;

/** A bound on one site's list; far more than any real site has. */
const MAX_PER_SITE = 1000;
const KIND_ORDER = { email: 0, domain: 1, handle: 2 } as const;

export class OfficialService {
  constructor(
    private readonly deps: {
      channels: OfficialChannelModel;
      limiter: RateLimiter;
      checksPerMinute: number;
    },
  ) {}

  /** Sorted by kind, then platform, then value: the order the admin page shows. */
  async list(siteKey: string | undefined): Promise<OfficialChannelDTO[]> {
    const docs = await this.deps.channels.find(siteKey ? { siteKey } : {}).limit(MAX_PER_SITE).lean();
    return docs
      .sort((a, b) => a.siteKey.localeCompare(b.siteKey) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.platform ?? '').localeCompare(b.platform ?? '') || a.value.localeCompare(b.value))
      .map(toOfficialChannelDTO);
  }

  async add(input: ChannelInput): Promise<OfficialChannelDTO> {
    const normalized = normalizeEntry(input.kind, input.platform, input.value);
    if (!normalized.ok) throw new AppError('VALIDATION', `Invalid input: value ${normalized.message}`, [{ path: 'value', message: normalized.message }]);
    if ((await this.deps.channels.countDocuments({ siteKey: input.siteKey })) >= MAX_PER_SITE) {
      throw new AppError('CONFLICT', `A site can list at most ${MAX_PER_SITE} official channels; remove some first`);
    }
    try {
      const doc = await this.deps.channels.create({
        siteKey: input.siteKey,
        kind: input.kind,
        platform: normalized.platform,
        value: normalized.value,
        note: input.note ? input.note : null,
        createdAt: new Date(),
      });
      return toOfficialChannelDTO(doc.toObject());
    } catch (err) {
      if (!isConflict(err)) throw err;
      const what = normalized.platform ? `${normalized.platform} ${normalized.value}` : normalized.value;
      throw new AppError('CONFLICT', `${what} is already listed for site ${input.siteKey}`, [{ path: 'value', message: 'is already listed' }]);
    }
  }

  async remove(id: string): Promise<void> {
    const { deletedCount } = await this.deps.channels.deleteOne({ _id: new Types.ObjectId(id) });
    if (!deletedCount) throw notFound('Official channel');
  }

  /** A visitor's check against their site's list; throttled per visitor so the list cannot be mined by guessing. */
  async check(customer: CustomerPrincipal, value: string): Promise<OfficialCheckResult> {
    await this.deps.limiter.hit(
      { name: 'official-check', max: this.deps.checksPerMinute, windowSeconds: 60 },
      customerKey(customer),
      'You have checked many addresses in the last minute; please wait a moment and try again',
    );
    const parsed = parseCheck(value);
    const entries = parsed.matchable ? await this.deps.channels.find({ siteKey: customer.siteKey }).limit(MAX_PER_SITE).lean() : [];
    const { official, matches } = matchChannels(parsed, entries);
    return { normalized: parsed.normalized, kind: parsed.kind, platform: parsed.platform, official, matches: matches.map(toOfficialChannelDTO) };
  }
}
