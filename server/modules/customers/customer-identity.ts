/**
 * Who a customer is. Three ways in, one principal:
 * - the widget: a random visitor token, plus optionally the host site's signed token for its
 *   logged-in user (identity verification, like Intercom's and Chatwoot's HMAC);
 * - the customer page of a logged-in user: the same host token traded for a session;
 * - a guest: a session for one ticket, granted by the code sent to the ticket's email.
 */
import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Types } from 'mongoose';
import type { CustomerSessionDTO } from '../../../shared/types.js';
import { AppError } from '../../http/errors.js';
import type { SitesService } from '../sites/sites.service.js';

export interface HostUser {
  /** The host site's id of the user. */
  id: string;
  email: string | null;
  name: string | null;
}

export interface CustomerPrincipal {
  /** The widget's visitor; null for customer-page sessions of users and guests. */
  visitorId: string | null;
  siteKey: string;
  /** Set only after the host's token was verified. */
  user: HostUser | null;
  /** Guests: the only conversation (a ticket) they may open. */
  guestOf: string | null;
}

/** What an upload or a ticket form is bound to, so only its maker can use it. */
export function customerKey(c: CustomerPrincipal): string {
  if (c.guestOf) return `guest:${c.guestOf}`;
  if (c.user) return `user:${c.siteKey}:${c.user.id}`;
  return `visitor:${c.visitorId}`;
}

/**
 * customerKey of everyone whose live chats this customer sees: a signed-in user also sees the chat
 * their browser started before signing in (customerFilter). Guests have no live chats.
 */
export function liveCustomerKeys(c: CustomerPrincipal): string[] {
  return [...(c.user ? [`user:${c.siteKey}:${c.user.id}`] : []), ...(c.visitorId ? [`visitor:${c.visitorId}`] : [])];
}

/** customerKey of a conversation's owner: its signed-in user, else the browser that started it. */
export function ownerKey(c: { siteKey: string; customerUserId: string | null; visitorId: { toHexString(): string } }): string {
  return c.customerUserId ? `user:${c.siteKey}:${c.customerUserId}` : `visitor:${c.visitorId.toHexString()}`;
}

/** Host tokens are meant to be minted per page view; a longer one is refused as a likely leak. */
const MAX_HOST_TOKEN_LIFETIME_S = 24 * 3600;
const SESSION_HOURS = 12;

/** Verifies a host site's token for its logged-in user. Throws UNAUTHORIZED with the reason. */
export async function verifyHostToken(sites: SitesService, siteKey: string, token: string): Promise<HostUser> {
  if (token.length > 4096) throw new AppError('UNAUTHORIZED', 'The user token is too long');
  const site = await sites.get(siteKey);
  let claims: jwt.JwtPayload;
  try {
    // HS256 only: "none" and every asymmetric algorithm are refused before the signature is read.
    const decoded = jwt.verify(token, site.identitySecret, { algorithms: ['HS256'], clockTolerance: 30 });
    if (typeof decoded === 'string') throw new Error('payload is not an object');
    claims = decoded;
  } catch (err) {
    throw new AppError('UNAUTHORIZED', `The user token is not valid: ${(err as Error).message}`);
  }
  if (typeof claims.exp !== 'number') throw new AppError('UNAUTHORIZED', 'The user token has no expiry (exp)');
  if (claims.exp - Date.now() / 1000 > MAX_HOST_TOKEN_LIFETIME_S) throw new AppError('UNAUTHORIZED', 'The user token lives too long (at most 24 hours)');
  const id = typeof claims.sub === 'string' ? claims.sub : typeof claims.user_id === 'string' ? claims.user_id : null;
  if (!id || id.length > 200) throw new AppError('UNAUTHORIZED', 'The user token names no user (sub)');
  const email = typeof claims.email === 'string' && /^[^\s@]+@[^\s@]+$/.test(claims.email) && claims.email.length <= 254 ? claims.email.toLowerCase() : null;
  const name = typeof claims.name === 'string' ? claims.name.slice(0, 120) : null;
  return { id, email, name };
}

interface SessionClaims {
  k: CustomerSessionDTO['kind'];
  site: string;
  vid?: string;
  uid?: string;
  em?: string | null;
  nm?: string | null;
  cid?: string;
}

/** Our own sessions for customers, signed with a key derived for this purpose only, so an agent token never passes as one. */
export class CustomerSessions {
  private readonly key: string;

  constructor(jwtSecret: string) {
    this.key = createHmac('sha256', jwtSecret).update('customer-session').digest('base64url');
  }

  issue(c: CustomerPrincipal, identity: Pick<CustomerSessionDTO, 'identity' | 'identityError'> = { identity: 'absent' }): CustomerSessionDTO {
    const kind: CustomerSessionDTO['kind'] = c.guestOf ? 'guest' : c.user ? 'user' : 'visitor';
    const claims: SessionClaims = { k: kind, site: c.siteKey };
    if (c.visitorId) claims.vid = c.visitorId;
    if (c.user) Object.assign(claims, { uid: c.user.id, em: c.user.email, nm: c.user.name });
    if (c.guestOf) claims.cid = c.guestOf;
    const token = jwt.sign(claims, this.key, { algorithm: 'HS256', expiresIn: `${SESSION_HOURS}h` });
    return {
      token,
      expiresAt: new Date(Date.now() + SESSION_HOURS * 3600_000).toISOString(),
      kind,
      user: c.user,
      conversationId: c.guestOf,
      ...identity,
    };
  }

  verify(token: unknown): CustomerPrincipal {
    const refused = () => new AppError('UNAUTHORIZED', 'Your session has expired; please sign in again');
    if (typeof token !== 'string' || token.length === 0 || token.length > 4096) throw refused();
    let c: SessionClaims & jwt.JwtPayload;
    try {
      const decoded = jwt.verify(token, this.key, { algorithms: ['HS256'] });
      if (typeof decoded === 'string' || typeof decoded.exp !== 'number') throw refused();
      c = decoded as SessionClaims & jwt.JwtPayload;
    } catch {
      throw refused();
    }
    if (typeof c.site !== 'string') throw refused();
    if (c.vid !== undefined && !Types.ObjectId.isValid(c.vid)) throw refused();
    if (c.cid !== undefined && !Types.ObjectId.isValid(c.cid)) throw refused();
    // The claims that make it a customer session, consistent with its kind; an agent's token (aud,
    // sub, jti, ver) never has them, so the two kinds cannot pass for each other even in principle.
    const kindOk = c.k === 'guest' ? typeof c.cid === 'string' : c.k === 'user' ? typeof c.uid === 'string' : c.k === 'visitor' && typeof c.vid === 'string';
    if (!kindOk || c.aud !== undefined) throw refused();
    return {
      visitorId: c.vid ?? null,
      siteKey: c.site,
      user: typeof c.uid === 'string' ? { id: c.uid, email: c.em ?? null, name: c.nm ?? null } : null,
      guestOf: c.cid ?? null,
    };
  }
}
