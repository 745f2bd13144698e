import { describe, expect, it } from 'vitest';
import { pushAlertText, ticketUpdatedMail } from '../../server/modules/mail/templates.js';
import { LOCALES, type Locale } from '../../shared/schemas/common.js';
import type { TicketStatus } from '../../shared/tickets.js';

const link = 'https://support.example.test/tickets/12345?t=a&b=c';
const hostile = '<script>alert(1)</script> & "quotes"';

/** 2,000 characters of numbered words, so any word past the cut is easy to look for. */
const longExcerpt = Array.from({ length: 400 }, (_, i) => `w${String(i).padStart(3, '0')}`).join(' ');

type MailInput = Parameters<typeof ticketUpdatedMail>[1];
function mail(locale: Locale, over: Partial<MailInput> = {}) {
  return ticketUpdatedMail(locale, {
    ticketNumber: 12345,
    subject: 'Card payment failed',
    link,
    excerpt: null,
    status: 'open',
    access: 'user',
    updates: 1,
    ...over,
  });
}

/** The quoted excerpt as the text version shows it, without its "> ". */
function quotedLine(text: string): string | undefined {
  return text
    .split('\n')
    .find((l) => l.startsWith('> '))
    ?.slice(2);
}

/** What the HTML quote paragraph holds, still escaped. */
function quotedHtml(html: string): string | undefined {
  return /<p style="[^"]*border-left:[^"]*">([^<]*)<\/p>/.exec(html)?.[1];
}

const guestLine = {
  en: 'For your security we will ask for a one-time code that we send to this email address.',
  de: 'Einmalcode',
  sv: 'engångskod',
  cs: 'jednorázový kód',
  zh: '一次性验证码',
} satisfies Record<Locale, string>;

const optOutLine = {
  en: 'You can turn these emails off in your ticket notification settings.',
  de: 'Benachrichtigungseinstellungen',
  sv: 'aviseringsinställningar',
  cs: 'nastavení oznámení',
  zh: '工单通知设置',
} satisfies Record<Locale, string>;

const noReply = { en: 'do not reply', de: 'nicht auf diese E-Mail', sv: 'Svara inte', cs: 'neodpovídejte', zh: '请勿直接回复' } satisfies Record<
  Locale,
  string
>;

describe('ticket-updated alert mail', () => {
  for (const locale of LOCALES) {
    it(`in ${locale} names the ticket, links to it and leaves no placeholder`, () => {
      const m = mail(locale, { excerpt: 'We refunded the payment.', status: 'solved', updates: 3 });
      expect(m.subject).toContain('12345');
      expect(m.html).toContain(`<html lang="${locale}">`);
      expect(m.text).toContain(link);
      expect(m.html).toContain('href="https://support.example.test/tickets/12345?t=a&amp;b=c"');
      expect(m.text).toContain('Card payment failed');
      expect(m.text).toContain('12345');
      expect(quotedLine(m.text)).toBe('We refunded the payment.');
      expect(quotedHtml(m.html)).toBe('We refunded the payment.');
      expect(m.text).toContain(noReply[locale]);
      for (const part of [m.subject, m.text, m.html]) expect(part).not.toMatch(/\{\w+\}/);
    });

    it(`in ${locale} never carries more than 140 characters of a 2,000-character excerpt`, () => {
      const m = mail(locale, { excerpt: longExcerpt });
      const quoted = quotedLine(m.text)!;
      expect(quoted.length).toBeLessThanOrEqual(140);
      expect(quoted.length).toBeGreaterThan(100);
      expect(quoted.endsWith('…')).toBe(true);
      // Cut between words: the last one before the ellipsis is whole.
      expect(quoted).toMatch(/ w\d{3}…$/);
      expect(quotedHtml(m.html)).toBe(quoted);
      // w028 starts at character 140.
      for (const part of [m.text, m.html]) {
        expect(part).toContain('w000 w001');
        expect(part).not.toContain('w028');
        expect(part).not.toContain('w399');
      }
    });

    it(`in ${locale} escapes the customer's subject and the excerpt in the HTML`, () => {
      const m = mail(locale, { subject: hostile, excerpt: hostile });
      expect(m.subject).not.toContain('script');
      expect(m.text).toContain(hostile);
      expect(quotedLine(m.text)).toBe(hostile);
      expect(m.html).not.toContain('<script>');
      expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
      expect(quotedHtml(m.html)).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    });

    it(`in ${locale} tells guests about the code and users about the opt-out, each only them`, () => {
      const guest = mail(locale, { access: 'guest' });
      const user = mail(locale, { access: 'user' });
      expect(guest.text).toContain(guestLine[locale]);
      expect(guest.html).toContain(guestLine[locale]);
      expect(user.text).not.toContain(guestLine[locale]);
      expect(user.text).toContain(optOutLine[locale]);
      expect(user.html).toContain(optOutLine[locale]);
      expect(guest.text).not.toContain(optOutLine[locale]);
      expect(guest.html).not.toContain(optOutLine[locale]);
    });

    it(`in ${locale} says something different for each status but open`, () => {
      const bodies = (['open', 'pending', 'solved', 'closed'] as TicketStatus[]).map((status) => mail(locale, { status }).text);
      expect(new Set(bodies).size).toBe(4);
      // Open adds no line of its own: greeting, intro, link, no-reply and opt-out notes only.
      expect(bodies[0]!.trim().split('\n\n')).toHaveLength(5);
    });
  }

  it('reads as intended in English', () => {
    const m = mail('en', { excerpt: '  Thanks for\n\nwaiting.  ', status: 'pending', access: 'guest' });
    expect(m.subject).toBe('Your support ticket 12345 was updated');
    expect(m.text).toBe(
      [
        'Hello,',
        'There is news on your support ticket 12345 “Card payment failed”.',
        '> Thanks for waiting.',
        'We are waiting for your answer.',
        link,
        'For your security we will ask for a one-time code that we send to this email address.',
        'Please do not reply to this email: replies do not reach your ticket. To reply, use the link above and answer in the ticket.',
      ].join('\n\n') + '\n',
    );
    expect(m.html).toContain('>View ticket 12345</a>');
    expect(m.html).toContain('If the button does not work, copy this address into your browser:');
  });

  it('states the status in English', () => {
    expect(mail('en', { status: 'solved' }).text).toContain(
      '\n\nWe marked the ticket as solved. If you still need help, just reply in the ticket and it reopens.\n\n',
    );
    expect(mail('en', { status: 'closed' }).text).toContain(
      '\n\nThe ticket is closed. If you need more help, you can open a follow-up from the ticket page.\n\n',
    );
    expect(mail('en', { status: 'open' }).text).not.toMatch(/solved|waiting|closed/);
  });

  it('counts updates with the plural form of each language', () => {
    expect(mail('en', { updates: 3 }).text).toContain('There are 3 new updates on your support ticket 12345 “Card payment failed”.');
    expect(mail('en', { updates: 1 }).text).not.toContain('new update');
    const cs = (updates: number) => mail('cs', { updates }).text;
    expect(cs(2)).toContain('přibyly 2 nové aktualizace');
    expect(cs(5)).toContain('přibylo 5 nových aktualizací');
    expect(cs(2)).not.toContain('nových');
    expect(mail('de', { updates: 2 }).text).toContain('es gibt 2 neue Aktualisierungen zu Ihrem Support-Ticket 12345 „Card payment failed“.');
    expect(mail('sv', { updates: 2 }).text).toContain('2 nya uppdateringar');
    expect(mail('zh', { updates: 2 }).text).toContain('2 条新动态');
  });

  it('cuts a word longer than the limit mid-word, and never inside a surrogate pair', () => {
    const word = quotedLine(mail('en', { excerpt: 'x'.repeat(2000) }).text)!;
    expect(word).toBe(`${'x'.repeat(139)}…`);
    const emoji = quotedLine(mail('en', { excerpt: '😀'.repeat(500) }).text)!;
    expect(emoji.length).toBeLessThanOrEqual(140);
    expect(emoji).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('leaves out an excerpt that is empty or only whitespace', () => {
    for (const excerpt of [null, '', ' \n\t ']) {
      const m = mail('en', { excerpt });
      expect(quotedLine(m.text)).toBeUndefined();
      expect(quotedHtml(m.html)).toBeUndefined();
    }
  });

  it('refuses a link that is not absolute http(s)', () => {
    for (const bad of ['javascript:alert(1)', '/tickets/12345', 'ftp://support.example.test/t/1', '']) {
      expect(() => mail('en', { link: bad })).toThrow(/absolute http\(s\) URL/);
    }
  });
});

describe('web-push alert text', () => {
  const titles = {
    en: 'Support ticket 12345',
    de: 'Support-Ticket 12345',
    sv: 'Supportärende 12345',
    cs: 'Požadavek na podporu č. 12345',
    zh: '支持工单 12345',
  } satisfies Record<Locale, string>;

  for (const locale of LOCALES) {
    it(`in ${locale} names the ticket and cuts the excerpt to 120 characters`, () => {
      const push = pushAlertText(locale, { ticketNumber: 12345, excerpt: longExcerpt, status: 'open', updates: 1 });
      expect(push.title).toBe(titles[locale]);
      expect(push.body.endsWith('…')).toBe(true);
      const start = push.body.indexOf('w000 ');
      expect(start).toBeGreaterThan(0);
      const excerpt = push.body.slice(start);
      expect(excerpt.length).toBeLessThanOrEqual(121);
      expect(excerpt).toMatch(/ w\d{3}…$/);
      expect(push.body).not.toContain('w024');
      expect(push.body).not.toMatch(/[<>]|\{\w+\}/);
    });

    it(`in ${locale} falls back to a sentence per status without an excerpt`, () => {
      const bodies = (['open', 'pending', 'solved', 'closed'] as TicketStatus[]).map((status) => {
        const push = pushAlertText(locale, { ticketNumber: 12345, excerpt: null, status, updates: 1 });
        expect(push.title).toContain('12345');
        expect(push.body.trim()).not.toBe('');
        expect(push.body).not.toMatch(/\{\w+\}/);
        return push.body;
      });
      expect(new Set(bodies).size).toBe(4);
    });
  }

  it('reads as intended in English', () => {
    const push = (over: Partial<Parameters<typeof pushAlertText>[1]>) =>
      pushAlertText('en', { ticketNumber: 12345, excerpt: null, status: 'open', updates: 1, ...over });
    expect(push({ excerpt: 'Your refund\nis on its way.' })).toEqual({
      title: 'Support ticket 12345',
      body: 'New reply: Your refund is on its way.',
    });
    expect(push({ excerpt: 'Done.', status: 'solved' }).body).toBe('New reply: Done.');
    expect(push({}).body).toBe('Your ticket was updated.');
    expect(push({ updates: 3 }).body).toBe('Your ticket has 3 new updates.');
    expect(push({ status: 'solved' }).body).toBe('Your ticket was solved.');
    expect(push({ status: 'pending' }).body).toBe('We are waiting for your answer.');
    expect(push({ status: 'closed' }).body).toBe('Your ticket was closed.');
    expect(push({ excerpt: '   ' }).body).toBe('Your ticket was updated.');
    expect(push({ excerpt: '{ticket} <b>' }).body).toBe('New reply: {ticket} <b>');
  });
});
