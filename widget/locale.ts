import type { Locale } from '../shared/types.js';

/** The widget's languages; `satisfies` makes a locale added to the shared list a type error here. */
const SUPPORTED = { en: true, de: true, sv: true, cs: true, zh: true } satisfies Record<Locale, true>;

function isLocale(tag: string): tag is Locale {
  return Object.prototype.hasOwnProperty.call(SUPPORTED, tag);
}

/**
 * The host page's `data-locale` if the widget speaks it, else the first of the browser's languages
 * it speaks, else English. Tags match by primary subtag: `de-AT` is German, `zh-Hant-TW` Chinese.
 */
export function resolveLocale(requested?: string | null, languages: readonly string[] = browserLanguages()): Locale {
  for (const tag of [requested ?? '', ...languages]) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
    if (isLocale(primary)) return primary;
  }
  return 'en';
}

function browserLanguages(): readonly string[] {
  return navigator.languages?.length ? navigator.languages : [navigator.language ?? ''];
}
