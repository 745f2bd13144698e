import nodemailer from 'nodemailer';
import type { Logger } from '../../logger.js';
import type { Mailer } from './mailer.js';

/**
 * Delivers through an SMTP server named by a URL. A plain smtp:// server that does not offer
 * STARTTLS is used as it is; one that offers it is upgraded. Query parameters of the URL
 * (e.g. `?requireTLS=true`, `?tls.rejectUnauthorized=false`) override the settings below.
 */
export function createSmtpMailer(url: string, from: string, log: Logger): Mailer {
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    // A code mail is awaited while a customer waits; nodemailer's defaults would let a dead
    // server hold the request for minutes.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    // Our mails carry only strings we render; nothing may make the mailer read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    channel: 'smtp',
    async send(m) {
      const info = await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId, headers: m.headers });
      log.info({ to: m.to, subject: m.subject, messageId: info.messageId }, 'mail sent');
    },
    close: () => transport.close(),
  };
}
