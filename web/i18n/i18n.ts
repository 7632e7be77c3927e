// Translation: pick a language from the browser's list, look up a key, choose the plural form with
// Intl.PluralRules, fill {placeholders}. Nothing is stored: the choice lives only in this page.
import { LANGUAGES, type Language, type Message } from './catalog.js';
import { en } from './en.js';
import { fr } from './fr.js';
import { kk } from './kk.js';
import { ru } from './ru.js';

export type MessageKey = keyof typeof en;
export type Params = Record<string, string | number>;

export const CATALOGS: Record<Language, Record<MessageKey, Message>> = { kk, ru, en, fr };

/** The first of the browser's languages we speak (by primary subtag), else English. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    const found = LANGUAGES.find((l) => l === primary);
    if (found !== undefined) return found;
  }
  return 'en';
}

export function translate(lang: Language, key: MessageKey, params: Params = {}): string {
  const message = CATALOGS[lang][key];
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    const count = params.count;
    if (typeof count !== 'number') throw new TypeError('plural message needs a numeric count');
    const category = new Intl.PluralRules(lang).select(count);
    text = message[category] ?? message.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? new Intl.NumberFormat(lang).format(value) : value;
  });
}

export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(lang: Language): Translate {
  return (key, params) => translate(lang, key, params);
}
