// C2SP signed notes and tlog checkpoints: the Go sumdb/note known answer, round trips, and rejection
// of every malformed, forged or foreign note.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { fromBase64 } from '../../../core/base64.js';
import { toHex } from '../../../core/bytes.js';
import {
  type Checkpoint,
  CheckpointError,
  formatCheckpoint,
  logOrigin,
  NoteError,
  noteKeyId,
  parseCheckpoint,
  parseNote,
  signCheckpoint,
  signNote,
  verifyCheckpoint,
  verifyNote,
} from '../../../core/merkle/index.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';

const go = JSON.parse(
  readFileSync(new URL('../../fixtures/merkle/signed-note-go.json', import.meta.url), 'utf8'),
) as { verifierKey: string; signerKey: string; text: string; note: string };

let sodium: Sodium;
beforeAll(async () => {
  sodium = await readySodium();
});

const errorCode = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof NoteError || error instanceof CheckpointError) return error.code;
    throw error;
  }
  return 'no error';
};

const ORIGIN = logOrigin('00112233445566778899aabbccddeeff');
const root = (fill: number) => new Uint8Array(32).fill(fill);

function logKey(seedByte = 7) {
  const pair = sodium.crypto_sign_seed_keypair(new Uint8Array(32).fill(seedByte));
  return { name: ORIGIN, secretKey: pair.privateKey, publicKey: pair.publicKey };
}

describe('signed note (C2SP signed-note, Ed25519)', () => {
  test('reproduces the golang.org/x/mod/sumdb/note PeterNeumann example byte for byte', () => {
    const seed = fromBase64(go.signerKey.split('+').slice(4).join('+')).subarray(1);
    const publicKey = fromBase64(go.verifierKey.split('+').slice(2).join('+')).subarray(1);
    const pair = sodium.crypto_sign_seed_keypair(seed);
    expect(toHex(pair.publicKey)).toBe(toHex(publicKey));
    expect(toHex(noteKeyId('PeterNeumann', publicKey))).toBe('c74f20a3');
    const signer = { name: 'PeterNeumann', secretKey: pair.privateKey, publicKey };
    expect(signNote(sodium, go.text, signer)).toBe(go.note);
    expect(verifyNote(sodium, go.note, { name: 'PeterNeumann', publicKey })).toBe(go.text);
  });

  test('ignores unknown signatures, requires one by the trusted key, rejects a bad one', () => {
    const ours = logKey(1);
    const theirs = { ...logKey(2), name: 'witness.example/w1' };
    const signed = signNote(sodium, 'hello\n', ours);
    const cosigned = signNote(sodium, 'hello\n', theirs).replace('hello\n\n', signed);
    expect(parseNote(cosigned).signatures.map((s) => s.name)).toEqual([ORIGIN, 'witness.example/w1']);
    expect(verifyNote(sodium, cosigned, ours)).toBe('hello\n');
    // Only a foreign signature: not verified. Same name, other key (other key ID): ignored too.
    expect(errorCode(() => verifyNote(sodium, signNote(sodium, 'hello\n', theirs), ours))).toBe(
      'NOTE_UNVERIFIED',
    );
    const impostor = { ...logKey(3), name: ORIGIN };
    expect(errorCode(() => verifyNote(sodium, signNote(sodium, 'hello\n', impostor), ours))).toBe(
      'NOTE_UNVERIFIED',
    );
    // Our name and key ID over other text: rejected outright, even next to a good signature.
    const forgedLine = signNote(sodium, 'other\n', ours).split('\n\n')[1] as string;
    expect(errorCode(() => verifyNote(sodium, `${signed}${forgedLine}`, ours))).toBe('NOTE_BAD_SIGNATURE');
    expect(errorCode(() => verifyNote(sodium, signed.replace('hello', 'hellp'), ours))).toBe(
      'NOTE_BAD_SIGNATURE',
    );
  });

  test('rejects malformed notes', () => {
    const key = logKey();
    const good = signNote(sodium, 'a\nb\n', key);
    const line = good.split('\n\n')[1] as string;
    const cases = [
      good.slice(0, -1), // no final newline
      good.replace('\n\n', '\n'), // no blank line
      'a\nb\n\n', // no signatures
      `a\tb\n\n${line}`, // control character
      good.replace('\u2014 ', '- '), // not an em dash
      good.replace(`${ORIGIN} `, `${ORIGIN}  `), // double space
      good.replace(/ [A-Za-z0-9+/=]+\n$/, ' !!!!\n'), // not base64
      good.replace(/ [A-Za-z0-9+/=]+\n$/, ' AAAA\n'), // too short
      `${good}x`, // garbage after the final newline
      `a\nb\n\n${Array.from({ length: 65 }, () => line).join('')}`, // too many signatures
    ];
    for (const note of cases) expect(errorCode(() => verifyNote(sodium, note, key))).toMatch(/^NOTE_/);
    expect(errorCode(() => signNote(sodium, 'no newline', key))).toBe('NOTE_MALFORMED');
    expect(errorCode(() => signNote(sodium, 'x\n', { ...key, name: 'has space' }))).toBe('NOTE_BAD_KEY');
    expect(errorCode(() => signNote(sodium, 'x\n', { ...key, name: 'has+plus' }))).toBe('NOTE_BAD_KEY');
    expect(errorCode(() => signNote(sodium, 'x\n', { ...key, publicKey: logKey(9).publicKey }))).toBe(
      'NOTE_BAD_KEY',
    );
  });

  test('the text may contain blank lines; the last blank line separates the signatures', () => {
    const key = logKey();
    const note = signNote(sodium, 'a\n\nb\n', key);
    expect(verifyNote(sodium, note, key)).toBe('a\n\nb\n');
  });
});

describe('checkpoint (C2SP tlog-checkpoint)', () => {
  test('parses the C2SP example body', () => {
    const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const parsed = parseCheckpoint(body);
    expect(parsed.origin).toBe('example.com/behind-the-sofa');
    expect(parsed.size).toBe(20852163);
    expect(parsed.rootHash.length).toBe(32);
    expect(formatCheckpoint(parsed)).toBe(body);
  });

  test('format and parse round trip, extensions included', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(fc.stringMatching(/^[a-z0-9 :.]{1,20}$/), { maxLength: 2 }),
        (size, rootHash, extensions) => {
          const checkpoint: Checkpoint = { origin: ORIGIN, size, rootHash };
          if (extensions.length > 0) checkpoint.extensions = extensions;
          const body = formatCheckpoint(checkpoint);
          expect(body.split('\n').length).toBe(4 + extensions.length);
          expect(parseCheckpoint(body)).toEqual(checkpoint);
        },
      ),
    );
  });

  test('sign and verify; the origin and key must be the expected ones', () => {
    const key = logKey();
    const note = signCheckpoint(
      sodium,
      formatCheckpoint({ origin: ORIGIN, size: 42, rootHash: root(1) }),
      key,
    );
    expect(note).toBe(
      `${ORIGIN}\n42\n${'AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE='}\n\n\u2014 ${ORIGIN} ${note.split(' ').pop()}`,
    );
    const verifier = { origin: ORIGIN, name: ORIGIN, publicKey: key.publicKey };
    const checkpoint = verifyCheckpoint(sodium, note, verifier);
    expect(checkpoint.size).toBe(42);
    expect(toHex(checkpoint.rootHash)).toBe(toHex(root(1)));
    const otherOrigin = logOrigin('ffeeddccbbaa99887766554433221100');
    expect(errorCode(() => verifyCheckpoint(sodium, note, { ...verifier, origin: otherOrigin }))).toBe(
      'CHECKPOINT_WRONG_ORIGIN',
    );
    expect(
      errorCode(() => verifyCheckpoint(sodium, note, { ...verifier, publicKey: logKey(8).publicKey })),
    ).toBe('NOTE_UNVERIFIED');
    expect(errorCode(() => verifyCheckpoint(sodium, note.replace('\n42\n', '\n43\n'), verifier))).toBe(
      'NOTE_BAD_SIGNATURE',
    );
  });

  test('changing any one character of a signed checkpoint makes it fail', () => {
    const key = logKey();
    const verifier = { origin: ORIGIN, name: ORIGIN, publicKey: key.publicKey };
    const note = signCheckpoint(
      sodium,
      formatCheckpoint({ origin: ORIGIN, size: 1234, rootHash: root(9) }),
      key,
    );
    for (let i = 0; i < note.length; i++) {
      for (const replacement of ['A', '0', '\n', ' ']) {
        if (note[i] === replacement) continue;
        const altered = note.slice(0, i) + replacement + note.slice(i + 1);
        expect(errorCode(() => verifyCheckpoint(sodium, altered, verifier))).not.toBe('no error');
      }
    }
  });

  test('rejects malformed bodies, even when properly signed', () => {
    const key = logKey();
    const verifier = { origin: ORIGIN, name: ORIGIN, publicKey: key.publicKey };
    const r = 'AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=';
    const bodies = [
      `${ORIGIN}\n42\n`, // no root
      `${ORIGIN}\n042\n${r}\n`, // leading zero
      `${ORIGIN}\n-1\n${r}\n`,
      `${ORIGIN}\n1e3\n${r}\n`,
      `${ORIGIN}\n9007199254740993\n${r}\n`, // beyond 2^53
      `${ORIGIN}\n42\nAQEB\n`, // root of 3 bytes
      `${ORIGIN}\n42\n${r.slice(0, -1)}\n`, // bad base64
      `${ORIGIN}\n42\n${r}\n\nextension after a blank line\n`,
      `\n42\n${r}\n`, // empty origin
    ];
    for (const body of bodies) {
      expect(errorCode(() => parseCheckpoint(body))).toBe('CHECKPOINT_MALFORMED');
      expect(errorCode(() => signCheckpoint(sodium, body, key))).toMatch(/^(CHECKPOINT|NOTE)_MALFORMED$/);
      // Signed anyway with the raw note signer: verification still refuses the body.
      let note: string | undefined;
      try {
        note = signNote(sodium, body, key);
      } catch {
        continue;
      }
      expect(errorCode(() => verifyCheckpoint(sodium, note as string, verifier))).toMatch(
        /^(CHECKPOINT|NOTE)_/,
      );
    }
    expect(errorCode(() => formatCheckpoint({ origin: ORIGIN, size: 1, rootHash: new Uint8Array(31) }))).toBe(
      'CHECKPOINT_MALFORMED',
    );
    expect(errorCode(() => formatCheckpoint({ origin: ORIGIN, size: -1, rootHash: root(0) }))).toBe(
      'CHECKPOINT_MALFORMED',
    );
    expect(errorCode(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: root(0) }))).toBe(
      'CHECKPOINT_MALFORMED',
    );
  });

  test('logOrigin is kua/v1/<org fingerprint hex>', () => {
    expect(logOrigin('0011 2233 4455 6677 8899 aabb ccdd eeff')).toBe(
      'kua/v1/00112233445566778899aabbccddeeff',
    );
    expect(logOrigin(new Uint8Array(16).fill(0xab))).toBe(`kua/v1/${'ab'.repeat(16)}`);
    expect(() => logOrigin('xyz')).toThrow(TypeError);
  });
});
