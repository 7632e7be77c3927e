// A small look into MP4/QuickTime files for the metadata that most often identifies someone: location
// atoms (©xyz, ISO 6709 keys, GPS tracks), device make/model and the recording time. Anything else (names, other tags) is covered by
// the page's general sentence that videos may hold more than it can read.
// It reads only box headers and the `moov` box (capped), never the media data.
import type { Findings } from './findings.js';

const MAX_MOOV = 16 * 1024 * 1024;
const QT_EPOCH_OFFSET = 2_082_844_800; // seconds from 1904-01-01 to 1970-01-01

async function bytesOf(file: Blob, start: number, end: number): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

function typeAt(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at] as number, b[at + 1] as number, b[at + 2] as number, b[at + 3] as number);
}

/** Finds the top-level moov box by walking box headers. */
async function findMoov(file: Blob): Promise<Uint8Array | undefined> {
  let at = 0;
  for (let boxes = 0; at + 8 <= file.size && boxes < 10_000; boxes++) {
    const h = await bytesOf(file, at, at + 16);
    const view = new DataView(h.buffer, h.byteOffset, h.byteLength);
    let size = view.getUint32(0);
    let headerSize = 8;
    if (size === 1 && h.length >= 16) {
      size = Number(view.getBigUint64(8));
      headerSize = 16;
    } else if (size === 0) {
      size = file.size - at;
    }
    if (size < headerSize) return undefined;
    if (typeAt(h, 4) === 'moov') {
      if (size > MAX_MOOV) return undefined;
      return bytesOf(file, at, at + size);
    }
    at += size;
  }
  return undefined;
}

function contains(haystack: Uint8Array, needle: number[]): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0) & 0xff);
const LOCATION = ['\u00a9xyz', 'location.ISO6709', 'loci', 'gpmd', 'GPS5', 'camm'];
const DEVICE = [
  '\u00a9mak',
  '\u00a9mod',
  'quicktime.make',
  'quicktime.model',
  'com.android.manufacturer',
  'com.android.model',
];

export async function readVideoFindings(file: Blob): Promise<Findings> {
  const f: Findings = { kind: 'video', serial: false, owners: [], unreadable: false };
  let moov: Uint8Array | undefined;
  try {
    moov = await findMoov(file);
  } catch {
    moov = undefined;
  }
  if (moov === undefined) {
    f.unreadable = true;
    return f;
  }
  const m = moov;
  if (LOCATION.some((s) => contains(m, ascii(s)) >= 0)) f.location = 'present';
  if (DEVICE.some((s) => contains(m, ascii(s)) >= 0)) f.device = 'present';
  const mvhd = contains(m, ascii('mvhd'));
  if (mvhd >= 0 && mvhd + 16 <= m.length) {
    const view = new DataView(m.buffer, m.byteOffset, m.byteLength);
    const version = m[mvhd + 4];
    const seconds =
      version === 1 && mvhd + 20 <= m.length ? Number(view.getBigUint64(mvhd + 8)) : view.getUint32(mvhd + 8);
    if (seconds > QT_EPOCH_OFFSET) f.date = new Date((seconds - QT_EPOCH_OFFSET) * 1000);
  }
  return f;
}
