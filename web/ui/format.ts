// Locale-aware numbers for people: sizes, time left, grouped codes.
import type { Language } from '../i18n/catalog.js';
import type { Translate } from '../i18n/i18n.js';

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** Binary multiples with the familiar unit names (a 4 GiB limit reads "4 GB"). */
export function formatBytes(lang: Language, bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: UNITS[unit],
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 && unit > 0 ? 1 : 0,
  }).format(value);
}

export function formatTimeLeft(t: Translate, seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return t('timeLeftUnknown');
  if (seconds < 90) return t('timeLeftSeconds', { count: Math.max(1, Math.ceil(seconds / 5) * 5) });
  if (seconds < 90 * 60) return t('timeLeftMinutes', { count: Math.round(seconds / 60) });
  return t('timeLeftHours', { count: Math.round(seconds / 3600) });
}

/** 32 hex digits in groups of four, for reading aloud or copying by hand. */
export function groupHex(hex: string): string {
  return hex.replace(/(.{4})(?!$)/g, '$1 ');
}

export function formatDate(lang: Language, date: Date): string {
  // Numeric parts read well in every language (some ICU builds have poor month names for kk). Cameras
  // record local time without a zone, and exifr reads it as local time, so it is shown as local time.
  return new Intl.DateTimeFormat(lang, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

export function formatPlace(lang: Language, latitude: number, longitude: number): string {
  const n = new Intl.NumberFormat(lang, { maximumFractionDigits: 4, minimumFractionDigits: 4 });
  return `${n.format(latitude)}, ${n.format(longitude)}`;
}

/** Short names of accepted media types, for the limits line. */
const SHORT: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'image/gif': 'GIF',
  'image/tiff': 'TIFF',
  'image/heic': 'HEIC',
  'image/heif': 'HEIF',
  'image/avif': 'AVIF',
  'video/mp4': 'MP4',
  'video/quicktime': 'MOV',
  'video/x-m4v': 'M4V',
  'video/3gpp': '3GP',
  'video/webm': 'WebM',
  'video/x-matroska': 'MKV',
};

export function typeNames(lang: Language, types: readonly string[]): string {
  const names = [...new Set(types.map((t) => SHORT[t] ?? t))];
  return new Intl.ListFormat(lang, { style: 'short', type: 'unit' }).format(names);
}

const EXTENSIONS: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  heic: 'image/heic',
  heif: 'image/heif',
  avif: 'image/avif',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  qt: 'video/quicktime',
  m4v: 'video/x-m4v',
  '3gp': 'video/3gpp',
  webm: 'video/webm',
  mkv: 'video/x-matroska',
};

/** The media type of a picked file: the browser's, else from its extension (phones often leave HEIC untyped). */
export function mediaTypeOf(file: { name: string; type: string }): string {
  if (file.type !== '' && file.type !== 'application/octet-stream') return file.type.toLowerCase();
  const ext = file.name.toLowerCase().split('.').pop() ?? '';
  return EXTENSIONS[ext] ?? '';
}

export function extensionFor(type: string): string {
  return Object.entries(EXTENSIONS).find(([, t]) => t === type)?.[0] ?? 'bin';
}

/** The `accept` attribute: types plus their extensions. */
export function acceptAttribute(types: readonly string[]): string {
  const exts = Object.entries(EXTENSIONS)
    .filter(([, t]) => types.includes(t))
    .map(([e]) => `.${e}`);
  return [...types, ...exts].join(',');
}
