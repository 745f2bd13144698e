import type { Locale, TicketStatus } from '../../../shared/types.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Forms by CLDR plural category (what `Intl.PluralRules` selects); `other` is the fallback. */
type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/*
 * One dictionary per language. `{name}` is a placeholder. Strings hold no markup: the HTML
 * version escapes each whole string once it is filled in. These mails and pushes leave our
 * system unencrypted, so templates quote the ticket's subject, but conversation text only as the
 * short excerpt a caller chooses to pass, cut short again here whatever the caller passes.
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
  updatedSubject: 'Your support ticket {ticket} was updated',
  updatedIntro: 'There is news on your support ticket {ticket} “{subject}”.',
  updatedIntroMany: 'There are {updates} on your support ticket {ticket} “{subject}”.',
  updates: { one: '{n} new update', other: '{n} new updates' } as Plural,
  updatedSolved: 'We marked the ticket as solved. If you still need help, just reply in the ticket and it reopens.',
  updatedPending: 'We are waiting for your answer.',
  updatedClosed: 'The ticket is closed. If you need more help, you can open a follow-up from the ticket page.',
  updatedButton: 'View ticket {ticket}',
  updatedGuestCode: 'For your security we will ask for a one-time code that we send to this email address.',
  updatedOptOut: 'You can turn these emails off in your ticket notification settings.',
  pushTitle: 'Support ticket {ticket}',
  pushReply: 'New reply: {excerpt}',
  pushSolved: 'Your ticket was solved.',
  pushPending: 'We are waiting for your answer.',
  pushClosed: 'Your ticket was closed.',
  pushUpdated: 'Your ticket was updated.',
  pushUpdatedMany: 'Your ticket has {updates}.',
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
  updatedSubject: 'Ihr Support-Ticket {ticket} wurde aktualisiert',
  updatedIntro: 'es gibt Neuigkeiten zu Ihrem Support-Ticket {ticket} „{subject}“.',
  updatedIntroMany: 'es gibt {updates} zu Ihrem Support-Ticket {ticket} „{subject}“.',
  updates: { one: '{n} neue Aktualisierung', other: '{n} neue Aktualisierungen' },
  updatedSolved:
    'Wir haben das Ticket als gelöst markiert. Falls Sie noch Hilfe benötigen, antworten Sie einfach im Ticket – dann wird es wieder geöffnet.',
  updatedPending: 'Wir warten auf Ihre Antwort.',
  updatedClosed:
    'Das Ticket ist geschlossen. Falls Sie weitere Hilfe benötigen, können Sie auf der Ticketseite ein Folgeticket eröffnen.',
  updatedButton: 'Ticket {ticket} ansehen',
  updatedGuestCode: 'Zu Ihrer Sicherheit fragen wir Sie nach einem Einmalcode, den wir an diese E-Mail-Adresse senden.',
  updatedOptOut: 'Sie können diese E-Mails in Ihren Benachrichtigungseinstellungen für Tickets abschalten.',
  pushTitle: 'Support-Ticket {ticket}',
  pushReply: 'Neue Antwort: {excerpt}',
  pushSolved: 'Ihr Ticket wurde gelöst.',
  pushPending: 'Wir warten auf Ihre Antwort.',
  pushClosed: 'Ihr Ticket wurde geschlossen.',
  pushUpdated: 'Ihr Ticket wurde aktualisiert.',
  pushUpdatedMany: 'Zu Ihrem Ticket gibt es {updates}.',
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
  updatedSubject: 'Ditt supportärende {ticket} har uppdaterats',
  updatedIntro: 'Det finns nytt i ditt supportärende {ticket} ”{subject}”.',
  updatedIntroMany: 'Det finns {updates} i ditt supportärende {ticket} ”{subject}”.',
  updates: { one: '{n} ny uppdatering', other: '{n} nya uppdateringar' },
  updatedSolved:
    'Vi har markerat ärendet som löst. Om du fortfarande behöver hjälp svarar du bara i ärendet, så öppnas det igen.',
  updatedPending: 'Vi väntar på ditt svar.',
  updatedClosed: 'Ärendet är stängt. Om du behöver mer hjälp kan du öppna ett uppföljningsärende från ärendesidan.',
  updatedButton: 'Visa ärende {ticket}',
  updatedGuestCode: 'Av säkerhetsskäl ber vi dig ange en engångskod som vi skickar till den här e-postadressen.',
  updatedOptOut: 'Du kan stänga av de här mejlen i dina aviseringsinställningar för ärenden.',
  pushTitle: 'Supportärende {ticket}',
  pushReply: 'Nytt svar: {excerpt}',
  pushSolved: 'Ditt ärende har lösts.',
  pushPending: 'Vi väntar på ditt svar.',
  pushClosed: 'Ditt ärende har stängts.',
  pushUpdated: 'Ditt ärende har uppdaterats.',
  pushUpdatedMany: 'Det finns {updates} i ditt ärende.',
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
  updatedSubject: 'Váš požadavek na podporu č. {ticket} byl aktualizován',
  updatedIntro: 'máme novinky k vašemu požadavku na podporu č. {ticket} „{subject}“.',
  updatedIntroMany: 'k vašemu požadavku na podporu č. {ticket} „{subject}“ {updates}.',
  // The verb agrees with the number: "přibyla 1 nová / přibyly 2 nové / přibylo 5 nových".
  updates: {
    one: 'přibyla {n} nová aktualizace',
    few: 'přibyly {n} nové aktualizace',
    many: 'přibylo {n} nové aktualizace',
    other: 'přibylo {n} nových aktualizací',
  },
  updatedSolved:
    'Požadavek jsme označili jako vyřešený. Pokud stále potřebujete pomoc, stačí v požadavku odpovědět a znovu se otevře.',
  updatedPending: 'Čekáme na vaši odpověď.',
  updatedClosed:
    'Požadavek je uzavřen. Pokud potřebujete další pomoc, můžete na stránce požadavku založit navazující požadavek.',
  updatedButton: 'Zobrazit požadavek č. {ticket}',
  updatedGuestCode: 'Z bezpečnostních důvodů vás požádáme o jednorázový kód, který pošleme na tuto e-mailovou adresu.',
  updatedOptOut: 'Tyto e-maily můžete vypnout v nastavení oznámení k požadavkům.',
  pushTitle: 'Požadavek na podporu č. {ticket}',
  pushReply: 'Nová odpověď: {excerpt}',
  pushSolved: 'Váš požadavek byl vyřešen.',
  pushPending: 'Čekáme na vaši odpověď.',
  pushClosed: 'Váš požadavek byl uzavřen.',
  pushUpdated: 'Váš požadavek byl aktualizován.',
  pushUpdatedMany: 'K vašemu požadavku {updates}.',
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
  updatedSubject: '您的支持工单 {ticket} 已更新',
  updatedIntro: '您的支持工单 {ticket}“{subject}”有新动态。',
  updatedIntroMany: '您的支持工单 {ticket}“{subject}”有 {updates}。',
  updates: { other: '{n} 条新动态' },
  updatedSolved: '我们已将该工单标记为已解决。如果您仍需要帮助，只需在工单中回复，工单即会重新打开。',
  updatedPending: '我们正在等待您的回复。',
  updatedClosed: '该工单已关闭。如需进一步帮助，您可以在工单页面创建后续工单。',
  updatedButton: '查看工单 {ticket}',
  updatedGuestCode: '为保障您的安全，我们会要求您输入一次性验证码，该验证码将发送至此邮箱地址。',
  updatedOptOut: '您可以在工单通知设置中关闭此类邮件。',
  pushTitle: '支持工单 {ticket}',
  pushReply: '新回复：{excerpt}',
  pushSolved: '您的工单已解决。',
  pushPending: '我们正在等待您的回复。',
  pushClosed: '您的工单已关闭。',
  pushUpdated: '您的工单已更新。',
  pushUpdatedMany: '您的工单有 {updates}。',
};

const DICTIONARIES: Record<Locale, Dictionary> = { en, de, sv, cs, zh };

/** Fills `{name}` placeholders in one pass, so a value that itself contains `{x}` stays as it is. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`mail template: no value for {${name}} in "${template}"`);
    return String(value);
  });
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in text and in quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

function plural(locale: Locale, forms: Plural, n: number): string {
  return format(forms[new Intl.PluralRules(locale).select(n)] ?? forms.other, { n });
}

/** Customer text on one line, so a pasted newline cannot make it look like our own paragraphs. */
function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Conversation text on one line and at most `max` UTF-16 units including the "…": cut at the
 * last space when there is one in the second half, otherwise (one long word, or Chinese) mid-word
 * but never inside a surrogate pair. Null when nothing is left.
 */
function excerpt(s: string | null, max: number): string | null {
  if (s === null) return null;
  const line = oneLine(s);
  if (line === '') return null;
  if (line.length <= max) return line;
  let cut = max - 1;
  const code = line.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  const space = line.lastIndexOf(' ', cut);
  if (space >= max / 2) cut = space;
  return `${line.slice(0, cut).replace(/[\s,;:]+$/, '')}…`;
}

/** Links go into href attributes and are followed by customers: only absolute http(s). */
function requireHttpLink(fn: string, link: string): void {
  if (!/^https?:\/\//i.test(link)) throw new Error(`${fn}: the link must be an absolute http(s) URL`);
}

/** What a mail says, once; rendered both as HTML and as plain text so the two never drift apart. */
type Block =
  | { kind: 'p'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'button'; text: string; href: string }
  | { kind: 'link'; intro: string; href: string }
  | { kind: 'quote'; text: string }
  | { kind: 'note'; text: string };

function render(locale: Locale, subject: string, blocks: Block[]): RenderedMail {
  const text = blocks
    .map((b) => {
      switch (b.kind) {
        case 'p':
        case 'note':
        case 'code':
          return b.text;
        case 'quote':
          return `> ${b.text}`;
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
    .map((b, i) => {
      switch (b.kind) {
        case 'p':
          return `<p style="margin:0 0 16px">${escapeHtml(b.text)}</p>`;
        case 'quote':
          return `<p style="margin:0 0 16px;padding:4px 0 4px 12px;border-left:4px solid #d0d7de;color:#57606a">${escapeHtml(b.text)}</p>`;
        case 'note':
          // Notes that follow one another share the one rule above the first.
          if (blocks[i - 1]?.kind === 'note') {
            return `<p style="margin:8px 0 0;color:#57606a;font-size:14px">${escapeHtml(b.text)}</p>`;
          }
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

  return { subject, text: `${text}\n`, html: htmlLayout(locale, subject, body) };
}

/**
 * The HTML document every mail of ours is: the subject as title and as the card's label, and
 * `body` (already escaped markup) in one centred card. A long mail (a transcript) may ask for a
 * wider card and smaller type.
 */
export function htmlLayout(locale: Locale, subject: string, body: string, card: { maxWidth?: number; fontSize?: number } = {}): string {
  const { maxWidth = 560, fontSize = 16 } = card;
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:24px 12px;background:#f6f8fa">
<div role="article" aria-label="${escapeHtml(subject)}" lang="${locale}" style="max-width:${maxWidth}px;margin:0 auto;padding:32px;background:#ffffff;border-radius:8px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:${fontSize}px;line-height:1.5;color:#1f2328">
${body}
</div>
</body>
</html>
`;
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
  requireHttpLink('ticketCreatedMail', v.link);
  const d = DICTIONARIES[locale];
  const ticket = v.ticketNumber;
  return render(locale, format(d.createdSubject, { ticket }), [
    { kind: 'p', text: d.greeting },
    { kind: 'p', text: format(d.createdIntro, { subject: oneLine(v.subject) }) },
    { kind: 'p', text: d.createdLinkIntro },
    { kind: 'button', text: format(d.createdButton, { ticket }), href: v.link },
    { kind: 'link', intro: d.linkFallback, href: v.link },
    { kind: 'note', text: d.createdNoReply },
  ]);
}

/** Longest excerpt of the latest reply an alert mail or push carries, "…" included. */
const MAIL_EXCERPT_MAX = 140;
const PUSH_EXCERPT_MAX = 120;

/**
 * Tells a customer their ticket changed; an alert that sends them to the ticket, not the
 * conversation itself. `excerpt` is the start of the latest reply, or null to leave it out; it is
 * cut to 140 characters here whatever the caller passes. `updates` is how many changes this mail
 * sums up. `link` must be an absolute http(s) URL. Guests are told about the code they will be
 * asked for; signed-in users that they can turn these mails off.
 */
export function ticketUpdatedMail(
  locale: Locale,
  v: {
    ticketNumber: number;
    subject: string;
    link: string;
    excerpt: string | null;
    status: TicketStatus;
    access: 'guest' | 'user';
    updates: number;
  },
): RenderedMail {
  requireHttpLink('ticketUpdatedMail', v.link);
  const d = DICTIONARIES[locale];
  const ticket = v.ticketNumber;
  const subject = oneLine(v.subject);
  const intro =
    v.updates > 1
      ? format(d.updatedIntroMany, { ticket, subject, updates: plural(locale, d.updates, v.updates) })
      : format(d.updatedIntro, { ticket, subject });
  const quoted = excerpt(v.excerpt, MAIL_EXCERPT_MAX);
  const status = { open: null, pending: d.updatedPending, solved: d.updatedSolved, closed: d.updatedClosed }[v.status];

  const blocks: Block[] = [
    { kind: 'p', text: d.greeting },
    { kind: 'p', text: intro },
  ];
  if (quoted !== null) blocks.push({ kind: 'quote', text: quoted });
  if (status !== null) blocks.push({ kind: 'p', text: status });
  blocks.push(
    { kind: 'button', text: format(d.updatedButton, { ticket }), href: v.link },
    { kind: 'link', intro: d.linkFallback, href: v.link },
  );
  if (v.access === 'guest') blocks.push({ kind: 'p', text: d.updatedGuestCode });
  blocks.push({ kind: 'note', text: d.createdNoReply });
  if (v.access === 'user') blocks.push({ kind: 'note', text: d.updatedOptOut });
  return render(locale, format(d.updatedSubject, { ticket }), blocks);
}

/**
 * The title and body of a web-push notification about a customer's ticket: the start of the
 * latest reply (cut to 120 characters) when there is one, otherwise what the status now is.
 * Plain text; the push service and the browser show it as it is.
 */
export function pushAlertText(
  locale: Locale,
  v: { ticketNumber: number; excerpt: string | null; status: TicketStatus; updates: number },
): { title: string; body: string } {
  const d = DICTIONARIES[locale];
  const title = format(d.pushTitle, { ticket: v.ticketNumber });
  const reply = excerpt(v.excerpt, PUSH_EXCERPT_MAX);
  if (reply !== null) return { title, body: format(d.pushReply, { excerpt: reply }) };
  const updated =
    v.updates > 1 ? format(d.pushUpdatedMany, { updates: plural(locale, d.updates, v.updates) }) : d.pushUpdated;
  const body = { open: updated, pending: d.pushPending, solved: d.pushSolved, closed: d.pushClosed }[v.status];
  return { title, body };
}

/**
 * Invites a new agent to the workspace (English only: agents work in the English agent UI). `link`
 * must be an absolute http(s) URL; names are the admin's own text and are put on one line.
 */
export function agentInviteMail(v: { inviteeName: string; inviterName: string; link: string; days: number }): RenderedMail {
  requireHttpLink('agentInviteMail', v.link);
  return render('en', 'You are invited to the support workspace', [
    { kind: 'p', text: `Hello ${oneLine(v.inviteeName)},` },
    { kind: 'p', text: `${oneLine(v.inviterName)} invited you to answer chats and tickets in the support workspace. Choose a password to get started:` },
    { kind: 'button', text: 'Set your password', href: v.link },
    { kind: 'link', intro: 'If the button does not work, copy this address into your browser:', href: v.link },
    { kind: 'note', text: `The link works once and expires in ${v.days} ${v.days === 1 ? 'day' : 'days'}. If you did not expect this invitation, you can ignore this email.` },
  ]);
}
