// Subkeys of the file key, by keyed BLAKE2b-256 with distinct domain strings.
import { concatBytes } from '../bytes.js';
import type { Sodium } from '../sodium.js';
import { DOMAIN_HEADER_MAC, DOMAIN_PAYLOAD_KEY, MAC_BYTES } from './constants.js';

/** MAC over every header byte before the MAC: BLAKE2b-256 keyed with BLAKE2b-256(key=fileKey, "kua/v1 header mac\n"). */
export function headerMac(sodium: Sodium, fileKey: Uint8Array, headerBeforeMac: Uint8Array): Uint8Array {
  const macKey = sodium.crypto_generichash(32, DOMAIN_HEADER_MAC, fileKey);
  const mac = sodium.crypto_generichash(MAC_BYTES, headerBeforeMac, macKey);
  macKey.fill(0);
  return mac;
}

/** Payload key bound to the whole header: BLAKE2b-256(key=fileKey, "kua/v1 payload key\n" || header). */
export function payloadKey(sodium: Sodium, fileKey: Uint8Array, header: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(32, concatBytes(DOMAIN_PAYLOAD_KEY, header), fileKey);
}
