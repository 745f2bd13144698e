import { join } from 'node:path';
import type { Logger } from '../../logger.js';
import { createFileMailer } from './file-mailer.js';
import { createSmtpMailer } from './smtp-mailer.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A stable `<id@domain>`: a mail sent again (after a crash) is recognisably the same mail. */
  messageId?: string;
  headers?: Record<string, string>;
}

/** One delivery channel; `send` rejects when the mail could not be handed on, and the caller decides what that means. */
export interface Mailer {
  /** `file`: mails stay on this machine (no SMTP_URL); callers log the links they mail, so an operator can find them. */
  readonly channel: 'smtp' | 'file';
  send(m: MailMessage): Promise<void>;
  /** Ends pooled connections; sends still in flight may fail. */
  close(): void;
}

export interface MailerOptions {
  /** smtp:// or smtps:// with optional user:pass; unset writes .eml files instead. */
  smtpUrl: string | undefined;
  from: string;
  dataDir: string;
}

/**
 * SMTP when a URL is configured; otherwise every mail becomes a file under `<dataDir>/mail`,
 * so the offline embedded default still lets an operator read the code a customer asked for.
 */
export function createMailer(opts: MailerOptions, log: Logger): Mailer {
  const channel = opts.smtpUrl
    ? createSmtpMailer(opts.smtpUrl, opts.from, log)
    : createFileMailer(join(opts.dataDir, 'mail'), opts.from, log);
  return {
    channel: channel.channel,
    async send(m) {
      try {
        await channel.send(m);
      } catch (err) {
        // Never the body: it holds one-time codes.
        log.warn({ to: m.to, subject: m.subject, err: describeError(err) }, 'mail not delivered');
        throw err;
      }
    },
    close: () => channel.close(),
  };
}

/** The fields of a nodemailer or fs error worth logging, without anything the message carried. */
function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const { code, responseCode, command } = err as Error & { code?: unknown; responseCode?: unknown; command?: unknown };
  return { message: err.message, code, responseCode, command };
}
