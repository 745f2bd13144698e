/**
 * Which browser pages may use the chat. Each site lists the origins whose pages may embed its widget
 * (admin settings; an empty list allows any); our own origin (the agent UI, the customer page and
 * the demo page are served from it) is always allowed, and is the only one allowed for agents.
 *
 * A request without an Origin header comes from no browser page (a server, a script, an app) or is
 * a same-origin GET: it is let through, because tokens are what authenticate; origins only stop
 * another site's page from using a visitor's or an agent's browser (and the tokens it holds).
 */
import type { RequestHandler, Response } from 'express';
import { API } from '../../shared/api.js';
import { normalizeOrigin } from '../../shared/schemas/admin.js';
import type { SitesService } from '../modules/sites/sites.service.js';
import { AppError } from './errors.js';

/** REST paths (under /api) the widget calls from a host site's page; everything else answers our own pages only. */
const WIDGET_PATHS = [API.uploads, API.customerSession].map((p) => p.slice('/api'.length));
const ATTACHMENT_PATH = /^\/attachments\/[^/]+$/;

/** Origin of a cross-origin REST call awaiting its site's verdict (set by `apiOrigins`). */
const PENDING = 'crossOrigin';

export const refusedOrigin = (origin: string) => new AppError('FORBIDDEN', `This site does not allow the chat on ${origin}`);
const ownOnly = (origin: string) => new AppError('FORBIDDEN', `Only this server's own pages may call this, not ${origin}`);

export class OriginPolicy {
  /** PUBLIC_URL's origin; null: our origin is whatever Host a request names. */
  readonly publicOrigin: string | null;

  constructor(
    private readonly sites: SitesService,
    publicUrl: string | undefined,
  ) {
    this.publicOrigin = publicUrl ? new URL(publicUrl).origin : null;
  }

  /**
   * Whether `origin` is this server's own: PUBLIC_URL's origin, or when that is unset, the host the
   * request was sent to (a page can only name our host in its Origin when it was loaded from it).
   */
  isOwn(origin: string, host: string | undefined): boolean {
    const o = normalizeOrigin(origin);
    if (!o) return false;
    if (this.publicOrigin) return o === this.publicOrigin;
    if (!host) return false;
    const url = new URL(o);
    try {
      // Same spelling as the origin's own (no default port, lower case).
      return new URL(`${url.protocol}//${host}`).host === url.host;
    } catch {
      return false;
    }
  }

  /** Whether pages on `origin` may use site `siteKey`'s chat. `origin` undefined: no browser page. */
  async allows(siteKey: string, origin: string | undefined, host: string | undefined): Promise<boolean> {
    if (origin === undefined || this.isOwn(origin, host)) return true;
    const list = (await this.sites.get(siteKey)).allowedOrigins ?? [];
    if (list.length === 0) return true;
    // "null" (a sandboxed frame, a file) is no origin a site can list.
    const o = normalizeOrigin(origin);
    return o !== null && list.includes(o);
  }

  /** Throws FORBIDDEN unless pages on `origin` may use site `siteKey`'s chat. */
  async check(siteKey: string, origin: string | undefined, host: string | undefined): Promise<void> {
    if (!(await this.allows(siteKey, origin, host))) throw refusedOrigin(origin ?? '');
  }

  /** Agents work only from our own pages (or from no browser at all). */
  checkOwn(origin: string | undefined, host: string | undefined): void {
    if (origin !== undefined && !this.isOwn(origin, host)) throw ownOnly(origin);
  }

  /**
   * CORS for /api. Our own pages need none; other origins reach only what the widget calls
   * (uploads, attachments, the customer session), and only when some site allows them: a
   * preflight carries no token, so which site it is for is not known yet. The route then calls
   * `allowSite` once the token or body names the site, which refuses with 403 or confirms.
   * Agent and admin endpoints (and the guests' ones, opened from mailed links on our customer
   * page) answer our own pages only.
   */
  api(): RequestHandler {
    return (req, res, next) => {
      res.vary('Origin');
      const origin = req.get('origin');
      if (origin === undefined || this.isOwn(origin, req.get('host'))) return next();
      if (!WIDGET_PATHS.includes(req.path) && !ATTACHMENT_PATH.test(req.path)) return next(ownOnly(origin));
      this.sites.anyAllows(normalizeOrigin(origin) ?? origin).then((ok) => {
        if (!ok) return next(refusedOrigin(origin));
        corsHeaders(res, origin);
        if (req.method === 'OPTIONS') {
          res.status(204).end();
          return;
        }
        res.locals[PENDING] = origin;
        next();
      }, next);
    };
  }

  /**
   * After `api()`: the site of the token or body is known. A cross-origin call its site does not
   * allow is refused (403, and no CORS header, so the page reads nothing); an agent's token is
   * refused from any page but ours.
   */
  async allowSite(res: Response, site: { siteKey: string } | 'agent'): Promise<void> {
    const origin = res.locals[PENDING] as string | undefined;
    if (origin === undefined) return;
    const ok = site !== 'agent' && (await this.allows(site.siteKey, origin, undefined));
    if (ok) return;
    for (const h of CORS_HEADERS) res.removeHeader(h);
    throw site === 'agent' ? ownOnly(origin) : refusedOrigin(origin);
  }
}

const CORS_HEADERS = ['Access-Control-Allow-Origin', 'Access-Control-Allow-Headers', 'Access-Control-Allow-Methods', 'Access-Control-Expose-Headers', 'Access-Control-Max-Age'];

function corsHeaders(res: Response, origin: string): void {
  // The origin itself, not "*": the answer is for this origin only (Vary: Origin). No credentials:
  // access is a bearer token, never a cookie.
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Disposition');
  res.setHeader('Access-Control-Max-Age', '600');
}
