// The real type, from the bytes only (never the file name or the declared type).
import { fileTypeFromFile } from 'file-type';
import { RefusedMediaError } from './errors.js';
import type { MediaKind } from './types.js';

export interface Sniffed {
  mime: string;
  kind: MediaKind;
}

export const SUPPORTED: Record<string, MediaKind> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/gif': 'image',
  'image/tiff': 'image',
  'image/heic': 'image',
  'image/heif': 'image',
  'image/avif': 'image',
  'video/mp4': 'video',
  'video/quicktime': 'video',
  'video/x-m4v': 'video',
  'video/3gpp': 'video',
  'video/3gpp2': 'video',
  'video/webm': 'video',
  'video/matroska': 'video',
};

export async function sniff(path: string): Promise<Sniffed> {
  const detected = await fileTypeFromFile(path);
  const kind = detected === undefined ? undefined : SUPPORTED[detected.mime];
  if (detected === undefined || kind === undefined) throw new RefusedMediaError('unsupported-type');
  return { mime: detected.mime, kind };
}
