import { Router, type RequestHandler } from 'express';
import { loginInput } from '../../../shared/schemas/index.js';
import { bearerToken } from '../../http/middleware.js';
import { parse } from '../../http/validate.js';
import type { AuthService } from './auth.service.js';

export function authRoutes(auth: AuthService, requireAgent: RequestHandler): Router {
  const r = Router();
  r.post('/login', async (req, res) => {
    const input = parse(loginInput, req.body);
    res.json(await auth.login(input.email, input.password));
  });
  r.get('/me', requireAgent, (req, res) => {
    res.json({ agent: req.agent });
  });
  // Sign-out revokes the presented session at once, on every node, and closes its sockets; a token
  // copied before sign-out stops working too (a stateless JWT alone would live on until it expires).
  r.post('/logout', requireAgent, async (req, res) => {
    await auth.logout(bearerToken(req));
    res.status(204).end();
  });
  r.post('/logout-all', requireAgent, async (req, res) => {
    await auth.logoutAll(req.agent!.id);
    res.status(204).end();
  });
  return r;
}
