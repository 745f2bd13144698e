import { Router } from 'express';
import { customerSessionInput, guestLinkInput, guestVerifyInput } from '../../../shared/schemas/index.js';
import { AppError } from '../../http/errors.js';
import type { OriginPolicy } from '../../http/origins.js';
import { parse } from '../../http/validate.js';
import { verifyHostToken, type CustomerSessions } from '../customers/customer-identity.js';
import type { SitesService } from '../sites/sites.service.js';
import type { GuestAccess } from './guest-access.js';

/** Customer-page sign-in: guests by link and code, logged-in users by the host's token. */
export function customerRoutes(guests: GuestAccess, sites: SitesService, sessions: CustomerSessions, origins: OriginPolicy): Router {
  const r = Router();
  const ip = (req: { ip?: string | undefined }) => req.ip ?? 'unknown';
  // Nothing here may be cached by a browser or a proxy: answers carry sessions and masked emails.
  r.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  r.post('/guest/link', async (req, res) => {
    const { link } = parse(guestLinkInput, req.body);
    res.json(await guests.info(link, ip(req)));
  });
  r.post('/guest/code', async (req, res) => {
    const { link } = parse(guestLinkInput, req.body);
    res.json(await guests.requestCode(link, ip(req)));
  });
  r.post('/guest/verify', async (req, res) => {
    const { link, code } = parse(guestVerifyInput, req.body);
    res.json(await guests.verify(link, code, ip(req)));
  });
  r.post('/customer/session', async (req, res) => {
    const { siteKey, userToken } = parse(customerSessionInput, req.body);
    // A host page may trade its user's token itself, when its site allows its origin.
    await origins.allowSite(res, { siteKey });
    const user = await verifyHostToken(sites, siteKey, userToken).catch((err: unknown) => {
      throw err instanceof AppError ? new AppError('UNAUTHORIZED', 'Your sign-in has expired; open this page again from the site') : err;
    });
    res.json(sessions.issue({ visitorId: null, siteKey, user, guestOf: null }, { identity: 'accepted' }));
  });
  return r;
}
