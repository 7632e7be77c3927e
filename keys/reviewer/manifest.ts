// manifest.json, one per pulled submission: what was received, what was removed, hashes, times,
// whether an original is included, the witness's note, refused files with their reasons, and any
// verification problem. Written last; `complete: true` means every file verified.
import path from 'node:path';
import { replaceFile } from '../secure-fs.js';

export const MANIFEST_FILE = 'manifest.json';

export interface ManifestFile {
  index: number;
  status: 'sealed' | 'refused' | 'failed';
  kind?: string;
  mediaType?: string;
  /** Why the portal refused the file (refused only). */
  reason?: string;
  /** The decrypted, sanitised file in this folder. */
  file?: string;
  sha256?: string;
  bytes?: number;
  /** The sealed envelope the portal stored (ciphertext), as the signed record states it. */
  sealed?: { sha256: string; bytes: number };
  /** Categories of identifying data the portal found and removed. */
  removed?: string[];
  tools?: string[];
  original?: {
    included: boolean;
    file?: string;
    bytes: number;
    /** hex SHA-256(salt || original): check a file the witness shows later with the salt. */
    commitment: string;
    salt?: string;
  };
  /** The witness's note, as text (notes only). */
  note?: string;
  /** The signed record, kept for `kua verify`. */
  record?: string;
  receivedAt?: string;
  processedAt?: string;
  problem?: string;
}

export interface SubmissionManifest {
  v: 1;
  submission: string;
  complete: boolean;
  pulledAt: string;
  logKeyFingerprint: string;
  receivedAt?: string;
  processedAt?: string;
  originalsIncluded: number;
  files: ManifestFile[];
  problems: string[];
}

export async function writeManifest(dir: string, manifest: SubmissionManifest): Promise<void> {
  await replaceFile(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`, 0o600);
}
