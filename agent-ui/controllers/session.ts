/**
 * The agent's login session: the JWT kept in localStorage and the agent it belongs to.
 *
 * REST errors arrive as `{error: {code, message, details?}}` (shared/errors.ts); anything else
 * (a proxy's HTML page, a dropped connection) is turned into an `ErrorBody` here so callers show
 * one kind of error.
 */
import type { ErrorBody, ErrorCode } from '../../shared/errors.js';
import type { AgentDTO, LoginResult } from '../../shared/types.js';

export const TOKEN_STORAGE_KEY = 'chat-hybrid:agent-token';

export type SessionEndReason = 'signed-out' | 'expired' | 'elsewhere';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiError';
  }
}

const FALLBACK_CODE: Record<number, ErrorCode> = {
  400: 'VALIDATION',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

const FALLBACK_MESSAGE: Partial<Record<ErrorCode, string>> = {
  UNAUTHORIZED: 'Wrong email or password.',
  RATE_LIMITED: 'Too many attempts. Please wait a minute and try again.',
  UNAVAILABLE: 'The server is not available right now. Please try again.',
};

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}

/** Any fetch of our API: rejects with `ApiError` only when no answer came at all. */
export async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch {
    // fetch rejects only when no answer came at all.
    throw new ApiError(0, { code: 'UNAVAILABLE', message: 'Could not reach the server. Check your connection and try again.' });
  }
}

/** The `ApiError` of a failed answer, whether or not it carries our JSON error body. */
export async function errorOf(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // Not JSON (an empty body or a proxy's error page): handled by the status below.
    body = null;
  }
  const error = (body as { error?: unknown } | null)?.error;
  if (isErrorBody(error)) return new ApiError(res.status, error);
  const code = FALLBACK_CODE[res.status] ?? 'INTERNAL';
  return new ApiError(res.status, { code, message: FALLBACK_MESSAGE[code] ?? `Something went wrong (HTTP ${res.status}). Please try again.` });
}

/** A JSON request; throws `ApiError` with the server's message or one made from the status. */
export async function request<T>(path: string, init: RequestInit): Promise<T> {
  const res = await send(path, { ...init, headers: { Accept: 'application/json', ...init.headers } });
  if (!res.ok) throw await errorOf(res);
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError(res.status, { code: 'INTERNAL', message: 'The server sent an answer this page cannot read. Please try again.' });
  }
}

/** localStorage may be unavailable (privacy modes, sandboxed frames); the session then lasts as long as the page. */
class TokenStore {
  private memory: string | null = null;

  read(): string | null {
    try {
      return window.localStorage.getItem(TOKEN_STORAGE_KEY);
    } catch {
      return this.memory;
    }
  }

  write(token: string | null): void {
    this.memory = token;
    try {
      if (token === null) window.localStorage.removeItem(TOKEN_STORAGE_KEY);
      else window.localStorage.setItem(TOKEN_STORAGE_KEY, token);
    } catch {
      // Storage refused: the in-memory copy above keeps this tab signed in.
      this.memory = token;
    }
  }
}

export class Session {
  token: string | null;
  agent: AgentDTO | null = null;
  private readonly store = new TokenStore();

  constructor() {
    this.token = this.store.read();
  }

  /**
   * Checks the stored token with GET /api/auth/me. Resolves to the agent, or to null when there is
   * no token or the server refused it (the token is then forgotten). Throws `ApiError` when the
   * server could not answer, keeping the token for a later try.
   */
  async restore(): Promise<AgentDTO | null> {
    this.token = this.store.read();
    if (!this.token) return null;
    try {
      const res = await request<{ agent: AgentDTO }>('/api/auth/me', {
        method: 'GET',
        headers: { Authorization: `Bearer ${this.token}` },
      });
      this.agent = res.agent;
      return res.agent;
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
        this.clear();
        return null;
      }
      throw err;
    }
  }

  /** Throws `ApiError` carrying the server's message (wrong password, rate limited, …). */
  async login(email: string, password: string): Promise<AgentDTO> {
    const res = await request<LoginResult>('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    this.token = res.token;
    this.agent = res.agent;
    this.store.write(res.token);
    return res.agent;
  }

  /** Takes over a session the server issued another way (an accepted invitation). */
  adopt(result: LoginResult): AgentDTO {
    this.token = result.token;
    this.agent = result.agent;
    this.store.write(result.token);
    return result.agent;
  }

  /**
   * Signs out: the server revokes the token (with `everywhere`, every session of the agent) and
   * closes its sockets, so a copy of it stops working too; then the token is forgotten here. Does
   * not wait for the answer (keepalive carries it past a page change); if it is lost, the token
   * still expires after AGENT_SESSION_HOURS.
   */
  logout(everywhere = false): void {
    const token = this.token;
    if (token) {
      void send(everywhere ? '/api/auth/logout-all' : '/api/auth/logout', {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        keepalive: true,
      }).catch(() => undefined);
    }
    this.clear();
  }

  /** Forgets the token here only; the server still accepts it until it expires (`logout` revokes it). */
  clear(): void {
    this.token = null;
    this.agent = null;
    this.store.write(null);
  }
}
