// Entries and a log identity for the provenance-log tests.
import { randomBytes } from 'node:crypto';
import type { LogEntry, ReceivedEntry, SanitisedEntry } from '../../../core/contracts/log-entry.js';
import type { Sodium } from '../../../core/sodium.js';
import { type LogSigner, logSigner } from '../../../runtime/provenance-log/signer.js';

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const submissionId = () => hex(16);

export function received(submission: string, index: number, sha256 = hex(32)): ReceivedEntry {
  return {
    v: 1,
    kind: 'received',
    submission,
    index,
    intake: { sha256 },
    receivedAt: '2026-11-25T18:00:00.000Z',
  };
}

export function sanitised(submission: string, index: number, sha256 = hex(32)): SanitisedEntry {
  return {
    v: 1,
    kind: 'sanitised',
    submission,
    index,
    sanitised: { sha256, bytes: 500 },
    sealed: { sha256: hex(32), bytes: 700 },
    original: { commitment: hex(32) },
    tools: [{ name: 'sharp', version: '0.35.5', args: ['rotate', '<input>'] }],
    processedAt: '2026-11-25T18:01:00.000Z',
  };
}

export function someEntries(count: number): LogEntry[] {
  const submission = submissionId();
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 ? received(submission, i) : sanitised(submission, i),
  );
}

export function testSigner(sodium: Sodium): LogSigner {
  const keys = sodium.crypto_sign_keypair();
  return logSigner(sodium, sodium.crypto_sign_keypair().publicKey, {
    publicKey: keys.publicKey,
    secretKey: keys.privateKey,
  });
}
