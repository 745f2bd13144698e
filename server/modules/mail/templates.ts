import type { Locale } from '../../../shared/types.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Forms by CLDR plural category (what `Intl.PluralRules` selects); `other` is the fallback. */
type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/*
 * One dictionary per language. `{name}` is a placeholder. Strings hold no markup: the HTML
 * version escapes each whole string once it is filled in. Templates never quote conversation
 * text, only the ticket's subject, because these mails leave our system unencrypted.
 */
const en = {
  greeting: 'Hello,',
  codeSubject: 'Your code for support ticket {ticket}',
  codeIntro: 'Here is your code for support ticket {ticket}:',
  codeExpiry: 'The code expires in {minutes}.',
  codeIgnore: 'If you did not ask for this code, you can ignore this email.',
  minutes: { one: '{n} minute', other: '{n} minutes' } as Plural,
  createdSubject: 'Your support ticket {ticket} was created',
  createdIntro: 'We have received your request “{subject}”.',
  createdLinkIntro: 'You can view the ticket and reply to it here:',
  createdButton: 'Open ticket {ticket}',
  linkFallback: 'If the button does not work, copy this address into your browser:',
  createdNoReply:
    'Please do not reply to this email: replies do not reach your ticket. To reply, use the link above and answer in the ticket.',
};

type Dictionary = typeof en;

const de: Dictionary = {
  greeting: 'Guten Tag,',
  codeSubject: 'Ihr Code für das Support-Ticket {ticket}',
  codeIntro: 'hier ist Ihr Code für das Support-Ticket {ticket}:',
  codeExpiry: 'Der Code ist {minutes} gültig.',
  codeIgnore: 'Falls Sie diesen Code nicht angefordert haben, können Sie diese E-Mail ignorieren.',
  minutes: { one: '{n} Minute', other: '{n} Minuten' },
  createdSubject: 'Ihr Support-Ticket {ticket} wurde erstellt',
  createdIntro: 'wir haben Ihre Anfrage „{subject}“ erhalten.',
  createdLinkIntro: 'Hier können Sie das Ticket ansehen und darauf antworten:',
  createdButton: 'Ticket {ticket} öffnen',
  linkFallback: 'Falls der Button nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:',
  createdNoReply:
    'Bitte antworten Sie nicht auf diese E-Mail – Antworten kommen nicht in Ihrem Ticket an. Antworten Sie stattdessen über den Link oben direkt im Ticket.',
};

const sv: Dictionary = {
  greeting: 'Hej!',
  codeSubject: 'Din kod för supportärende {ticket}',
  codeIntro: 'Här är din kod för supportärende {ticket}:',
  codeExpiry: 'Koden är giltig i {minutes}.',
  codeIgnore: 'Om du inte har begärt den här koden kan du bortse från det här mejlet.',
  minutes: { one: '{n} minut', other: '{n} minuter' },
  createdSubject: 'Ditt supportärende {ticket} har skapats',
  createdIntro: 'Vi har tagit emot din förfrågan ”{subject}”.',
  createdLinkIntro: 'Här kan du se ärendet och svara i det:',
  createdButton: 'Öppna ärende {ticket}',
  linkFallback: 'Om knappen inte fungerar kan du kopiera den här adressen till din webbläsare:',
  createdNoReply:
    'Svara inte på det här mejlet – svar hamnar inte i ditt ärende. Använd i stället länken ovan och svara direkt i ärendet.',
};

const cs: Dictionary = {
  greeting: 'Dobrý den,',
  codeSubject: 'Kód k vašemu požadavku na podporu č. {ticket}',
  codeIntro: 'zde je váš kód k požadavku na podporu č. {ticket}:',
  codeExpiry: 'Kód platí {minutes}.',
  codeIgnore: 'Pokud jste o tento kód nežádali, můžete tento e-mail ignorovat.',
  // "platí 1 minutu / 2 minuty / 5 minut"; `many` is only selected for fractions.
  minutes: { one: '{n} minutu', few: '{n} minuty', many: '{n} minuty', other: '{n} minut' },
  createdSubject: 'Váš požadavek na podporu č. {ticket} byl vytvořen',
  createdIntro: 'přijali jsme váš požadavek „{subject}“.',
  createdLinkIntro: 'Zde si můžete požadavek zobrazit a odpovědět na něj:',
  createdButton: 'Zobrazit požadavek č. {ticket}',
  linkFallback: 'Pokud tlačítko nefunguje, zkopírujte tuto adresu do prohlížeče:',
  createdNoReply:
    'Na tento e-mail prosím neodpovídejte – odpovědi se do vašeho požadavku nedostanou. Odpovězte prosím přímo v požadavku pomocí odkazu výše.',
};

const zh: Dictionary = {
  greeting: '您好，',
  codeSubject: '您的支持工单 {ticket} 的验证码',
  codeIntro: '以下是您的支持工单 {ticket} 的验证码：',
  codeExpiry: '验证码将在 {minutes}后失效。',
  codeIgnore: '如果您没有申请此验证码，请忽略本邮件。',
  minutes: { other: '{n} 分钟' },
  createdSubject: '您的支持工单 {ticket} 已创建',
  createdIntro: '我们已收到您的请求“{subject}”。',
  createdLinkIntro: '您可以通过以下链接查看工单并进行回复：',
  createdButton: '查看工单 {ticket}',
  linkFallback: '如果按钮无法使用，请将以下地址复制到浏览器中打开：',
  createdNoReply: '请勿直接回复本邮件，回复内容不会添加到您的工单中。如需回复，请通过上方链接在工单中回复。',
};

const DICTIONARIES: Record<Locale, Dictionary> = { en, de, sv, cs, zh };

/** Fills `{name}` placeholders in one pass, so a value that itself contains `{x}` stays as it is. */
function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`mail template: no value for {${name}} in "${template}"`);
    return String(value);
  });
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in text and in quoted attribute values alike. */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

function plural(locale: Locale, forms: Plural, n: number): string {
  return format(forms[new Intl.PluralRules(locale).select(n)] ?? forms.other, { n });
}

/** What a mail says, once; rendered both as HTML and as plain text so the two never drift apart. */
type Block =
  | { kind: 'p'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'button'; text: string; href: string }
  | { kind: 'link'; intro: string; href: string }
  | { kind: 'note'; text: string };

function render(locale: Locale, subject: string, blocks: Block[]): RenderedMail {
  const text = blocks
    .map((b) => {
      switch (b.kind) {
        case 'p':
        case 'note':
        case 'code':
          return b.text;
        case 'button':
          return b.href;
        // The bare URL already stands in the text version, right above.
        case 'link':
          return null;
      }
    })
    .filter((s) => s !== null)
    .join('\n\n');

  const body = blocks
    .map((b) => {
      switch (b.kind) {
        case 'p':
          return `<p style="margin:0 0 16px">${escapeHtml(b.text)}</p>`;
        case 'note':
          return `<p style="margin:24px 0 0;padding-top:16px;border-top:1px solid #d0d7de;color:#57606a;font-size:14px">${escapeHtml(b.text)}</p>`;
        case 'code':
          return `<p style="margin:24px 0;font-family:Consolas,Menlo,monospace;font-size:32px;font-weight:700;letter-spacing:6px;color:#1f2328">${escapeHtml(b.text)}</p>`;
        case 'button':
          return `<p style="margin:24px 0"><a href="${escapeHtml(b.href)}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:#0b57d0;color:#ffffff;font-weight:600;text-decoration:none">${escapeHtml(b.text)}</a></p>`;
        case 'link':
          return `<p style="margin:0 0 16px;color:#57606a;font-size:14px">${escapeHtml(b.intro)}<br><a href="${escapeHtml(b.href)}" style="color:#0b57d0;word-break:break-all">${escapeHtml(b.href)}</a></p>`;
      }
    })
    .join('\n');

  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:24px 12px;background:#f6f8fa">
<div role="article" aria-label="${escapeHtml(subject)}" lang="${locale}" style="max-width:560px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#1f2328">
${body}
</div>
</body>
</html>
`;
  return { subject, text: `${text}\n`, html };
}

/** The one-time code a guest enters to open their ticket. */
export function guestCodeMail(locale: Locale, v: { code: string; ticketNumber: number; minutes: number }): RenderedMail {
  const d = DICTIONARIES[locale];
  const ticket = v.ticketNumber;
  return render(locale, format(d.codeSubject, { ticket }), [
    { kind: 'p', text: d.greeting },
    { kind: 'p', text: format(d.codeIntro, { ticket }) },
    { kind: 'code', text: v.code },
    { kind: 'p', text: format(d.codeExpiry, { minutes: plural(locale, d.minutes, v.minutes) }) },
    { kind: 'note', text: d.codeIgnore },
  ]);
}

/**
 * Confirms a new ticket. `link` must be an absolute http(s) URL; `subject` is the customer's own
 * text and is quoted, never trusted.
 */
export function ticketCreatedMail(locale: Locale, v: { ticketNumber: number; link: string; subject: string }): RenderedMail {
  if (!/^https?:\/\//i.test(v.link)) throw new Error('ticketCreatedMail: the link must be an absolute http(s) URL');
  const d = DICTIONARIES[locale];
  const ticket = v.ticketNumber;
  return render(locale, format(d.createdSubject, { ticket }), [
    { kind: 'p', text: d.greeting },
    // One line, so a pasted newline cannot make the text version look like our own paragraphs.
    { kind: 'p', text: format(d.createdIntro, { subject: v.subject.replace(/\s+/g, ' ').trim() }) },
    { kind: 'p', text: d.createdLinkIntro },
    { kind: 'button', text: format(d.createdButton, { ticket }), href: v.link },
    { kind: 'link', intro: d.linkFallback, href: v.link },
    { kind: 'note', text: d.createdNoReply },
  ]);
}
