// Pure decision: which format and encoder options a sanitised image gets. Kept as data so it can be
// unit-tested and recorded verbatim in the provenance record.
//   JPEG, HEIC/HEIF, AVIF           → JPEG q92, 4:4:4 chroma (PNG if the picture has transparency)
//   PNG, TIFF, single-frame GIF     → PNG (lossless; 16-bit stays 16-bit)
//   WebP lossless / lossy           → WebP lossless / WebP q92 (animated WebP stays animated)
//   animated GIF                    → GIF (all frames, delays and loop count kept)

export type ImageOutputFormat = 'jpeg' | 'png' | 'webp' | 'gif';

export interface ImageFacts {
  /** Sniffed media type of the input, e.g. 'image/heic'. */
  inputMime: string;
  hasAlpha: boolean;
  pages: number;
  /** sharp's interpretation, e.g. 'srgb', 'rgb16', 'grey16', 'b-w'. */
  space: string;
  /** True when the WebP input uses the lossless (VP8L) bitstream. */
  webpLossless: boolean;
}

export interface ImagePlan {
  format: ImageOutputFormat;
  mediaType: string;
  /** Options passed to sharp's encoder, recorded verbatim. */
  options: Record<string, string | number | boolean>;
  /** Keep 16 bits per sample (sharp colourspace to convert to), if any. */
  colourspace?: 'rgb16' | 'grey16';
  animated: boolean;
}

export const JPEG_OPTIONS = { quality: 92, chromaSubsampling: '4:4:4', mozjpeg: false } as const;
export const PNG_OPTIONS = { compressionLevel: 6, adaptiveFiltering: true } as const;

export function planImage(facts: ImageFacts): ImagePlan {
  const wide = facts.space === 'rgb16' || facts.space === 'grey16' ? facts.space : undefined;
  const png = (): ImagePlan => ({
    format: 'png',
    mediaType: 'image/png',
    options: { ...PNG_OPTIONS },
    ...(wide ? { colourspace: wide } : {}),
    animated: false,
  });
  switch (facts.inputMime) {
    case 'image/jpeg':
    case 'image/heic':
    case 'image/heif':
    case 'image/avif':
      if (facts.hasAlpha) return png();
      return { format: 'jpeg', mediaType: 'image/jpeg', options: { ...JPEG_OPTIONS }, animated: false };
    case 'image/png':
    case 'image/tiff':
      return png();
    case 'image/gif':
      if (facts.pages > 1)
        return { format: 'gif', mediaType: 'image/gif', options: { effort: 7 }, animated: true };
      return png();
    case 'image/webp':
      if (facts.pages > 1) {
        const options: Record<string, number | boolean> = facts.webpLossless
          ? { lossless: true, exact: true }
          : { quality: 92, alphaQuality: 100 };
        return { format: 'webp', mediaType: 'image/webp', options, animated: true };
      }
      return facts.webpLossless
        ? {
            format: 'webp',
            mediaType: 'image/webp',
            options: { lossless: true, exact: true },
            animated: false,
          }
        : {
            format: 'webp',
            mediaType: 'image/webp',
            options: { quality: 92, alphaQuality: 100, smartSubsample: true },
            animated: false,
          };
    default:
      throw new Error('planImage: unsupported input type');
  }
}
