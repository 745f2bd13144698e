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

/**
 * Sites change rarely and are read on every connect: keep them briefly. Other nodes' changes
 * arrive as a hint (`changedElsewhere`); this bound only matters for a hint lost while Redis was away.
 */
const CACHE_MS = 5_000;

export class SitesService {
  private readonly cache = new Map<string, { site: SiteDoc; at: number }>();
  /** Bumped by every forget, so a read that began before a change cannot cache what it read. */
  private generation = 0;
  private readonly listeners = new Set<(siteKey: string, here: boolean) => void>();

  /** Told after an admin changed a site: `here` on this node, or on another (`changedElsewhere`). */
  onChange(listener: (siteKey: string, here: boolean) => void): void {
    this.listeners.add(listener);
  }

  /** Another node changed the site: read it afresh, then tell this node's listeners. */
  changedElsewhere(siteKey: string): void {
    this.forget(siteKey);
    this.origins = null;
    for (const listener of this.listeners) listener(siteKey, false);
  }

  private forget(siteKey: string): void {
    this.generation++;
    this.cache.delete(siteKey);
  }
  private readonly writes = new DocLocks();
  /** Every site's allowed origins at once, for CORS preflights (which name no site). */
  private origins: { any: boolean; listed: Set<string>; at: number } | null = null;

  constructor(
    private readonly sites: SiteModel,
    private readonly defaultCategories: CategoryDTO[],
  ) {}

  async get(siteKey: string): Promise<SiteDoc> {
    const hit = this.cache.get(siteKey);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.site;
    const generation = this.generation;
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
    if (generation === this.generation) this.cache.set(siteKey, { site, at: Date.now() });
    return site;
  }

  /**
   * Whether some site lets pages on `origin` (normalized) use its chat: a site with an empty list
   * allows any. Read for CORS preflights, which carry no token and so name no site.
   */
  async anyAllows(origin: string): Promise<boolean> {
    if (!this.origins || Date.now() - this.origins.at >= CACHE_MS) {
      const docs = await this.sites.find({}, { allowedOrigins: 1 }).limit(10_000).lean();
      // No site yet: the default one is created, with an empty list, on first use.
      const any = docs.length === 0 || docs.some((d) => !d.allowedOrigins?.length);
      this.origins = { any, listed: new Set(docs.flatMap((d) => d.allowedOrigins ?? [])), at: Date.now() };
    }
    return this.origins.any || this.origins.listed.has(origin);
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
    for (const listener of this.listeners) listener(siteKey, true);
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
    // Enforced by server/http/origins.ts (sockets and REST of the widget).
    if (input.allowedOrigins !== undefined) set.allowedOrigins = input.allowedOrigins;
    if (Object.keys(set).length) await this.sites.updateOne({ _id: siteKey }, { $set: set });
    this.forget(siteKey);
    this.origins = null;
    return this.toDTO(siteKey);
  }
}
