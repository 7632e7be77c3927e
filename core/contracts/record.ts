// The provenance record the worker writes for every file of a submission, signed with the log key
// (Ed25519). Platform-neutral: the worker signs, `kua verify` and the page can check. docs/RECORDS.md
// is the normative description; this file is its one implementation.
//
// Signed bytes: UTF-8("kua/v1 record\n") || canonical JSON of the record: RFC 8785 (JCS) restricted to
// safe integers: object keys sorted by UTF-16 code unit, no whitespace, strings escaped as ECMAScript's
// JSON.stringify does (only " \\ and U+0000–U+001F escaped), UTF-8 output, no lone surrogates.
import { z } from 'zod';
import { fromBase64, toBase64 } from '../base64.js';
import { toHex, utf8 } from '../bytes.js';
import { fingerprint } from '../fingerprint.js';
import type { Sodium } from '../sodium.js';
import { submissionIdSchema } from './jobs.js';

export const RECORD_DOMAIN = 'kua/v1 record\n';
export const RECORD_VERSION = 1;

/** Where a submission's results live in the blob store. */
export const RESULTS_PREFIX = 'results/';
export const resultsPrefix = (submissionId: string) => `${RESULTS_PREFIX}${submissionId}/`;
export const resultKey = (
  submissionId: string,
  index: number,
  part: 'sanitised' | 'original' | 'receipt' | 'record',
) => `${RESULTS_PREFIX}${submissionId}/${index}/${part}`;
/** Written last, once every file of the submission has its record: the job's summary. */
export const summaryKey = (submissionId: string) => `${RESULTS_PREFIX}${submissionId}/summary`;

const WELL_FORMED = /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;
const text = z.string().regex(WELL_FORMED);
const token = z.string().regex(/^[a-z0-9][a-z0-9 ._/+-]{0,99}$/);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const hex32 = z.string().regex(/^[0-9a-f]{32}$/);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

const digestSchema = z.strictObject({ sha256: hex64, bytes: count });
const storedSchema = z.strictObject({ key: text.max(1024), sha256: hex64, bytes: count });

export const RECORD_STATUSES = ['sealed', 'refused', 'control'] as const;
export const RECORD_KINDS = ['image', 'video', 'note', 'choices', 'unknown'] as const;

export const provenanceRecordSchema = z.strictObject({
  v: z.literal(RECORD_VERSION),
  submission: submissionIdSchema,
  index: count,
  /** sealed: released to reviewers; refused: nothing released (reason says why); control: page data. */
  status: z.enum(RECORD_STATUSES),
  kind: z.enum(RECORD_KINDS),
  /** Only when refused: a reason code, never anything about the content. */
  reason: token.optional(),
  /** The type the worker determined from the bytes of its output (never the declared one). */
  mediaType: token.optional(),
  /** The intake envelope exactly as the portal received it (ciphertext). */
  intake: digestSchema,
  /** The decrypted original: its size and SHA-256(salt || original); the salt is sealed to reviewers. */
  original: z.strictObject({ bytes: count, commitment: hex64 }),
  /** The sanitised plaintext reviewers receive. */
  sanitised: digestSchema.optional(),
  /** The envelope sealed to reviewers holding the sanitised file. */
  sealed: storedSchema.optional(),
  /** Only where the witness chose it: the envelope holding the untouched original. */
  sealedOriginal: storedSchema.optional(),
  /** The envelope holding the commitment's salt (JSON), for reviewers. */
  receipt: storedSchema.optional(),
  /** Plain-word categories of identifying data removed. */
  removed: z.array(text.max(100)).max(100),
  /** Every tool run on the file, with its version and exact arguments (paths replaced by placeholders). */
  tools: z.array(
    z.strictObject({ name: text.max(100), version: text.max(200), args: z.array(text.max(4096)).max(200) }),
  ),
  /** The roster the results were sealed to. */
  roster: z.strictObject({ version: count, recipients: z.array(hex32).min(1) }).optional(),
  receivedAt: isoTime,
  processedAt: isoTime,
});
export type ProvenanceRecord = z.infer<typeof provenanceRecordSchema>;

export const signedRecordSchema = z.strictObject({
  record: provenanceRecordSchema,
  /** Fingerprint of the log public key that signed (core/fingerprint.ts), 32 hex digits. */
  signer: hex32,
  /** Base64 Ed25519 signature over encodeRecordForSigning(record). */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
});
export type SignedRecord = z.infer<typeof signedRecordSchema>;

export class RecordFormatError extends Error {
  readonly code = 'RECORD_MALFORMED';
  constructor() {
    super('malformed provenance record');
    this.name = 'RecordFormatError';
  }
}

export class RecordSignatureError extends Error {
  readonly code = 'RECORD_SIGNATURE_INVALID';
  constructor() {
    super('invalid provenance record signature: altered, or not signed by this log key');
    this.name = 'RecordSignatureError';
  }
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Canonical JSON (JCS, integers only); undefined fields are dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RecordFormatError();
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (!WELL_FORMED.test(value)) throw new RecordFormatError();
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, Json | undefined>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${canonicalJson(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new RecordFormatError();
}

/** The exact bytes the log key signs. Validates the record first. */
export function encodeRecordForSigning(record: ProvenanceRecord): Uint8Array {
  const parsed = provenanceRecordSchema.safeParse(record);
  if (!parsed.success) throw new RecordFormatError();
  return utf8(RECORD_DOMAIN + canonicalJson(parsed.data));
}

export function signRecord(
  sodium: Sodium,
  record: ProvenanceRecord,
  log: { publicKey: Uint8Array; secretKey: Uint8Array },
): SignedRecord {
  const signature = sodium.crypto_sign_detached(encodeRecordForSigning(record), log.secretKey);
  return { record, signer: toHex(fingerprint(sodium, log.publicKey)), signature: toBase64(signature) };
}

/** The stored form: canonical JSON of the signed record and a final newline. */
export function serializeSignedRecord(signed: SignedRecord): Uint8Array {
  return utf8(`${canonicalJson(signed)}\n`);
}

/** Parses a stored record (text or parsed JSON) without checking the signature. */
export function parseSignedRecord(input: string | unknown): SignedRecord {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new RecordFormatError();
    }
  }
  const parsed = signedRecordSchema.safeParse(value);
  if (!parsed.success) throw new RecordFormatError();
  return parsed.data;
}

/** Checks the signature against the log public key; returns the record or throws. */
export function verifyRecord(
  sodium: Sodium,
  input: string | unknown,
  logPublicKey: Uint8Array,
): ProvenanceRecord {
  const signed = parseSignedRecord(input);
  if (signed.signer !== toHex(fingerprint(sodium, logPublicKey))) throw new RecordSignatureError();
  let ok = false;
  try {
    ok = sodium.crypto_sign_verify_detached(
      fromBase64(signed.signature),
      encodeRecordForSigning(signed.record),
      logPublicKey,
    );
  } catch {
    ok = false;
  }
  if (!ok) throw new RecordSignatureError();
  return signed.record;
}

/** Per-file status in the job's return value and the submission summary: codes only, no content. */
export type FileOutcome =
  | { index: number; status: 'sealed'; kind: 'image' | 'video' | 'note' }
  | { index: number; status: 'refused'; reason: string }
  | { index: number; status: 'control' };

export interface SubmissionSummary {
  v: 1;
  submission: string;
  sealed: number;
  refused: number;
  files: FileOutcome[];
}
