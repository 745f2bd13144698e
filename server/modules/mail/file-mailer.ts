import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../../logger.js';
import type { Mailer } from './mailer.js';

/**
 * Writes each mail as a complete RFC 5322 message (`<dir>/<timestamp>-<random>.eml`) instead of
 * sending it: the default when no SMTP server is configured. The files hold one-time codes,
 * so the directory and the files are readable by the server's user only.
 */
export function createFileMailer(dir: string, from: string, log: Logger): Mailer {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    channel: 'file',
    async send(m) {
      const info = await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, headers: m.headers });
      if (!Buffer.isBuffer(info.message)) throw new Error('the stream transport did not return a buffer');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // The timestamp sorts the files by time; the random part keeps two mails in one millisecond apart.
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`);
      await writeFile(file, info.message, { mode: 0o600, flag: 'wx' });
      log.info({ file, to: m.to, subject: m.subject }, 'mail written to a file (no SMTP_URL set)');
    },
    close: () => transport.close(),
  };
}
