/**
 * The client's network address, for per-IP limits. REST and Socket.IO use one rule (TRUST_PROXY):
 * X-Forwarded-For counts only as far as the peers that sent it are trusted, so a client cannot
 * pick its own address by sending the header itself.
 */
import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';
import type { TrustProxy } from '../config.js';

export type TrustFn = (addr: string, hop: number) => boolean;

/** The function Express takes as 'trust proxy' and `clientIp` uses for sockets. */
export function compileTrust(setting: TrustProxy): TrustFn {
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_addr, hop) => hop < setting;
  return proxyaddr.compile(setting);
}

/** Of an HTTP request or a socket's handshake request (`socket.request`). */
export function clientIp(req: IncomingMessage, trust: TrustFn): string {
  // proxy-addr reads the peer from req.socket/req.connection; a socket already gone has none.
  if (!req.socket?.remoteAddress) return 'unknown';
  return proxyaddr(req, trust);
}
