// Every manipulation of an envelope fails with a typed EnvelopeError; never a crash, never plaintext.
import { beforeAll, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { concatBytes } from '../../../core/bytes.js';
import {
  BadMagicError,
  CHUNK_CIPHERTEXT_SIZE,
  ChunkAuthenticationError,
  chunkOffset,
  DecryptionError,
  Decryptor,
  decryptBytes,
  EnvelopeError,
  encryptBytes,
  type Identity,
  MalformedHeaderError,
  ManifestAuthenticationError,
  TrailingDataError,
  TruncatedError,
  UnsupportedVersionError,
} from '../../../core/envelope/index.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import { makeIdentity, pattern } from './helpers.js';

let sodium: Sodium;
let alice: Identity;
let bob: Identity;
let envelope: Uint8Array;
const SIZE = 3 * 65536 + 1000; // four chunks
const CHUNKS = 4;
const shape = { size: SIZE, recipientCount: 2, manifestPaddedLength: 256 };
const HEADER_END = 31 + 2 * 97 + 32;

beforeAll(async () => {
  sodium = await readySodium();
  alice = makeIdentity(sodium);
  bob = makeIdentity(sodium);
  envelope = encryptBytes(sodium, pattern(SIZE), { recipients: [alice, bob], manifest: { name: 'v.mp4' } });
});

/** Decrypts through the streaming path, returning the error it failed with (or null). */
function failure(bytes: Uint8Array, who: Identity = alice): unknown {
  try {
    decryptBytes(sodium, bytes, who);
    return null;
  } catch (error) {
    return error;
  }
}

const chunkAt = (bytes: Uint8Array, i: number) =>
  bytes.slice(chunkOffset(shape, i), Math.min(bytes.length, chunkOffset(shape, i) + CHUNK_CIPHERTEXT_SIZE));

describe('bit flips', () => {
  test('flipping any bit anywhere fails with a typed error', () => {
    fc.assert(
      fc.property(fc.nat({ max: envelope.length * 8 - 1 }), (bit) => {
        const copy = envelope.slice();
        copy[bit >> 3]! ^= 1 << (bit & 7);
        const error = failure(copy);
        expect(error).toBeInstanceOf(EnvelopeError);
      }),
      { numRuns: 300 },
    );
  });

  test('flipping each bit of the header and manifest, one at a time, fails with a typed error', () => {
    const copy = envelope.slice();
    for (let bit = 0; bit < (HEADER_END + 256 + 16) * 8; bit++) {
      copy[bit >> 3]! ^= 1 << (bit & 7);
      const error = failure(copy);
      copy[bit >> 3]! ^= 1 << (bit & 7);
      if (!(error instanceof EnvelopeError)) throw new Error(`bit ${bit}: ${String(error)}`);
    }
    expect(failure(copy)).toBeNull();
  });

  test('exhaustively: flipping any one bit of a small envelope fails with a typed error', () => {
    const small = encryptBytes(sodium, Uint8Array.of(42, 43), {
      recipients: [alice],
      manifest: { name: 'a' },
    });
    for (let bit = 0; bit < small.length * 8; bit++) {
      small[bit >> 3]! ^= 1 << (bit & 7);
      const error = failure(small);
      small[bit >> 3]! ^= 1 << (bit & 7);
      if (!(error instanceof EnvelopeError)) throw new Error(`bit ${bit}: ${String(error)}`);
    }
    expect(failure(small)).toBeNull();
  });

  test('each region fails with its own error', () => {
    const flip = (at: number) => {
      const copy = envelope.slice();
      copy[at]! ^= 0x01;
      return failure(copy);
    };
    expect(flip(0)).toBeInstanceOf(BadMagicError);
    expect(flip(8)).toBeInstanceOf(UnsupportedVersionError);
    expect(flip(9)).toBeInstanceOf(MalformedHeaderError);
    expect(flip(12)).toBeInstanceOf(DecryptionError); // header nonce: MAC fails
    expect(flip(HEADER_END - 1)).toBeInstanceOf(DecryptionError); // the MAC itself
    expect(flip(HEADER_END + 3)).toBeInstanceOf(ManifestAuthenticationError);
    expect(flip(chunkOffset(shape, 2) + 5)).toEqual(new ChunkAuthenticationError(2));
    expect(flip(envelope.length - 1)).toEqual(new ChunkAuthenticationError(3));
  });
});

describe('truncation and extension', () => {
  test('truncating at every chunk boundary fails with TruncatedError', () => {
    for (let i = 0; i <= CHUNKS - 1; i++) {
      expect(failure(envelope.subarray(0, chunkOffset(shape, i)))).toBeInstanceOf(TruncatedError);
    }
    expect(failure(envelope.subarray(0, HEADER_END))).toBeInstanceOf(TruncatedError);
    expect(failure(new Uint8Array(0))).toBeInstanceOf(TruncatedError);
  });

  test('every strict prefix fails with TruncatedError', () => {
    fc.assert(
      fc.property(fc.nat({ max: envelope.length - 1 }), (cut) => {
        expect(failure(envelope.subarray(0, cut))).toBeInstanceOf(TruncatedError);
      }),
      { numRuns: 200 },
    );
  });

  test('any bytes after the last chunk fail with TrailingDataError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (extra) => {
        expect(failure(concatBytes(envelope, extra))).toBeInstanceOf(TrailingDataError);
      }),
      { numRuns: 50 },
    );
    expect(failure(concatBytes(envelope, chunkAt(envelope, 3)))).toBeInstanceOf(TrailingDataError);
  });

  test('no plaintext is released from a chunk that fails', () => {
    const copy = envelope.slice();
    copy[chunkOffset(shape, 1) + 10]! ^= 0x80;
    const d = new Decryptor(sodium, alice);
    const released: Uint8Array[] = [];
    expect(() => {
      for (let at = 0; at < copy.length; at += 4096) released.push(...d.push(copy.subarray(at, at + 4096)));
    }).toThrow(ChunkAuthenticationError);
    expect(released.reduce((n, p) => n + p.length, 0)).toBe(65536); // chunk 0 only
  });
});

describe('reordering, duplicating and splicing chunks', () => {
  const rebuild = (order: number[], source = envelope) =>
    concatBytes(source.subarray(0, chunkOffset(shape, 0)), ...order.map((i) => chunkAt(source, i)));

  test('sanity: the identity order decrypts', () => {
    expect(failure(rebuild([0, 1, 2, 3]))).toBeNull();
  });

  test('any other sequence of chunks fails with a typed error', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: CHUNKS - 1 }), { minLength: 1, maxLength: 6 }), (order) => {
        fc.pre(order.join() !== '0,1,2,3');
        const error = failure(rebuild(order));
        expect(error).toBeInstanceOf(EnvelopeError);
        expect([ChunkAuthenticationError, TruncatedError, TrailingDataError]).toContain(
          (error as object).constructor,
        );
      }),
      { numRuns: 200 },
    );
    expect(failure(rebuild([1, 0, 2, 3]))).toEqual(new ChunkAuthenticationError(0));
    expect(failure(rebuild([0, 0, 1, 2, 3]))).toEqual(new ChunkAuthenticationError(1));
  });

  test('a chunk from another envelope at the same index fails', () => {
    const other = encryptBytes(sodium, pattern(SIZE), {
      recipients: [alice, bob],
      manifest: { name: 'v.mp4' },
    });
    const spliced = concatBytes(
      envelope.subarray(0, chunkOffset(shape, 1)),
      chunkAt(other, 1),
      envelope.subarray(chunkOffset(shape, 2)),
    );
    expect(failure(spliced)).toEqual(new ChunkAuthenticationError(1));
    // Another envelope's header+manifest in front of this payload: the payload key differs.
    const headerSwap = concatBytes(
      other.subarray(0, chunkOffset(shape, 0)),
      envelope.subarray(chunkOffset(shape, 0)),
    );
    expect(failure(headerSwap)).toEqual(new ChunkAuthenticationError(0));
    const manifestSwap = concatBytes(envelope.subarray(0, HEADER_END), other.subarray(HEADER_END));
    expect(failure(manifestSwap)).toBeInstanceOf(ManifestAuthenticationError);
  });
});

describe('stanzas', () => {
  const stanza = (bytes: Uint8Array, i: number) => bytes.subarray(31 + 97 * i, 31 + 97 * (i + 1));
  const withStanzas = (stanzas: Uint8Array[], source = envelope) => {
    const fixed = source.slice(0, 31);
    fixed[30] = stanzas.length;
    return concatBytes(fixed, ...stanzas, source.subarray(HEADER_END - 32));
  };

  test('sanity: rebuilding with the same stanzas decrypts', () => {
    expect(failure(withStanzas([stanza(envelope, 0), stanza(envelope, 1)]))).toBeNull();
  });

  test('removing a stanza fails for everyone, with the generic error', () => {
    for (const keep of [0, 1]) {
      const bytes = withStanzas([stanza(envelope, keep)]);
      expect(failure(bytes, alice)).toBeInstanceOf(DecryptionError);
      expect(failure(bytes, bob)).toBeInstanceOf(DecryptionError);
    }
  });

  test('swapping stanza order fails', () => {
    const bytes = withStanzas([stanza(envelope, 1), stanza(envelope, 0)]);
    expect(failure(bytes, alice)).toBeInstanceOf(DecryptionError);
    expect(failure(bytes, bob)).toBeInstanceOf(DecryptionError);
  });

  test('duplicating a stanza is malformed', () => {
    const bytes = withStanzas([stanza(envelope, 0), stanza(envelope, 1), stanza(envelope, 0)]);
    expect(failure(bytes)).toBeInstanceOf(MalformedHeaderError);
  });

  test('adding a stanza for a new recipient fails', () => {
    const carol = makeIdentity(sodium);
    const forCarol = encryptBytes(sodium, new Uint8Array(0), { recipients: [carol] });
    const bytes = withStanzas([stanza(envelope, 0), stanza(envelope, 1), stanza(forCarol, 0)]);
    expect(failure(bytes, alice)).toBeInstanceOf(DecryptionError);
    expect(failure(bytes, carol)).toBeInstanceOf(DecryptionError);
  });

  test("replacing a stanza with the same recipient's stanza from another envelope fails", () => {
    const other = encryptBytes(sodium, pattern(SIZE), { recipients: [alice, bob] });
    const bytes = withStanzas([stanza(other, 0), stanza(envelope, 1)]);
    expect(failure(bytes, alice)).toBeInstanceOf(DecryptionError);
  });
});

describe('wrong keys and garbage', () => {
  test('a wrong key fails with one generic error that does not say which part failed', () => {
    const stranger = makeIdentity(sodium);
    // Right fingerprint (public key) but the wrong secret key.
    const impostor = { x25519PublicKey: alice.x25519PublicKey, x25519SecretKey: stranger.x25519SecretKey };
    const forgedMac = envelope.slice();
    forgedMac[HEADER_END - 1]! ^= 1;
    const errors = [failure(envelope, stranger), failure(envelope, impostor), failure(forgedMac, alice)];
    for (const error of errors) {
      expect(error).toBeInstanceOf(DecryptionError);
      expect((error as DecryptionError).code).toBe('ENVELOPE_DECRYPTION_FAILED');
      expect((error as Error).message).toBe('no matching recipient or header authentication failed');
    }
  });

  test('every version other than 1 is rejected', () => {
    for (let version = 0; version < 256; version++) {
      if (version === 1) continue;
      const copy = envelope.slice();
      copy[8] = version;
      expect(failure(copy)).toEqual(new UnsupportedVersionError(version));
    }
  });

  test('garbage fails with a typed error, before reading past the fixed header when the magic is wrong', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 2000 }), (garbage) => {
        expect(failure(garbage)).toBeInstanceOf(EnvelopeError);
      }),
      { numRuns: 300 },
    );
    const d = new Decryptor(sodium, alice);
    expect(() => d.push(Uint8Array.of(0x50, 0x4b))).toThrow(BadMagicError);
  });

  test('garbage after a valid fixed header fails with a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 1500 }), (rest) => {
        expect(failure(concatBytes(envelope.subarray(0, 31), rest))).toBeInstanceOf(EnvelopeError);
      }),
      { numRuns: 300 },
    );
  });

  test('bad recipient counts and manifest lengths are malformed', () => {
    for (const [at, value] of [
      [30, 0],
      [30, 65],
      [29, 1],
      [27, 1],
    ] as const) {
      const copy = envelope.slice();
      copy[at] = value;
      expect(failure(copy)).toBeInstanceOf(MalformedHeaderError);
    }
  });
});
