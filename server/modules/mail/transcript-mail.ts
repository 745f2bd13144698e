/**
 * The transcript a visitor asks for at the end of a chat ("Email me the transcript"): the
 * conversation as the visitor saw it, in their language. Unlike the alerts in templates.ts this mail
 * carries the whole conversation, because that is what was asked for, by the person it belongs to.
 * Every line is customer or agent text: escaped in the HTML, kept as it is in the plain text.
 */
import type { Locale } from '../../../shared/types.js';
import { escapeHtml, format, htmlLayout, type RenderedMail } from './templates.js';

/** One line of the transcript: a message, or a readable event (who joined, who ended it). */
export type TranscriptLine =
  | { kind: 'message'; from: 'visitor' | 'agent'; name: string | null; at: Date; body: string; files: string[] }
  | { kind: 'event'; at: Date; text: string };

/** The events worth a line, already rendered by `eventText`. */
export type TranscriptEvent =
  | { kind: 'agent.joined'; agentName: string }
  | { kind: 'chat.ended'; by: 'visitor' | 'agent' }
  | { kind: 'ticket.created'; number: number }
  | { kind: 'ticket.follow-up'; of: number };

const en = {
  subject: 'Your chat transcript from {date}',
  subjectTicket: 'Transcript of your support ticket {ticket}',
  intro: 'Here is the transcript of your conversation with our support team, as you asked.',
  you: 'You',
  agent: 'Support',
  files: 'Attachments: {names}',
  joined: '{name} joined the chat',
  endedByVisitor: 'You ended the chat',
  endedByAgent: 'The agent ended the chat',
  ticketCreated: 'Ticket {ticket} created',
  followUp: 'Follow-up to ticket {ticket}',
  truncated: 'The transcript was cut short after {count} messages.',
  times: 'Times are in {zone}.',
  noReply: 'Please do not reply to this email: replies do not reach us.',
};

type Dictionary = typeof en;

const de: Dictionary = {
  subject: 'Ihr Chatverlauf vom {date}',
  subjectTicket: 'Verlauf Ihres Support-Tickets {ticket}',
  intro: 'wie gewünscht senden wir Ihnen den Verlauf Ihrer Unterhaltung mit unserem Support-Team.',
  you: 'Sie',
  agent: 'Support',
  files: 'Anhänge: {names}',
  joined: '{name} ist dem Chat beigetreten',
  endedByVisitor: 'Sie haben den Chat beendet',
  endedByAgent: 'Der Support hat den Chat beendet',
  ticketCreated: 'Ticket {ticket} erstellt',
  followUp: 'Folgeticket zu Ticket {ticket}',
  truncated: 'Der Verlauf wurde nach {count} Nachrichten gekürzt.',
  times: 'Zeitangaben in {zone}.',
  noReply: 'Bitte antworten Sie nicht auf diese E-Mail – Antworten erreichen uns nicht.',
};

const sv: Dictionary = {
  subject: 'Din chattlogg från {date}',
  subjectTicket: 'Logg för ditt supportärende {ticket}',
  intro: 'Här är loggen från din konversation med vårt supportteam, som du bad om.',
  you: 'Du',
  agent: 'Kundtjänst',
  files: 'Bilagor: {names}',
  joined: '{name} anslöt till chatten',
  endedByVisitor: 'Du avslutade chatten',
  endedByAgent: 'Kundtjänst avslutade chatten',
  ticketCreated: 'Ärende {ticket} har skapats',
  followUp: 'Uppföljning av ärende {ticket}',
  truncated: 'Loggen kortades efter {count} meddelanden.',
  times: 'Tiderna anges i {zone}.',
  noReply: 'Svara inte på det här mejlet – svar når inte fram till oss.',
};

const cs: Dictionary = {
  subject: 'Přepis vašeho chatu ze dne {date}',
  subjectTicket: 'Přepis vašeho požadavku na podporu č. {ticket}',
  intro: 'jak jste si přáli, posíláme přepis vaší konverzace s naším týmem podpory.',
  you: 'Vy',
  agent: 'Operátor',
  files: 'Přílohy: {names}',
  joined: '{name} se připojil(a) k chatu',
  endedByVisitor: 'Ukončili jste chat',
  endedByAgent: 'Operátor chat ukončil',
  ticketCreated: 'Požadavek č. {ticket} byl vytvořen',
  followUp: 'Navazuje na požadavek č. {ticket}',
  truncated: 'Přepis byl zkrácen po {count} zprávách.',
  times: 'Časy jsou uvedeny v pásmu {zone}.',
  noReply: 'Na tento e-mail prosím neodpovídejte – odpovědi se k nám nedostanou.',
};

const zh: Dictionary = {
  subject: '您 {date} 的聊天记录',
  subjectTicket: '您的支持工单 {ticket} 的记录',
  intro: '应您的要求，以下是您与我们支持团队的对话记录。',
  you: '您',
  agent: '客服',
  files: '附件：{names}',
  joined: '{name} 已加入聊天',
  endedByVisitor: '您已结束聊天',
  endedByAgent: '客服已结束聊天',
  ticketCreated: '工单 {ticket} 已创建',
  followUp: '工单 {ticket} 的后续工单',
  truncated: '记录在 {count} 条消息后被截断。',
  times: '时间均为 {zone} 时间。',
  noReply: '请勿回复本邮件，回复内容不会送达我们。',
};

const GREETING: Record<Locale, string> = { en: 'Hello,', de: 'Guten Tag,', sv: 'Hej!', cs: 'Dobrý den,', zh: '您好，' };
const DICTIONARIES: Record<Locale, Dictionary> = { en, de, sv, cs, zh };

/** The text of an event line in the visitor's language. */
export function eventText(locale: Locale, event: TranscriptEvent): string {
  const d = DICTIONARIES[locale];
  switch (event.kind) {
    case 'agent.joined':
      return format(d.joined, { name: event.agentName });
    case 'chat.ended':
      return event.by === 'visitor' ? d.endedByVisitor : d.endedByAgent;
    case 'ticket.created':
      return format(d.ticketCreated, { ticket: event.number });
    case 'ticket.follow-up':
      return format(d.followUp, { ticket: event.of });
  }
}

/** An IANA zone the runtime knows, else UTC. */
export function knownTimeZone(zone: string | undefined): string {
  if (!zone) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

/**
 * Renders the transcript. `ticketNumber` titles a ticket's transcript; `truncatedAt`, when set, says
 * the conversation had more messages than were included.
 */
export function transcriptMail(
  locale: Locale,
  v: { lines: TranscriptLine[]; timeZone: string; startedAt: Date; ticketNumber: number | null; truncatedAt?: number },
): RenderedMail {
  const d = DICTIONARIES[locale];
  const timeZone = knownTimeZone(v.timeZone);
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const dateOnly = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone });
  const subject = v.ticketNumber != null ? format(d.subjectTicket, { ticket: v.ticketNumber }) : format(d.subject, { date: dateOnly.format(v.startedAt) });
  const who = (line: Extract<TranscriptLine, { kind: 'message' }>) => (line.from === 'visitor' ? d.you : line.name || d.agent);
  const fileLine = (files: string[]) => (files.length ? format(d.files, { names: files.join(', ') }) : '');
  const footer = [v.truncatedAt ? format(d.truncated, { count: v.truncatedAt }) : '', format(d.times, { zone: timeZone }), d.noReply].filter(Boolean);

  const textLines = v.lines.map((line) => {
    const at = dateTime.format(line.at);
    if (line.kind === 'event') return `— ${line.text} (${at})`;
    const body = [line.body, fileLine(line.files)].filter(Boolean).join('\n');
    return `${who(line)} · ${at}\n${body}`;
  });
  const text = [GREETING[locale], d.intro, ...textLines, ...footer].join('\n\n');

  const htmlLines = v.lines
    .map((line) => {
      const at = escapeHtml(dateTime.format(line.at));
      if (line.kind === 'event') {
        return `<p style="margin:16px 0;color:#57606a;font-size:13px;text-align:center">${escapeHtml(line.text)} · ${at}</p>`;
      }
      const mine = line.from === 'visitor';
      const files = line.files.length ? `<div style="margin-top:4px;color:#57606a;font-size:13px">${escapeHtml(fileLine(line.files))}</div>` : '';
      const body = line.body ? `<div style="white-space:pre-wrap;overflow-wrap:anywhere">${escapeHtml(line.body)}</div>` : '';
      return `<div style="margin:12px 0;padding:10px 14px;border-radius:10px;background:${mine ? '#eef4ff' : '#f6f8fa'}">
<div style="margin-bottom:4px;font-size:13px;color:#57606a"><strong style="color:#1f2328">${escapeHtml(who(line))}</strong> · ${at}</div>
${body}${files}</div>`;
    })
    .join('\n');
  const body = `<p style="margin:0 0 16px">${escapeHtml(GREETING[locale])}</p>
<p style="margin:0 0 16px">${escapeHtml(d.intro)}</p>
${htmlLines}
${footer.map((f, i) => `<p style="margin:${i ? '8px 0 0' : '24px 0 0;padding-top:16px;border-top:1px solid #d0d7de'};color:#57606a;font-size:13px">${escapeHtml(f)}</p>`).join('\n')}`;
  const html = htmlLayout(locale, subject, body, { maxWidth: 600, fontSize: 15 });
  return { subject, text: `${text}\n`, html };
}
