// Every file of the real-device corpus is either sanitised (and then carries nothing identifying, keeps
// its orientation and looks the same, or keeps its duration and streams) or refused with the reason
// written down here, so any change in behaviour fails this test.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import libheif from 'libheif-js/wasm-bundle.js';
import sharp, { type Sharp } from 'sharp';
import { RefusedMediaError, sanitizeFile } from '../../../worker/media/index.js';
import {
  corpusDir,
  durationDelta,
  exiftool,
  ffprobe,
  identifyingKeys,
  imageChildScript,
  psnr,
  requireBuiltChild,
} from './helpers.js';

type Expected =
  | { refused: 'unsupported-type' | 'undecodable' | 'truncated' | 'polyglot' }
  | { image: string; size: [number, number] }
  | { video: string };

const EXPECTED: Record<string, Expected> = {
  'exifr_canon30d_broken_exif.jpg': { image: 'image/jpeg', size: [600, 900] },
  'exifr_canon5d3_iptc_icc_xmp.tif': { image: 'image/png', size: [35, 23] },
  'exifr_canon600d_gps_serials_iptc.jpg': { image: 'image/jpeg', size: [150, 100] },
  'exifr_dji_hasselblad_drone_gps.jpg': { image: 'image/jpeg', size: [100, 67] },
  'exifr_dji_xt2_thermal_gps.tiff': { image: 'image/png', size: [640, 512] },
  'exifr_google_pixel_gps.jpg': { image: 'image/jpeg', size: [1012, 759] },
  'exifr_iptc_agency_photographer_gps.jpg': { image: 'image/jpeg', size: [527, 350] },
  'exifr_motorola_xmp_depthmap.jpg': { image: 'image/jpeg', size: [1536, 2048] },
  'exifr_pixel_exif_gps.png': { image: 'image/png', size: [1, 1] },
  'exiftool_apple_iphone7_gps.jpg': { image: 'image/jpeg', size: [8, 8] },
  // DNG: sharp would read only the small preview IFD, not the raw sensor data; refused, documented.
  'exiftool_canon350d_serial_preview.dng': { refused: 'unsupported-type' },
  'exiftool_exif_xmp.webp': { image: 'image/webp', size: [1, 1] },
  'exiftool_google_pixel8pro_gps_xmp.jpg': { image: 'image/jpeg', size: [8, 8] },
  'exiftool_gopro_hero6_gps_serial.jpg': { image: 'image/jpeg', size: [8, 8] },
  'exiftool_kitchen_sink_mpf_preview.jpg': { image: 'image/jpeg', size: [8, 8] },
  'exiftool_pentax_usertags.mov': { refused: 'undecodable' },
  'exiftool_text_xmp.png': { image: 'image/png', size: [16, 16] },
  'exiftool_truncated_dated.mkv': { refused: 'truncated' },
  'gopro_max_gpmf_gps.mp4': { video: 'video/mp4' },
  'ianare_nikon_p6000_gps.jpg': { image: 'image/jpeg', size: [640, 480] },
  'ianare_nokia83_android_gps.heif': { image: 'image/jpeg', size: [4608, 3456] },
  'ianare_nokia83_android_gps.jpg': { image: 'image/jpeg', size: [4608, 1976] },
  'immich_canon7d_serial_xmp.webp': { image: 'image/webp', size: [600, 315] },
  'immich_iphone7_gps.heic': { image: 'image/jpeg', size: [4032, 3024] },
  // Stored 700×840 with EXIF Orientation 6: upright it is 840×700.
  'immich_orientation6_xmp_faces.jpg': { image: 'image/jpeg', size: [840, 700] },
  // ispe 4000×3000, irot 270° (= EXIF Orientation 6): rotated once it is 3000×4000; twice would be 4000×3000.
  // The embedded motion-photo clip is dropped (only the still is sanitised).
  'immich_samsung_s22_motionphoto.heic': { image: 'image/jpeg', size: [3000, 4000] },
  'immich_thompson_springs_gps_iptc_xmp.jpg': { image: 'image/jpeg', size: [150, 103] },
  // Media data removed (4-byte mdat): the sample tables point past the end of the file.
  'jcodec_android7_gps_empty_mdat.mp4': { refused: 'truncated' },
  'jcodec_itunes_tags_gps.mov': { video: 'video/mp4' },
  'medotnet_iphone6_gps_timed_metadata.mov': { video: 'video/mp4' },
  'mei_android6_samsung_gps.mp4': { video: 'video/mp4' },
  'mei_apple_loci_gps.mp4': { video: 'video/mp4' },
  'mei_comment_xmp.gif': { image: 'image/png', size: [500, 375] },
  'mei_fireworks_private_chunks.png': { image: 'image/png', size: [23, 25] },
  'mei_flir_one_gps_author.mp4': { video: 'video/mp4' },
  'mei_htc_desire_gps.webp': { image: 'image/webp', size: [776, 909] },
  'mei_imovie_udta_thumbnail_xmp.mp4': { video: 'video/mp4' },
  'mei_iphone11pro_gps_exif_at_eof.heic': { image: 'image/jpeg', size: [3024, 4032] },
  // Stored 320×240 with EXIF Orientation 6 inside the WebP: upright it is 240×320.
  'mei_iphonex_gps.webp': { image: 'image/webp', size: [240, 320] },
  'mei_macos_screenshot_exif_itxt_ztxt.png': { image: 'image/png', size: [640, 513] },
};

/** What the manifest says each file carries, as the categories `removed` must then name. */
const MANIFEST_CATEGORIES: [RegExp, string][] = [
  [/GPS -?\d/, 'location'],
  [/SerialNumber/, 'serial numbers'],
  [/\bMake \S/, 'device'],
  [/XMP\(/, 'xmp'],
  [/\bIPTC\b/, 'iptc'],
  [/MakerNotes/, 'maker notes'],
  [/ThumbnailImage|PreviewImage/, 'thumbnail'],
  [/extra tracks/, 'data tracks'],
  [/date \d{4}/, 'dates'],
];
const manifest = new Map(
  readFileSync(join(corpusDir, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const cols = line.split('\t');
      return [cols[0] ?? '', cols[7] ?? ''] as const;
    }),
);

const files = readdirSync(corpusDir)
  .filter((name) => name !== 'MANIFEST.tsv' && name !== 'README.md')
  .sort();

async function heicReference(path: string): Promise<Sharp> {
  await libheif.ready;
  const decoder = new libheif.HeifDecoder();
  const [image] = decoder.decode(readFileSync(path));
  if (image === undefined) throw new Error('no image');
  const width = image.get_width();
  const height = image.get_height();
  const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
  await new Promise((resolve) => image.display(target, resolve));
  image.free();
  return sharp(Buffer.from(target.data.buffer), { raw: { width, height, channels: 4 } });
}

describe('sanitising the real-device corpus', () => {
  let scratch: string;
  beforeAll(() => {
    requireBuiltChild();
    scratch = mkdtempSync(join(tmpdir(), 'kua-media-corpus-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has an expected outcome written down for every corpus file', () => {
    expect(files).toEqual(Object.keys(EXPECTED).sort());
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files)(
    '%s',
    async (name) => {
      const expected = EXPECTED[name];
      if (expected === undefined) throw new Error('no expectation');
      const input = join(corpusDir, name);
      if ('refused' in expected) {
        const error = await sanitizeFile({ path: input, scratchDir: scratch }, { imageChildScript }).catch(
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(RefusedMediaError);
        expect((error as RefusedMediaError).reason).toBe(expected.refused);
        expect((error as RefusedMediaError).unrecoverable).toBe(true);
        expect((error as Error).message).not.toContain(name);
        return;
      }
      const result = await sanitizeFile({ path: input, scratchDir: scratch }, { imageChildScript });
      expect(result.outputPath.startsWith(scratch)).toBe(true);
      expect(result.removed.length).toBeGreaterThan(0);
      const carried = manifest.get(name) ?? '';
      const expectedCategories = MANIFEST_CATEGORIES.filter(([pattern]) => pattern.test(carried)).map(
        ([, category]) => category,
      );
      expect(result.removed).toEqual(expect.arrayContaining(expectedCategories));
      expect(result.tool.map((t) => t.name)).toContain('exiftool');
      const tags = await exiftool(result.outputPath);
      expect(identifyingKeys(tags)).toEqual([]);
      if ('image' in expected) {
        expect(result.kind).toBe('image');
        expect(result.mediaType).toBe(expected.image);
        expect(tags['File:MIMEType']).toBe(expected.image);
        const meta = await sharp(result.outputPath).metadata();
        expect([meta.width, meta.height]).toEqual(expected.size);
        expect(meta.exif).toBeUndefined();
        expect(meta.xmp).toBeUndefined();
        expect(meta.iptc).toBeUndefined();
        expect(meta.icc).toBeUndefined();
        const heif = /\.(heic|heif)$/.test(name);
        const reference = heif ? await heicReference(input) : sharp(input, { animated: false }).autoOrient();
        expect(await psnr(reference, sharp(result.outputPath, { animated: false }))).toBeGreaterThanOrEqual(
          30,
        );
      } else {
        expect(result.kind).toBe('video');
        expect(result.mediaType).toBe(expected.video);
        const [before, after] = await Promise.all([ffprobe(input), ffprobe(result.outputPath)]);
        const media = (p: typeof before) =>
          p.streams
            .filter(
              (s) =>
                (s.codec_type === 'video' || s.codec_type === 'audio') && s.disposition?.attached_pic !== 1,
            )
            .map((s) => `${s.codec_type}:${s.codec_name}`)
            .sort();
        expect(media(after)).toEqual(media(before));
        expect(after.streams.every((s) => s.codec_type === 'video' || s.codec_type === 'audio')).toBe(true);
        expect(after.chapters).toEqual([]);
        expect(
          Object.keys(after.format.tags ?? {}).filter(
            (t) => !['major_brand', 'minor_version', 'compatible_brands'].includes(t),
          ),
        ).toEqual([]);
        expect(durationDelta(before, after)).toBeLessThanOrEqual(0.15);
        const text = readFileSync(result.outputPath).toString('latin1');
        for (const marker of ['\u00a9xyz', 'loci', 'gpmd', 'mebx', 'GoPro', 'Apple', 'XMP_', 'uuid']) {
          expect(text.includes(marker) ? marker : '').toBe('');
        }
      }
    },
    60_000,
  );
});
