/**
 * The widget's strings in its five languages. All dictionaries are bundled: together they weigh
 * less than the request it would take to fetch one.
 */
import { DEFAULT_CATEGORIES, type DefaultCategoryId } from '../../shared/tickets.js';
import type { CategoryDTO, Locale } from '../../shared/types.js';
import { cs } from './cs.js';
import { de } from './de.js';
import { en, type Dictionary, type MessageKey } from './en.js';
import { sv } from './sv.js';
import { zh } from './zh.js';

export type { MessageKey };
export { resolveLocale } from '../locale.js';

const DICTIONARIES: Record<Locale, Dictionary> = { en, de, sv, cs, zh };

/** Looks a key up and fills its `{placeholders}`; a placeholder without a value stays visible. */
export type Translate = (key: MessageKey, params?: Readonly<Record<string, string>>) => string;

export function createTranslator(locale: Locale): Translate {
  const dictionary = DICTIONARIES[locale];
  return (key, params) => {
    const text = dictionary[key];
    return params ? text.replace(/\{(\w+)\}/g, (match, name: string) => params[name] ?? match) : text;
  };
}

const DEFAULT_CATEGORY_IDS: ReadonlySet<string> = new Set(DEFAULT_CATEGORIES.map((c) => c.id));

/** A default category in the visitor's language; a site's own category by its label, as it is. */
export function categoryLabel(t: Translate, category: CategoryDTO): string {
  return DEFAULT_CATEGORY_IDS.has(category.id) ? t(`category:${category.id as DefaultCategoryId}`) : category.label;
}
