// HEVC decoder configuration (hvcC, ISO/IEC 14496-15) SEI neutralising. Debian's ffmpeg 5.1 removes
// SEI NAL units from the packets (filter_units) but not from the hvcC extradata, where x265 and some
// cameras keep user-data SEI (encoder settings, device strings). We neutralise those NAL units in place,
// without changing any size (so no offset in the file moves): the array and each NAL unit get the
// reserved non-VCL type 41, which every decoder must ignore, and their payload is zeroed.

export const HEVC_SEI_TYPES = new Set([39, 40]);
export const HEVC_RESERVED_TYPE = 41;

export interface HvccNal {
  type: number;
  /** Offset of the NAL unit (its 2-byte header) inside the hvcC payload. */
  offset: number;
  length: number;
  /** Offset of the array's type byte. */
  arrayOffset: number;
}

/** The NAL units in an hvcC payload (the box content, without the 8-byte box header). */
export function hvccNals(hvcc: Uint8Array): HvccNal[] {
  if (hvcc.length < 23) throw new Error('hvcC too short');
  const nals: HvccNal[] = [];
  const arrays = hvcc[22] ?? 0;
  let at = 23;
  for (let a = 0; a < arrays; a++) {
    if (at + 3 > hvcc.length) throw new Error('hvcC truncated');
    const arrayOffset = at;
    const count = ((hvcc[at + 1] ?? 0) << 8) | (hvcc[at + 2] ?? 0);
    at += 3;
    for (let n = 0; n < count; n++) {
      if (at + 2 > hvcc.length) throw new Error('hvcC truncated');
      const length = ((hvcc[at] ?? 0) << 8) | (hvcc[at + 1] ?? 0);
      at += 2;
      if (at + length > hvcc.length || length < 2) throw new Error('hvcC truncated');
      nals.push({ type: ((hvcc[at] ?? 0) >> 1) & 0x3f, offset: at, length, arrayOffset });
      at += length;
    }
  }
  return nals;
}

/** Neutralises SEI NAL units in place; returns how many were neutralised. */
export function neutraliseHvccSei(hvcc: Uint8Array): number {
  let count = 0;
  for (const nal of hvccNals(hvcc)) {
    if (!HEVC_SEI_TYPES.has(nal.type)) continue;
    hvcc[nal.arrayOffset] = ((hvcc[nal.arrayOffset] ?? 0) & 0xc0) | HEVC_RESERVED_TYPE;
    hvcc[nal.offset] = ((hvcc[nal.offset] ?? 0) & 0x81) | (HEVC_RESERVED_TYPE << 1);
    hvcc.fill(0, nal.offset + 2, nal.offset + nal.length);
    count++;
  }
  return count;
}
