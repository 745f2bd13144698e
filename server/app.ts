/**
 * Builds the Express application from its dependencies. It never listens: server.ts does, so
 * tests and main share one assembly.
 */
import type { RedisLink } from './realtime/redis-adapter.js';
import express, { type Express } from 'express';
import { errorHandler, notFoundHandler, requireActor, requireAdmin, requireAgent } from './http/middleware.js';
import type { OriginPolicy } from './http/origins.js';
import { securityHeaders } from './http/security-headers.js';
import { webRoutes } from './http/web.js';
import type { Logger } from './logger.js';
import { adminRoutes, inviteRoutes } from './modules/admin/admin.routes.js';
import type { AdminService } from './modules/admin/admin.service.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { loginThrottle } from './modules/auth/login-throttle.js';
import type { TrustFn } from './http/client-ip.js';
import type { RateLimiter } from './store/rate-limiter.js';
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
  /** Which pages may call what (each site's allowed origins, our own origin). */
  origins: OriginPolicy;
  /** Whose X-Forwarded-For to believe (TRUST_PROXY), for req.ip and so every per-IP limit. */
  trustProxy: TrustFn;
  limiter: RateLimiter;
  limits: { maxPayloadBytes: number; loginAttemptsPer15Min: number };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);

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

  app.use(securityHeaders({ https: deps.origins.publicOrigin?.startsWith('https:') ?? false }));

  // Before the body is read: another site's page gets CORS only where its site allows it.
  app.use('/api', deps.origins.api());
  app.use('/api', express.json({ limit: deps.limits.maxPayloadBytes }));
  const agentOnly = requireAgent(deps.auth);
  app.post('/api/auth/login', loginThrottle(deps.limiter, deps.limits.loginAttemptsPer15Min));
  app.use('/api/auth', authRoutes(deps.auth, agentOnly));
  app.use('/api/auth', inviteRoutes(deps.admin.service));
  app.use('/api/admin', agentOnly, requireAdmin, adminRoutes(deps.admin.service, deps.admin.teams));
  app.use('/api/admin', agentOnly, requireAdmin, siteRoutes(deps.sites), alertRoutes(deps.alerts.jobs, deps.alerts.service.worker, deps.alerts.maxAttempts));
  app.use('/api/admin', agentOnly, requireAdmin, officialRoutes(deps.official));
  app.use('/api', uploadRoutes(deps.uploads, requireActor(deps.auth, deps.sessions), deps.origins));
  app.use('/api', customerRoutes(deps.guests, deps.sites, deps.sessions, deps.origins));
  app.use('/api', notFoundHandler());

  app.use(webRoutes({ webDir: deps.webDir, publicUrl: deps.publicUrl }));
  app.get('/', (_req, res) => {
    res.redirect('/agent/');
  });

  app.use(notFoundHandler());
  app.use(errorHandler(deps.log.child({ module: 'http' })));
  return app;
}
