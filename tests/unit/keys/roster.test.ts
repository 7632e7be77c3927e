import fc from 'fast-check';
import { toBase64 } from '../../../core/base64.js';
import { concatBytes, utf8 } from '../../../core/bytes.js';
import { fingerprint } from '../../../core/fingerprint.js';
import type { PublicIdentity } from '../../../core/identity.js';
import {
  encodeRosterForSigning,
  parseRoster,
  type Roster,
  RosterFormatError,
  RosterRollbackError,
  RosterSignatureError,
  rosterToJson,
  serializeRoster,
  signRoster,
  validateReviewerName,
  verifyRoster,
} from '../../../core/roster.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import { addReviewer, EMPTY_ROSTER, removeReviewer } from '../../../keys/roster-edit.js';

let sodium: Sodium;
let org: { publicKey: Uint8Array; privateKey: Uint8Array };
beforeAll(async () => {
  sodium = await readySodium();
  org = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(9));
});

function identity(seed: number): PublicIdentity {
  return {
    x25519PublicKey: sodium.crypto_scalarmult_base(new Uint8Array(32).fill(seed)),
    ed25519PublicKey: sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(seed)).publicKey,
  };
}

const T1 = new Date('2026-01-02T03:04:05.006Z');
const T2 = new Date('2026-02-03T04:05:06.007Z');

function twoReviewers(): Roster {
  return addReviewer(
    sodium,
    addReviewer(sodium, EMPTY_ROSTER, 'alice', identity(1), T1),
    'Bob Ó',
    identity(2),
    T2,
  );
}

describe('roster canonical encoding', () => {
  test('is the documented length-prefixed layout', () => {
    const roster = twoReviewers();
    const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);
    const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
    const str = (s: string) => concatBytes(u16(utf8(s).length), utf8(s));
    const expected = concatBytes(
      utf8('kua/v1 roster\n'),
      u32(2),
      str(T2.toISOString()),
      u32(2),
      ...roster.reviewers.flatMap((r) => [
        str(r.name),
        r.x25519PublicKey,
        r.ed25519PublicKey,
        fingerprint(sodium, r.x25519PublicKey),
        str(r.addedAt),
      ]),
    );
    expect(encodeRosterForSigning(roster)).toEqual(expected);
  });

  test('JSON key order and whitespace do not matter; the signature still verifies', () => {
    const signed = signRoster(sodium, twoReviewers(), org.privateKey);
    const json = rosterToJson(signed);
    const reordered = JSON.stringify({
      signature: json.signature,
      reviewers: json.reviewers.map((r) => Object.fromEntries(Object.entries(r).reverse())),
      issuedAt: json.issuedAt,
      version: json.version,
    });
    expect(verifyRoster(sodium, reordered, org.publicKey).reviewers.map((r) => r.name)).toEqual([
      'alice',
      'Bob Ó',
    ]);
    expect(verifyRoster(sodium, utf8(serializeRoster(signed)), org.publicKey).version).toBe(2);
  });
});

describe('roster signature and rollback', () => {
  test('any change to any signed field is refused as an invalid signature', () => {
    const json = rosterToJson(signRoster(sodium, twoReviewers(), org.privateKey));
    const other = identity(3);
    const edits: ((j: typeof json) => void)[] = [
      (j) => {
        j.version = 3;
      },
      (j) => {
        j.issuedAt = '2026-02-03T04:05:06.008Z';
      },
      (j) => {
        j.reviewers[0]!.name = 'alicf';
      },
      (j) => {
        j.reviewers[1]!.addedAt = T1.toISOString();
      },
      (j) => {
        j.reviewers[0]!.x25519PublicKey = toBase64(other.x25519PublicKey);
        j.reviewers[0]!.fingerprint = Buffer.from(fingerprint(sodium, other.x25519PublicKey)).toString('hex');
      },
      (j) => {
        j.reviewers[1]!.ed25519PublicKey = toBase64(other.ed25519PublicKey);
      },
      (j) => {
        j.reviewers.reverse();
      },
      (j) => {
        j.reviewers.pop();
      },
      (j) => {
        j.reviewers.push({ ...j.reviewers[0]!, name: 'mallory' });
      },
    ];
    for (const edit of edits) {
      const copy = structuredClone(json);
      edit(copy);
      expect(() => verifyRoster(sodium, copy, org.publicKey)).toThrow(RosterSignatureError);
    }
  });

  test('flipping any bit of the signature or of a key is refused (fast-check)', () => {
    const json = rosterToJson(signRoster(sodium, twoReviewers(), org.privateKey));
    fc.assert(
      fc.property(
        fc.constantFrom('signature', 'x25519PublicKey', 'ed25519PublicKey'),
        fc.nat(),
        (field, bit) => {
          const copy = structuredClone(json);
          const target = field === 'signature' ? copy : copy.reviewers[0]!;
          const bytes = Buffer.from((target as Record<string, string>)[field]!, 'base64');
          bytes[(bit >> 3) % bytes.length]! ^= 1 << (bit & 7);
          (target as Record<string, string>)[field] = bytes.toString('base64');
          expect(() => verifyRoster(sodium, copy, org.publicKey)).toThrow(RosterSignatureError);
        },
      ),
    );
  });

  test('a roster signed by another key is refused', () => {
    const mallory = sodium.crypto_sign_keypair();
    const signed = signRoster(sodium, twoReviewers(), mallory.privateKey);
    expect(() => verifyRoster(sodium, rosterToJson(signed), org.publicKey)).toThrow(RosterSignatureError);
  });

  test('an older version than one already seen is refused; the same or newer is accepted', () => {
    const signed = rosterToJson(signRoster(sodium, twoReviewers(), org.privateKey));
    expect(verifyRoster(sodium, signed, org.publicKey, { minVersion: 2 }).version).toBe(2);
    expect(verifyRoster(sodium, signed, org.publicKey, { minVersion: 1 }).version).toBe(2);
    expect(() => verifyRoster(sodium, signed, org.publicKey, { minVersion: 3 })).toThrow(RosterRollbackError);
  });

  test('rollback is only reported for a validly signed roster', () => {
    const signed = rosterToJson(signRoster(sodium, twoReviewers(), org.privateKey));
    signed.version = 1;
    expect(() => verifyRoster(sodium, signed, org.publicKey, { minVersion: 2 })).toThrow(
      RosterSignatureError,
    );
  });

  test('malformed rosters are refused with a format error', () => {
    const json = rosterToJson(signRoster(sodium, twoReviewers(), org.privateKey));
    const bad: unknown[] = [
      'not json',
      utf8('[]'),
      { ...json, extra: 1 },
      { ...json, version: '2' },
      { ...json, version: 0 },
      { ...json, signature: 'AAAA' },
      { ...json, reviewers: [{ ...json.reviewers[0], fingerprint: 'XYZ' }] },
      { ...json, reviewers: [{ ...json.reviewers[0], unsigned: 'note' }] },
    ];
    for (const input of bad)
      expect(() => parseRoster(input) && verifyRoster(sodium, input, org.publicKey)).toThrow(
        RosterFormatError,
      );
  });
});

describe('roster edits', () => {
  test('each change adds one to the version', () => {
    const one = addReviewer(sodium, EMPTY_ROSTER, 'alice', identity(1), T1);
    expect(one.version).toBe(1);
    const two = addReviewer(sodium, one, 'bob', identity(2), T2);
    expect(two.version).toBe(2);
    const three = removeReviewer(two, 'ALICE', T2);
    expect(three.version).toBe(3);
    expect(three.reviewers.map((r) => r.name)).toEqual(['bob']);
  });

  test('names are unique regardless of case, keys cannot be added twice, unknown names cannot be removed', () => {
    const one = addReviewer(sodium, EMPTY_ROSTER, 'alice', identity(1), T1);
    expect(() => addReviewer(sodium, one, 'Alice', identity(2), T2)).toThrow(/name is already on the roster/);
    expect(() => addReviewer(sodium, one, 'carol', identity(1), T2)).toThrow(
      /identity is already on the roster/,
    );
    expect(() => removeReviewer(one, 'carol', T2)).toThrow(/no reviewer with that name/);
  });

  test('names: 1-64 characters, no control or formatting characters, trimmed, NFC', () => {
    expect(validateReviewerName('Ана Қ. (lawyer)')).toBe('Ана Қ. (lawyer)');
    expect(validateReviewerName('x'.repeat(64))).toHaveLength(64);
    for (const bad of [
      '',
      'x'.repeat(65),
      'a\nb',
      'a\u0000b',
      'evil\u202eusr',
      ' alice',
      'alice ',
      'e\u0301',
    ]) {
      expect(() => validateReviewerName(bad)).toThrow(/invalid reviewer name/);
    }
  });
});
