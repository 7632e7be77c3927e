// Kuä's log identity: the origin line of its checkpoints, which is also the signature key name.

import { toHex } from '../bytes.js';

/**
 * `kua/v1/<32 lowercase hex digits of the organisation key fingerprint>`: a schema-less name
 * without spaces or plus signs, as C2SP recommends for origins and key names (docs/LOG.md).
 * Accepts the 16-byte fingerprint or its hex form (with or without the display spaces).
 */
export function logOrigin(orgFingerprint: Uint8Array | string): string {
  const hex = typeof orgFingerprint === 'string' ? orgFingerprint.replaceAll(' ', '') : toHex(orgFingerprint);
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new TypeError('organisation fingerprint must be 16 bytes');
  return `kua/v1/${hex}`;
}
