/**
 * Guests reach their ticket from an email: a unique link, then a one-time code sent to the
 * ticket's email. The link token is derived (HMAC of the ticket id), so every mail can carry it
 * without the server storing it; only its sha256 is stored, to find the ticket. 256 bits.
 *
 * Codes: 6 digits, 10 minutes, 5 tries, one live code per ticket, a minute between codes, and
 * limits per IP and per ticket. The 5 tries are claims (an insert per try), so even concurrent
 * guesses on FerretDB cannot exceed them (STORE.md's trap).
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Types } from 'mongoose';
import type { GuestCodeErrorDetails, GuestCodeSent, GuestLinkInfo } from '../../../shared/api.js';
import { GUEST_CODE_MAX_ATTEMPTS, GUEST_CODE_RESEND_SECONDS, GUEST_CODE_TTL_SECONDS, GUEST_CODE_LENGTH } from '../../../shared/tickets.js';
import type { CustomerSessionDTO } from '../../../shared/types.js';
import { AppError } from '../../http/errors.js';
import type { Logger } from '../../logger.js';
import type { Claims } from '../../store/claims.js';
import { retryIn, type RateLimiter } from '../../store/rate-limiter.js';
import type { ConversationDoc, ConversationModel } from '../conversations/conversation.model.js';
import type { CustomerSessions } from '../customers/customer-identity.js';
import type { Mailer } from '../mail/mailer.js';
import { guestCodeMail } from '../mail/templates.js';
import type { GuestCodeModel } from './guest-code.model.js';

/** A link stays valid this long after the last mail that carried it. */
const LINK_TTL_DAYS = 90;
/** The configured counts (GUEST_* in config.ts) over their windows. */
export type GuestLimitConfig = { linkChecksPerIp: number; codesPerIp: number; codesPerTicket: number; codeChecksPerIp: number };
const guestLimits = (c: GuestLimitConfig) => ({
  linkPerIp: { name: 'guest-link-ip', max: c.linkChecksPerIp, windowSeconds: 15 * 60 },
  codePerIp: { name: 'guest-code-ip', max: c.codesPerIp, windowSeconds: 15 * 60 },
  codePerTicket: { name: 'guest-code-ticket', max: c.codesPerTicket, windowSeconds: 60 * 60 },
  verifyPerIp: { name: 'guest-verify-ip', max: c.codeChecksPerIp, windowSeconds: 15 * 60 },
});

/** One message for every link that does not lead anywhere, so nobody learns whether a ticket exists. */
const badLink = () => new AppError('NOT_FOUND', 'This link does not work. It may be mistyped or expired; open the link in the latest email about your ticket.');

export class GuestAccess {
  private readonly linkKey: Buffer;
  private readonly codeKey: Buffer;
  private readonly limits: ReturnType<typeof guestLimits>;

  constructor(
    private readonly deps: {
      conversations: ConversationModel;
      codes: GuestCodeModel;
      claims: Claims;
      limiter: RateLimiter;
      mailer: Mailer;
      sessions: CustomerSessions;
      jwtSecret: string;
      publicUrl: () => string;
      log: Logger;
      limits: GuestLimitConfig;
    },
  ) {
    this.limits = guestLimits(deps.limits);
    this.linkKey = createHmac('sha256', deps.jwtSecret).update('guest-link').digest();
    this.codeKey = createHmac('sha256', deps.jwtSecret).update('guest-code').digest();
  }

  /** The fields that make the ticket's link work for LINK_TTL_DAYS from now; set them with each mail that carries it. */
  linkFields(conversationId: Types.ObjectId): { guestLinkHash: string; guestLinkExpiresAt: Date } {
    return { guestLinkHash: sha256(this.token(conversationId)), guestLinkExpiresAt: new Date(Date.now() + LINK_TTL_DAYS * 86400_000) };
  }

  /** The ticket's link for an email. */
  linkUrl(conversationId: Types.ObjectId): string {
    return `${this.deps.publicUrl()}/tickets/#t=${this.token(conversationId)}`;
  }

  private token(conversationId: Types.ObjectId): string {
    return createHmac('sha256', this.linkKey).update(conversationId.toHexString()).digest('base64url');
  }

  async info(link: string, ip: string): Promise<GuestLinkInfo> {
    await this.deps.limiter.hit(this.limits.linkPerIp, ip, (s) => `Too many ticket links opened from your network; please try again ${retryIn(s)}`);
    const conv = await this.byLink(link);
    return { maskedEmail: maskEmail(conv.visitorEmail!) };
  }

  async requestCode(link: string, ip: string): Promise<GuestCodeSent> {
    await this.deps.limiter.hit(this.limits.codePerIp, ip, (s) => `Too many code requests from your network; please try again ${retryIn(s)}`);
    const conv = await this.byLink(link);
    const id = conv._id.toHexString();
    const live = await this.deps.codes.findById(id).lean();
    if (live) {
      const wait = Math.ceil((live.createdAt.getTime() + GUEST_CODE_RESEND_SECONDS * 1000 - Date.now()) / 1000);
      if (wait > 0) throw codeError('RATE_LIMITED', `A code was just sent. You can ask for another in ${wait} seconds.`, { reason: 'just-sent', retryAfterSeconds: wait });
    }
    await this.deps.limiter.hit(this.limits.codePerTicket, id, (s) => `Too many codes were asked for this ticket; please try again ${retryIn(s)}`);

    const code = String(randomInt(0, 10 ** GUEST_CODE_LENGTH)).padStart(GUEST_CODE_LENGTH, '0');
    const codeId = randomBytes(12).toString('hex');
    const now = new Date();
    await this.deps.codes.replaceOne(
      { _id: id },
      { _id: id, codeId, codeHash: this.hashCode(codeId, code), createdAt: now, expiresAt: new Date(now.getTime() + GUEST_CODE_TTL_SECONDS * 1000) },
      { upsert: true },
    );
    const mail = guestCodeMail(conv.locale, { code, ticketNumber: conv.ticketNumber!, minutes: GUEST_CODE_TTL_SECONDS / 60 });
    try {
      await this.deps.mailer.send({ to: conv.visitorEmail!, ...mail });
    } catch (err) {
      this.deps.log.warn({ err, ticket: conv.ticketNumber }, 'could not send a guest code');
      await this.deps.codes.deleteOne({ _id: id, codeId });
      throw new AppError('UNAVAILABLE', 'The code could not be sent right now; please try again in a moment');
    }
    return { maskedEmail: maskEmail(conv.visitorEmail!), expiresInSeconds: GUEST_CODE_TTL_SECONDS, resendAfterSeconds: GUEST_CODE_RESEND_SECONDS };
  }

  async verify(link: string, code: string, ip: string): Promise<CustomerSessionDTO> {
    await this.deps.limiter.hit(this.limits.verifyPerIp, ip, (s) => `Too many attempts from your network; please try again ${retryIn(s)}`);
    const conv = await this.byLink(link);
    const id = conv._id.toHexString();
    const live = await this.deps.codes.findById(id).lean();
    if (!live || live.expiresAt.getTime() <= Date.now()) throw codeError('UNAUTHORIZED', 'This code has expired. Ask for a new code.', { reason: 'expired' });
    let attempt = 0;
    for (let k = 1; k <= GUEST_CODE_MAX_ATTEMPTS; k++) {
      if (await this.deps.claims.take(`guest-try:${live.codeId}:${k}`, ip)) {
        attempt = k;
        break;
      }
    }
    if (attempt === 0) throw codeError('RATE_LIMITED', 'Too many wrong codes. Ask for a new code.', { reason: 'exhausted' });
    const given = Buffer.from(this.hashCode(live.codeId, code), 'hex');
    const expected = Buffer.from(live.codeHash, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      const left = GUEST_CODE_MAX_ATTEMPTS - attempt;
      const message = left > 0 ? `That code is not right. ${left} ${left === 1 ? 'try' : 'tries'} left.` : 'That code is not right, and no tries are left. Ask for a new code.';
      throw codeError('UNAUTHORIZED', message, { reason: 'wrong', triesLeft: left });
    }
    // One-time: whoever deletes it first is in; a second use of the same code finds nothing.
    const used = await this.deps.codes.deleteOne({ _id: id, codeId: live.codeId });
    if (used.deletedCount !== 1) throw codeError('UNAUTHORIZED', 'This code was already used. Ask for a new code.', { reason: 'used' });
    this.deps.log.info({ ticket: conv.ticketNumber }, 'guest signed in to a ticket');
    return this.deps.sessions.issue({ visitorId: null, siteKey: conv.siteKey, user: null, guestOf: id });
  }

  private async byLink(link: string): Promise<ConversationDoc> {
    const conv = await this.deps.conversations.findOne({ guestLinkHash: sha256(link) }).lean();
    if (!conv || conv.ticketNumber == null || !conv.visitorEmail || !conv.guestLinkExpiresAt || conv.guestLinkExpiresAt.getTime() <= Date.now()) throw badLink();
    if (!Types.ObjectId.isValid(conv._id)) throw badLink();
    return conv;
  }

  private hashCode(codeId: string, code: string): string {
    return createHmac('sha256', this.codeKey).update(`${codeId}:${code}`).digest('hex');
  }
}

const codeError = (code: 'UNAUTHORIZED' | 'RATE_LIMITED', message: string, details: GuestCodeErrorDetails) => new AppError(code, message, details);

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** "jane.doe@example.com" -> "j•••@example.com" */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email[0]}•••${email.slice(at)}`;
}
