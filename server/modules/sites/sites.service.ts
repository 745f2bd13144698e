/**
 * Sites: per-site identity secrets and ticket categories. A site is created with a fresh random
 * identity secret the first time its key is seen; admins read and rotate it (GET/PATCH
 * /api/admin/sites/:key) and give it to the host's backend, which signs its users' tokens.
 */
import { randomBytes } from 'node:crypto';
import type { SiteDTO } from '../../../shared/api.js';
import type { SiteUpdateInput } from '../../../shared/schemas/tickets.js';
import type { CategoryDTO } from '../../../shared/types.js';
import { AppError, isConflict } from '../../http/errors.js';
import type { SiteDoc, SiteModel } from './site.model.js';

/** Sites change rarely and are read on every connect: keep them briefly. */
const CACHE_MS = 5_000;

export class SitesService {
  private readonly cache = new Map<string, { site: SiteDoc; at: number }>();

  constructor(
    private readonly sites: SiteModel,
    private readonly defaultCategories: CategoryDTO[],
  ) {}

  async get(siteKey: string): Promise<SiteDoc> {
    const hit = this.cache.get(siteKey);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.site;
    let site = await this.sites.findById(siteKey).lean();
    if (!site) {
      try {
        site = (await this.sites.create({ _id: siteKey, name: siteKey, identitySecret: randomBytes(32).toString('base64url'), categories: null, createdAt: new Date() })).toObject();
      } catch (err) {
        // Another node created it at the same moment: read theirs.
        if (!isConflict(err)) throw err;
        site = await this.sites.findById(siteKey).lean();
        if (!site) throw err;
      }
    }
    this.cache.set(siteKey, { site, at: Date.now() });
    return site;
  }

  async categories(siteKey: string): Promise<CategoryDTO[]> {
    const site = await this.get(siteKey);
    return site.categories?.length ? site.categories : this.defaultCategories;
  }

  /** A category id the site offers, or VALIDATION. */
  async checkCategory(siteKey: string, category: string): Promise<string> {
    const list = await this.categories(siteKey);
    if (!list.some((c) => c.id === category)) {
      throw new AppError('VALIDATION', `Invalid input: category must be one of ${list.map((c) => c.id).join(', ')}`, [{ path: 'category', message: 'is not a category of this site' }]);
    }
    return category;
  }

  async toDTO(siteKey: string): Promise<SiteDTO> {
    const site = await this.get(siteKey);
    return { siteKey: site._id, name: site.name, categories: await this.categories(siteKey), identitySecret: site.identitySecret };
  }

  async update(siteKey: string, input: SiteUpdateInput): Promise<SiteDTO> {
    await this.get(siteKey);
    const set: Partial<SiteDoc> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.categories !== undefined) {
      if (new Set(input.categories.map((c) => c.id)).size !== input.categories.length) throw new AppError('VALIDATION', 'Invalid input: category ids must be unique');
      set.categories = input.categories;
    }
    if (input.rotateIdentitySecret) set.identitySecret = randomBytes(32).toString('base64url');
    if (Object.keys(set).length) await this.sites.updateOne({ _id: siteKey }, { $set: set });
    this.cache.delete(siteKey);
    return this.toDTO(siteKey);
  }
}
