// The log key pin (first use, then refuse a change) and streamed local decryption to temp + rename.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { toBase64 } from '../../../core/base64.js';
import { encryptBytes } from '../../../core/envelope/index.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import { decryptFileTo, EnvelopeDecryptError } from '../../../keys/reviewer/decrypt-file.js';
import { logKeyForFile, pinnedLogKey } from '../../../keys/reviewer/pin.js';

let sodium: Sodium;
let dir: string;
beforeAll(async () => {
  sodium = await readySodium();
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kua-pin-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pinnedLogKey', () => {
  it('pins on first use, reuses the pin, and refuses another key later', async () => {
    const key = sodium.crypto_sign_keypair().publicKey;
    await expect(pinnedLogKey(sodium, dir, {})).rejects.toMatchObject({ code: 'PIN_MISSING' });
    const first = await pinnedLogKey(sodium, dir, { logKey: toBase64(key) });
    expect(first).toEqual({ key, pinnedNow: true });
    expect(await pinnedLogKey(sodium, dir, {})).toEqual({ key, pinnedNow: false });
    expect(await pinnedLogKey(sodium, dir, { logKey: toBase64(key) })).toEqual({ key, pinnedNow: false });
    const other = toBase64(sodium.crypto_sign_keypair().publicKey);
    await expect(pinnedLogKey(sodium, dir, { logKey: other })).rejects.toMatchObject({
      code: 'PIN_MISMATCH',
    });
    // kua verify finds the pin from a record anywhere under the folder.
    expect(await logKeyForFile(sodium, path.join(dir, 'sub', 'records', '0.json'), {})).toEqual(key);
  });

  it('refuses a damaged pin file and a malformed key', async () => {
    await pinnedLogKey(sodium, dir, { logKey: toBase64(sodium.crypto_sign_keypair().publicKey) });
    const file = path.join(dir, '.kua', 'pinned.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    json.logPublicKey = toBase64(sodium.crypto_sign_keypair().publicKey); // fingerprint no longer matches
    await writeFile(file, JSON.stringify(json));
    await expect(pinnedLogKey(sodium, dir, {})).rejects.toMatchObject({ code: 'PIN_INVALID' });
    await expect(pinnedLogKey(sodium, path.join(dir, 'x'), { logKey: 'AAAA' })).rejects.toMatchObject({
      code: 'LOG_KEY_INVALID',
    });
  });
});

describe('decryptFileTo', () => {
  it('decrypts to the chosen name and reports the plaintext hash; a damaged envelope leaves nothing', async () => {
    const box = sodium.crypto_box_keypair();
    const identity = { x25519PublicKey: box.publicKey, x25519SecretKey: box.privateKey };
    const plaintext = sodium.randombytes_buf(200_000);
    const envelope = encryptBytes(sodium, plaintext, {
      recipients: [{ x25519PublicKey: box.publicKey }],
      manifest: { name: '1-sanitised.jpg', type: 'image/jpeg' },
    });
    const source = path.join(dir, 'in.kua');
    await writeFile(source, envelope);
    const out = await decryptFileTo(sodium, identity, source, (m) => path.join(dir, `out-${m.name}`));
    expect(out.path).toBe(path.join(dir, 'out-1-sanitised.jpg'));
    expect(new Uint8Array(await readFile(out.path))).toEqual(plaintext);
    expect(out.bytes).toBe(plaintext.length);

    const empty = path.join(dir, 'empty.kua');
    await writeFile(
      empty,
      encryptBytes(sodium, new Uint8Array(0), { recipients: [{ x25519PublicKey: box.publicKey }] }),
    );
    expect((await decryptFileTo(sodium, identity, empty, () => path.join(dir, 'empty.out'))).bytes).toBe(0);

    const damaged = path.join(dir, 'damaged.kua');
    const bad = envelope.slice();
    bad[bad.length - 100]! ^= 1;
    await writeFile(damaged, bad);
    await expect(decryptFileTo(sodium, identity, damaged, () => path.join(dir, 'never'))).rejects.toThrow(
      EnvelopeDecryptError,
    );
    await writeFile(damaged, envelope.subarray(0, envelope.length - 1000));
    await expect(decryptFileTo(sodium, identity, damaged, () => path.join(dir, 'never'))).rejects.toThrow(
      EnvelopeDecryptError,
    );
    const stranger = sodium.crypto_box_keypair();
    await expect(
      decryptFileTo(
        sodium,
        { x25519PublicKey: stranger.publicKey, x25519SecretKey: stranger.privateKey },
        source,
        () => path.join(dir, 'never'),
      ),
    ).rejects.toThrow(EnvelopeDecryptError);
    const left = (await readdir(dir)).sort();
    expect(left).toEqual(['damaged.kua', 'empty.kua', 'empty.out', 'in.kua', 'out-1-sanitised.jpg']);
  });
});
