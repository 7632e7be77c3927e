// Parent side of image sanitising: runs image-child.js isolated and turns its reply into a plan result.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RefusedMediaError, TransientMediaError } from './errors.js';
import type { ImageChildReply, ImageChildRequest } from './image-child.js';
import { runLimited } from './isolated.js';
import { refusalFor } from './outcome.js';
import type { ProcessLimits, ToolRun } from './types.js';

/** The compiled child script: beside this module in dist/, or in dist/ when running from sources (tests). */
export function defaultImageChildScript(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'image-child.js'), resolve(here, '../../dist/worker/media/image-child.js')];
  return candidates.find((path) => existsSync(path)) ?? (candidates[0] as string);
}

export interface ImageSanitized {
  mediaType: string;
  width: number;
  height: number;
  pages: number;
  tool: ToolRun[];
}

export async function sanitizeImageIsolated(
  request: ImageChildRequest,
  options: {
    limits: ProcessLimits;
    scratchDir: string;
    childScript?: string;
    onSpawn?: (pid: number) => void;
  },
): Promise<ImageSanitized> {
  const script = options.childScript ?? defaultImageChildScript();
  if (!existsSync(script))
    throw new TransientMediaError('The image child script is missing: build the project first');
  const heapMiB = Math.max(64, Math.floor(options.limits.memoryBytes / (1024 * 1024) / 2));
  const outcome = await runLimited(
    process.execPath,
    [`--max-old-space-size=${heapMiB}`, script, JSON.stringify(request)],
    {
      limits: options.limits,
      memoryKind: 'data',
      stdinLifeline: true,
      ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}),
    },
  );
  let reply: ImageChildReply | undefined;
  if (outcome.code === 0 && !outcome.timedOut) {
    try {
      reply = JSON.parse(outcome.stdout.toString('utf8')) as ImageChildReply;
    } catch {
      reply = undefined;
    }
  }
  if (reply === undefined) throw new RefusedMediaError(refusalFor(outcome));
  if (!reply.ok) throw new RefusedMediaError(reply.reason);
  const tool: ToolRun[] = [];
  if (reply.versions.libheif !== undefined) {
    tool.push({
      name: 'libheif (libheif-js, WebAssembly)',
      version: reply.versions.libheif,
      args: ['decode primary image, transformations applied', 'RGBA 8-bit'],
    });
  }
  tool.push({
    name: 'sharp',
    version: `${reply.versions.sharp} (libvips ${reply.versions.libvips})`,
    args: reply.operations,
  });
  return {
    mediaType: reply.plan.mediaType,
    width: reply.width,
    height: reply.height,
    pages: reply.pages,
    tool,
  };
}
