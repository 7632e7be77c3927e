// Recomputes the whole log from storage and checks it against what was signed: every entry parses,
// every stored checkpoint is signed by the log key and matches the root of the stored entries, and
// every checkpoint a verifier saved earlier is consistent with the latest one. A rewritten entry shows
// up as a root mismatch and as a failed consistency proof (the "rewrites one stored entry").
import { equalBytes, fromUtf8 } from '../../core/bytes.js';
import { parseLogEntry } from '../../core/contracts/log-entry.js';
import {
  consistencyProof,
  leafHash,
  rootFromLeafHashes,
  verifyConsistency,
} from '../../core/merkle/index.js';
import { readySodium } from '../../core/sodium.js';
import type { BlobStore } from '../blob-store/types.js';
import { readBlobBytes, readBlobText } from './blob-io.js';
import { CHECKPOINT_KEY, CHECKPOINTS_PREFIX, entryKey } from './layout.js';
import { leafData } from './reader.js';
import { type LogIdentity, verifyTreeHead } from './signer.js';

export type IntegrityProblem =
  | { code: 'checkpoint_missing' }
  | { code: 'checkpoint_signature'; key: string }
  | { code: 'entry_missing'; index: number }
  | { code: 'entry_malformed'; index: number }
  | { code: 'root_mismatch'; size: number }
  | { code: 'inconsistent'; from: number; to: number };

export interface IntegrityReport {
  ok: boolean;
  /** Tree size of the latest checkpoint. */
  size: number;
  problems: IntegrityProblem[];
}

export async function checkLogIntegrity(
  store: BlobStore,
  identity: LogIdentity,
  /** Checkpoint notes a verifier saved earlier (they must be consistent with the latest). */
  saved: readonly string[] = [],
): Promise<IntegrityReport> {
  const sodium = await readySodium();
  const problems: IntegrityProblem[] = [];
  const note = await readBlobText(store, CHECKPOINT_KEY);
  if (note === undefined) return { ok: false, size: 0, problems: [{ code: 'checkpoint_missing' }] };
  let latest: { size: number; rootHash: Uint8Array };
  try {
    latest = verifyTreeHead(sodium, identity, note);
  } catch {
    return { ok: false, size: 0, problems: [{ code: 'checkpoint_signature', key: CHECKPOINT_KEY }] };
  }

  const leaves: Uint8Array[] = [];
  for (let index = 0; index < latest.size; index++) {
    const bytes = await readBlobBytes(store, entryKey(index));
    if (bytes === undefined) {
      problems.push({ code: 'entry_missing', index });
      return { ok: false, size: latest.size, problems };
    }
    const text = fromUtf8(bytes);
    try {
      parseLogEntry(text);
    } catch {
      problems.push({ code: 'entry_malformed', index });
    }
    leaves.push(leafHash(leafData(text)));
  }
  const rootOf = (size: number) => rootFromLeafHashes(leaves.slice(0, size));
  if (!equalBytes(rootOf(latest.size), latest.rootHash))
    problems.push({ code: 'root_mismatch', size: latest.size });

  const stored = await store.list(CHECKPOINTS_PREFIX);
  const notes: { key: string; text: string }[] = [];
  for (const { key } of stored) notes.push({ key, text: (await readBlobText(store, key)) ?? '' });
  for (const [n, text] of saved.entries()) notes.push({ key: `saved/${n}`, text });
  for (const { key, text } of notes) {
    let head: { size: number; rootHash: Uint8Array };
    try {
      head = verifyTreeHead(sodium, identity, text);
    } catch {
      problems.push({ code: 'checkpoint_signature', key });
      continue;
    }
    if (head.size > latest.size) {
      problems.push({ code: 'inconsistent', from: head.size, to: latest.size });
      continue;
    }
    if (!equalBytes(rootOf(head.size), head.rootHash))
      problems.push({ code: 'root_mismatch', size: head.size });
    try {
      const proof = consistencyProof(head.size, latest.size, (i) => leaves[i] as Uint8Array);
      verifyConsistency(head.size, latest.size, proof, head.rootHash, latest.rootHash);
    } catch {
      problems.push({ code: 'inconsistent', from: head.size, to: latest.size });
    }
  }
  const unique = [...new Map(problems.map((p) => [JSON.stringify(p), p])).values()];
  return { ok: unique.length === 0, size: latest.size, problems: unique };
}
