/**
 * Canned replies: shared ones every agent sees and admins manage, and each agent's personal ones
 * that only their owner sees or changes (not even an admin: they are someone's own words).
 */
import { Types } from 'mongoose';
import type { z } from 'zod';
import type { saveCannedInput } from '../../../shared/schemas/canned.js';
import type { CannedReplyDTO } from '../../../shared/workspace.js';
import { AppError, forbidden, isConflict, notFound } from '../../http/errors.js';
import type { AgentPrincipal } from '../auth/auth.service.js';
import { toCannedReplyDTO, type CannedReplyDoc, type CannedReplyModel } from './canned.model.js';

type SaveInput = z.output<typeof saveCannedInput>;

/** A bound on what one list returns; far beyond what a picker can usefully show. */
const MAX_LISTED = 2000;

/** Who hears that a reply changed: every agent for a shared one, the owner's tabs for a personal one. */
export interface CannedEvents {
  cannedChanged(reply: { id: string; scope: 'shared' | 'personal'; ownerId: string | null }): void;
}

export class CannedService {
  constructor(
    private readonly replies: CannedReplyModel,
    private readonly events: CannedEvents,
  ) {}

  async list(agent: AgentPrincipal): Promise<CannedReplyDTO[]> {
    const docs = await this.replies
      .find({ $or: [{ scope: 'shared' }, { scope: 'personal', ownerId: new Types.ObjectId(agent.id) }] })
      .limit(MAX_LISTED)
      .lean();
    // Sorted here, not by the store: FerretDB sorts after a scan anyway, and the order must put an
    // agent's personal reply before a shared one with the same shortcut.
    return docs
      .sort((a, b) => (a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : a.scope === b.scope ? 0 : a.scope === 'personal' ? -1 : 1))
      .map(toCannedReplyDTO);
  }

  async save(agent: AgentPrincipal, input: SaveInput): Promise<CannedReplyDTO> {
    this.mayWrite(agent, input.scope, input.scope === 'personal' ? agent.id : null);
    const ownerId = input.scope === 'personal' ? new Types.ObjectId(agent.id) : null;
    const now = new Date();
    let saved: CannedReplyDoc | null;
    let previous: CannedReplyDoc | null = null;
    try {
      if (input.id) {
        const existing = await this.replies.findById(input.id).lean();
        if (!existing || !this.maySee(agent, existing)) throw notFound('Canned reply');
        this.mayWrite(agent, existing.scope, existing.ownerId?.toHexString() ?? null);
        previous = existing;
        await this.replies.updateOne(
          { _id: existing._id },
          { $set: { scope: input.scope, ownerId, shortcut: input.shortcut, title: input.title, body: input.body, updatedAt: now } },
        );
        saved = await this.replies.findById(existing._id).lean();
        if (!saved) throw notFound('Canned reply');
      } else {
        saved = (
          await this.replies.create({ scope: input.scope, ownerId, shortcut: input.shortcut, title: input.title, body: input.body, createdBy: new Types.ObjectId(agent.id), createdAt: now, updatedAt: now })
        ).toObject();
      }
    } catch (err) {
      if (!isConflict(err)) throw err;
      const whose = input.scope === 'shared' ? 'A shared canned reply' : 'One of your canned replies';
      throw new AppError('CONFLICT', `${whose} already uses the shortcut /${input.shortcut}; choose another shortcut or edit that reply`, [{ path: 'shortcut', message: 'is taken' }]);
    }
    const dto = toCannedReplyDTO(saved);
    this.events.cannedChanged(dto);
    // Moved between shared and personal: those who could see it before must hear it is gone.
    if (previous && previous.scope !== dto.scope) this.events.cannedChanged(toCannedReplyDTO(previous));
    return dto;
  }

  async delete(agent: AgentPrincipal, id: string): Promise<null> {
    const existing = await this.replies.findById(id).lean();
    if (!existing || !this.maySee(agent, existing)) throw notFound('Canned reply');
    this.mayWrite(agent, existing.scope, existing.ownerId?.toHexString() ?? null);
    await this.replies.deleteOne({ _id: existing._id });
    this.events.cannedChanged(toCannedReplyDTO(existing));
    return null;
  }

  /** Another agent's personal replies do not exist as far as anyone else can tell. */
  private maySee(agent: AgentPrincipal, reply: CannedReplyDoc): boolean {
    return reply.scope === 'shared' || reply.ownerId?.toHexString() === agent.id;
  }

  private mayWrite(agent: AgentPrincipal, scope: 'shared' | 'personal', ownerId: string | null): void {
    if (scope === 'shared' && agent.role !== 'admin') throw forbidden('Only admins can change shared canned replies; save it as a personal reply instead');
    if (scope === 'personal' && ownerId !== agent.id) throw forbidden('Only its owner can change a personal canned reply');
  }
}
