/**
 * What the ticket screens look names up in: the site's categories (`site:config`) and every agent
 * (`agents:list`, for the assignee pickers). Fetched on every connect, so a renamed category or a
 * new colleague shows up after a reconnect at the latest.
 */
import { DEFAULT_CATEGORIES } from '../../shared/tickets.js';
import type { AgentDTO, CategoryDTO } from '../../shared/types.js';
import type { AgentSocket } from './agent-socket.js';

/** A failed fetch is asked again after this long while still connected. */
const RETRY_MS = 5_000;

export interface DirectoryData {
  categories: readonly CategoryDTO[];
  agents: readonly AgentDTO[];
  /** False until the first successful fetch of both. */
  loaded: boolean;
}

export class Directory {
  /** The defaults until the site's own list arrives, so pickers are never empty. */
  data: DirectoryData = { categories: DEFAULT_CATEGORIES, agents: [], loaded: false };
  private readonly listeners = new Set<(data: DirectoryData) => void>();
  private readonly off: () => void;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly socket: AgentSocket) {
    this.off = socket.onConnect(() => void this.load());
    if (socket.connected) void this.load();
  }

  dispose(): void {
    this.off();
    clearTimeout(this.retryTimer);
    this.listeners.clear();
  }

  onChange(listener: (data: DirectoryData) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async load(): Promise<void> {
    clearTimeout(this.retryTimer);
    const [config, agents] = await Promise.all([this.socket.command('site:config', {}), this.socket.command('agents:list', {})]);
    const next: DirectoryData = {
      categories: config.ok && config.data.categories.length ? config.data.categories : this.data.categories,
      agents: agents.ok ? [...agents.data].sort((a, b) => a.name.localeCompare(b.name)) : this.data.agents,
      loaded: this.data.loaded || (config.ok && agents.ok),
    };
    this.data = next;
    for (const l of this.listeners) l(next);
    if ((!config.ok || !agents.ok) && this.socket.connected) {
      this.retryTimer = setTimeout(() => {
        if (this.socket.connected) void this.load();
      }, RETRY_MS);
    }
  }
}
