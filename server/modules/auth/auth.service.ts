import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import type { AgentRole, LoginResult } from '../../../shared/types.js';
import { AppError, isConflict } from '../../http/errors.js';
import type { Logger } from '../../logger.js';
import { DocLocks } from '../../store/doc-locks.js';
import { ROSTER_LOCK } from '../teams/teams.service.js';
import { toAgentDTO, type AgentDoc, type AgentModel } from './agent.model.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { revokedSessionModel, type RevokedSessionModel } from './revoked-session.model.js';

/** The agent a request or socket acts as, after its token was verified against the store. */
export interface AgentPrincipal {
  id: string;
  name: string;
  email: string;
  role: AgentRole;
}

/**
 * What an agent session token carries. `aud` tells it apart from every other token the server
 * signs (customer sessions are signed with another key and carry `k`, never `aud`); `jti` names
 * the session, so one sign-out revokes it alone; `ver` is the agent's tokenVersion at issue, so
 * "sign out everywhere" and deactivation revoke them all.
 */
export interface SessionClaims {
  sub: string;
  jti: string;
  ver: number;
  /** Seconds since the epoch. */
  exp: number;
}

const AGENT_AUDIENCE = 'agent';
/** Our own tokens are ~300 characters; anything much longer is not one, and is refused before parsing. */
const MAX_TOKEN_LENGTH = 2048;
const JTI = /^[A-Za-z0-9_-]{16,64}$/;

/** One answer for every refused token, whatever the reason: the reason stays in the debug log. */
const unauthorized = () => new AppError('UNAUTHORIZED', 'Your session is not valid; please sign in again');

/** Closes live sockets on every node (the Socket.IO adapter carries it); set once Socket.IO exists. */
export interface SessionDisconnector {
  session(jti: string): void;
  agent(agentId: string): void;
}

export class AuthService {
  /** Verified against when the email is unknown, so a wrong email costs as long as a wrong password. */
  private dummyHash: Promise<string> | undefined;

  disconnect: SessionDisconnector | null = null;

  constructor(
    private readonly agents: AgentModel,
    private readonly jwtSecret: string,
    private readonly sessionHours: number,
    private readonly log: Logger,
    /** Signed-out sessions; by default the collection on the agents' own connection (createModels registers it). */
    private readonly revoked: RevokedSessionModel = (agents.db.models.RevokedSession as RevokedSessionModel | undefined) ?? revokedSessionModel(agents.db),
    /** The agents' roster lock (admin.service.ts): tokenVersion shares the agent document with admins' edits. */
    private readonly locks: DocLocks = new DocLocks(),
  ) {}

  async login(email: string, password: string): Promise<LoginResult> {
    const agent = await this.agents.findOne({ email }).lean();
    if (!agent || !agent.active) {
      this.dummyHash ??= hashPassword('not-a-real-password');
      await verifyPassword(await this.dummyHash, password);
      throw new AppError('UNAUTHORIZED', 'Wrong email or password');
    }
    if (agent.inviteHash) {
      // Invited, no password yet (the stored hash is of random bytes nobody knows).
      throw new AppError('UNAUTHORIZED', 'This account is not set up yet: open the invitation link from your email to choose a password', { reason: 'invited' });
    }
    if (!(await verifyPassword(agent.passwordHash, password))) throw new AppError('UNAUTHORIZED', 'Wrong email or password');
    return this.issueSession(agent);
  }

  /** A session for an agent whose credentials were just checked (a password, or an invitation being accepted). */
  issueSession(agent: Pick<AgentDoc, '_id' | 'email' | 'name' | 'role' | 'tokenVersion'>): LoginResult {
    const token = jwt.sign({ ver: agent.tokenVersion ?? 0 }, this.jwtSecret, {
      algorithm: 'HS256',
      subject: agent._id.toHexString(),
      audience: AGENT_AUDIENCE,
      jwtid: randomBytes(16).toString('base64url'),
      expiresIn: `${this.sessionHours}h`,
    });
    return { token, agent: toAgentDTO(agent) };
  }

  /**
   * Checks a session token's signature and claims, without the store: HS256 only (so "none" and
   * every asymmetric algorithm are refused before the signature is read), our audience, an expiry,
   * and well-formed sub, jti and ver. Throws UNAUTHORIZED.
   */
  verifyToken(token: unknown): SessionClaims {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw unauthorized();
    let decoded: string | jwt.JwtPayload;
    try {
      decoded = jwt.verify(token, this.jwtSecret, { algorithms: ['HS256'], audience: AGENT_AUDIENCE });
    } catch (err) {
      this.log.debug({ reason: (err as Error).message }, 'agent token refused');
      throw unauthorized();
    }
    if (typeof decoded === 'string') throw unauthorized();
    const { sub, jti, ver, exp, iat } = decoded;
    const valid =
      typeof sub === 'string' &&
      /^[0-9a-f]{24}$/.test(sub) &&
      typeof jti === 'string' &&
      JTI.test(jti) &&
      Number.isSafeInteger(ver) &&
      typeof exp === 'number' &&
      // A token "issued" in the future was not issued by us (allowing a little clock skew between nodes).
      (iat === undefined || (typeof iat === 'number' && iat <= Date.now() / 1000 + 60));
    if (!valid) {
      this.log.debug('agent token refused: missing or malformed claims');
      throw unauthorized();
    }
    return { sub, jti, ver: ver as number, exp };
  }

  /** The agent of verified claims, if the session still stands: the agent is active, the version current, the session not signed out. */
  async checkSession(claims: SessionClaims): Promise<AgentPrincipal> {
    const [agent, revoked] = await Promise.all([this.agents.findById(claims.sub).lean(), this.revoked.exists({ _id: claims.jti })]);
    if (!agent || !agent.active || (agent.tokenVersion ?? 0) !== claims.ver || revoked) throw unauthorized();
    return principalOf(agent);
  }

  /** Verifies a session token and that the agent may still use it (checkSession). */
  async authenticate(token: unknown): Promise<AgentPrincipal> {
    return this.checkSession(this.verifyToken(token));
  }

  /** Signs out one session: its token stops working on every node, and its sockets are closed. */
  async logout(token: unknown): Promise<void> {
    const claims = this.verifyToken(token);
    const agent = await this.checkSession(claims);
    try {
      await this.revoked.create({ _id: claims.jti, agentId: new Types.ObjectId(agent.id), expiresAt: new Date(claims.exp * 1000) });
    } catch (err) {
      // Signed out twice at once: it is revoked either way.
      if (!isConflict(err)) throw err;
    }
    this.disconnect?.session(claims.jti);
    this.log.info({ agentId: agent.id }, 'agent signed out');
    // Rows of tokens that expired by now protect nothing; sign-outs are rare, so this stays cheap.
    void this.revoked.deleteMany({ expiresAt: { $lt: new Date() } }).catch((err: unknown) => this.log.warn({ err }, 'could not prune signed-out sessions'));
  }

  /** Signs out every session of the agent (a new token version), on every node. */
  async logoutAll(agentId: string): Promise<void> {
    await this.locks.run(ROSTER_LOCK, () => this.agents.updateOne({ _id: new Types.ObjectId(agentId) }, { $inc: { tokenVersion: 1 } }));
    this.disconnect?.agent(agentId);
    this.log.info({ agentId }, 'agent signed out everywhere');
  }

  async createAgent(input: { email: string; name: string; password: string; role: AgentRole }): Promise<AgentPrincipal> {
    const passwordHash = await hashPassword(input.password);
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
