/**
 * Teams: named groups of agents a chat can be transferred to. Membership lives on the agent
 * (`teamIds`), so deleting a team also takes it out of every agent's list.
 */
import { Types } from 'mongoose';
import type { TeamDTO } from '../../../shared/workspace.js';
import { AppError, isConflict, notFound } from '../../http/errors.js';
import type { DocLocks } from '../../store/doc-locks.js';
import type { AgentModel } from '../auth/agent.model.js';
import { toTeamDTO, type TeamModel } from './team.model.js';

/** The DocLocks key every admin write to agents and teams runs under (shared with AdminService). */
export const ROSTER_LOCK = 'roster';

export class TeamsService {
  constructor(
    private readonly teams: TeamModel,
    private readonly agents: AgentModel,
    /** Shared with AdminService: team changes and agent changes are applied one after another. */
    private readonly locks: DocLocks,
  ) {}

  async list(): Promise<TeamDTO[]> {
    const teams = await this.teams.find().limit(1000).lean();
    return teams.map(toTeamDTO).sort((a, b) => a.name.localeCompare(b.name));
  }

  create(name: string): Promise<TeamDTO> {
    return this.locks.run(ROSTER_LOCK, async () => {
      await this.refuseTakenName(name, null);
      try {
        return toTeamDTO((await this.teams.create({ name })).toObject());
      } catch (err) {
        // Another node created the same name at the same moment: the unique index refused ours.
        if (isConflict(err)) throw takenName(name);
        throw err;
      }
    });
  }

  rename(id: string, name: string): Promise<TeamDTO> {
    return this.locks.run(ROSTER_LOCK, async () => {
      const team = await this.teams.findById(id).lean();
      if (!team) throw notFound('Team');
      await this.refuseTakenName(name, team._id);
      try {
        await this.teams.updateOne({ _id: team._id }, { $set: { name } });
      } catch (err) {
        if (isConflict(err)) throw takenName(name);
        throw err;
      }
      return toTeamDTO({ ...team, name });
    });
  }

  /** Deletes the team and takes it out of every agent's teamIds. Chats that were sent to it keep its id as history. */
  delete(id: string): Promise<void> {
    return this.locks.run(ROSTER_LOCK, async () => {
      const team = await this.teams.findById(id).lean();
      if (!team) throw notFound('Team');
      await this.teams.deleteOne({ _id: team._id });
      // $pullAll, not $pull: FerretDB 1.24 ignores $pull with a condition (STORE.md).
      await this.agents.updateMany({ teamIds: team._id }, { $pullAll: { teamIds: [team._id] } });
    });
  }

  /** The ids as ObjectIds if every one names a team; VALIDATION otherwise. Callers hold ROSTER_LOCK. */
  async existing(ids: readonly string[]): Promise<Types.ObjectId[]> {
    if (ids.length === 0) return [];
    const oids = ids.map((id) => new Types.ObjectId(id));
    const found = new Set((await this.teams.find({ _id: { $in: oids } }, { _id: 1 }).lean()).map((t) => t._id.toHexString()));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) {
      throw new AppError('VALIDATION', `Invalid input: teamIds names no team: ${missing.join(', ')}`, [{ path: 'teamIds', message: `no such team: ${missing.join(', ')}` }]);
    }
    return oids;
  }

  /** Names are unique whatever their case ("Billing" and "billing" would confuse everyone). */
  private async refuseTakenName(name: string, except: Types.ObjectId | null): Promise<void> {
    const key = name.toLocaleLowerCase();
    const teams = await this.teams.find({}, { name: 1 }).limit(1000).lean();
    if (teams.some((t) => t.name.toLocaleLowerCase() === key && !(except && t._id.equals(except)))) throw takenName(name);
  }
}

const takenName = (name: string) => new AppError('CONFLICT', `A team named “${name}” already exists`);
