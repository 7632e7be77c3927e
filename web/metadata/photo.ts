// Reads a photo's identifying metadata in the browser with exifr (bundled; reads only what it needs).
import exifr from 'exifr';
import { type Findings, findingsFromTags } from './findings.js';

const OPTIONS: Parameters<typeof exifr.parse>[1] = {
  tiff: true,
  exif: true,
  gps: true,
  interop: false,
  ifd1: false,
  xmp: true,
  iptc: true,
  icc: false,
  jfif: false,
  ihdr: false,
  makerNote: false,
  userComment: false,
  translateValues: false,
  reviveValues: true,
  sanitize: true,
  mergeOutput: true,
};

export async function readPhotoFindings(file: Blob): Promise<Findings> {
  try {
    const tags = (await exifr.parse(file, OPTIONS)) as Record<string, unknown> | undefined;
    return findingsFromTags(tags);
  } catch {
    return { kind: 'photo', serial: false, owners: [], unreadable: true };
  }
}
