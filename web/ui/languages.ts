// The language switch and the static texts, the same on every page: buttons that change neither the URL
// nor any storage, and `[data-i18n]` elements filled from the catalog.
import { LANGUAGE_NAMES, LANGUAGES, type Language } from '../i18n/catalog.js';
import type { MessageKey, Translate } from '../i18n/i18n.js';

/** Creates the buttons once (each calls `pick`), then marks the current language as pressed. */
export function renderLanguageSwitch(
  container: HTMLElement,
  legend: HTMLElement,
  lang: Language,
  t: Translate,
  pick: (code: Language) => void,
): void {
  legend.textContent = t('languageLabel');
  if (container.querySelector('button') === null) {
    for (const code of LANGUAGES) {
      const b = document.createElement('button');
      b.type = 'button';
      b.lang = code;
      b.dataset.lang = code;
      b.textContent = LANGUAGE_NAMES[code];
      b.addEventListener('click', () => pick(code));
      container.append(b);
    }
  }
  for (const b of container.querySelectorAll('button')) {
    b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  }
}

/** Sets `<html lang>`, the title and every `[data-i18n]` element's text. */
export function renderStaticTexts(lang: Language, t: Translate, titleKey: MessageKey): void {
  document.documentElement.lang = lang;
  document.title = t(titleKey);
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    node.textContent = t(node.dataset.i18n as MessageKey);
  }
}
