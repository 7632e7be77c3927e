import { parseIdentity } from '../../../core/identity.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import { limitsFromEnv, PWHASH_PRESETS, readySumo, type Sumo } from '../../../keys/pwhash.js';
import {
  createReviewerKeyFile,
  openReviewerKeyFile,
  ReviewerKeyFileError,
  readReviewerIdentity,
  WrongPassphraseError,
} from '../../../keys/reviewer-key.js';

let sodium: Sodium;
let sumo: Sumo;
let created: ReturnType<typeof createReviewerKeyFile>;
const FAST = PWHASH_PRESETS.interactive;
const PASS = 'correct horse battery staple';

beforeAll(async () => {
  sodium = await readySodium();
  sumo = await readySumo();
  created = createReviewerKeyFile(sodium, sumo, PASS, FAST);
});

type KeyFileJson = {
  identity: string;
  kdf: { salt: string; opslimit: number; memlimit: number; algorithm: string };
  nonce: string;
  ciphertext: string;
};
const edit = (mutate: (json: KeyFileJson) => void): string => {
  const json = JSON.parse(created.text) as KeyFileJson;
  mutate(json);
  return JSON.stringify(json);
};

describe('reviewer key files', () => {
  test('open with the right passphrase gives keys matching the printed identity', () => {
    const keys = openReviewerKeyFile(sodium, sumo, created.text, PASS);
    expect(keys.identityString).toBe(created.identityString);
    const identity = parseIdentity(sodium, created.identityString);
    expect(keys.x25519PublicKey).toEqual(identity.x25519PublicKey);
    expect(keys.ed25519PublicKey).toEqual(identity.ed25519PublicKey);
    // The keys work: a sealed box opens, a signature verifies.
    const sealed = sodium.crypto_box_seal(Uint8Array.of(1, 2, 3), identity.x25519PublicKey);
    expect(sodium.crypto_box_seal_open(sealed, keys.x25519PublicKey, keys.x25519SecretKey)).toEqual(
      Uint8Array.of(1, 2, 3),
    );
    const signature = sodium.crypto_sign_detached(Uint8Array.of(4), keys.ed25519SecretKey);
    expect(sodium.crypto_sign_verify_detached(signature, Uint8Array.of(4), identity.ed25519PublicKey)).toBe(
      true,
    );
    expect(readReviewerIdentity(sodium, created.text)).toBe(created.identityString);
  });

  test('the file holds no secret key in the clear', () => {
    const keys = openReviewerKeyFile(sodium, sumo, created.text, PASS);
    for (const secret of [keys.x25519SecretKey, keys.ed25519SecretKey.subarray(0, 32)]) {
      expect(created.text).not.toContain(Buffer.from(secret).toString('base64'));
      expect(created.text).not.toContain(Buffer.from(secret).toString('hex'));
    }
    expect(created.text).not.toContain(PASS);
  });

  test('a wrong passphrase fails with one clear error', () => {
    expect(() => openReviewerKeyFile(sodium, sumo, created.text, 'correct horse battery stapler')).toThrow(
      WrongPassphraseError,
    );
    expect(() => openReviewerKeyFile(sodium, sumo, created.text, 'x')).toThrow(/^wrong passphrase/);
  });

  test('passphrases are compared after Unicode NFC normalisation', () => {
    const file = createReviewerKeyFile(sodium, sumo, 'caf\u00e9', FAST);
    expect(openReviewerKeyFile(sodium, sumo, file.text, 'cafe\u0301').identityString).toBe(
      file.identityString,
    );
  });

  test('tampering with the ciphertext, nonce, salt, limits or identity is detected', () => {
    const other = createReviewerKeyFile(sodium, sumo, PASS, FAST);
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[0]! ^= 1;
      return bytes.toString('base64');
    };
    const tampered = [
      edit((j) => {
        j.ciphertext = flip(j.ciphertext);
      }),
      edit((j) => {
        j.nonce = flip(j.nonce);
      }),
      edit((j) => {
        j.kdf.salt = flip(j.kdf.salt);
      }),
      edit((j) => {
        j.kdf.opslimit = 3;
      }),
      edit((j) => {
        j.identity = other.identityString; // swap in someone else's identity: bound as associated data
      }),
    ];
    for (const text of tampered)
      expect(() => openReviewerKeyFile(sodium, sumo, text, PASS)).toThrow(WrongPassphraseError);
  });

  test('limits below INTERACTIVE or above the cap are refused before any key derivation', () => {
    const downgraded = [
      edit((j) => {
        j.kdf.opslimit = 1;
      }),
      edit((j) => {
        j.kdf.memlimit = 8192;
      }),
      edit((j) => {
        j.kdf.memlimit = 64 * 1024 * 1024 * 1024;
      }),
      edit((j) => {
        j.kdf.opslimit = 1e9;
      }),
      edit((j) => {
        (j.kdf as Record<string, unknown>).opslimit = '2';
      }),
    ];
    for (const text of downgraded) {
      const started = Date.now();
      expect(() => openReviewerKeyFile(sodium, sumo, text, PASS)).toThrow(
        /Argon2id limits out of the accepted range/,
      );
      expect(Date.now() - started).toBeLessThan(50);
    }
    expect(() => createReviewerKeyFile(sodium, sumo, PASS, { opslimit: 1, memlimit: 8192 })).toThrow(
      /limits/,
    );
  });

  test('other malformed files are refused as invalid key files', () => {
    for (const text of [
      '',
      '{}',
      '[]',
      edit((j) => {
        j.kdf.algorithm = 'scrypt';
      }),
      edit((j) => {
        j.identity = 'kua1xyz';
      }),
    ]) {
      expect(() => openReviewerKeyFile(sodium, sumo, text, PASS)).toThrow(ReviewerKeyFileError);
    }
  });

  test('an empty passphrase is refused', () => {
    expect(() => createReviewerKeyFile(sodium, sumo, '', FAST)).toThrow(/passphrase is empty/);
  });

  test('KUA_PWHASH_LIMITS selects a documented preset, default MODERATE', () => {
    expect(limitsFromEnv({})).toEqual({ opslimit: 3, memlimit: 256 * 1024 * 1024 });
    expect(limitsFromEnv({ KUA_PWHASH_LIMITS: 'interactive' })).toEqual({
      opslimit: 2,
      memlimit: 64 * 1024 * 1024,
    });
    expect(limitsFromEnv({ KUA_PWHASH_LIMITS: 'sensitive' })).toEqual({
      opslimit: 4,
      memlimit: 1024 * 1024 * 1024,
    });
    expect(() => limitsFromEnv({ KUA_PWHASH_LIMITS: 'none' })).toThrow(/KUA_PWHASH_LIMITS must be/);
    expect(() => limitsFromEnv({ KUA_PWHASH_LIMITS: 'toString' })).toThrow(/KUA_PWHASH_LIMITS must be/);
  });

  test('the presets are libsodium’s own constants', () => {
    expect(PWHASH_PRESETS.interactive).toEqual({
      opslimit: sumo.crypto_pwhash_OPSLIMIT_INTERACTIVE,
      memlimit: sumo.crypto_pwhash_MEMLIMIT_INTERACTIVE,
    });
    expect(PWHASH_PRESETS.moderate).toEqual({
      opslimit: sumo.crypto_pwhash_OPSLIMIT_MODERATE,
      memlimit: sumo.crypto_pwhash_MEMLIMIT_MODERATE,
    });
    expect(PWHASH_PRESETS.sensitive).toEqual({
      opslimit: sumo.crypto_pwhash_OPSLIMIT_SENSITIVE,
      memlimit: sumo.crypto_pwhash_MEMLIMIT_SENSITIVE,
    });
  });
});
