/**
 * The headers every answer of ours carries (helmet), tuned for what our own pages (agent UI,
 * customer page) do. The pages load nothing inline: Vite emits external scripts and stylesheets,
 * Lit styles components with constructed stylesheets (which a policy does not restrict), and the
 * templates use classes, never `style` attributes (those would need 'unsafe-inline'); so neither
 * scripts nor styles get 'unsafe-inline'. Answers that need their own policy set it after this
 * (the demo page, attachments).
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Our pages' policy, also the default of every other answer (JSON, assets). */
export const PAGE_CSP = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // No inline event handlers, whatever ends up in the DOM.
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  // Attachment previews are fetched with a token and shown from object URLs; icons may be data: URLs.
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  // REST and the socket (same-origin ws:/wss: are 'self' in CSP 3).
  'connect-src': ["'self'"],
  // The push service worker (/push-sw.js).
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  // Nobody frames the agent UI or the customer page (clickjacking); X-Frame-Options says the same to old browsers.
  'frame-ancestors': ["'none'"],
} satisfies Record<string, string[]>;

/**
 * `https`: PUBLIC_URL is https. Only then HSTS (a browser would keep refusing plain http to this
 * host for a year) and upgrade-insecure-requests (it would break a plain-http deployment).
 */
export function securityHeaders(opts: { https: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: opts.https ? { ...PAGE_CSP, 'upgrade-insecure-requests': [] } : PAGE_CSP,
    },
    strictTransportSecurity: opts.https ? { maxAge: 365 * 24 * 3600, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-site' },
  });
}

/** A policy in header form, from directives. */
export function cspHeader(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([k, v]) => (v.length ? `${k} ${v.join(' ')}` : k))
    .join('; ');
}
