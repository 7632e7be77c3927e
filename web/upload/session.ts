// What survives a page reload: the submission id and, per envelope, an identity hash of its source and
// the small secrets needed to regenerate any part. sessionStorage only, so it dies with the tab.
import type { Manifest } from '../../core/envelope/index.js';
import type { SavedEnvelope } from '../shared/protocol.js';

const KEY = 'kua-upload-v1';

export interface SessionItem {
  identity: string;
  saved: SavedEnvelope;
  bytes: number;
}

export interface SessionRecord {
  id: string;
  partBytes: number;
  items: SessionItem[];
}

function b64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function unb64(s: string): Uint8Array {
  return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
}

export function saveSession(storage: Storage, record: SessionRecord): void {
  const plain = {
    id: record.id,
    partBytes: record.partBytes,
    items: record.items.map((i) => ({
      identity: i.identity,
      bytes: i.bytes,
      fileKey: b64(i.saved.fileKey),
      header: b64(i.saved.header),
      manifest: i.saved.manifest,
    })),
  };
  try {
    storage.setItem(KEY, JSON.stringify(plain));
  } catch {
    // storage full or disabled: the upload still works, only a reload cannot resume it
  }
}

export function loadSession(storage: Storage): SessionRecord | undefined {
  try {
    const raw = storage.getItem(KEY);
    if (raw === null) return undefined;
    const v = JSON.parse(raw) as {
      id: string;
      partBytes: number;
      items: Array<{ identity: string; bytes: number; fileKey: string; header: string; manifest: Manifest }>;
    };
    if (typeof v.id !== 'string' || !Array.isArray(v.items)) return undefined;
    return {
      id: v.id,
      partBytes: v.partBytes,
      items: v.items.map((i) => ({
        identity: i.identity,
        bytes: i.bytes,
        saved: { fileKey: unb64(i.fileKey), header: unb64(i.header), manifest: i.manifest },
      })),
    };
  } catch {
    return undefined;
  }
}

export function clearSession(storage: Storage): void {
  try {
    storage.removeItem(KEY);
  } catch {
    // nothing to clear
  }
}

/** A hash naming a source without storing its name: SHA-256 over its kind and description. */
export async function identityOf(parts: Array<string | number>): Promise<string> {
  const text = new TextEncoder().encode(parts.join('\u0000'));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', text));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
