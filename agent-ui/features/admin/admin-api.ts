/**
 * The admin REST API (shared/api.ts "Admins") as the admin screens call it. Every method throws
 * `ApiError` with the server's message; a refused session also calls `onUnauthorized`, so the app
 * asks for the password again.
 */
import { ADMIN_API as API, type AgentInviteResult, type SiteDTO } from '../../../shared/api.js';
import type { InviteAgentInput, SiteSettingsInput, TeamInput, UpdateAgentInput } from '../../../shared/schemas/admin.js';
import type { OfficialChannelInput } from '../../../shared/schemas/visitor-features.js';
import type { OfficialChannelDTO } from '../../../shared/visitor-features.js';
import type { AgentProfileDTO, TeamDTO } from '../../../shared/workspace.js';
import { ApiError, errorOf, request, send } from '../../controllers/session.js';

export interface AdminApiOptions {
  token: () => string | null;
  onUnauthorized: () => void;
}

export class AdminApi {
  constructor(private readonly options: AdminApiOptions) {}

  agents = () => this.call<AgentProfileDTO[]>('GET', API.agents);
  invite = (input: InviteAgentInput) => this.call<AgentInviteResult>('POST', API.agents, input);
  resendInvite = (id: string) => this.call<AgentInviteResult>('POST', API.agentInvite(id));
  updateAgent = (id: string, input: UpdateAgentInput) => this.call<AgentProfileDTO>('PATCH', API.agent(id), input);

  teams = () => this.call<TeamDTO[]>('GET', API.teams);
  createTeam = (input: TeamInput) => this.call<TeamDTO>('POST', API.teams, input);
  renameTeam = (id: string, input: TeamInput) => this.call<TeamDTO>('PATCH', API.team(id), input);
  deleteTeam = (id: string) => this.call<void>('DELETE', API.team(id));

  sites = () => this.call<SiteDTO[]>('GET', API.sites);
  updateSite = (siteKey: string, input: SiteSettingsInput) => this.call<SiteDTO>('PATCH', API.site(siteKey), input);

  officialChannels = (siteKey: string) => this.call<OfficialChannelDTO[]>('GET', `${API.officialChannels}?siteKey=${encodeURIComponent(siteKey)}`);
  addOfficialChannel = (input: OfficialChannelInput) => this.call<OfficialChannelDTO>('POST', API.officialChannels, input);
  deleteOfficialChannel = (id: string) => this.call<void>('DELETE', API.officialChannel(id));

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.options.token() ?? ''}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      if (method === 'DELETE') {
        // 204: no body to read.
        const res = await send(path, { method, headers });
        if (!res.ok) throw await errorOf(res);
        return undefined as T;
      }
      return await request<T>(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.options.onUnauthorized();
      throw err;
    }
  }
}

/** `details` of a VALIDATION error as field → message ("skills.categories" → "no such category: x"). */
export function fieldErrors(err: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!(err instanceof ApiError)) return out;
  const details = err.body.details;
  if (!Array.isArray(details)) return out;
  for (const d of details as Array<{ path?: unknown; message?: unknown }>) {
    if (typeof d.path === 'string' && typeof d.message === 'string' && !out.has(d.path)) out.set(d.path, d.message);
  }
  return out;
}

export function messageOf(err: unknown): string {
  return err instanceof ApiError ? err.body.message : 'Something went wrong. Please try again.';
}
