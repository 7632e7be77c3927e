// HEIC/HEIF decoding with libheif (WebAssembly build, which includes the HEVC decoder that the prebuilt
// sharp lacks). libheif applies the image's transformative properties (irot rotation, imir mirror,
// clap crop) while decoding, so the pixels come out upright; the EXIF Orientation that phones also
// write into HEIC describes that same rotation and must NOT be applied a second time.
// Runs only inside the image child process.
import libheif from 'libheif-js/wasm-bundle.js';
import { RefusedMediaError } from './errors.js';

export interface DecodedRgba {
  width: number;
  height: number;
  /** Interleaved RGBA, 8 bits per sample. */
  data: Uint8ClampedArray;
  hasAlpha: boolean;
}

export function libheifVersion(): string {
  return libheif.heif_get_version();
}

export async function decodeHeic(bytes: Uint8Array, maxPixels: number): Promise<DecodedRgba> {
  await libheif.ready;
  const decoder = new libheif.HeifDecoder();
  const images = decoder.decode(bytes);
  try {
    if (images.length === 0) throw new RefusedMediaError('undecodable');
    const primary = images.find((image) => image.is_primary()) ?? images[0];
    if (primary === undefined) throw new RefusedMediaError('undecodable');
    const width = primary.get_width();
    const height = primary.get_height();
    if (!(width > 0 && height > 0)) throw new RefusedMediaError('undecodable');
    if (width * height > maxPixels) throw new RefusedMediaError('too-large');
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const result = await new Promise<{ data: Uint8ClampedArray } | null>((resolve) =>
      primary.display(target, resolve),
    );
    if (result === null) throw new RefusedMediaError('undecodable');
    return { width, height, data: result.data, hasAlpha: primary.has_alpha_channel() };
  } finally {
    for (const image of images) image.free();
  }
}
