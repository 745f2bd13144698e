/**
 * Transfers: a live chat goes to another agent, or back to the queue for a team.
 *
 * A transfer is the chat's next assignment: it takes the same claim `assign:<chat>:<n+1>` an
 * accept would, so a transfer racing an end, or two transfers, cannot both happen. The visitor
 * sees the change in the stream: "<agent> joined the chat", or that the chat went to a team and
 * waits again; the optional note is an internal note, for agents only.
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { TransferInput } from '../../../shared/schemas/routing.js';
import type { ConversationDTO, MessageDTO, NoteDTO } from '../../../shared/types.js';
import { DEFAULT_MAX_CHATS } from '../../../shared/workspace.js';
import { AppError, forbidden } from '../../http/errors.js';
import type { AgentNamespace } from '../../realtime/io.js';
import { rooms } from '../../realtime/rooms.js';
import type { Claims } from '../../store/claims.js';
import type { AgentModel } from '../auth/agent.model.js';
import type { AgentPrincipal } from '../auth/auth.service.js';
import { toConversationDTO, type ConversationDoc } from '../conversations/conversation.model.js';
import type { ConversationsService } from '../conversations/conversations.service.js';
import type { TeamModel } from '../teams/team.model.js';
import type { CapacitySlots } from './capacity.js';
import type { PresenceService } from './presence.service.js';

export interface NoteWriter {
  addNote(agent: AgentPrincipal, input: { conversationId: string; clientId: string; body: string }): Promise<NoteDTO>;
}

export class TransferService {
  constructor(
    private readonly d: {
      chats: ConversationsService;
      capacity: CapacitySlots;
      claims: Claims;
      presence: PresenceService;
      agentModel: AgentModel;
      teamModel: TeamModel;
      notes: NoteWriter;
      agents: AgentNamespace;
    },
  ) {}

  async transfer(actor: AgentPrincipal, input: TransferInput): Promise<ConversationDTO> {
    const conv = await this.d.chats.visible({ kind: 'agent', agent: actor }, input.conversationId);
    if (conv.status === 'ended') throw new AppError('CONFLICT', 'This chat has ended');
    if (conv.status === 'queued' && actor.role !== 'admin') throw forbidden('Accept the chat before transferring it');
    if (conv.status === 'active' && !this.d.chats.isAssigned(conv, actor)) throw forbidden('Only the agent of this chat or an admin can transfer it');

    const target = input.agentId ? await this.toAgent(conv, input.agentId) : await this.toTeam(conv, input.teamId!);
    if (input.note) {
      await this.d.notes.addNote(actor, { conversationId: input.conversationId, clientId: `transfer-${randomBytes(8).toString('hex')}`, body: `Transferred to ${target.name}: ${input.note}` });
    }
    if (target.line) await this.d.chats.announce(conv._id, target.line, true);
    const after = await this.d.chats.load(conv._id);
    // The previous agent's other tabs must see the chat leave "mine".
    if (conv.agentId && after.agentId?.toHexString() !== conv.agentId.toHexString()) this.d.agents.to(rooms.agent(conv.agentId.toHexString())).emit('conversation:updated', toConversationDTO(after));
    return toConversationDTO(after);
  }

  private async toAgent(conv: ConversationDoc, agentId: string): Promise<{ name: string; line: MessageDTO | null }> {
    const target = await this.d.agentModel.findById(agentId).lean();
    if (!target || !target.active) throw new AppError('VALIDATION', 'Invalid input: agentId is not an active agent', [{ path: 'agentId', message: 'is not an active agent' }]);
    const name = target.name;
    if (conv.status === 'active' && conv.agentId?.equals(target._id)) throw new AppError('CONFLICT', `This chat is already with ${name}`);
    const presence = (await this.d.presence.snapshot()).get(agentId);
    if (!presence || presence.status === 'offline') throw new AppError('CONFLICT', `${name} is offline; choose someone who is signed in`);
    const full = () => new AppError('CONFLICT', `${name} already has ${target.maxChats ?? DEFAULT_MAX_CHATS} live chats, their limit`);

    if (conv.status === 'queued') {
      // An admin hands a waiting chat to someone: an ordinary assignment.
      const result = await this.d.chats.assign(conv, { id: agentId, name });
      if (result === 'full') throw full();
      if (result === 'taken') throw new AppError('CONFLICT', 'Another agent took this chat meanwhile');
      return { name, line: null };
    }

    const id = conv._id.toHexString();
    const n = conv.assignments + 1;
    if (!(await this.d.capacity.reserve(agentId, id))) throw full();
    if (!(await this.d.claims.take(`assign:${id}:${n}`, `${agentId}|${name}`))) {
      await this.d.capacity.release(agentId, id);
      throw new AppError('CONFLICT', 'The chat changed meanwhile (ended or transferred); look again');
    }
    await this.d.chats.updateDoc(conv._id, { $set: { agentId: target._id, agentName: name, assignments: n } }, { status: 'active', assignments: conv.assignments });
    await this.d.capacity.release(conv.agentId!.toHexString(), id);
    const { message } = await this.d.chats.appendSystem(conv._id, { kind: 'agent.joined', agentName: name }, `assign-${n}`);
    return { name, line: message };
  }

  private async toTeam(conv: ConversationDoc, teamId: string): Promise<{ name: string; line: MessageDTO }> {
    const team = await this.d.teamModel.findById(teamId).lean();
    if (!team) throw new AppError('VALIDATION', 'Invalid input: teamId is not a team', [{ path: 'teamId', message: 'is not a team' }]);
    const teamOid = new Types.ObjectId(teamId);
    const event = { kind: 'chat.transferred' as const, teamName: team.name };

    if (conv.status === 'queued') {
      // Still waiting: it only changes whose queue it waits in.
      await this.d.chats.updateDoc(conv._id, { $set: { teamId: teamOid } }, { status: 'queued' });
      const { message } = await this.d.chats.appendSystem(conv._id, event, `team-${randomBytes(8).toString('hex')}`);
      return { name: team.name, line: message };
    }

    const id = conv._id.toHexString();
    const n = conv.assignments + 1;
    if (!(await this.d.claims.take(`assign:${id}:${n}`, `team:${teamId}|${team.name}`))) {
      throw new AppError('CONFLICT', 'The chat changed meanwhile (ended or transferred); look again');
    }
    // Back in the queue as a new wait: the wait statistics measure this wait, not the talk before it.
    await this.d.chats.updateDoc(
      conv._id,
      { $set: { status: 'queued', agentId: null, agentName: null, teamId: teamOid, queuedAt: new Date(), acceptedAt: null, assignments: n } },
      { status: 'active', assignments: conv.assignments },
    );
    await this.d.capacity.release(conv.agentId!.toHexString(), id);
    const { message } = await this.d.chats.appendSystem(conv._id, event, `assign-${n}`);
    return { name: team.name, line: message };
  }
}
