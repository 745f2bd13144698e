/**
 * The widget's strings in its five languages, one module (and one chunk of the build) per
 * language: a visitor downloads only the dictionary they read, and another one when they switch.
 */
import { DEFAULT_CATEGORIES, type DefaultCategoryId } from '../../shared/tickets.js';
import type { CategoryDTO, Locale } from '../../shared/types.js';
import type { Dictionary, MessageKey } from './en.js';

export type { MessageKey };
export { resolveLocale } from '../locale.js';

/** Each language named in itself, for the language menu: a visitor looks for the name they read. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch', sv: 'Svenska', cs: 'Čeština', zh: '中文' };

const DICTIONARIES: Record<Locale, () => Promise<Dictionary>> = {
  en: () => import('./en.js').then((m) => m.en),
  de: () => import('./de.js').then((m) => m.de),
  sv: () => import('./sv.js').then((m) => m.sv),
  cs: () => import('./cs.js').then((m) => m.cs),
  zh: () => import('./zh.js').then((m) => m.zh),
};

/** Looks a key up and fills its `{placeholders}`; a placeholder without a value stays visible. */
export type Translate = (key: MessageKey, params?: Readonly<Record<string, string>>) => string;

export function createTranslator(dictionary: Dictionary): Translate {
  return (key, params) => {
    const text = dictionary[key];
    return params ? text.replace(/\{(\w+)\}/g, (match, name: string) => params[name] ?? match) : text;
  };
}

/** Fetches a language's dictionary (once per page); rejects when its chunk could not be loaded. */
export function loadTranslator(locale: Locale): Promise<Translate> {
  return DICTIONARIES[locale]().then(createTranslator);
}

const DEFAULT_CATEGORY_IDS: ReadonlySet<string> = new Set(DEFAULT_CATEGORIES.map((c) => c.id));

/** A default category in the visitor's language; a site's own category by its label, as it is. */
export function categoryLabel(t: Translate, category: CategoryDTO): string {
  return DEFAULT_CATEGORY_IDS.has(category.id) ? t(`category:${category.id as DefaultCategoryId}`) : category.label;
}
