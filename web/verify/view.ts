// Rendering of the verify page's results: plain DOM, text only (never innerHTML), every string translated.
import type { Language } from '../i18n/catalog.js';
import type { Translate } from '../i18n/i18n.js';
import { groupHex } from '../ui/format.js';
import type { FoundEntry } from './check.js';

/** A log time (UTC, ISO 8601) in the reader's language, with its zone named, and machine-readable. */
export function timeElement(lang: Language, iso: string): HTMLTimeElement {
  const time = document.createElement('time');
  time.dateTime = iso;
  time.textContent = new Intl.DateTimeFormat(lang, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(new Date(iso));
  return time;
}

function row(list: HTMLDListElement, term: string, value: Node | string, id?: string): void {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  if (id !== undefined) dd.id = id;
  dd.append(value);
  list.append(dt, dd);
}

function code(text: string, className?: string): HTMLElement {
  const c = document.createElement('code');
  c.textContent = text;
  if (className !== undefined) c.className = className;
  return c;
}

export function renderDetails(
  list: HTMLDListElement,
  t: Translate,
  lang: Language,
  hash: string,
  found: FoundEntry | undefined,
  size: number | undefined,
): void {
  list.replaceChildren();
  row(list, t('verifyFieldHash'), code(hash, 'hash'), 'detail-hash');
  if (found !== undefined) {
    row(
      list,
      t('verifyFieldMatch'),
      t(found.match === 'sanitised' ? 'verifyMatchSanitised' : 'verifyMatchSealed'),
    );
    row(list, t('verifyFieldSubmission'), code(groupHex(found.submission)), 'detail-submission');
    row(list, t('verifyFieldFile'), String(found.file + 1));
    row(list, t('verifyFieldReceived'), timeElement(lang, found.receivedAt), 'detail-received');
    row(list, t('verifyFieldProcessed'), timeElement(lang, found.processedAt), 'detail-processed');
    const tools = document.createElement('ul');
    for (const tool of found.tools) {
      const li = document.createElement('li');
      li.textContent = `${tool.name} ${tool.version}${tool.args.length > 0 ? ` — ${tool.args.join(' ')}` : ''}`;
      tools.append(li);
    }
    row(list, t('verifyFieldTools'), tools);
    row(list, t('verifyFieldEntry'), String(found.index));
  }
  if (size !== undefined) row(list, t('verifyFieldTree'), String(size));
}
