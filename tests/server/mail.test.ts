import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import { createMailer } from '../../server/modules/mail/mailer.js';
import { guestCodeMail, ticketCreatedMail } from '../../server/modules/mail/templates.js';
import { LOCALES } from '../../shared/schemas/common.js';
import { startMailCatcher, type MailCatcher } from '../helpers/mail.js';

const quiet = createLogger('silent');

/** A logger whose lines the test can read. */
function recordingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('sending mail over SMTP', () => {
  let catcher: MailCatcher;
  beforeAll(async () => {
    catcher = await startMailCatcher();
  });
  afterAll(async () => {
    await catcher?.close();
  });

  it('a mail sent to a plain smtp:// server arrives with its subject, text and html', async () => {
    const mailer = createMailer({ smtpUrl: catcher.url, from: 'Support <support@example.test>', dataDir: '/nonexistent' }, quiet);
    try {
      const rendered = guestCodeMail('de', { code: '482913', ticketNumber: 10042, minutes: 15 });
      await mailer.send({ to: 'kunde@example.test', ...rendered });
      const got = await catcher.waitFor((m) => m.to.includes('kunde@example.test'));
      expect(got.subject).toBe('Ihr Code für das Support-Ticket 10042');
      expect(got.from).toBe('support@example.test');
      expect(got.headers['to']).toContain('kunde@example.test');
      expect(got.text.trim()).toBe(rendered.text.trim());
      expect(got.text).toContain('482913');
      expect(got.html).toContain('lang="de"');
      expect(got.html).toContain('482913');
    } finally {
      mailer.close();
    }
  });

  it('waitFor names the subjects it did receive when nothing matches', async () => {
    await expect(catcher.waitFor((m) => m.subject === 'never sent', 200)).rejects.toThrow(/Support-Ticket 10042/);
  });

  it('an unreachable SMTP server rejects the send and the log names the recipient but not the body', async () => {
    const { log, lines } = recordingLogger();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${await freePort()}`, from: 'support@example.test', dataDir: '/nonexistent' }, log);
    try {
      const rendered = guestCodeMail('en', { code: '771204', ticketNumber: 7, minutes: 10 });
      await expect(mailer.send({ to: 'someone@example.test', ...rendered })).rejects.toThrow();
    } finally {
      mailer.close();
    }
    const warning = lines.map((l) => JSON.parse(l) as { level: number; to?: string }).find((l) => l.level === 40);
    expect(warning?.to).toBe('someone@example.test');
    expect(lines.join('\n')).not.toContain('771204');
  });
});

describe('without an SMTP server', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chat-mail-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('each mail is written as an .eml file under dataDir/mail that the operator is told about', async () => {
    const { log, lines } = recordingLogger();
    const mailer = createMailer({ smtpUrl: undefined, from: 'Support <support@example.test>', dataDir }, log);
    const rendered = guestCodeMail('en', { code: '305117', ticketNumber: 10042, minutes: 10 });
    await mailer.send({ to: 'guest@example.test', ...rendered });
    await mailer.send({ to: 'guest@example.test', ...rendered });
    mailer.close();

    const dir = join(dataDir, 'mail');
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f]{8}\.eml$/);
    if (process.platform !== 'win32') expect((await stat(dir)).mode & 0o777).toBe(0o700);

    const raw = await readFile(join(dir, files[0]!), 'utf8');
    expect(raw).toContain('Subject: Your code for support ticket 10042');
    expect(raw).toContain('\r\n');
    const parsed = await PostalMime.parse(raw);
    expect(parsed.text).toContain('305117');

    const info = lines.map((l) => JSON.parse(l) as { level: number; file?: string; to?: string; subject?: string }).find((l) => l.level === 30);
    expect(info).toMatchObject({ file: join(dir, files[0]!), to: 'guest@example.test', subject: rendered.subject });
  });
});

describe('customer mail templates', () => {
  const hostile = '<script>alert(1)</script> & "quotes"';
  const link = 'https://support.example.test/tickets/10042?t=a&b=c';

  for (const locale of LOCALES) {
    it(`the code mail in ${locale} names the ticket and shows the code on its own line`, () => {
      const mail = guestCodeMail(locale, { code: '918273', ticketNumber: 10042, minutes: 10 });
      expect(mail.subject).toContain('10042');
      expect(mail.text.split('\n')).toContain('918273');
      expect(mail.text).toContain('10');
      expect(mail.html).toContain('>918273</p>');
      expect(mail.html).toContain(`<html lang="${locale}">`);
      for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(/\{\w+\}/);
    });

    it(`the ticket-created mail in ${locale} links to the ticket and escapes the customer's subject`, () => {
      const mail = ticketCreatedMail(locale, { ticketNumber: 10042, link, subject: hostile });
      expect(mail.subject).toContain('10042');
      expect(mail.subject).not.toContain('script');
      expect(mail.text).toContain(link);
      expect(mail.text).toContain(hostile);
      expect(mail.html).toContain('href="https://support.example.test/tickets/10042?t=a&amp;b=c"');
      expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain(`<html lang="${locale}">`);
      for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(/\{\w+\}/);
    });
  }

  it('the ticket-created mail says in every language that replying to it does nothing', () => {
    const expected = { en: 'do not reply', de: 'nicht auf diese E-Mail', sv: 'Svara inte', cs: 'neodpovídejte', zh: '请勿直接回复' };
    for (const locale of LOCALES) {
      expect(ticketCreatedMail(locale, { ticketNumber: 1, link, subject: 'x' }).text).toContain(expected[locale]);
    }
  });

  it('the expiry uses the right plural form, e.g. Czech minutu, minuty, minut', () => {
    const expiry = (minutes: number) => guestCodeMail('cs', { code: '1', ticketNumber: 1, minutes }).text;
    expect(expiry(1)).toContain('Kód platí 1 minutu.');
    expect(expiry(3)).toContain('Kód platí 3 minuty.');
    expect(expiry(10)).toContain('Kód platí 10 minut.');
    expect(guestCodeMail('en', { code: '1', ticketNumber: 1, minutes: 1 }).text).toContain('expires in 1 minute.');
  });

  it('a link that is not http(s) is refused rather than put into a mail', () => {
    expect(() => ticketCreatedMail('en', { ticketNumber: 1, link: 'javascript:alert(1)', subject: 'x' })).toThrow();
  });
});
