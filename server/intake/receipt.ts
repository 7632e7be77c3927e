// Building a witness receipt (core/contracts/receipt.ts) from the public log: the submission's
// `received` entries (appended by the worker's log-received job), the latest signed checkpoint, and an
// inclusion proof of each entry against exactly that checkpoint. Reads the blob store only.
import { toBase64 } from '../../core/base64.js';
import { logEntryId } from '../../core/contracts/log-entry.js';
import type { Receipt } from '../../core/contracts/receipt.js';
import type { LogReader } from '../../runtime/provenance-log/reader.js';
import { readTreeHead } from '../../runtime/provenance-log/signer.js';

export type ReceiptLogReader = Pick<LogReader, 'checkpoint' | 'lookupId' | 'entry' | 'inclusionProof'>;

/** The receipt, or undefined while some file's received entry is not covered by a checkpoint. */
export async function buildReceipt(
  reader: ReceiptLogReader,
  submission: string,
  fileCount: number,
): Promise<Receipt | undefined> {
  if (fileCount < 1) return undefined;
  const checkpoint = await reader.checkpoint();
  if (checkpoint === undefined) return undefined;
  const { size } = readTreeHead(checkpoint);
  const entries: Receipt['entries'] = [];
  for (let file = 0; file < fileCount; file++) {
    const index = await reader.lookupId(`received:${submission}:${file}`);
    if (index === undefined || index >= size) return undefined;
    const entry = await reader.entry(index);
    if (entry.kind !== 'received' || logEntryId(entry) !== `received:${submission}:${file}`) return undefined;
    const proof = await reader.inclusionProof(index, size);
    entries.push({ index, entry, proof: proof.map(toBase64) });
  }
  return { v: 1, submission, checkpoint, entries };
}
