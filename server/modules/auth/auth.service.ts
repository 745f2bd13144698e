import { hash, verify } from '@node-rs/argon2';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import type { AgentRole, LoginResult } from '../../../shared/types.js';
import { AppError, isConflict } from '../../http/errors.js';
import type { Logger } from '../../logger.js';
import { toAgentDTO, type AgentDoc, type AgentModel } from './agent.model.js';

/** The agent a request or socket acts as, after its token was verified against the store. */
export interface AgentPrincipal {
  id: string;
  name: string;
  email: string;
  role: AgentRole;
}

interface SessionClaims {
  sub: string;
  ver: number;
}

const unauthorized = () => new AppError('UNAUTHORIZED', 'Your session is not valid; please sign in again');

export class AuthService {
  /** Verified against when the email is unknown, so a wrong email costs as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly agents: AgentModel,
    private readonly jwtSecret: string,
    private readonly sessionHours: number,
    private readonly log: Logger,
  ) {}

  async login(email: string, password: string): Promise<LoginResult> {
    const agent = await this.agents.findOne({ email }).lean();
    if (!agent || !agent.active) {
      this.dummyHash ??= hash('not-a-real-password');
      await verify(await this.dummyHash, password);
      throw new AppError('UNAUTHORIZED', 'Wrong email or password');
    }
    if (agent.inviteHash) {
      // Invited, no password yet (the stored hash is of random bytes nobody knows).
      throw new AppError('UNAUTHORIZED', 'This account is not set up yet: open the invitation link from your email to choose a password', { reason: 'invited' });
    }
    if (!(await verify(agent.passwordHash, password))) throw new AppError('UNAUTHORIZED', 'Wrong email or password');
    return this.issueSession(agent);
  }

  /** A session for an agent whose credentials were just checked (a password, or an invitation being accepted). */
  issueSession(agent: Pick<AgentDoc, '_id' | 'email' | 'name' | 'role' | 'tokenVersion'>): LoginResult {
    const token = jwt.sign({ ver: agent.tokenVersion } satisfies Omit<SessionClaims, 'sub'>, this.jwtSecret, {
      algorithm: 'HS256',
      subject: agent._id.toHexString(),
      expiresIn: `${this.sessionHours}h`,
    });
    return { token, agent: toAgentDTO(agent) };
  }

  /** Verifies a session token (algorithm pinned, expiry required) and that the agent may still sign in. */
  async authenticate(token: unknown): Promise<AgentPrincipal> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) throw unauthorized();
    let claims: SessionClaims;
    try {
      const decoded = jwt.verify(token, this.jwtSecret, { algorithms: ['HS256'] });
      if (typeof decoded === 'string' || typeof decoded.sub !== 'string' || typeof decoded.exp !== 'number') throw unauthorized();
      claims = { sub: decoded.sub, ver: Number(decoded.ver) };
    } catch (err) {
      this.log.debug({ reason: (err as Error).message }, 'agent token refused');
      throw unauthorized();
    }
    if (!Types.ObjectId.isValid(claims.sub)) throw unauthorized();
    const agent = await this.agents.findById(claims.sub).lean();
    if (!agent || !agent.active || agent.tokenVersion !== claims.ver) throw unauthorized();
    return principalOf(agent);
  }

  async createAgent(input: { email: string; name: string; password: string; role: AgentRole }): Promise<AgentPrincipal> {
    const passwordHash = await hash(input.password);
    try {
      const doc = await this.agents.create({ email: input.email.toLowerCase(), name: input.name, role: input.role, passwordHash });
      return principalOf(doc);
    } catch (err) {
      if (isConflict(err)) throw new AppError('CONFLICT', 'An agent with this email already exists');
      throw err;
    }
  }

  /** Creates the first admin from ADMIN_EMAIL/ADMIN_PASSWORD if that account does not exist yet. */
  async ensureAdmin(admin: { email: string; password: string } | undefined): Promise<void> {
    if (!admin) {
      if ((await this.agents.countDocuments({ role: 'admin' })) === 0) {
        this.log.warn('no admin account exists: set ADMIN_EMAIL and ADMIN_PASSWORD and restart to create one');
      }
      return;
    }
    if (await this.agents.exists({ email: admin.email })) return;
    try {
      await this.createAgent({ email: admin.email, name: admin.email.split('@')[0] ?? 'Admin', password: admin.password, role: 'admin' });
      this.log.info({ email: admin.email }, 'created the first admin from ADMIN_EMAIL');
    } catch (err) {
      // Another node created it at the same moment: that is the outcome we wanted.
      if (!(err instanceof AppError && err.code === 'CONFLICT')) throw err;
    }
  }
}

function principalOf(a: Pick<AgentDoc, '_id' | 'name' | 'email' | 'role'>): AgentPrincipal {
  return { id: a._id.toHexString(), name: a.name, email: a.email, role: a.role };
}
