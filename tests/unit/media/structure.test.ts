// Structural checks on synthetic bytes: container sizes, trailers, foreign formats.
import { describe, expect, it } from '@jest/globals';
import { memorySource } from '../../../worker/media/byte-source.js';
import { categoriesOf } from '../../../worker/media/categories.js';
import { RefusedMediaError } from '../../../worker/media/errors.js';
import { webpChunks } from '../../../worker/media/riff.js';
import {
  checkIsoBmff,
  checkNoForeignFormat,
  checkTrailer,
  jpegEnd,
} from '../../../worker/media/structure.js';
import { disallowedExifGroups } from '../../../worker/media/verify.js';

function box(type: string, payload: number): Uint8Array {
  const bytes = new Uint8Array(8 + payload);
  new DataView(bytes.buffer).setUint32(0, 8 + payload);
  bytes.set(
    Array.from(type, (c) => c.charCodeAt(0)),
    4,
  );
  return bytes;
}
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
async function reason(promise: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof RefusedMediaError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('ISO BMFF top-level boxes', () => {
  it('accepts boxes that tile the file exactly', async () => {
    expect(
      await checkIsoBmff(memorySource(concat(box('ftyp', 8), box('moov', 16), box('mdat', 100)))),
    ).toEqual(['ftyp', 'moov', 'mdat']);
  });
  it('refuses a box running past the end (truncated) and foreign bytes after the last box (polyglot)', async () => {
    const whole = concat(box('ftyp', 8), box('moov', 16), box('mdat', 100));
    expect(await reason(checkIsoBmff(memorySource(whole.subarray(0, whole.length - 10))))).toBe('truncated');
    const zip = concat(whole, new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(await reason(checkIsoBmff(memorySource(zip)))).toBe('polyglot');
    expect(await reason(checkIsoBmff(memorySource(concat(box('ftyp', 8), box('mdat', 4)))))).toBe(
      'truncated',
    );
  });
});

describe('JPEG end and trailers', () => {
  const jpeg = new Uint8Array([
    0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xda, 0, 2, 1, 0xff, 0, 0xff, 0xd3, 2, 0xff, 0xd9,
  ]);
  it('walks segments and entropy data (stuffed bytes, restart markers) to EOI', () => {
    expect(jpegEnd(jpeg)).toBe(jpeg.length);
    expect(() => jpegEnd(jpeg.subarray(0, 14))).toThrow(RefusedMediaError);
  });
  it('allows zero padding, further JPEGs (MPF) and unknown vendor trailers; refuses known formats', async () => {
    expect(await reason(checkTrailer(new Uint8Array(16)))).toBe('accepted');
    expect(await reason(checkTrailer(jpeg))).toBe('accepted');
    expect(await reason(checkTrailer(new TextEncoder().encode('AXS!vendor trailer bytes')))).toBe('accepted');
    expect(await reason(checkTrailer(new TextEncoder().encode('<html><script>1</script>')))).toBe('polyglot');
    expect(await reason(checkTrailer(concat(new Uint8Array([0x50, 0x4b, 3, 4]), new Uint8Array(40))))).toBe(
      'polyglot',
    );
  });
});

describe('foreign formats anywhere a reader would look', () => {
  it('finds a PDF header in the first KiB and a ZIP directory at the end', async () => {
    const pdf = concat(new Uint8Array(100), new TextEncoder().encode('%PDF-1.5'), new Uint8Array(100));
    expect(await reason(checkNoForeignFormat(memorySource(pdf)))).toBe('polyglot');
    const eocd = concat(new Uint8Array(1000), new Uint8Array([0x50, 0x4b, 5, 6]), new Uint8Array(18));
    expect(await reason(checkNoForeignFormat(memorySource(eocd)))).toBe('polyglot');
    expect(await reason(checkNoForeignFormat(memorySource(new Uint8Array(5000))))).toBe('accepted');
  });
});

describe('WebP RIFF sizes', () => {
  it('refuses data after the RIFF and a RIFF longer than the file', async () => {
    const riff = (size: number, extra: number) => {
      const b = new Uint8Array(12 + 8 + 10 + extra);
      b.set([0x52, 0x49, 0x46, 0x46], 0);
      new DataView(b.buffer).setUint32(4, size, true);
      b.set([0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4c], 8);
      new DataView(b.buffer).setUint32(16, 10, true);
      return b;
    };
    expect(webpChunks(riff(4 + 18, 0))).toEqual(['VP8L']);
    expect(await reason(() => webpChunks(riff(4 + 18, 30)))).toBe('polyglot');
    expect(await reason(() => webpChunks(riff(4 + 18 + 100, 0)))).toBe('truncated');
  });
});

describe('categories and allowlists', () => {
  it('names categories, and the allowlist rejects anything unlisted or non-neutral', () => {
    const tags = {
      'GPS:GPSLatitude': 1,
      'IFD0:Make': 'x',
      'ExifIFD:BodySerialNumber': 'x',
      'XMP-dc:Creator': 'x',
      'IFD1:ThumbnailImage': '(Binary data 10 bytes)',
      'Track1:HandlerDescription': 'VideoHandler',
    };
    expect(categoriesOf(tags)).toEqual(['device', 'location', 'owner', 'serial numbers', 'thumbnail', 'xmp']);
    expect(
      disallowedExifGroups({ 'File:MIMEType': 'image/jpeg', 'File:ImageWidth': 8 }, 'jpeg', 'image/jpeg'),
    ).toEqual([]);
    expect(
      disallowedExifGroups(
        { 'File:MIMEType': 'image/jpeg', 'JFIF:JFIFVersion': '1 1' },
        'jpeg',
        'image/jpeg',
      ),
    ).toEqual(['JFIF']);
    expect(
      disallowedExifGroups(
        { 'File:MIMEType': 'video/mp4', 'QuickTime:CreateDate': '2020:01:01 00:00:00' },
        'mp4',
        'video/mp4',
      )[0],
    ).toBe('QuickTime');
    expect(
      disallowedExifGroups(
        { 'File:MIMEType': 'video/mp4', 'Track2:HandlerDescription': 'Core Media Video' },
        'mp4',
        'video/mp4',
      )[0],
    ).toBe('Track');
    expect(disallowedExifGroups({ 'File:MIMEType': 'image/png' }, 'jpeg', 'image/jpeg')).toEqual([
      'File:MIMEType',
    ]);
  });
});
