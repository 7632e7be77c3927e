// Structural checks on the input's bytes, before any decoder sees it: the file must be exactly one
// media file of its sniffed type. Refuses PDFs/HTML/ZIPs hidden in or appended to media (polyglots),
// data after the format's logical end, and containers whose sizes overrun the file (truncated).
import { fileTypeFromBuffer } from 'file-type';
import type { ByteSource } from './byte-source.js';
import { RefusedMediaError } from './errors.js';
import { webpChunks } from './riff.js';

const HEAD = 1024;
const ZIP_TAIL = 65_535 + 22;
const MARKUP = /<(html|script|body|iframe|svg|!doctype\s+html)[\s>]/i;

function ascii(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

function u32be(b: Uint8Array, at: number): number {
  return (((b[at] ?? 0) << 24) | ((b[at + 1] ?? 0) << 16) | ((b[at + 2] ?? 0) << 8) | (b[at + 3] ?? 0)) >>> 0;
}

function allZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/** PDF header in the first KiB (PDF readers look there), markup up front, or a ZIP directory at the end. */
export async function checkNoForeignFormat(source: ByteSource): Promise<void> {
  const head = ascii(await source.read(0, HEAD));
  if (head.includes('%PDF-') || MARKUP.test(head)) throw new RefusedMediaError('polyglot');
  const tailStart = Math.max(0, source.size - ZIP_TAIL);
  const tail = await source.read(tailStart, source.size - tailStart);
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] === 0x50 && tail[i + 1] === 0x4b && tail[i + 2] === 0x05 && tail[i + 3] === 0x06) {
      const commentLength = (tail[i + 20] ?? 0) | ((tail[i + 21] ?? 0) << 8);
      if (i + 22 + commentLength === tail.length) throw new RefusedMediaError('polyglot');
    }
  }
}

/** JPEG: walk the segments to EOI; after it only zero padding or further JPEG images (MPF) may follow. */
export function jpegEnd(bytes: Uint8Array): number {
  let at = 2;
  while (at + 2 <= bytes.length) {
    if (bytes[at] !== 0xff) throw new RefusedMediaError('undecodable');
    const marker = bytes[at + 1] ?? 0;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0xd9) return at + 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) break;
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    if (length < 2) throw new RefusedMediaError('undecodable');
    at += 2 + length;
    if (marker === 0xda) {
      // Entropy-coded data: runs until a marker that is not a stuffed 0xFF00 or a restart marker.
      while (at + 1 < bytes.length) {
        if (bytes[at] === 0xff) {
          const next = bytes[at + 1] ?? 0;
          if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7) && next !== 0xff) break;
        }
        at += 1;
      }
    }
  }
  throw new RefusedMediaError('truncated');
}

/**
 * Data after an image's logical end. Vendor trailers (AFCP, Samsung, MPF's further JPEG images) are
 * common and harmless here, since the picture is re-encoded from pixels and the trailer dropped; but a
 * trailer that is itself another recognisable format (ZIP, PDF, MP4 — e.g. a motion-photo clip —,
 * HTML, an executable, another image type) makes the file a polyglot, and it is refused.
 */
export async function checkTrailer(rest: Uint8Array): Promise<void> {
  if (rest.length === 0 || allZero(rest)) return;
  if (rest[0] === 0xff && rest[1] === 0xd8 && rest[2] === 0xff) return; // MPF / multi-picture images
  if (MARKUP.test(ascii(rest.subarray(0, HEAD))) || ascii(rest.subarray(0, HEAD)).includes('%PDF-')) {
    throw new RefusedMediaError('polyglot');
  }
  const other = await fileTypeFromBuffer(rest);
  if (other !== undefined) throw new RefusedMediaError('polyglot');
}

async function checkJpeg(bytes: Uint8Array): Promise<void> {
  await checkTrailer(bytes.subarray(jpegEnd(bytes)));
}

async function checkPng(bytes: Uint8Array): Promise<void> {
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = u32be(bytes, at);
    const type = ascii(bytes.subarray(at + 4, at + 8));
    const next = at + 12 + length;
    if (next > bytes.length) throw new RefusedMediaError('truncated');
    if (type === 'IEND') {
      await checkTrailer(bytes.subarray(next));
      return;
    }
    at = next;
  }
  throw new RefusedMediaError('truncated');
}

const BOX_TYPE = /^[\x20-\x7e\xa9]{4}$/;

/** ISO BMFF (MP4, MOV, 3GP, HEIC, AVIF): the top-level boxes must tile the file exactly. */
export async function checkIsoBmff(source: ByteSource): Promise<string[]> {
  const types: string[] = [];
  let at = 0;
  while (at < source.size) {
    const header = await source.read(at, 16);
    if (header.length < 8) {
      if (allZero(header)) break;
      throw new RefusedMediaError('truncated');
    }
    const type = ascii(header.subarray(4, 8));
    if (!BOX_TYPE.test(type)) throw new RefusedMediaError(types.length === 0 ? 'undecodable' : 'polyglot');
    let size = u32be(header, 0);
    if (size === 1) {
      if (header.length < 16) throw new RefusedMediaError('truncated');
      size = u32be(header, 8) * 2 ** 32 + u32be(header, 12);
    } else if (size === 0) {
      size = source.size - at;
    }
    if (size < 8) throw new RefusedMediaError('truncated');
    if (at + size > source.size) throw new RefusedMediaError('truncated');
    types.push(type);
    at += size;
  }
  if (!types.includes('moov') && !types.includes('meta')) throw new RefusedMediaError('truncated');
  return types;
}

export async function checkStructure(mime: string, source: ByteSource): Promise<void> {
  await checkNoForeignFormat(source);
  switch (mime) {
    case 'image/jpeg':
      await checkJpeg(await source.read(0, source.size));
      return;
    case 'image/png':
      await checkPng(await source.read(0, source.size));
      return;
    case 'image/webp':
      webpChunks(await source.read(0, source.size));
      return;
    case 'image/heic':
    case 'image/heif':
    case 'image/avif':
    case 'video/mp4':
    case 'video/quicktime':
    case 'video/x-m4v':
    case 'video/3gpp':
    case 'video/3gpp2':
      await checkIsoBmff(source);
      return;
    default:
      // GIF, TIFF, Matroska/WebM: the generic checks above; the decoders judge the rest.
      return;
  }
}
