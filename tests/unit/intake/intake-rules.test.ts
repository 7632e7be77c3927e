import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { toHex } from '../../../core/bytes.js';
import {
  INTAKE_ERROR_CODES,
  isValidPayloadLength,
  MIN_ENVELOPE_BYTES,
  maxEnvelopeBytesFor,
  partCount,
  partLength,
} from '../../../core/contracts/intake.js';
import {
  encryptBytes,
  envelopeLength,
  headerLength,
  manifestSectionLength,
} from '../../../core/envelope/index.js';
import { fingerprint } from '../../../core/fingerprint.js';
import { readySodium } from '../../../core/sodium.js';
import { STATUS_BY_CODE } from '../../../server/errors.js';
import { parsePartKey, partKey } from '../../../server/intake/blob-keys.js';
import { parseReprDigest } from '../../../server/intake/digest.js';
import { checkIntakeEnvelope, INTAKE_HEADER_BYTES } from '../../../server/intake/envelope-check.js';
import { createInFlightBudget } from '../../../server/intake/in-flight.js';
import { parseConfigHelper } from './helpers.js';

describe('intake size arithmetic', () => {
  it('splits an envelope into parts that cover it exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1000, max: 5_000_000 }),
        (bytes, partBytes) => {
          const n = partCount(bytes, partBytes);
          let total = 0;
          for (let p = 0; p < n; p++) {
            const length = partLength(bytes, partBytes, p);
            if (length <= 0 || length > partBytes) return false;
            total += length;
          }
          return total === bytes;
        },
      ),
    );
    expect(partCount(4 * 1024 * 1024, 4 * 1024 * 1024)).toBe(1);
    expect(partCount(4 * 1024 * 1024 + 1, 4 * 1024 * 1024)).toBe(2);
  });

  it('accepts exactly the payload lengths real envelopes have', () => {
    const valid = new Set<number>();
    for (let size = 0; size <= 3 * 65536 + 10; size++) {
      valid.add(
        envelopeLength({ size, recipientCount: 1, manifestPaddedLength: 256 }) -
          headerLength(1) -
          manifestSectionLength(256),
      );
    }
    const wrong: number[] = [];
    for (let payload = 0; payload <= 3 * 65552 + 26; payload++) {
      if (isValidPayloadLength(payload) !== valid.has(payload)) wrong.push(payload);
    }
    expect(wrong).toEqual([]);
    expect(valid.has(65568)).toBe(false);
    expect(isValidPayloadLength(Number.NaN)).toBe(false);
  });

  it('derives the smallest and largest envelope', () => {
    expect(MIN_ENVELOPE_BYTES).toBe(
      envelopeLength({ size: 0, recipientCount: 1, manifestPaddedLength: 256 }),
    );
    expect(maxEnvelopeBytesFor(4 * 1024 ** 3)).toBe(
      envelopeLength({ size: 4 * 1024 ** 3, recipientCount: 1, manifestPaddedLength: 65536 }),
    );
  });

  it('names parts in the blob store and parses only those names back', () => {
    const id = 'ab'.repeat(16);
    expect(partKey(id, 3, 17)).toBe(`uploads/${id}/3/17`);
    expect(parsePartKey(partKey(id, 3, 17))).toEqual({ id, index: 3, part: 17 });
    for (const key of [
      `uploads/${id}/3/017`,
      `uploads/${id}/x/1`,
      `uploads/${id.toUpperCase()}/1/1`,
      `uploads/${id}/1/1/1`,
      `uploads/${id}/1/.tmp-1`,
    ])
      expect(parsePartKey(key)).toBeUndefined();
  });
});

describe('finalize envelope check', () => {
  it('accepts a real envelope to the intake key and refuses anything else', async () => {
    const sodium = await readySodium();
    const intake = sodium.crypto_box_keypair();
    const other = sodium.crypto_box_keypair();
    const fp = toHex(fingerprint(sodium, intake.publicKey));
    const envelope = (size: number, keys: Uint8Array[], manifestPaddedLength?: number) =>
      encryptBytes(sodium, new Uint8Array(size), {
        recipients: keys.map((k) => ({ x25519PublicKey: k })),
        manifest: { name: 'x.jpg', type: 'image/jpeg' },
        ...(manifestPaddedLength === undefined ? {} : { manifestPaddedLength }),
      });
    for (const size of [0, 1, 65535, 65536, 65537, 200_000]) {
      const env = envelope(size, [intake.publicKey]);
      expect(() => checkIntakeEnvelope(env.subarray(0, INTAKE_HEADER_BYTES), env.length, fp)).not.toThrow();
    }
    const padded = envelope(10, [intake.publicKey], 4096);
    expect(() => checkIntakeEnvelope(padded, padded.length, fp)).not.toThrow();

    const bad = (prefix: Uint8Array, length: number) => {
      try {
        checkIntakeEnvelope(prefix, length, fp);
      } catch (error) {
        return (error as { code: string }).code;
      }
      return 'accepted';
    };
    const good = envelope(65536, [intake.publicKey]);
    expect(bad(good, good.length + 1)).toBe('BAD_ENVELOPE'); // a last chunk of 1 byte cannot exist
    expect(bad(good, good.length + 16)).toBe('BAD_ENVELOPE'); // nor a tag-only chunk after a full one
    expect(bad(good, good.length - 65552 + 5)).toBe('BAD_ENVELOPE');
    expect(bad(good, good.length - 1)).toBe('accepted'); // the layout of a 65535-byte file
    expect(bad(good, 100)).toBe('BAD_ENVELOPE');
    expect(bad(envelope(5, [other.publicKey]), good.length)).toBe('BAD_ENVELOPE');
    expect(bad(envelope(5, [intake.publicKey, other.publicKey]), good.length)).toBe('BAD_ENVELOPE');
    expect(bad(envelope(5, [other.publicKey, intake.publicKey]), good.length)).toBe('BAD_ENVELOPE');
    expect(bad(new Uint8Array(INTAKE_HEADER_BYTES), good.length)).toBe('BAD_ENVELOPE');
    expect(bad(good.subarray(0, 20), good.length)).toBe('BAD_ENVELOPE');
    const flipped = good.slice(0, INTAKE_HEADER_BYTES);
    flipped[8] = 2; // version
    expect(bad(flipped, good.length)).toBe('BAD_ENVELOPE');
  });
});

describe('Repr-Digest', () => {
  const digest = createHash('sha256').update('x').digest();
  const b64 = digest.toString('base64');

  it('reads sha-256 among other algorithms', () => {
    expect(parseReprDigest(undefined)).toBeUndefined();
    expect(parseReprDigest(`sha-256=:${b64}:`)?.equals(digest)).toBe(true);
    expect(parseReprDigest(`sha-512=:AAAA:, sha-256=:${b64}:`)?.equals(digest)).toBe(true);
    expect(parseReprDigest('sha-512=:AAAA:')).toBeUndefined();
  });

  it.each([
    'sha-256=abc',
    'sha-256=:AAAA:',
    `sha-256=:${b64}:, sha-256=:${b64}:`,
    'garbage',
    `sha-256=:${b64}:;x`,
  ])('refuses %s', (header) => {
    expect(() => parseReprDigest(header)).toThrow(expect.objectContaining({ code: 'BAD_DIGEST' }));
  });
});

describe('intake error codes', () => {
  it('each has an HTTP status in the one error table', () => {
    for (const code of INTAKE_ERROR_CODES)
      expect([code, STATUS_BY_CODE[code]]).toEqual([code, expect.any(Number)]);
  });
});

describe('bytes-in-flight budget', () => {
  it('grants up to the limit and no further until released', () => {
    const budget = createInFlightBudget(100);
    expect(budget.tryAcquire(60)).toBe(true);
    expect(budget.tryAcquire(41)).toBe(false);
    expect(budget.inUse()).toBe(60);
    expect(budget.tryAcquire(40)).toBe(true);
    budget.release(60);
    expect(budget.tryAcquire(60)).toBe(true);
    budget.release(1000);
    expect(budget.inUse()).toBe(0);
  });
});

describe('intake configuration', () => {
  it('has the documented defaults and refuses out-of-range values by name', () => {
    expect(parseConfigHelper({})).toMatchObject({
      UPLOAD_PART_BYTES: 4194304,
      MAX_FILE_BYTES: 4294967296,
      MAX_FILES: 20,
      MAX_BYTES_IN_FLIGHT: 268435456,
      DISK_RESERVE_BYTES: 1073741824,
      UPLOAD_EXPIRY_SECONDS: 86400,
      SWEEP_INTERVAL_SECONDS: 300,
    });
    expect(parseConfigHelper({ UPLOAD_PART_BYTES: '65536', MAX_FILES: '1' })).toMatchObject({
      UPLOAD_PART_BYTES: 65536,
      MAX_FILES: 1,
    });
    for (const [name, value] of [
      ['UPLOAD_PART_BYTES', '1000'],
      ['MAX_FILES', '0'],
      ['MAX_FILE_BYTES', '4GiB'],
      ['DISK_RESERVE_BYTES', '-1'],
      ['UPLOAD_EXPIRY_SECONDS', '1'],
    ] as const) {
      expect(() => parseConfigHelper({ [name]: value })).toThrow(name);
    }
  });
});
