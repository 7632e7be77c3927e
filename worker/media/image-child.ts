// Image child process: decode → auto-orient → re-encode from pixels, nothing else. Spawned by
// sanitize-image.ts under prlimit; never imported by the worker itself, so a decoder crash, bomb or hang
// takes down only this process. No metadata is carried over: sharp strips everything unless told to keep
// it (we never call withMetadata/keepMetadata/keepIccProfile), and converts to sRGB on output.
//
// Protocol: argv[2] is a JSON ImageChildRequest; one JSON ImageChildReply line on stdout.
import { readFile } from 'node:fs/promises';
import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { type RefusalReason, RefusedMediaError } from './errors.js';
import { type ImagePlan, planImage } from './image-plan.js';
import { webpIsLossless } from './riff.js';

export interface ImageChildRequest {
  inputPath: string;
  outputPath: string;
  inputMime: string;
  maxPixels: number;
}

export type ImageChildReply =
  | {
      ok: true;
      plan: ImagePlan;
      width: number;
      height: number;
      pages: number;
      /** Operations applied, recorded verbatim in provenance. */
      operations: string[];
      versions: Record<string, string>;
    }
  | { ok: false; reason: RefusalReason };

function classifySharpError(error: unknown): RefusalReason {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit|too large|exceeds|memory/i.test(message)) return 'too-large';
  if (/premature|truncat|unexpected end|end of file|EOF|incomplete/i.test(message)) return 'truncated';
  return 'undecodable';
}

async function sanitizeImage(request: ImageChildRequest): Promise<ImageChildReply> {
  sharp.cache(false);
  sharp.concurrency(1);
  const versions: Record<string, string> = { sharp: sharp.versions.sharp, libvips: sharp.versions.vips };
  const operations: string[] = [];
  const bytes = await readFile(request.inputPath);
  let pipeline: Sharp;
  let plan: ImagePlan;
  if (request.inputMime === 'image/heic' || request.inputMime === 'image/heif') {
    // Loaded only when needed: the WebAssembly module is large.
    const { decodeHeic, libheifVersion } = await import('./heic-decode.js');
    versions.libheif = libheifVersion();
    const decoded = await decodeHeic(bytes, request.maxPixels);
    operations.push(
      'libheif decode primary image (irot/imir/clap applied by libheif; EXIF Orientation ignored)',
    );
    pipeline = sharp(Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), {
      raw: { width: decoded.width, height: decoded.height, channels: 4 },
      limitInputPixels: request.maxPixels,
    });
    plan = planImage({
      inputMime: request.inputMime,
      hasAlpha: decoded.hasAlpha,
      pages: 1,
      space: 'srgb',
      webpLossless: false,
    });
    if (!decoded.hasAlpha) {
      pipeline = pipeline.removeAlpha();
      operations.push('removeAlpha()');
    }
  } else {
    const animatedInput = request.inputMime === 'image/gif' || request.inputMime === 'image/webp';
    const options: SharpOptions = {
      limitInputPixels: request.maxPixels,
      failOn: 'error',
      sequentialRead: true,
      ...(animatedInput ? { animated: true } : {}),
    };
    const meta = await sharp(bytes, options).metadata();
    const pages = meta.pages ?? 1;
    if ((meta.width ?? 0) * (meta.height ?? 0) * pages > request.maxPixels)
      throw new RefusedMediaError('too-large');
    if (request.inputMime === 'image/tiff' && pages > 1) throw new RefusedMediaError('unsupported-type');
    plan = planImage({
      inputMime: request.inputMime,
      hasAlpha: meta.hasAlpha ?? false,
      pages,
      space: meta.space ?? 'srgb',
      webpLossless: request.inputMime === 'image/webp' && webpIsLossless(bytes),
    });
    pipeline = sharp(bytes, { ...options, animated: plan.animated });
    pipeline = pipeline.autoOrient();
    operations.push(`sharp(${JSON.stringify({ ...options, animated: plan.animated })})`, 'autoOrient()');
  }
  if (plan.colourspace !== undefined) {
    pipeline = pipeline.toColourspace(plan.colourspace);
    operations.push(`toColourspace(${plan.colourspace})`);
  }
  pipeline = pipeline.toFormat(plan.format, plan.options);
  operations.push(`toFormat(${plan.format}, ${JSON.stringify(plan.options)})`);
  const info = await pipeline.toFile(request.outputPath);
  return {
    ok: true,
    plan,
    width: info.width,
    height: info.pageHeight ?? info.height,
    pages: info.pages ?? 1,
    operations,
    versions,
  };
}

async function main(): Promise<void> {
  const raw = process.argv[2];
  if (raw === undefined) {
    process.exitCode = 2;
    return;
  }
  const request = JSON.parse(raw) as ImageChildRequest;
  let reply: ImageChildReply;
  try {
    reply = await sanitizeImage(request);
  } catch (error) {
    reply = {
      ok: false,
      reason: error instanceof RefusedMediaError ? error.reason : classifySharpError(error),
    };
  }
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}

// Lifeline: the parent never writes to our stdin; end-of-file means the worker died, so stop at once.
process.stdin.on('end', () => process.exit(70));
process.stdin.on('error', () => process.exit(70));
process.stdin.resume();
await main();
process.exit(0);
