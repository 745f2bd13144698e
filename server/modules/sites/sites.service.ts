/**
 * Sites: per-site identity secrets and ticket categories. A site is created with a fresh random
 * identity secret the first time its key is seen; admins read and rotate it (GET/PATCH
 * /api/admin/sites/:key) and give it to the host's backend, which signs its users' tokens.
 */
import { randomBytes } from 'node:crypto';
import type { SiteDTO } from '../../../shared/api.js';
import type { SiteSettings } from '../../../shared/schemas/admin.js';
import type { CategoryDTO } from '../../../shared/types.js';
import { DEFAULT_PRECHAT, type PrechatSettings } from '../../../shared/visitor-features.js';
import { AppError, isConflict } from '../../http/errors.js';
import { DocLocks } from '../../store/doc-locks.js';
import type { SiteDoc, SiteModel } from './site.model.js';

/** Sites change rarely and are read on every connect: keep them briefly. */
const CACHE_MS = 5_000;

export class SitesService {
  private readonly cache = new Map<string, { site: SiteDoc; at: number }>();
  private readonly listeners = new Set<(siteKey: string) => void>();

  /** Told after an admin changed a site on this node (other nodes notice within their cache time). */
  onChange(listener: (siteKey: string) => void): void {
    this.listeners.add(listener);
  }
  private readonly writes = new DocLocks();

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
    // Widget settings saved before the chat form existed lack it: theirs is the built-in form.
    if (site.widget && !site.widget.prechat) site = { ...site, widget: { ...site.widget, prechat: DEFAULT_PRECHAT } };
    this.cache.set(siteKey, { site, at: Date.now() });
    return site;
  }

  /** The site's chat form (the built-in one when the site has no widget settings). */
  async prechat(siteKey: string): Promise<PrechatSettings> {
    return (await this.get(siteKey)).widget?.prechat ?? DEFAULT_PRECHAT;
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
    return {
      siteKey: site._id,
      name: site.name,
      categories: await this.categories(siteKey),
      identitySecret: site.identitySecret,
      // Sites stored before these settings existed lack them.
      routing: site.routing ?? 'manual',
      businessHours: site.businessHours ?? null,
      widget: site.widget ?? null,
      allowedOrigins: site.allowedOrigins ?? [],
    };
  }

  /** Every site, the default one included (created if it was never seen), by key. */
  async list(): Promise<SiteDTO[]> {
    await this.get('default');
    const keys = (await this.sites.find({}, { _id: 1 }).sort({ _id: 1 }).limit(1000).lean()).map((s) => s._id);
    return Promise.all(keys.map((k) => this.toDTO(k)));
  }

  /** Admin changes (PATCH /api/admin/sites/:key), validated by siteSettingsInput. */
  async update(siteKey: string, input: SiteSettings): Promise<SiteDTO> {
    // FerretDB rewrites the whole document: two admins saving different settings at once must not undo each other.
    const dto = await this.writes.run(siteKey, () => this.applyUpdate(siteKey, input));
    for (const listener of this.listeners) listener(siteKey);
    return dto;
  }

  private async applyUpdate(siteKey: string, input: SiteSettings): Promise<SiteDTO> {
    await this.get(siteKey);
    const set: Partial<SiteDoc> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.categories !== undefined) {
      if (new Set(input.categories.map((c) => c.id)).size !== input.categories.length) throw new AppError('VALIDATION', 'Invalid input: category ids must be unique');
      set.categories = input.categories;
    }
    if (input.rotateIdentitySecret) set.identitySecret = randomBytes(32).toString('base64url');
    if (input.routing !== undefined) set.routing = input.routing;
    if (input.businessHours !== undefined) set.businessHours = input.businessHours;
    if (input.widget !== undefined) set.widget = input.widget;
    // Stored and shown only: refusing other origins' widgets and sockets is a later change's work.
    if (input.allowedOrigins !== undefined) set.allowedOrigins = input.allowedOrigins;
    if (Object.keys(set).length) await this.sites.updateOne({ _id: siteKey }, { $set: set });
    this.cache.delete(siteKey);
    return this.toDTO(siteKey);
  }
}
