import { Router } from 'express';
import { z } from 'zod';
import { siteSettingsInput } from '../../../shared/schemas/index.js';
import { parse } from '../../http/validate.js';
import type { SitesService } from './sites.service.js';

const siteKey = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a site key');

/** Admin only (mounted behind requireAgent + requireAdmin). */
export function siteRoutes(sites: SitesService): Router {
  const r = Router();
  r.get('/sites', async (_req, res) => {
    res.json(await sites.list());
  });
  r.get('/sites/:siteKey', async (req, res) => {
    res.json(await sites.toDTO(parse(siteKey, req.params.siteKey)));
  });
  r.patch('/sites/:siteKey', async (req, res) => {
    res.json(await sites.update(parse(siteKey, req.params.siteKey), parse(siteSettingsInput, req.body)));
  });
  return r;
}
