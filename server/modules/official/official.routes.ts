import { Router } from 'express';
import { z } from 'zod';
import { objectId, officialChannelInput } from '../../../shared/schemas/index.js';
import { parse } from '../../http/validate.js';
import type { OfficialService } from './official.service.js';

const listQuery = z.object({ siteKey: z.string().min(1).max(64).optional() }).strict();

/** The official-channel list. Admin only: mounted behind requireAgent + requireAdmin, like adminRoutes. */
export function officialRoutes(official: OfficialService): Router {
  const r = Router();
  r.get('/official-channels', async (req, res) => {
    res.json(await official.list(parse(listQuery, req.query).siteKey));
  });
  r.post('/official-channels', async (req, res) => {
    res.status(201).json(await official.add(parse(officialChannelInput, req.body)));
  });
  r.delete('/official-channels/:id', async (req, res) => {
    await official.remove(parse(objectId, req.params.id));
    res.status(204).end();
  });
  return r;
}
