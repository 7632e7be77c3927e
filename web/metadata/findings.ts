// What identifying metadata a file carries, in a form the page can put into plain words.
export interface Findings {
  kind: 'photo' | 'video';
  location?: { latitude: number; longitude: number } | 'present';
  device?: string | 'present';
  serial: boolean;
  date?: Date;
  owners: string[];
  /** The reader failed or does not understand this format: we cannot say what is inside. */
  unreadable: boolean;
}

const SERIAL_TAGS = [
  'SerialNumber',
  'BodySerialNumber',
  'LensSerialNumber',
  'InternalSerialNumber',
  'CameraSerialNumber',
];
const OWNER_TAGS = [
  'Artist',
  'Copyright',
  'OwnerName',
  'CameraOwnerName',
  'Byline',
  'Creator',
  'creator',
  'rights',
  'CopyrightNotice',
  'Writer',
  'CaptionWriter',
  'XPAuthor',
  'ImageCreator',
  'CopyrightOwner',
];
const DATE_TAGS = [
  'DateTimeOriginal',
  'CreateDate',
  'DateTimeDigitized',
  'ModifyDate',
  'GPSDateStamp',
  'DateCreated',
];

function textOf(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' ? [] : [value.trim()];
  if (Array.isArray(value)) return value.flatMap(textOf);
  if (value !== null && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (typeof v.value === 'string') return textOf(v.value);
    return Object.values(v).flatMap(textOf);
  }
  return [];
}

/** Turns exifr's merged output into findings. Pure, so it is easy to test. */
export function findingsFromTags(tags: Record<string, unknown> | undefined | null): Findings {
  const f: Findings = { kind: 'photo', serial: false, owners: [], unreadable: false };
  if (tags === undefined || tags === null) return f;
  const lat = tags.latitude;
  const lon = tags.longitude;
  if (typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon)) {
    f.location = { latitude: lat, longitude: lon };
  } else if (Object.keys(tags).some((k) => /^GPS(Latitude|Longitude|Position)$/.test(k))) {
    f.location = 'present';
  }
  const make = textOf(tags.Make)[0];
  const model = textOf(tags.Model)[0];
  if (make !== undefined || model !== undefined) {
    f.device =
      make !== undefined && model !== undefined && !model.toLowerCase().startsWith(make.toLowerCase())
        ? `${make} ${model}`
        : (model ?? make);
  }
  f.serial = SERIAL_TAGS.some((k) => textOf(tags[k]).length > 0 || typeof tags[k] === 'number');
  for (const k of DATE_TAGS) {
    const v = tags[k];
    if (v instanceof Date && !Number.isNaN(v.getTime())) {
      f.date = v;
      break;
    }
  }
  const owners = new Set<string>();
  for (const k of OWNER_TAGS) for (const s of textOf(tags[k])) owners.add(s.slice(0, 80));
  f.owners = [...owners].slice(0, 4);
  return f;
}
