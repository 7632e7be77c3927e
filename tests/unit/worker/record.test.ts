import { describe, expect, it } from '@jest/globals';
import {
  canonicalJson,
  encodeRecordForSigning,
  type ProvenanceRecord,
  parseSignedRecord,
  RecordFormatError,
  RecordSignatureError,
  serializeSignedRecord,
  signRecord,
  verifyRecord,
} from '../../../core/contracts/record.js';
import { readySodium } from '../../../core/sodium.js';

const H = (c: string) => c.repeat(64);
const RECORD: ProvenanceRecord = {
  v: 1,
  submission: '0123456789abcdef0123456789abcdef',
  index: 2,
  status: 'sealed',
  kind: 'image',
  mediaType: 'image/jpeg',
  intake: { sha256: H('a'), bytes: 1000 },
  original: { bytes: 900, commitment: H('b') },
  sanitised: { sha256: H('c'), bytes: 800 },
  sealed: { key: 'results/0123456789abcdef0123456789abcdef/2/sanitised', sha256: H('d'), bytes: 1200 },
  removed: ['location', 'serial numbers'],
  tools: [{ name: 'ffmpeg', version: '6.1', args: ['-i', 'file:INPUT', '→ ü "q"'] }],
  roster: { version: 3, recipients: ['0'.repeat(32), '1'.repeat(32)] },
  receivedAt: '2026-11-25T10:00:00.000Z',
  processedAt: '2026-11-25T10:05:00.000Z',
};

describe('canonical JSON', () => {
  it('sorts keys by code unit, drops undefined, no whitespace, JSON.stringify string escapes', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x"\\\n'], Z: undefined, é: 'ü' })).toBe(
      '{"a":[true,null,"x\\"\\\\\\n"],"b":1,"é":"ü"}',
    );
  });

  it('refuses non-integers and lone surrogates', () => {
    expect(() => canonicalJson({ a: 1.5 })).toThrow(RecordFormatError);
    expect(() => canonicalJson({ a: '\ud800' })).toThrow(RecordFormatError);
  });

  it('encodes a record independently of key order (known answer)', () => {
    const reordered = Object.fromEntries(Object.entries(RECORD).reverse()) as ProvenanceRecord;
    const bytes = encodeRecordForSigning(reordered);
    expect(bytes).toEqual(encodeRecordForSigning(RECORD));
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith('kua/v1 record\n{"index":2,"intake":{"bytes":1000,"sha256":"aaaa')).toBe(true);
    expect(text).toContain(
      '"tools":[{"args":["-i","file:INPUT","→ ü \\"q\\""],"name":"ffmpeg","version":"6.1"}]',
    );
  });

  it('refuses a record with unknown fields or wrong shapes', () => {
    expect(() => encodeRecordForSigning({ ...RECORD, name: 'x.jpg' } as ProvenanceRecord)).toThrow(
      RecordFormatError,
    );
    expect(() => encodeRecordForSigning({ ...RECORD, index: -1 })).toThrow(RecordFormatError);
    expect(() => encodeRecordForSigning({ ...RECORD, original: { bytes: 1, commitment: 'zz' } })).toThrow(
      RecordFormatError,
    );
  });
});

describe('signed records', () => {
  it('round-trips and verifies with the log key only', async () => {
    const sodium = await readySodium();
    const log = sodium.crypto_sign_keypair();
    const other = sodium.crypto_sign_keypair();
    const signed = signRecord(sodium, RECORD, { publicKey: log.publicKey, secretKey: log.privateKey });
    const text = new TextDecoder().decode(serializeSignedRecord(signed));
    expect(text.endsWith('}\n')).toBe(true);
    expect(parseSignedRecord(text)).toEqual(signed);
    expect(verifyRecord(sodium, text, log.publicKey)).toEqual(RECORD);
    expect(() => verifyRecord(sodium, text, other.publicKey)).toThrow(RecordSignatureError);
    for (const change of [
      { index: 3 },
      { removed: ['location'] },
      { processedAt: '2026-11-25T10:05:00.001Z' },
    ]) {
      const altered = { ...signed, record: { ...signed.record, ...change } };
      expect(() => verifyRecord(sodium, altered, log.publicKey)).toThrow(RecordSignatureError);
    }
    expect(() => verifyRecord(sodium, '{', log.publicKey)).toThrow(RecordFormatError);
  });
});
