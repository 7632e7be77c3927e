// Whole-buffer conveniences for small inputs and tests. Large files: use the streams.
import { concatBytes } from '../bytes.js';
import type { Sodium } from '../sodium.js';
import { type DecryptOptions, Decryptor, type Identity } from './decrypt.js';
import { createEnvelope, type EncryptOptions, Encryptor } from './encrypt.js';
import type { Manifest, ManifestInput } from './manifest.js';

export function encryptBytes(
  sodium: Sodium,
  plaintext: Uint8Array,
  options: Omit<EncryptOptions, 'manifest'> & { manifest?: Omit<ManifestInput, 'size'> },
): Uint8Array {
  const plan = createEnvelope(sodium, {
    ...options,
    manifest: { ...options.manifest, size: plaintext.length },
  });
  const encryptor = new Encryptor(plan);
  return concatBytes(...encryptor.push(plaintext), ...encryptor.finish());
}

export function decryptBytes(
  sodium: Sodium,
  envelope: Uint8Array,
  identity: Identity,
  options: DecryptOptions = {},
): { manifest: Manifest; plaintext: Uint8Array } {
  const decryptor = new Decryptor(sodium, identity, options);
  const plaintext = concatBytes(...decryptor.push(envelope), ...decryptor.finish());
  return { manifest: decryptor.manifest!, plaintext };
}
