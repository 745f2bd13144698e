/**
 * Builds the Express application from its dependencies. It never listens: server.ts does, so
 * tests and main share one assembly.
 */
import type { RedisLink } from './realtime/redis-adapter.js';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { errorHandler, notFoundHandler, requireActor, requireAdmin, requireAgent } from './http/middleware.js';
import { webRoutes } from './http/web.js';
import type { Logger } from './logger.js';
import { adminRoutes, inviteRoutes } from './modules/admin/admin.routes.js';
import type { AdminService } from './modules/admin/admin.service.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import type { AuthService } from './modules/auth/auth.service.js';
import type { CustomerSessions } from './modules/customers/customer-identity.js';
import type { GuestAccess } from './modules/guests/guest-access.js';
import { customerRoutes } from './modules/guests/guests.routes.js';
import { alertRoutes } from './modules/notifications/alerts.routes.js';
import { officialRoutes } from './modules/official/official.routes.js';
import type { OfficialService } from './modules/official/official.service.js';
import type { AlertsService } from './modules/notifications/alerts.service.js';
import type { AlertJobModel } from './modules/notifications/alert-job.model.js';
import { siteRoutes } from './modules/sites/sites.routes.js';
import type { SitesService } from './modules/sites/sites.service.js';
import type { TeamsService } from './modules/teams/teams.service.js';
import { uploadRoutes } from './modules/uploads/uploads.routes.js';
import type { UploadsService } from './modules/uploads/uploads.service.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  /** The Redis adapter's connection when nodes are joined (REDIS_URL); null on one node. */
  redis: RedisLink | null;
  store: Store;
  auth: AuthService;
  sessions: CustomerSessions;
  sites: SitesService;
  guests: GuestAccess;
  uploads: UploadsService;
  alerts: { jobs: AlertJobModel; service: AlertsService; maxAttempts: number };
  admin: { service: AdminService; teams: TeamsService };
  official: OfficialService;
  log: Logger;
  webDir: string;
  publicUrl: () => string;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    // Not ready without the store (nothing can be acknowledged) or, when nodes are joined, without
    // Redis (this node's broadcasts would not reach clients on the others).
    const storeOk = await deps.store.ping();
    const redisOk = deps.redis?.ready() ?? true;
    res.status(storeOk && redisOk ? 200 : 503).json({
      ok: storeOk && redisOk,
      store: storeOk ? 'reachable' : 'unreachable',
      redis: deps.redis ? (redisOk ? 'connected' : 'disconnected') : 'off',
    });
  });

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Lit styles are constructable stylesheets; this keeps inline <style> in our own pages working.
          'style-src': ["'self'", "'unsafe-inline'"],
          'connect-src': ["'self'"],
          // Attachment previews are fetched with a token and shown from object URLs.
          'img-src': ["'self'", 'data:', 'blob:'],
        },
      },
      crossOriginResourcePolicy: { policy: 'same-site' },
    }),
  );

  app.use('/api', express.json({ limit: '100kb' }));
  const agentOnly = requireAgent(deps.auth);
  app.use('/api/auth', authRoutes(deps.auth, agentOnly));
  app.use('/api/auth', inviteRoutes(deps.admin.service));
  app.use('/api/admin', agentOnly, requireAdmin, adminRoutes(deps.admin.service, deps.admin.teams));
  app.use('/api/admin', agentOnly, requireAdmin, siteRoutes(deps.sites), alertRoutes(deps.alerts.jobs, deps.alerts.service.worker, deps.alerts.maxAttempts));
  app.use('/api/admin', agentOnly, requireAdmin, officialRoutes(deps.official));
  app.use('/api', uploadRoutes(deps.uploads, requireActor(deps.auth, deps.sessions)));
  app.use('/api', customerRoutes(deps.guests, deps.sites, deps.sessions));
  app.use('/api', notFoundHandler());

  app.use(webRoutes({ webDir: deps.webDir, publicUrl: deps.publicUrl }));
  app.get('/', (_req, res) => {
    res.redirect('/agent/');
  });

  app.use(notFoundHandler());
  app.use(errorHandler(deps.log.child({ module: 'http' })));
  return app;
}
