import { Router, type RequestHandler } from 'express';
import { loginInput } from '../../../shared/schemas/index.js';
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
  return r;
}
