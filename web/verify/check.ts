// What the verify page proves, in order (docs/LOG.md, "How a verifier uses this"): the checkpoint is
// signed by the log key for this organisation's origin; its size and root are the only tree head
// trusted; every entry shown is proven included in it; a saved checkpoint is proven to be a prefix.
import { toHex } from '../../core/bytes.js';
import {
  type Checkpoint,
  leafHash,
  logOrigin,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from '../../core/merkle/index.js';
import { ReceiptError, verifyReceipt, verifyReceiptStillLogged } from '../../core/receipt.js';
import type { Sodium } from '../../core/sodium.js';
import type { ApiEntry, LogApi, LogKey } from './client.js';
import { entryLeafData } from './leaf.js';

export interface Tool {
  name: string;
  version: string;
  args: string[];
}

export interface FoundEntry {
  /** Which digest of the sanitised entry the file matched. */
  match: 'sanitised' | 'sealed';
  index: number;
  submission: string;
  file: number;
  processedAt: string;
  tools: Tool[];
  receivedIndex: number;
  receivedAt: string;
}

/** A verified checkpoint and its signed note (what the verifier may save). */
export interface TreeHead {
  note: string;
  checkpoint: Checkpoint;
}

export type FileResult =
  | { status: 'included'; head: TreeHead; found: FoundEntry }
  | { status: 'unknown'; head: TreeHead }
  /** The portal's answers contradict its own signed checkpoint: a rewritten or forked history. */
  | { status: 'failed'; head: TreeHead };

export type ConsistencyResult =
  | { status: 'consistent'; from: number; to: number; head: TreeHead }
  | { status: 'inconsistent'; from: number; to: number; head: TreeHead }
  /** The saved text is not a checkpoint signed by this log's key for this origin. */
  | { status: 'invalid' };

/** Thrown when the current checkpoint itself does not verify: nothing the portal says can be trusted. */
export class CheckpointRejectedError extends Error {
  readonly code = 'VERIFY_CHECKPOINT_REJECTED';
  constructor() {
    super('the portal’s checkpoint is not signed by its log key');
    this.name = 'CheckpointRejectedError';
  }
}

/** A witness receipt (core/contracts/receipt.ts) checked against this log and its current checkpoint. */
export type ReceiptResult =
  | { status: 'ok'; receivedAt: string; files: number; head: TreeHead }
  | { status: 'invalid' }
  | { status: 'inconsistent'; head: TreeHead };

export interface Verifier {
  readonly key: LogKey;
  /** Verifies a receipt's checkpoint and proofs, then that the current log still extends it. */
  checkReceipt(receiptJson: string): Promise<ReceiptResult>;
  /** Fetches and verifies the latest checkpoint; throws CheckpointRejectedError. */
  current(): Promise<TreeHead>;
  checkFile(sha256Hex: string): Promise<FileResult>;
  checkSaved(savedNote: string): Promise<ConsistencyResult>;
}

const HEX64 = /^[0-9a-f]{64}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

class Mismatch extends Error {}

function field(entry: Record<string, unknown>, name: string): Record<string, unknown> {
  const v = entry[name];
  if (!isObject(v)) throw new Mismatch();
  return v;
}

function tools(v: unknown): Tool[] {
  if (!Array.isArray(v)) throw new Mismatch();
  return v.map((t) => {
    if (!isObject(t) || typeof t.name !== 'string' || typeof t.version !== 'string' || !Array.isArray(t.args))
      throw new Mismatch();
    return { name: t.name, version: t.version, args: t.args.map(String) };
  });
}

export function createVerifier(sodium: Sodium, api: LogApi, key: LogKey): Verifier {
  const origin = logOrigin(key.orgFingerprint);
  const trusted = { origin, name: origin, publicKey: key.logPublicKey };

  function verifyNote(note: string): Checkpoint | undefined {
    try {
      return verifyCheckpoint(sodium, note, trusted);
    } catch {
      return undefined;
    }
  }

  async function current(): Promise<TreeHead> {
    const note = await api.checkpoint();
    const checkpoint = verifyNote(note);
    if (checkpoint === undefined) throw new CheckpointRejectedError();
    return { note, checkpoint };
  }

  /** Proves `found` included in the checkpoint's tree; throws Mismatch if it is not. */
  async function proveIncluded(found: ApiEntry, checkpoint: Checkpoint): Promise<void> {
    if (found.index >= checkpoint.size) throw new Mismatch();
    const proof = await api.inclusion(found.index, checkpoint.size);
    try {
      verifyInclusion(
        leafHash(entryLeafData(found.entry)),
        found.index,
        checkpoint.size,
        proof,
        checkpoint.rootHash,
      );
    } catch {
      throw new Mismatch();
    }
  }

  async function checkFile(sha256Hex: string): Promise<FileResult> {
    if (!HEX64.test(sha256Hex)) throw new TypeError('expected a hex SHA-256');
    let hits: ApiEntry[] = [];
    let match: FoundEntry['match'] = 'sanitised';
    for (const f of ['sanitised', 'sealed'] as const) {
      hits = await api.lookup(f, sha256Hex);
      match = f;
      if (hits.length > 0) break;
    }
    // The checkpoint after the lookup, so it covers every index the lookup was answered against.
    const head = await current();
    const { checkpoint } = head;
    const hit = hits[0];
    if (hit === undefined) return { status: 'unknown', head };
    try {
      const e = hit.entry;
      if (e.kind !== 'sanitised' || field(e, match).sha256 !== sha256Hex) throw new Mismatch();
      await proveIncluded(hit, checkpoint);
      const submission = e.submission;
      const file = e.index;
      if (typeof submission !== 'string' || !/^[0-9a-f]{32}$/.test(submission) || typeof file !== 'number')
        throw new Mismatch();
      if (typeof e.processedAt !== 'string' || !ISO.test(e.processedAt)) throw new Mismatch();
      // The time it was received: the submission's own received entry, proven in the same tree.
      const received = (await api.byId(`received:${submission}:${file}`))[0];
      if (received === undefined) throw new Mismatch();
      const r = received.entry;
      if (r.kind !== 'received' || r.submission !== submission || r.index !== file) throw new Mismatch();
      if (typeof r.receivedAt !== 'string' || !ISO.test(r.receivedAt)) throw new Mismatch();
      await proveIncluded(received, checkpoint);
      return {
        status: 'included',
        head,
        found: {
          match,
          index: hit.index,
          submission,
          file,
          processedAt: e.processedAt,
          tools: tools(e.tools),
          receivedIndex: received.index,
          receivedAt: r.receivedAt,
        },
      };
    } catch (error) {
      if (error instanceof Mismatch) return { status: 'failed', head };
      throw error;
    }
  }

  async function checkSaved(savedNote: string): Promise<ConsistencyResult> {
    const normalised = savedNote.replaceAll('\r\n', '\n');
    const saved = verifyNote(normalised.endsWith('\n') ? normalised : `${normalised}\n`);
    if (saved === undefined) return { status: 'invalid' };
    const head = await current();
    const from = saved.size;
    const to = head.checkpoint.size;
    const result = { from, to, head };
    if (from > to) return { status: 'inconsistent', ...result }; // the log shrank
    const proof = await api.consistency(from, to);
    try {
      verifyConsistency(from, to, proof, saved.rootHash, head.checkpoint.rootHash);
      return { status: 'consistent', ...result };
    } catch {
      return { status: 'inconsistent', ...result };
    }
  }

  async function checkReceipt(receiptJson: string): Promise<ReceiptResult> {
    let verified: ReturnType<typeof verifyReceipt>;
    try {
      verified = verifyReceipt(sodium, receiptJson, trusted);
    } catch (error) {
      if (error instanceof ReceiptError) return { status: 'invalid' };
      throw error;
    }
    const head = await current();
    const from = verified.checkpoint.size;
    const to = head.checkpoint.size;
    try {
      const proof = from < to ? await api.consistency(from, to) : [];
      verifyReceiptStillLogged(verified.checkpoint, head.checkpoint, proof);
    } catch (error) {
      if (error instanceof ReceiptError) return { status: 'inconsistent', head };
      throw error;
    }
    // The portal still serves each entry, unchanged at its index, included in its current checkpoint.
    const receipt = JSON.parse(receiptJson) as { entries: ApiEntry[] };
    for (const item of receipt.entries) {
      const served = (await api.byId(`received:${verified.submission}:${String(item.entry.index)}`))[0];
      if (served === undefined || served.index !== item.index) return { status: 'inconsistent', head };
      if (toHex(entryLeafData(served.entry)) !== toHex(entryLeafData(item.entry)))
        return { status: 'inconsistent', head };
      try {
        await proveIncluded(served, head.checkpoint);
      } catch (error) {
        if (error instanceof Mismatch) return { status: 'inconsistent', head };
        throw error;
      }
    }
    return { status: 'ok', receivedAt: verified.receivedAt, files: verified.files, head };
  }

  return { key, current, checkFile, checkSaved, checkReceipt };
}

/** Lowercase hex of a digest, for lookups. */
export const digestHex = toHex;
