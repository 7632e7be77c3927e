// Every language has exactly the reference keys; every key is used by the page; every plural message has
// exactly the CLDR categories of its language; placeholders agree across languages.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { LANGUAGES, type Message } from '../../../web/i18n/catalog.js';
import { CATALOGS, pickLanguage, translate } from '../../../web/i18n/i18n.js';

const WEB = join(import.meta.dirname, '..', '..', '..', 'web');
const reference = Object.keys(CATALOGS.en).sort();

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'i18n') out.push(...sources(path));
    } else if (/\.(ts|html)$/.test(name)) out.push(readFileSync(path, 'utf8'));
  }
  return out;
}

function placeholders(message: Message): string[] {
  const texts = typeof message === 'string' ? [message] : Object.values(message);
  return [
    ...new Set(texts.flatMap((t) => [...(t ?? '').matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string))),
  ].sort();
}

describe('translations', () => {
  it.each(LANGUAGES)('%s has exactly the reference keys, none empty', (lang) => {
    const catalog = CATALOGS[lang];
    expect(Object.keys(catalog).sort()).toEqual(reference);
    for (const message of Object.values(catalog)) {
      const texts = typeof message === 'string' ? [message] : Object.values(message);
      for (const text of texts) expect((text ?? '').trim()).not.toBe('');
    }
  });

  it('uses every key in the page and refers to no key that does not exist', () => {
    const code = sources(WEB).join('\n');
    // Used: a key appears as a quoted literal in the page's code (t('key'), { key: 'key' }, maps) or as
    // data-i18n="key" in the HTML.
    const literals = new Set([...code.matchAll(/'(\w+)'/g)].map((m) => m[1] as string));
    const attributes = [...code.matchAll(/data-i18n="(\w+)"/g)].map((m) => m[1] as string);
    const used = new Set([...literals, ...attributes]);
    expect(reference.filter((k) => !used.has(k))).toEqual([]); // unused keys
    // Referred to: data-i18n attributes and explicit lookups must name existing keys.
    const referred = [
      ...attributes,
      ...[...code.matchAll(/\bt\(\s*'(\w+)'/g)].map((m) => m[1] as string),
      ...[...code.matchAll(/\bkey:\s*'(\w+)'/g)].map((m) => m[1] as string),
    ];
    expect([...new Set(referred)].filter((k) => !reference.includes(k)).sort()).toEqual([]); // missing keys
  });

  it.each(LANGUAGES)('%s plural messages have exactly its CLDR plural categories', (lang) => {
    const categories = [...new Intl.PluralRules(lang).resolvedOptions().pluralCategories].sort();
    for (const key of reference) {
      const message = CATALOGS[lang][key as keyof (typeof CATALOGS)['en']];
      const isPlural = typeof CATALOGS.en[key as keyof (typeof CATALOGS)['en']] !== 'string';
      expect([key, typeof message !== 'string']).toEqual([key, isPlural]);
      if (typeof message !== 'string') expect([key, Object.keys(message).sort()]).toEqual([key, categories]);
    }
  });

  it.each(LANGUAGES)('%s uses the same placeholders as English', (lang) => {
    for (const key of reference) {
      const k = key as keyof (typeof CATALOGS)['en'];
      expect([key, placeholders(CATALOGS[lang][k])]).toEqual([key, placeholders(CATALOGS.en[k])]);
    }
  });

  it('chooses Russian plural forms by number', () => {
    expect(translate('ru', 'timeLeftMinutes', { count: 1 })).toBe('осталось около 1 минуты');
    expect(translate('ru', 'timeLeftMinutes', { count: 3 })).toBe('осталось около 3 минут');
    expect(translate('ru', 'timeLeftMinutes', { count: 11 })).toBe('осталось около 11 минут');
    expect(translate('ru', 'timeLeftMinutes', { count: 21 })).toBe('осталось около 21 минуты');
    expect(translate('en', 'timeLeftMinutes', { count: 1 })).toBe('about 1 minute left');
    expect(translate('en', 'timeLeftMinutes', { count: 2 })).toBe('about 2 minutes left');
    expect(translate('fr', 'timeLeftSeconds', { count: 0 })).toBe('environ 0 seconde restante');
    expect(translate('kk', 'timeLeftHours', { count: 5 })).toBe('шамамен 5 сағат қалды');
    expect(translate('en', 'fileSize', { size: '3 MB' })).toBe('Size: 3 MB');
  });

  it('picks the first supported browser language, else English', () => {
    expect(pickLanguage(['de-DE', 'kk-KZ', 'ru'])).toBe('kk');
    expect(pickLanguage(['RU-ru'])).toBe('ru');
    expect(pickLanguage(['fr-CA', 'en'])).toBe('fr');
    expect(pickLanguage(['de', 'uk'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });
});
