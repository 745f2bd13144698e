/**
 * What admins do to agents: invite them (a mailed link to choose a password), change their role,
 * skills, capacity and teams, and deactivate them. Invitations are accepted here too.
 *
 * Writes to agents run one after another under ROSTER_LOCK (shared with TeamsService): FerretDB
 * rewrites whole documents (STORE.md), and "is this the last active admin?" must be decided on a
 * roster nobody else changes meanwhile. The lock is per process; the product's multi-node setups
 * run MongoDB, where two admins demoting each other on two nodes at the same instant remains a
 * (documented) window.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { AgentInviteResult } from '../../../shared/api.js';
import type { z } from 'zod';
import type { acceptInviteInput, inviteAgentInput, updateAgentInput } from '../../../shared/schemas/admin.js';
import type { LoginResult } from '../../../shared/types.js';
import { DEFAULT_MAX_CHATS, type AgentProfileDTO, type AgentSkills } from '../../../shared/workspace.js';
import { AppError, isConflict, notFound } from '../../http/errors.js';
import type { Logger } from '../../logger.js';
import type { Claims } from '../../store/claims.js';
import type { DocLocks } from '../../store/doc-locks.js';
import { toAgentProfileDTO, type AgentDoc, type AgentModel } from '../auth/agent.model.js';
import type { AgentPrincipal, AuthService } from '../auth/auth.service.js';
import { hashPassword } from '../auth/passwords.js';
import type { Mailer } from '../mail/mailer.js';
import { agentInviteMail } from '../mail/templates.js';
import type { SitesService } from '../sites/sites.service.js';
import { ROSTER_LOCK, type TeamsService } from '../teams/teams.service.js';

export const INVITE_DAYS = 7;
const INVITE_MS = INVITE_DAYS * 24 * 60 * 60 * 1000;

type InviteAgent = z.output<typeof inviteAgentInput>;
type UpdateAgent = z.output<typeof updateAgentInput>;
type AcceptInvite = z.output<typeof acceptInviteInput>;

export interface AdminDeps {
  agents: AgentModel;
  teams: TeamsService;
  sites: SitesService;
  auth: AuthService;
  claims: Claims;
  locks: DocLocks;
  mailer: Mailer;
  publicUrl: () => string;
  /** Closes every live socket of the agent, on every node (they reconnect and re-authenticate, or cannot). */
  disconnectAgent: (agentId: string) => void;
  log: Logger;
}

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** An active admin who can sign in (an invited one cannot yet). */
const isWorkingAdmin = (a: Pick<AgentDoc, 'role' | 'active' | 'inviteHash'>) => a.role === 'admin' && a.active && !a.inviteHash;

export class AdminService {
  constructor(private readonly deps: AdminDeps) {}

  async listAgents(): Promise<AgentProfileDTO[]> {
    const agents = await this.deps.agents.find().limit(1000).lean();
    return agents.map(toAgentProfileDTO).sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
  }

  /** Creates the agent without a usable password and mails them a link to choose one. */
  async invite(by: AgentPrincipal, input: InviteAgent): Promise<AgentInviteResult> {
    const { token, inviteHash, inviteExpiresAt } = newInvite();
    // Nobody knows these bytes, so the hash matches no password; login refuses invited agents before checking anyway.
    const passwordHash = await hashPassword(randomBytes(32));
    const doc = await this.deps.locks.run(ROSTER_LOCK, async () => {
      const teamIds = await this.deps.teams.existing(input.teamIds ?? []);
      const skills = await this.checkSkills(input.skills);
      try {
        const created = await this.deps.agents.create({
          email: input.email,
          name: input.name,
          role: input.role,
          passwordHash,
          maxChats: input.maxChats ?? DEFAULT_MAX_CHATS,
          skills: skills ?? { languages: [], categories: [] },
          teamIds,
          inviteHash,
          inviteExpiresAt,
        });
        return created.toObject();
      } catch (err) {
        if (isConflict(err)) throw new AppError('CONFLICT', 'An agent with this email already exists', [{ path: 'email', message: 'is taken' }]);
        throw err;
      }
    });
    this.deps.log.info({ agentId: doc._id.toHexString(), by: by.id, role: doc.role }, 'agent invited');
    return { agent: toAgentProfileDTO(doc), mail: await this.mailInvite(by, doc, token) };
  }

  /** A new link for an agent who has not accepted yet; the previous link stops working. */
  async resendInvite(by: AgentPrincipal, id: string): Promise<AgentInviteResult> {
    const { token, inviteHash, inviteExpiresAt } = newInvite();
    const doc = await this.deps.locks.run(ROSTER_LOCK, async () => {
      const agent = await this.find(id);
      if (!agent.inviteHash) throw new AppError('CONFLICT', `${agent.name} has already accepted the invitation and chosen a password`);
      if (!agent.active) throw new AppError('CONFLICT', `${agent.name} is deactivated; reactivate them before inviting them again`);
      await this.deps.agents.updateOne({ _id: agent._id }, { $set: { inviteHash, inviteExpiresAt } });
      return { ...agent, inviteHash, inviteExpiresAt };
    });
    return { agent: toAgentProfileDTO(doc), mail: await this.mailInvite(by, doc, token) };
  }

  async updateAgent(by: AgentPrincipal, id: string, input: UpdateAgent): Promise<AgentProfileDTO> {
    const { before, after } = await this.deps.locks.run(ROSTER_LOCK, async () => {
      const agent = await this.find(id);
      const set: Partial<AgentDoc> = {};
      if (input.name !== undefined) set.name = input.name;
      if (input.role !== undefined) set.role = input.role;
      if (input.maxChats !== undefined) set.maxChats = input.maxChats;
      if (input.skills !== undefined) set.skills = (await this.checkSkills(input.skills))!;
      if (input.teamIds !== undefined) set.teamIds = await this.deps.teams.existing(input.teamIds);
      if (input.active !== undefined) set.active = input.active;

      const next = { ...agent, ...set };
      if (isWorkingAdmin(agent) && !isWorkingAdmin(next)) {
        const others = await this.deps.agents.countDocuments({ _id: { $ne: agent._id }, role: 'admin', active: true, inviteHash: null });
        if (others === 0) {
          const self = agent._id.toHexString() === by.id;
          throw new AppError(
            'CONFLICT',
            `${self ? 'You are' : `${agent.name} is`} the last active admin: make another agent an admin first, or nobody could manage the workspace`,
          );
        }
      }
      const deactivating = agent.active && set.active === false;
      // A new token version ends every session at once: tokens carry the version they were issued with.
      const update = deactivating ? { $set: set, $inc: { tokenVersion: 1 } } : { $set: set };
      await this.deps.agents.updateOne({ _id: agent._id }, update);
      return { before: agent, after: { ...next, tokenVersion: (agent.tokenVersion ?? 0) + (deactivating ? 1 : 0) } };
    });
    // Open sockets were authenticated with the old state: a deactivated agent is cut off (and cannot
    // reconnect), an agent whose role changed reconnects with the new one.
    if ((before.active && !after.active) || before.role !== after.role) this.deps.disconnectAgent(id);
    if (before.active !== after.active || before.role !== after.role) {
      this.deps.log.info({ agentId: id, by: by.id, active: after.active, role: after.role }, 'agent access changed');
    }
    return toAgentProfileDTO(after);
  }

  /** Sets the invited agent's password and signs them in. A link works once, for INVITE_DAYS. */
  async acceptInvite(input: AcceptInvite): Promise<LoginResult> {
    const inviteHash = sha256(input.token);
    const invalid = () => new AppError('NOT_FOUND', 'This invitation link is not valid any more: it may have been used already. Ask an admin to send you a new one.');
    const agent = await this.deps.agents.findOne({ inviteHash }).lean();
    if (!agent) throw invalid();
    if (!agent.inviteExpiresAt || agent.inviteExpiresAt.getTime() <= Date.now()) {
      throw new AppError('UNAUTHORIZED', 'This invitation link has expired. Ask an admin to send you a new one.', { reason: 'expired' });
    }
    if (!agent.active) throw new AppError('FORBIDDEN', 'This account has been deactivated. Ask an admin to reactivate it.');
    // Two tabs (or a replay) accepting the same link: the store lets only one claim it.
    const claimId = `invite:${inviteHash}`;
    if (!(await this.deps.claims.take(claimId, agent._id.toHexString()))) throw invalid();
    try {
      const passwordHash = await hashPassword(input.password);
      const accepted = await this.deps.locks.run(ROSTER_LOCK, async () => {
        const current = await this.deps.agents.findById(agent._id).lean();
        // Re-sent (new link) or deactivated since we looked: this link no longer counts.
        if (!current || current.inviteHash !== inviteHash || !current.active) throw invalid();
        await this.deps.agents.updateOne({ _id: current._id }, { $set: { passwordHash, inviteHash: null, inviteExpiresAt: null } });
        return current;
      });
      this.deps.log.info({ agentId: accepted._id.toHexString() }, 'invitation accepted');
      return this.deps.auth.issueSession(accepted);
    } catch (err) {
      // The link was not used after all (a store failure, say): let it be tried again.
      if (!(err instanceof AppError)) await this.deps.claims.release(claimId).catch(() => undefined);
      throw err;
    }
  }

  private async find(id: string): Promise<AgentDoc> {
    const agent = await this.deps.agents.findById(new Types.ObjectId(id)).lean();
    if (!agent) throw notFound('Agent');
    return agent;
  }

  /** Skills name categories some site offers (or the defaults, which every site without its own list uses). */
  private async checkSkills(skills: AgentSkills | undefined): Promise<AgentSkills | undefined> {
    if (!skills || skills.categories.length === 0) return skills;
    const known = new Set((await this.deps.sites.list()).flatMap((s) => s.categories.map((c) => c.id)));
    const unknown = skills.categories.filter((c) => !known.has(c));
    if (unknown.length) {
      throw new AppError('VALIDATION', `Invalid input: skills.categories names no category: ${unknown.join(', ')}`, [
        { path: 'skills.categories', message: `no such category: ${unknown.join(', ')}` },
      ]);
    }
    return skills;
  }

  private async mailInvite(by: AgentPrincipal, agent: Pick<AgentDoc, '_id' | 'email' | 'name'>, token: string): Promise<AgentInviteResult['mail']> {
    const link = `${this.deps.publicUrl()}/agent/#/invite/${token}`;
    const mail = agentInviteMail({ inviteeName: agent.name, inviterName: by.name, link, days: INVITE_DAYS });
    try {
      await this.deps.mailer.send({ to: agent.email, ...mail, headers: { 'Auto-Submitted': 'auto-generated' } });
    } catch {
      // The mailer logged why; the admin sees "not sent" and can send the invitation again.
      return 'failed';
    }
    if (this.deps.mailer.channel === 'file') {
      // No SMTP: the operator finds the link in DATA_DIR/mail to pass on by hand. Not in the log: the
      // link sets the account's password, and logs travel further than the data folder.
      this.deps.log.info({ agentId: agent._id.toHexString() }, 'invitation written to the mail folder');
      return 'file';
    }
    return 'sent';
  }
}

function newInvite(): { token: string; inviteHash: string; inviteExpiresAt: Date } {
  const token = randomBytes(32).toString('base64url');
  return { token, inviteHash: sha256(token), inviteExpiresAt: new Date(Date.now() + INVITE_MS) };
}
