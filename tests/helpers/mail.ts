/** A real SMTP server on 127.0.0.1 that keeps every mail it receives, parsed, for tests to read. */
import PostalMime from 'postal-mime';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface CapturedMail {
  /** The address in the From header. */
  from: string;
  /** The envelope recipients: whom the server was asked to deliver to. */
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
  /** Lowercased names; of a repeated header, the first (topmost) one. */
  headers: Record<string, string>;
}

export interface MailCatcher {
  /** smtp://127.0.0.1:PORT, ready for SMTP_URL. */
  url: string;
  messages: CapturedMail[];
  /** Resolves with the first mail, received before or after the call, that matches. */
  waitFor(pred: (m: CapturedMail) => boolean, timeoutMs?: number): Promise<CapturedMail>;
  clear(): void;
  /** From now on RCPT TO this address is refused with `code` (550: no such mailbox, a permanent refusal). */
  refuse(address: string, code?: number): void;
  /** Accepts the address again after `refuse`. */
  accept(address: string): void;
  /** Mails whose data arrived and which wait out `delayMs` before their answer. */
  readonly inFlight: number;
  close(): Promise<void>;
}

export interface MailCatcherOptions {
  /**
   * Hold each mail this long after its data arrived before answering 250. A mail counts as
   * received only if the client is still connected when the 250 goes out: a client that dies
   * while waiting never learnt it was accepted, so a real server's acceptance would be in doubt.
   */
  delayMs?: number;
}

export async function startMailCatcher(opts: MailCatcherOptions = {}): Promise<MailCatcher> {
  const messages: CapturedMail[] = [];
  const listeners = new Set<(m: CapturedMail) => void>();
  const refused = new Map<string, number>();
  const closedSessions = new Set<string>();
  let inFlight = 0;

  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // A client's pooled connection must not hold up the end of a test file.
    closeTimeout: 500,
    onRcptTo(address, _session, callback) {
      const code = refused.get(address.address.toLowerCase());
      if (code === undefined) return callback();
      const err = new Error(code >= 500 ? 'No such mailbox here' : 'Try again later') as Error & { responseCode: number };
      err.responseCode = code;
      callback(err);
    },
    onClose(session) {
      closedSessions.add(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        if (opts.delayMs) {
          inFlight++;
          await new Promise((r) => setTimeout(r, opts.delayMs));
          inFlight--;
          if (closedSessions.has(session.id)) return callback(new Error('the client went away before the answer'));
        }
        PostalMime.parse(raw).then(
          (parsed) => {
            const headers: Record<string, string> = {};
            for (const h of parsed.headers) headers[h.key] ??= h.value;
            const mail: CapturedMail = {
              from: parsed.from?.address ?? '',
              to: session.envelope.rcptTo.map((r) => r.address),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: parsed.html ?? '',
              raw: raw.toString('utf8'),
              headers,
            };
            messages.push(mail);
            for (const listener of listeners) listener(mail);
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });

  // A client killed mid-session resets its connection: that is the client's failure, not ours.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') throw err;
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    waitFor(pred, timeoutMs = 10_000) {
      const found = messages.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const listener = (m: CapturedMail) => {
          if (!pred(m)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(m);
        };
        const timer = setTimeout(() => {
          listeners.delete(listener);
          const subjects = messages.map((m) => JSON.stringify(m.subject)).join(', ') || 'none';
          reject(new Error(`no matching mail within ${timeoutMs} ms; subjects received: ${subjects}`));
        }, timeoutMs);
        listeners.add(listener);
      });
    },
    clear() {
      messages.length = 0;
    },
    refuse(address, code = 550) {
      refused.set(address.toLowerCase(), code);
    },
    accept(address) {
      refused.delete(address.toLowerCase());
    },
    get inFlight() {
      return inFlight;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
