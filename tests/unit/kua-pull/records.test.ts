// Record checks give one distinct error per cause: altered, signed by another key, malformed, misplaced.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { utf8 } from '../../../core/bytes.js';
import { type ProvenanceRecord, serializeSignedRecord, signRecord } from '../../../core/contracts/record.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import {
  ForeignSignerError,
  MalformedRecordError,
  TamperedRecordError,
} from '../../../keys/reviewer/errors.js';
import { checkRecordPlace, checkSignedRecord } from '../../../keys/reviewer/records.js';

let sodium: Sodium;
let log: { publicKey: Uint8Array; secretKey: Uint8Array };
const ID = 'a'.repeat(32);
const record: ProvenanceRecord = {
  v: 1,
  submission: ID,
  index: 0,
  status: 'sealed',
  kind: 'note',
  mediaType: 'text/plain',
  intake: { sha256: '1'.repeat(64), bytes: 100 },
  original: { bytes: 10, commitment: '2'.repeat(64) },
  sanitised: { sha256: '3'.repeat(64), bytes: 10 },
  sealed: { key: `results/${ID}/0/sanitised`, sha256: '4'.repeat(64), bytes: 90 },
  removed: [],
  tools: [],
  roster: { version: 1, recipients: ['5'.repeat(32)] },
  receivedAt: '2026-01-01T00:00:00.000Z',
  processedAt: '2026-01-01T00:01:00.000Z',
};

beforeAll(async () => {
  sodium = await readySodium();
  const pair = sodium.crypto_sign_keypair();
  log = { publicKey: pair.publicKey, secretKey: pair.privateKey };
});

const stored = (r: ProvenanceRecord, key = log) => serializeSignedRecord(signRecord(sodium, r, key));

describe('checkSignedRecord', () => {
  it('returns the record when the pinned log key signed it', () => {
    expect(checkSignedRecord(sodium, stored(record), log.publicKey, 'here')).toEqual(record);
  });

  it('says "tampered record" when a signed field was changed', () => {
    const text = new TextDecoder().decode(stored(record)).replace('"bytes":10,', '"bytes":11,');
    expect(() => checkSignedRecord(sodium, utf8(text), log.publicKey, 'here')).toThrow(TamperedRecordError);
    expect(() => checkSignedRecord(sodium, utf8(text), log.publicKey, 'here')).toThrow(
      /^here: tampered record/,
    );
  });

  it('says "signed by a different key" when another key signed it', () => {
    const other = sodium.crypto_sign_keypair();
    const bytes = stored(record, { publicKey: other.publicKey, secretKey: other.privateKey });
    expect(() => checkSignedRecord(sodium, bytes, log.publicKey, 'here')).toThrow(ForeignSignerError);
    expect(() => checkSignedRecord(sodium, bytes, log.publicKey, 'here')).toThrow(/different key/);
  });

  it('says "malformed" for something that is not a record', () => {
    for (const bytes of [utf8('{}'), utf8('not json'), Uint8Array.of(0xff, 0xfe)]) {
      expect(() => checkSignedRecord(sodium, bytes, log.publicKey, 'here')).toThrow(MalformedRecordError);
    }
  });

  it('refuses a valid record of another submission or file', () => {
    expect(() => checkRecordPlace(record, ID, 1, 'here')).toThrow(MalformedRecordError);
    expect(() => checkRecordPlace(record, 'b'.repeat(32), 0, 'here')).toThrow(MalformedRecordError);
    expect(() => checkRecordPlace(record, ID, 0, 'here')).not.toThrow();
  });

  it('uses distinct codes for the three causes', () => {
    const codes = [
      new TamperedRecordError('x'),
      new ForeignSignerError('x', 'a', 'b'),
      new MalformedRecordError('x', 'y'),
    ].map((e) => e.code);
    expect(new Set(codes).size).toBe(3);
  });
});
