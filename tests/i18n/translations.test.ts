/**
 * Every visitor-facing text exists in all five languages: the widget, the customer page, the mails
 * and pushes, and the launcher's name. A language that lacks a key, has an extra one, leaves a text
 * empty, leaves it in English, or drops or renames a {placeholder} fails here, naming the table,
 * the language and the key.
 *
 * The widget and customer-page dictionaries are modules of their own and are imported. The mail
 * tables and the launcher's label are private constants of their modules; they are read from the
 * source with the TypeScript parser rather than exported for a test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LOCALES, type Locale } from '../../shared/schemas/common.js';
import { cs as widgetCs } from '../../widget/i18n/cs.js';
import { de as widgetDe } from '../../widget/i18n/de.js';
import { en as widgetEn } from '../../widget/i18n/en.js';
import { sv as widgetSv } from '../../widget/i18n/sv.js';
import { zh as widgetZh } from '../../widget/i18n/zh.js';
import { cs as portalCs } from '../../widget/portal/i18n/cs.js';
import { de as portalDe } from '../../widget/portal/i18n/de.js';
import { en as portalEn } from '../../widget/portal/i18n/en.js';
import { sv as portalSv } from '../../widget/portal/i18n/sv.js';
import { zh as portalZh } from '../../widget/portal/i18n/zh.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** A text, or plural forms by CLDR category (the mails' `{ one, few, other }`). */
type Entry = string | Readonly<Record<string, string>>;
type Table = Readonly<Record<string, Entry>>;
type Tables = Record<Locale, Table>;

/**
 * Words these languages use as they are in English, so a translation may equal the English text.
 * Compared with the English text less its placeholders and punctuation ("Ticket {number}" is
 * "Ticket", "{label} (optional)" is "optional"). Kept to words a native speaker writes the same on
 * a support page; anything else identical to English is an untranslated string.
 */
const SAME_AS_ENGLISH: Partial<Record<Locale, readonly string[]>> = {
  de: ['Chat', 'Code', 'optional', 'Status', 'Support', 'Ticket'],
  sv: ['Status', 'Support'],
  cs: ['Chat'],
};

const placeholders = (s: string): string[] => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
const hasLetters = (s: string) => /\p{L}/u.test(s);
const pluralCategories = (locale: Locale) => [...new Intl.PluralRules(locale).resolvedOptions().pluralCategories].sort();

/** Everything wrong with one language against English, as readable lines; empty when complete. */
function problems(name: string, tables: Tables): string[] {
  const en = tables.en;
  const out: string[] = [];
  const enKeys = Object.keys(en).sort();
  if (enKeys.length === 0) out.push(`${name}: the English table is empty (was it found?)`);
  for (const locale of LOCALES) {
    const table = tables[locale];
    const where = (key: string) => `${name} [${locale}] ${key}`;
    const keys = Object.keys(table);
    for (const key of enKeys) if (!keys.includes(key)) out.push(`${where(key)}: missing`);
    for (const key of keys) if (!(key in en)) out.push(`${where(key)}: not in English (a stale or misspelt key)`);
    for (const key of enKeys) {
      const english = en[key]!;
      const value = table[key];
      if (value === undefined) continue;
      if (typeof english === 'string') {
        if (typeof value !== 'string') {
          out.push(`${where(key)}: plural forms where English has one text`);
          continue;
        }
        out.push(...textProblems(where(key), locale, english, value));
      } else {
        if (typeof value === 'string') {
          out.push(`${where(key)}: one text where English has plural forms`);
          continue;
        }
        // Each language has the forms its grammar selects (Czech one/few/many/other, Chinese other).
        const expected = pluralCategories(locale);
        const forms = Object.keys(value).sort();
        if (forms.join() !== expected.join()) out.push(`${where(key)}: plural forms ${forms.join('/')}, the language needs ${expected.join('/')}`);
        const englishOther = english.other;
        if (englishOther === undefined) {
          out.push(`${name} [en] ${key}: plural forms without "other"`);
          continue;
        }
        for (const form of forms) {
          // English "one" and "other" differ only in their words; compare every form with "other".
          out.push(...textProblems(`${where(key)}.${form}`, locale, englishOther, value[form]!, locale !== 'en'));
        }
      }
    }
  }
  return out;
}

function textProblems(where: string, locale: Locale, english: string, value: string, compareText = locale !== 'en'): string[] {
  const out: string[] = [];
  if (value.trim() === '') return [`${where}: empty`];
  if (compareText && value === english && hasLetters(english)) {
    const word = english.replace(/\{\w+\}/g, '').replace(/[^\p{L}\s]/gu, '').trim();
    if (!SAME_AS_ENGLISH[locale]?.includes(word)) out.push(`${where}: still in English ("${value}")`);
  }
  const want = placeholders(english);
  const got = placeholders(value);
  if (want.join() !== got.join()) out.push(`${where}: placeholders {${got.join('}, {')}} where English has {${want.join('}, {')}}`);
  // "Terrible|Bad|Okay|Great|Fantastic": one item per score, in every language.
  if (english.includes('|') && value.split('|').length !== english.split('|').length) {
    out.push(`${where}: ${value.split('|').length} "|"-separated items where English has ${english.split('|').length}`);
  }
  return out;
}

// ---- reading private tables from source ------------------------------------------------------

function unwrap(node: ts.Expression): ts.Expression {
  while (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) node = node.expression;
  return node;
}

function propertyName(name: ts.PropertyName, file: string): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  throw new Error(`${file}: a computed key in a language table; this test cannot read it`);
}

function text(node: ts.Expression, file: string): string {
  const e = unwrap(node);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  throw new Error(`${file}: a language table value that is not a plain string: ${e.getText()}`);
}

/** `{ key: 'text', … }`, where a value may itself be `{ one: '…', other: '…' }` (plural forms). */
function readObject(obj: ts.ObjectLiteralExpression, file: string): Table {
  const table: Record<string, Entry> = {};
  for (const p of obj.properties) {
    if (!ts.isPropertyAssignment(p)) throw new Error(`${file}: a language table member that is not "key: value": ${p.getText()}`);
    const value = unwrap(p.initializer);
    if (ts.isObjectLiteralExpression(value)) {
      const forms: Record<string, string> = {};
      for (const f of value.properties) {
        if (!ts.isPropertyAssignment(f)) throw new Error(`${file}: unreadable plural forms: ${f.getText()}`);
        forms[propertyName(f.name, file)] = text(f.initializer, file);
      }
      table[propertyName(p.name, file)] = forms;
    } else {
      table[propertyName(p.name, file)] = text(value, file);
    }
  }
  return table;
}

/**
 * The language tables a module declares at its top level, in both shapes used here: one object
 * per language (`const de = { … }`, `const de: Dictionary = { … }`), and one object per text keyed
 * by language (`const OPEN_LABEL = { en: '…', de: '…', … }`), which becomes the key OPEN_LABEL of
 * each language. Objects that merely list the per-language ones (`{ en, de, … }`) are skipped.
 */
function sourceTables(path: string): Tables {
  const file = relative(ROOT, path);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const tables = Object.fromEntries(LOCALES.map((l) => [l, {} as Record<string, Entry>])) as Record<Locale, Record<string, Entry>>;
  const isLocale = (s: string): s is Locale => (LOCALES as readonly string[]).includes(s);
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || !decl.initializer) continue;
      const init = unwrap(decl.initializer);
      if (!ts.isObjectLiteralExpression(init)) continue;
      const name = decl.name.text;
      if (isLocale(name)) {
        Object.assign(tables[name], readObject(init, file));
        continue;
      }
      const keys = init.properties.map((p) => (p.name ? propertyName(p.name, file) : ''));
      const byLocale = keys.length > 0 && keys.every(isLocale);
      const onlyReferences = init.properties.every((p) => ts.isShorthandPropertyAssignment(p));
      if (!byLocale || onlyReferences) continue;
      const byLanguage = readObject(init, file);
      for (const locale of LOCALES) if (byLanguage[locale] !== undefined) tables[locale][name] = byLanguage[locale];
    }
  }
  return tables;
}

// ---- the tables ------------------------------------------------------------------------------

const widget: Tables = { en: widgetEn, de: widgetDe, sv: widgetSv, cs: widgetCs, zh: widgetZh };
const portal: Tables = { en: portalEn, de: portalDe, sv: portalSv, cs: portalCs, zh: portalZh };

/** Modules with private per-language tables, read from source. */
const SOURCE_TABLES = ['server/modules/mail/templates.ts', 'server/modules/mail/transcript-mail.ts', 'widget/loader.ts'];

/**
 * Modules that mention every language but hold no translated text: the widget's list of the
 * languages it supports (`zh: true`), the widget's loaders of its dictionaries, and the language
 * menus, which name each language in itself ("Deutsch", "中文") on purpose.
 */
const NOT_TRANSLATIONS: Record<string, string> = {
  'widget/locale.ts': 'a set of supported locales',
  'widget/i18n/index.ts': 'a loader per dictionary; language names, each in its own language',
  'widget/portal/i18n/index.ts': 'language names, each in its own language',
};

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('translations', () => {
  it('the widget has every English text in German, Swedish, Czech and Chinese, translated, with the same placeholders', () => {
    expect(problems('widget/i18n', widget)).toEqual([]);
  });

  it('the customer page has every English text in every language, translated, with the same placeholders', () => {
    expect(problems('widget/portal/i18n', portal)).toEqual([]);
  });

  it.each(SOURCE_TABLES)('%s has every text in every language, translated, with the same placeholders and plural forms', (file) => {
    const tables = sourceTables(join(ROOT, file));
    expect(Object.keys(tables.en).length, `${file}: no language table found`).toBeGreaterThan(0);
    expect(problems(file, tables)).toEqual([]);
  });

  it('the widget and customer page have one dictionary file per language and no other', () => {
    for (const dir of ['widget/i18n', 'widget/portal/i18n']) {
      const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
      expect(files.sort(), dir).toEqual(LOCALES.map((l) => `${l}.ts`).sort());
    }
  });

  it('every module with text per language is checked here', () => {
    // A table keyed by language anywhere in the server, widget or shared code: `zh: '…'`.
    const mentioning = ['server', 'widget', 'shared']
      .flatMap(tsFiles)
      .filter((f) => !/\/i18n\/(en|de|sv|cs|zh)\.ts$/.test(f))
      .filter((f) => /\bzh\s*:/.test(readFileSync(join(ROOT, f), 'utf8')));
    const unchecked = mentioning.filter((f) => !SOURCE_TABLES.includes(f) && !(f in NOT_TRANSLATIONS));
    expect(unchecked, 'add these to SOURCE_TABLES (or, if they hold no visitor text, to NOT_TRANSLATIONS)').toEqual([]);
  });

  it('reads the private tables it checks (a sample of known texts)', () => {
    const mail = sourceTables(join(ROOT, 'server/modules/mail/templates.ts'));
    expect(mail.cs.minutes).toEqual({ one: '{n} minutu', few: '{n} minuty', many: '{n} minuty', other: '{n} minut' });
    expect(sourceTables(join(ROOT, 'widget/loader.ts')).de.OPEN_LABEL).toBe('Chat öffnen');
    expect(sourceTables(join(ROOT, 'server/modules/mail/transcript-mail.ts')).sv.GREETING).toBe('Hej!');
  });
});
