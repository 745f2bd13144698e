/**
 * The customer page's strings in its five languages, and the formats that go with them (dates,
 * sizes, "in 5 minutes"). All dictionaries are bundled: together they are a few kilobytes.
 */
import { DEFAULT_CATEGORIES, type DefaultCategoryId } from '../../../shared/tickets.js';
import type { CategoryDTO, Locale, SystemEvent, TicketStatus } from '../../../shared/types.js';
import { cs } from './cs.js';
import { de } from './de.js';
import { en, type Dictionary, type MessageKey } from './en.js';
import { sv } from './sv.js';
import { zh } from './zh.js';

export type { MessageKey };
export { resolveLocale } from '../../locale.js';

const DICTIONARIES: Record<Locale, Dictionary> = { en, de, sv, cs, zh };

/** Each language named in itself, for the language switcher. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', sv: 'Svenska', cs: 'Čeština', zh: '中文' };
/**
 * The page's languages. Not `LOCALES` from shared/schemas: that module brings zod into the bundle.
 * `Record<Locale, …>` above makes a locale added to the shared list a type error here.
 */
export const PORTAL_LOCALES = Object.keys(LANGUAGE_NAMES) as Locale[];

export function isLocale(value: string | null): value is Locale {
  return value !== null && Object.prototype.hasOwnProperty.call(LANGUAGE_NAMES, value);
}

const STATUS_KEYS: Record<TicketStatus, MessageKey> = {
  open: 'statusOpen',
  pending: 'statusPending',
  solved: 'statusSolved',
  closed: 'statusClosed',
};

const CATEGORY_KEYS: Record<DefaultCategoryId, MessageKey> = {
  account: 'categoryAccount',
  trading: 'categoryTrading',
  'deposits-withdrawals': 'categoryDepositsWithdrawals',
  security: 'categorySecurity',
  'product-feedback': 'categoryProductFeedback',
  other: 'categoryOther',
};

function isDefaultCategory(id: string): id is DefaultCategoryId {
  return DEFAULT_CATEGORIES.some((c) => c.id === id);
}

/** One language's strings and formats. A new instance per language, so Lit sees the change. */
export class I18n {
  readonly locale: Locale;
  private readonly dictionary: Dictionary;
  private readonly dateTime: Intl.DateTimeFormat;
  private readonly relative: Intl.RelativeTimeFormat;

  constructor(locale: Locale) {
    this.locale = locale;
    this.dictionary = DICTIONARIES[locale];
    this.dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    this.relative = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  }

  /** Looks a key up and fills its `{placeholders}`; a placeholder without a value stays visible. */
  t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
    const text = this.dictionary[key];
    return params ? text.replace(/\{(\w+)\}/g, (match, name: string) => (params[name] === undefined ? match : String(params[name]))) : text;
  }

  date(iso: string | null | undefined): string {
    if (!iso) return '';
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? '' : this.dateTime.format(d);
  }

  /** "in 5 minutes", whole minutes rounded up; under a minute, seconds. */
  inTime(seconds: number): string {
    const s = Math.max(1, Math.ceil(seconds));
    return s < 60 ? this.relative.format(s, 'second') : this.relative.format(Math.ceil(s / 60), 'minute');
  }

  /** A countdown, "1:05". */
  clock(seconds: number): string {
    const s = Math.max(0, Math.ceil(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  }

  size(bytes: number): string {
    const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'megabyte'] : bytes >= 1024 ? [bytes / 1024, 'kilobyte'] : [bytes, 'byte'];
    // "78 B" rather than "78 byte"; kB and MB read well in their short form.
    const display = unit === 'byte' ? 'narrow' : 'short';
    return new Intl.NumberFormat(this.locale, { style: 'unit', unit, unitDisplay: display, maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
  }

  status(status: TicketStatus): string {
    return this.t(STATUS_KEYS[status]);
  }

  /** Default categories in this language; a site's own category by its label; an unknown id as it is. */
  category(id: string, siteCategories: readonly CategoryDTO[] = []): string {
    if (isDefaultCategory(id)) return this.t(CATEGORY_KEYS[id]);
    return siteCategories.find((c) => c.id === id)?.label ?? id;
  }

  system(event: SystemEvent): string {
    switch (event.kind) {
      case 'chat.started':
        return this.t('sysChatStarted');
      case 'agent.joined':
        return this.t('sysAgentJoined', { name: event.agentName || this.t('support') });
      case 'chat.ended':
        return this.t(event.by === 'visitor' ? 'sysEndedByVisitor' : 'sysEndedByAgent');
      case 'ticket.created': {
        const key: Record<typeof event.via, MessageKey> = {
          form: 'sysCreatedForm',
          queue: 'sysCreatedQueue',
          agent: 'sysCreatedAgent',
          'chat-end': 'sysCreatedChatEnd',
        };
        return this.t(key[event.via] ?? 'sysCreatedForm', { number: event.number });
      }
      case 'ticket.status':
        if (event.by === 'visitor') return event.status === 'open' ? this.t('sysReopened') : this.t('sysStatusByYou', { status: this.status(event.status) });
        return this.t('sysStatus', { status: this.status(event.status) });
      case 'ticket.follow-up':
        return this.t('sysFollowUp', { of: event.of });
      default:
        // A kind newer than this page: say nothing rather than something wrong.
        return '';
    }
  }
}
