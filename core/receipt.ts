// Checking a witness receipt (core/contracts/receipt.ts): the checkpoint is signed by the log key,
// every entry is a `received` entry of the receipt's submission included in that checkpoint's tree,
// and (given the portal's current checkpoint and a consistency proof) the log still contains it.
// Size and root always come from the same verified checkpoint (docs/LOG.md).
import { fromBase64 } from './base64.js';
import { equalBytes } from './bytes.js';
import { encodeLogEntry } from './contracts/log-entry.js';
import { type Receipt, receiptSchema } from './contracts/receipt.js';
import {
  type Checkpoint,
  type CheckpointVerifier,
  leafHash,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from './merkle/index.js';
import type { Sodium } from './sodium.js';

export type ReceiptErrorCode = 'RECEIPT_MALFORMED' | 'RECEIPT_INVALID' | 'RECEIPT_INCONSISTENT';

export class ReceiptError extends Error {
  readonly code: ReceiptErrorCode;
  constructor(code: ReceiptErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReceiptError';
    this.code = code;
  }
}

export interface VerifiedReceipt {
  submission: string;
  checkpoint: Checkpoint;
  /** When the portal received the submission (ISO time of its received entries). */
  receivedAt: string;
  files: number;
}

/** Parses a receipt from JSON text or a value; throws ReceiptError RECEIPT_MALFORMED. */
export function parseReceipt(input: string | unknown): Receipt {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new ReceiptError('RECEIPT_MALFORMED', 'not a receipt');
    }
  }
  const parsed = receiptSchema.safeParse(value);
  if (!parsed.success) throw new ReceiptError('RECEIPT_MALFORMED', 'not a receipt');
  return parsed.data;
}

/** Verifies the receipt's checkpoint signature and every entry's inclusion in it. */
export function verifyReceipt(
  sodium: Sodium,
  input: string | unknown,
  log: CheckpointVerifier,
): VerifiedReceipt {
  const receipt = parseReceipt(input);
  let checkpoint: Checkpoint;
  try {
    checkpoint = verifyCheckpoint(sodium, receipt.checkpoint, log);
  } catch (cause) {
    throw new ReceiptError('RECEIPT_INVALID', 'the receipt checkpoint is not signed by this log', { cause });
  }
  const seen = new Set<number>();
  for (const item of receipt.entries) {
    if (item.entry.submission !== receipt.submission || seen.has(item.entry.index)) {
      throw new ReceiptError('RECEIPT_INVALID', 'the receipt entries do not belong together');
    }
    seen.add(item.entry.index);
    try {
      verifyInclusion(
        leafHash(encodeLogEntry(item.entry)),
        item.index,
        checkpoint.size,
        item.proof.map(fromBase64),
        checkpoint.rootHash,
      );
    } catch (cause) {
      throw new ReceiptError('RECEIPT_INVALID', 'a receipt entry is not included in its checkpoint', {
        cause,
      });
    }
  }
  const times = new Set(receipt.entries.map((e) => e.entry.receivedAt));
  if (times.size !== 1)
    throw new ReceiptError('RECEIPT_INVALID', 'the receipt entries do not belong together');
  return {
    submission: receipt.submission,
    checkpoint,
    receivedAt: receipt.entries[0]?.entry.receivedAt ?? '',
    files: receipt.entries.length,
  };
}

/**
 * Checks that `current` (a verified checkpoint of the same log, at least as large) extends the
 * receipt's checkpoint, so the entries are still in the log. Throws RECEIPT_INCONSISTENT.
 */
export function verifyReceiptStillLogged(
  receipt: Checkpoint,
  current: Checkpoint,
  consistencyProof: readonly Uint8Array[],
): true {
  try {
    if (current.size < receipt.size) throw new Error('the current checkpoint is older than the receipt');
    if (current.size === receipt.size) {
      if (!equalBytes(current.rootHash, receipt.rootHash)) throw new Error('roots differ');
      return true;
    }
    return verifyConsistency(
      receipt.size,
      current.size,
      consistencyProof,
      receipt.rootHash,
      current.rootHash,
    );
  } catch (cause) {
    throw new ReceiptError('RECEIPT_INCONSISTENT', 'the log is not consistent with the receipt', { cause });
  }
}
