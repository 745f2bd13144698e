/**
 * Builds the Express application from its dependencies. It never listens: server.ts does, so
 * tests and main share one assembly.
 */
import express, { type Express } from 'express';
import helmet from 'helmet';
import { errorHandler, notFoundHandler, requireAgent } from './http/middleware.js';
import { webRoutes } from './http/web.js';
import type { Logger } from './logger.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import type { AuthService } from './modules/auth/auth.service.js';
import type { Store } from './store/store.js';

export interface AppDeps {
  store: Store;
  auth: AuthService;
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
    const storeOk = await deps.store.ping();
    res.status(storeOk ? 200 : 503).json({ ok: storeOk, store: storeOk ? 'reachable' : 'unreachable' });
  });

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Lit styles are constructable stylesheets; this keeps inline <style> in our own pages working.
          'style-src': ["'self'", "'unsafe-inline'"],
          'connect-src': ["'self'"],
        },
      },
      crossOriginResourcePolicy: { policy: 'same-site' },
    }),
  );

  app.use('/api', express.json({ limit: '100kb' }));
  app.use('/api/auth', authRoutes(deps.auth, requireAgent(deps.auth)));
  app.use('/api', notFoundHandler());

  app.use(webRoutes({ webDir: deps.webDir, publicUrl: deps.publicUrl }));
  app.get('/', (_req, res) => {
    res.redirect('/agent/');
  });

  app.use(notFoundHandler());
  app.use(errorHandler(deps.log.child({ module: 'http' })));
  return app;
}
