// Messages between the page and its encryption Web Worker. Plaintext never leaves the worker except as
// the File/Blob handle the page already holds; ciphertext parts come back as transferable buffers.
import type { Manifest, ManifestInput } from '../../core/envelope/index.js';

/** What the page keeps (in sessionStorage) to regenerate any part of an envelope later. */
export interface SavedEnvelope {
  fileKey: Uint8Array;
  header: Uint8Array;
  manifest: Manifest;
}

export type WorkerRequest =
  | { id: number; op: 'init'; publicKey: Uint8Array }
  | { id: number; op: 'open'; key: number; blob: Blob; manifest: ManifestInput }
  | { id: number; op: 'restore'; key: number; blob: Blob; saved: SavedEnvelope }
  | { id: number; op: 'part'; key: number; partBytes: number; part: number }
  | { id: number; op: 'close'; key: number };

export interface InitResult {
  fingerprint: string;
}
export interface OpenResult {
  saved: SavedEnvelope;
  length: number;
}
export interface PartResult {
  bytes: Uint8Array;
  /** Base64 SHA-256 of the part, for the Repr-Digest header (absent without WebCrypto). */
  digest?: string;
}

export type WorkerResponse =
  | { id: number; ok: true; result: InitResult | OpenResult | PartResult | null }
  | { id: number; ok: false; code: string };
