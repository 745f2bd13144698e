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
  close(): Promise<void>;
}

export async function startMailCatcher(): Promise<MailCatcher> {
  const messages: CapturedMail[] = [];
  const listeners = new Set<(m: CapturedMail) => void>();

  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // A client's pooled connection must not hold up the end of a test file.
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
