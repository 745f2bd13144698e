import { Router, type Request } from 'express';
import { acceptInviteInput, inviteAgentInput, objectId, teamInput, updateAgentInput } from '../../../shared/schemas/index.js';
import { AppError } from '../../http/errors.js';
import { parse } from '../../http/validate.js';
import type { TeamsService } from '../teams/teams.service.js';
import type { AdminService } from './admin.service.js';

/** Agents and teams. Admin only: mounted behind requireAgent + requireAdmin, like siteRoutes. */
export function adminRoutes(admin: AdminService, teams: TeamsService): Router {
  const r = Router();
  const by = (agent: Request['agent']) => {
    if (!agent) throw new AppError('UNAUTHORIZED', 'Sign in first');
    return agent;
  };

  r.get('/agents', async (_req, res) => {
    res.json(await admin.listAgents());
  });
  r.post('/agents', async (req, res) => {
    res.status(201).json(await admin.invite(by(req.agent), parse(inviteAgentInput, req.body)));
  });
  r.patch('/agents/:id', async (req, res) => {
    const id = parse(objectId, req.params.id);
    res.json(await admin.updateAgent(by(req.agent), id, parse(updateAgentInput, req.body)));
  });
  r.post('/agents/:id/invite', async (req, res) => {
    res.json(await admin.resendInvite(by(req.agent), parse(objectId, req.params.id)));
  });

  r.get('/teams', async (_req, res) => {
    res.json(await teams.list());
  });
  r.post('/teams', async (req, res) => {
    res.status(201).json(await teams.create(parse(teamInput, req.body).name));
  });
  r.patch('/teams/:id', async (req, res) => {
    const id = parse(objectId, req.params.id);
    res.json(await teams.rename(id, parse(teamInput, req.body).name));
  });
  r.delete('/teams/:id', async (req, res) => {
    await teams.delete(parse(objectId, req.params.id));
    res.status(204).end();
  });
  return r;
}

/** POST /api/auth/invite/accept: no session; the invitation token is the credential. */
export function inviteRoutes(admin: AdminService): Router {
  const r = Router();
  r.post('/invite/accept', async (req, res) => {
    res.json(await admin.acceptInvite(parse(acceptInviteInput, req.body)));
  });
  return r;
}
