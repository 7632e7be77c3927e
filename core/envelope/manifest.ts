// The manifest: small JSON inside the encrypted payload, padded so its length says little.
// Wire form (before encryption): uint32 BE JSON length || UTF-8 JSON || zero bytes up to the padded length.
import { fromUtf8, utf8 } from '../bytes.js';
import { MANIFEST_MAX_PADDED, MANIFEST_PAD_UNIT, MAX_PLAINTEXT_SIZE } from './constants.js';
import { InvalidEnvelopeArgumentError, MalformedManifestError } from './errors.js';
import { isValidManifestPaddedLength } from './layout.js';

export const MANIFEST_VERSION = 1;
const MAX_NAME_BYTES = 1024;
const MAX_TYPE_LENGTH = 255;
const MAX_CREATED_LENGTH = 64;
const HEX64 = /^[0-9a-f]{64}$/;
const MEDIA_TYPE = /^[\x21-\x7e]+\/[\x21-\x7e]+$/;

/** Salted commitment to the plaintext: sha256 = hex(SHA-256(salt || plaintext)), salt 32 random bytes. */
export interface Commitment {
  salt: string;
  sha256: string;
}

export interface Manifest {
  v: 1;
  /** Original file name (UTF-8, at most 1024 bytes). */
  name?: string;
  /** Media type, e.g. "image/jpeg". */
  type?: string;
  /** Plaintext payload size in bytes; decryption fails unless the payload has exactly this size. */
  size: number;
  /** Creation time as the producer chooses to state it (ISO 8601 recommended), at most 64 characters. */
  created?: string;
  commitment?: Commitment;
}

export type ManifestInput = Omit<Manifest, 'v'>;

const KNOWN_FIELDS = new Set(['v', 'name', 'type', 'size', 'created', 'commitment']);

/** Returns the problem with `value` as a manifest, or null if it is valid. */
function problem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const m = value as Record<string, unknown>;
  for (const key of Object.keys(m)) if (!KNOWN_FIELDS.has(key)) return 'unknown field';
  if (m.v !== MANIFEST_VERSION) return 'unsupported manifest version';
  if (
    typeof m.size !== 'number' ||
    !Number.isSafeInteger(m.size) ||
    m.size < 0 ||
    m.size > MAX_PLAINTEXT_SIZE
  ) {
    return 'size';
  }
  if (m.name !== undefined && (typeof m.name !== 'string' || utf8(m.name).length > MAX_NAME_BYTES))
    return 'name';
  if (
    m.type !== undefined &&
    (typeof m.type !== 'string' || m.type.length > MAX_TYPE_LENGTH || !MEDIA_TYPE.test(m.type))
  ) {
    return 'type';
  }
  if (m.created !== undefined && (typeof m.created !== 'string' || m.created.length > MAX_CREATED_LENGTH)) {
    return 'created';
  }
  if (m.commitment !== undefined) {
    const c = m.commitment as Record<string, unknown>;
    if (
      typeof c !== 'object' ||
      c === null ||
      Array.isArray(c) ||
      Object.keys(c).some((k) => k !== 'salt' && k !== 'sha256') ||
      typeof c.salt !== 'string' ||
      !HEX64.test(c.salt) ||
      typeof c.sha256 !== 'string' ||
      !HEX64.test(c.sha256)
    ) {
      return 'commitment';
    }
  }
  return null;
}

/** Canonical field order, so equal manifests encode to equal bytes. */
function canonical(input: ManifestInput): Manifest {
  const out: Record<string, unknown> = { v: 1 };
  if (input.name !== undefined) out.name = input.name;
  if (input.type !== undefined) out.type = input.type;
  out.size = input.size;
  if (input.created !== undefined) out.created = input.created;
  if (input.commitment !== undefined) {
    out.commitment = { salt: input.commitment.salt, sha256: input.commitment.sha256 };
  }
  return out as unknown as Manifest;
}

/** Smallest valid padded length for a JSON body of `jsonLength` bytes. */
export function manifestPaddedLengthFor(jsonLength: number): number {
  return Math.max(MANIFEST_PAD_UNIT, Math.ceil((4 + jsonLength) / MANIFEST_PAD_UNIT) * MANIFEST_PAD_UNIT);
}

/** Validates and pads. `paddedLength` (optional) lets a producer pad further to hide more. */
export function encodeManifest(input: ManifestInput, paddedLength?: number): Uint8Array {
  const manifest = canonical(input);
  // Validate what the caller passed, so a field this version cannot carry is refused, not dropped.
  const bad = problem({ ...input, v: MANIFEST_VERSION }) ?? problem(manifest);
  if (bad !== null) throw new InvalidEnvelopeArgumentError(`manifest ${bad}`);
  const json = utf8(JSON.stringify(manifest));
  const padded = paddedLength ?? manifestPaddedLengthFor(json.length);
  if (!isValidManifestPaddedLength(padded) || padded < 4 + json.length) {
    throw new InvalidEnvelopeArgumentError('manifest too large for its padded length');
  }
  const out = new Uint8Array(padded);
  new DataView(out.buffer).setUint32(0, json.length, false);
  out.set(json, 4);
  return out;
}

/** Reverses encodeManifest, checking the length prefix, the zero padding, the JSON and every field. */
export function decodeManifest(padded: Uint8Array): Manifest {
  if (padded.length < 4 || padded.length > MANIFEST_MAX_PADDED) throw new MalformedManifestError('length');
  const jsonLength = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0, false);
  if (jsonLength > padded.length - 4) throw new MalformedManifestError('length prefix');
  for (let i = 4 + jsonLength; i < padded.length; i++) {
    if (padded[i] !== 0) throw new MalformedManifestError('non-zero padding');
  }
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(padded.subarray(4, 4 + jsonLength)));
  } catch {
    throw new MalformedManifestError('not UTF-8 JSON');
  }
  const bad = problem(value);
  if (bad !== null) throw new MalformedManifestError(bad);
  return canonical(value as Manifest);
}
