// core/receipt.ts against a real Merkle tree and real Ed25519 checkpoints: a receipt built like the
// server builds one verifies; any change to an entry, index, proof, checkpoint or key is refused; the
// receipt's checkpoint is accepted as still logged only by a consistent larger checkpoint.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { toBase64 } from '../../../core/base64.js';
import { encodeLogEntry, type ReceivedEntry } from '../../../core/contracts/log-entry.js';
import type { Receipt } from '../../../core/contracts/receipt.js';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  MemoryTree,
  rootOfSize,
} from '../../../core/merkle/index.js';
import { ReceiptError, verifyReceipt, verifyReceiptStillLogged } from '../../../core/receipt.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import {
  type LogSigner,
  logSigner,
  signTreeHead,
  verifyTreeHead,
} from '../../../runtime/provenance-log/signer.js';

const SUB = 'a'.repeat(32);
let sodium: Sodium;
let signer: LogSigner;

function received(index: number, submission = SUB): ReceivedEntry {
  return {
    v: 1,
    kind: 'received',
    submission,
    index,
    intake: { sha256: (index + 1).toString(16).padStart(64, '0') },
    receivedAt: '2026-11-25T10:00:00.000Z',
  };
}

/** A log: 3 unrelated entries, then the submission's 2 files, then `after` more. */
function build(after = 0) {
  const tree = new MemoryTree();
  for (let i = 0; i < 3; i++) tree.append(leafHash(encodeLogEntry(received(i, 'b'.repeat(32)))));
  const at = [
    tree.append(leafHash(encodeLogEntry(received(0)))),
    tree.append(leafHash(encodeLogEntry(received(1)))),
  ];
  for (let i = 0; i < after; i++) tree.append(leafHash(encodeLogEntry(received(i, 'c'.repeat(32)))));
  return { tree, at };
}

function receiptAt(size: number): Receipt {
  const { tree, at } = build(size - 5);
  return {
    v: 1,
    submission: SUB,
    checkpoint: signTreeHead(sodium, signer, size, rootOfSize(size, tree)),
    entries: at.map((index, file) => ({
      index,
      entry: received(file),
      proof: inclusionProof(index, size, tree).map(toBase64),
    })),
  };
}

beforeAll(async () => {
  sodium = await readySodium();
  const org = sodium.crypto_sign_keypair();
  const log = sodium.crypto_sign_keypair();
  signer = logSigner(sodium, org.publicKey, { publicKey: log.publicKey, secretKey: log.privateKey });
});

describe('verifyReceipt', () => {
  it('accepts a receipt built like the server builds one, as JSON text or value', () => {
    const r = receiptAt(7);
    const v = verifyReceipt(sodium, JSON.stringify(r), signer);
    expect(v).toMatchObject({ submission: SUB, files: 2, receivedAt: '2026-11-25T10:00:00.000Z' });
    expect(v.checkpoint.size).toBe(7);
    expect(verifyReceipt(sodium, r, signer).files).toBe(2);
  });

  it('refuses any altered entry, index, proof, checkpoint or key', () => {
    const r = receiptAt(7);
    const e0 = r.entries[0] as Receipt['entries'][number];
    const with0 = (item: Receipt['entries'][number]): Receipt => ({
      ...r,
      entries: [item, ...r.entries.slice(1)],
    });
    const bad: unknown[] = [
      with0({ ...e0, entry: { ...e0.entry, intake: { sha256: 'f'.repeat(64) } } }),
      with0({ ...e0, entry: { ...e0.entry, receivedAt: '2026-11-25T10:00:00.001Z' } }),
      with0({ ...e0, index: e0.index + 1 }),
      with0({ ...e0, proof: [...e0.proof].reverse() }),
      with0({ ...e0, proof: e0.proof.slice(1) }),
      { ...r, submission: 'd'.repeat(32) },
      { ...r, checkpoint: r.checkpoint.replace('\n7\n', '\n8\n') },
      { ...r, checkpoint: receiptAt(6).checkpoint },
      { ...r, extra: 1 },
      '{"v":1',
    ];
    for (const input of bad) expect(() => verifyReceipt(sodium, input, signer)).toThrow(ReceiptError);
    const other = sodium.crypto_sign_keypair().publicKey;
    expect(() => verifyReceipt(sodium, r, { ...signer, publicKey: other })).toThrow(ReceiptError);
  });

  it('is still logged only in a consistent checkpoint at least as large', () => {
    const r = verifyReceipt(sodium, receiptAt(6), signer).checkpoint;
    const { tree } = build(10);
    const current = verifyTreeHead(sodium, signer, signTreeHead(sodium, signer, 15, rootOfSize(15, tree)));
    const proof = consistencyProof(6, 15, tree);
    expect(verifyReceiptStillLogged(r, current, proof)).toBe(true);
    expect(verifyReceiptStillLogged(r, r, [])).toBe(true);
    expect(() => verifyReceiptStillLogged(r, { ...current, rootHash: new Uint8Array(32) }, proof)).toThrow(
      ReceiptError,
    );
    expect(() => verifyReceiptStillLogged(current, r, proof)).toThrow(ReceiptError);
    // A rewritten log: same size as the receipt's, another root.
    const rewritten = new MemoryTree([...Array.from({ length: 6 }, (_, i) => leafHash(new Uint8Array([i])))]);
    expect(() => verifyReceiptStillLogged(r, { ...r, rootHash: rootOfSize(6, rewritten) }, [])).toThrow(
      ReceiptError,
    );
  });
});
