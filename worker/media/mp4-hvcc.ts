// Finds the hvcC boxes of an MP4 written by ffmpeg and neutralises their SEI in place (see hvcc.ts).
import { open } from 'node:fs/promises';
import { neutraliseHvccSei } from './hvcc.js';

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);
const HEVC_ENTRIES = new Set(['hvc1', 'hev1', 'dvh1', 'dvhe']);
/** Bytes of fields before the child boxes: stsd has version/flags + entry count; a visual sample entry 78. */
const STSD_HEADER = 8;
const VISUAL_ENTRY_FIELDS = 78;

type Read = (offset: number, length: number) => Promise<Uint8Array>;

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

async function* boxes(
  read: Read,
  start: number,
  end: number,
): AsyncGenerator<{ type: string; start: number; body: number; end: number }> {
  let at = start;
  while (at + 8 <= end) {
    const h = await read(at, 16);
    let size = (h[0] ?? 0) * 2 ** 24 + (((h[1] ?? 0) << 16) | ((h[2] ?? 0) << 8) | (h[3] ?? 0));
    let body = at + 8;
    if (size === 1) {
      size =
        (((h[8] ?? 0) << 24) >>> 0) * 2 ** 32 +
        ((((h[12] ?? 0) << 24) | ((h[13] ?? 0) << 16) | ((h[14] ?? 0) << 8) | (h[15] ?? 0)) >>> 0);
      body = at + 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < 8 || at + size > end) return;
    yield { type: ascii(h, 4), start: at, body, end: at + size };
    at += size;
  }
}

async function findHvcc(
  read: Read,
  start: number,
  end: number,
  found: { offset: number; length: number }[],
): Promise<void> {
  for await (const box of boxes(read, start, end)) {
    if (CONTAINERS.has(box.type)) await findHvcc(read, box.body, box.end, found);
    else if (box.type === 'stsd') await findHvcc(read, box.body + STSD_HEADER, box.end, found);
    else if (HEVC_ENTRIES.has(box.type)) {
      for await (const child of boxes(read, box.body + VISUAL_ENTRY_FIELDS, box.end)) {
        if (child.type === 'hvcC') found.push({ offset: child.body, length: child.end - child.body });
      }
    }
  }
}

/** Returns the number of SEI NAL units neutralised across all HEVC tracks. */
export async function neutraliseMp4HevcSei(path: string): Promise<number> {
  const handle = await open(path, 'r+');
  try {
    const { size } = await handle.stat();
    const read: Read = async (offset, length) => {
      const buffer = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      if (buffer.length > 0) await handle.read(buffer, 0, buffer.length, offset);
      return buffer;
    };
    const found: { offset: number; length: number }[] = [];
    await findHvcc(read, 0, size, found);
    let count = 0;
    for (const box of found) {
      const hvcc = await read(box.offset, box.length);
      const n = neutraliseHvccSei(hvcc);
      if (n > 0) {
        await handle.write(hvcc, 0, hvcc.length, box.offset);
        count += n;
      }
    }
    if (count > 0) await handle.sync();
    return count;
  } finally {
    await handle.close();
  }
}
