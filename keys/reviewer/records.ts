// Checking a signed provenance record against the pinned log key, with a distinct error for each way it
// can fail: not a record at all, signed by another key, or altered (signature does not verify).
import { fromUtf8, toHex } from '../../core/bytes.js';
import {
  type ProvenanceRecord,
  parseSignedRecord,
  RecordFormatError,
  verifyRecord,
} from '../../core/contracts/record.js';
import { fingerprint } from '../../core/fingerprint.js';
import type { Sodium } from '../../core/sodium.js';
import { ForeignSignerError, MalformedRecordError, TamperedRecordError } from './errors.js';

export function checkSignedRecord(
  sodium: Sodium,
  bytes: Uint8Array,
  logPublicKey: Uint8Array,
  where: string,
): ProvenanceRecord {
  let text: string;
  try {
    text = fromUtf8(bytes);
  } catch {
    throw new MalformedRecordError(where, 'not UTF-8');
  }
  let signer: string;
  try {
    signer = parseSignedRecord(text).signer;
  } catch (error) {
    if (error instanceof RecordFormatError)
      throw new MalformedRecordError(where, 'not a valid provenance record');
    throw error;
  }
  const pinned = toHex(fingerprint(sodium, logPublicKey));
  if (signer !== pinned) throw new ForeignSignerError(where, signer, pinned);
  try {
    return verifyRecord(sodium, text, logPublicKey);
  } catch {
    throw new TamperedRecordError(where);
  }
}

/** The record must describe exactly this submission and file. */
export function checkRecordPlace(record: ProvenanceRecord, id: string, index: number, where: string): void {
  if (record.submission !== id || record.index !== index) {
    throw new MalformedRecordError(where, 'it describes a different submission or file');
  }
}
