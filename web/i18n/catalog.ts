// Message catalog types. A message is a string with {placeholders}, or, where a number decides the
// grammar, one string per CLDR plural category of that language (Intl.PluralRules).
export type PluralMessage = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Message = string | PluralMessage;

export const LANGUAGES = ['kk', 'ru', 'en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name for itself, shown on the switch. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  kk: 'Қазақша',
  ru: 'Русский',
  en: 'English',
  fr: 'Français',
};
