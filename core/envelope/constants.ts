// Constants of envelope format version 1 (docs/FORMAT.md). Changing any of them means a new version.
import { utf8 } from '../bytes.js';
import { FINGERPRINT_BYTES } from '../fingerprint.js';

export { FINGERPRINT_BYTES };

export const MAGIC = Uint8Array.of(0x6b, 0x75, 0x61, 0x2d, 0x65, 0x6e, 0x76, 0x00); // "kua-env\0"
export const VERSION = 0x01;
export const FLAGS = 0x00;

export const FILE_KEY_BYTES = 32;
export const HEADER_NONCE_BYTES = 16;
export const STANZA_X25519 = 0x01;
export const SEALED_KEY_BYTES = 80; // crypto_box_seal of a 32-byte file key: epk(32) || box(32 + 16)
export const STANZA_BYTES = 1 + FINGERPRINT_BYTES + SEALED_KEY_BYTES;
export const MAC_BYTES = 32;
export const MIN_RECIPIENTS = 1;
export const MAX_RECIPIENTS = 64;
/** magic(8) version(1) flags(1) header nonce(16) manifest padded length(4) recipient count(1). */
export const FIXED_HEADER_BYTES = MAGIC.length + 1 + 1 + HEADER_NONCE_BYTES + 4 + 1;

export const MANIFEST_PAD_UNIT = 256;
export const MANIFEST_MAX_PADDED = 65536;
export const TAG_BYTES = 16;

export const CHUNK_SIZE = 65536;
export const CHUNK_CIPHERTEXT_SIZE = CHUNK_SIZE + TAG_BYTES;
export const NONCE_BYTES = 24;
/** Chunk indices are 7 bytes on the wire; sizes stay within Number.MAX_SAFE_INTEGER anyway. */
export const MAX_PLAINTEXT_SIZE = Number.MAX_SAFE_INTEGER;

export const NONCE_FLAG_CHUNK = 0x00;
export const NONCE_FLAG_LAST_CHUNK = 0x01;
export const NONCE_FLAG_MANIFEST = 0x02;

export const DOMAIN_HEADER_MAC = utf8('kua/v1 header mac\n');
export const DOMAIN_PAYLOAD_KEY = utf8('kua/v1 payload key\n');
