// Puts a file's findings into plain words (a list the screen reader reads as a list).
import type { Language } from '../i18n/catalog.js';
import type { Translate } from '../i18n/i18n.js';
import type { Findings } from '../metadata/findings.js';
import { formatDate, formatPlace } from './format.js';

function para(text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

export function renderFindings(
  t: Translate,
  lang: Language,
  f: Findings | undefined,
  into: HTMLElement,
): void {
  into.replaceChildren();
  if (f === undefined) {
    into.append(para(t('metaReading')));
    return;
  }
  const video = f.kind === 'video';
  const lines: string[] = [];
  if (f.location !== undefined) {
    lines.push(
      f.location === 'present'
        ? t('metaLocationVideo')
        : t('metaLocation', { place: formatPlace(lang, f.location.latitude, f.location.longitude) }),
    );
  }
  if (f.device !== undefined) {
    lines.push(f.device === 'present' ? t('metaDeviceVideo') : t('metaDevice', { device: f.device }));
  }
  if (f.serial) lines.push(t('metaSerial'));
  if (f.date !== undefined) {
    const date = formatDate(lang, f.date);
    lines.push(video ? t('metaDateVideo', { date }) : t('metaDate', { date }));
  }
  if (f.owners.length > 0) {
    lines.push(
      t('metaOwner', { names: new Intl.ListFormat(lang, { type: 'conjunction' }).format(f.owners) }),
    );
  }
  if (f.unreadable) {
    into.append(para(t('metaUnreadable')));
  } else if (lines.length === 0) {
    into.append(para(t('metaNone')));
  } else {
    into.append(para(t('metaFound')));
    const ul = document.createElement('ul');
    for (const line of lines) {
      const li = document.createElement('li');
      li.textContent = line;
      ul.append(li);
    }
    into.append(ul, para(t('metaWillRemove')));
  }
  if (video) into.append(para(t('metaVideoMore')));
  into.append(para(t('metaNameNotSent')));
}
