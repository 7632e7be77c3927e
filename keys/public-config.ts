// public.json: what the page, server and worker need to know about the organisation's keys.
//   { "version": 1, "intakePublicKey": base64, "intakeFingerprint": hex, "orgPublicKey": base64,
//     "orgFingerprint": hex, "logPublicKey": base64, "logFingerprint": hex }
// Fingerprints are 32 lowercase hex digits (core/fingerprint.ts); formatFingerprint groups them for display.
import { fromBase64, toBase64 } from '../core/base64.js';
import { equalBytes, fromHex, toHex } from '../core/bytes.js';
import { fingerprint } from '../core/fingerprint.js';
import type { Sodium } from '../core/sodium.js';
import { KuaError } from './errors.js';

export interface PublicConfig {
  readonly version: 1;
  readonly intakePublicKey: string;
  readonly intakeFingerprint: string;
  readonly orgPublicKey: string;
  readonly orgFingerprint: string;
  readonly logPublicKey: string;
  readonly logFingerprint: string;
}

export interface PublicKeys {
  readonly intake: Uint8Array;
  readonly org: Uint8Array;
  readonly log: Uint8Array;
}

export class PublicConfigError extends KuaError {
  constructor(detail: string) {
    super('PUBLIC_CONFIG_INVALID', `invalid public config: ${detail}`);
  }
}

export function makePublicConfig(sodium: Sodium, keys: PublicKeys): PublicConfig {
  return {
    version: 1,
    intakePublicKey: toBase64(keys.intake),
    intakeFingerprint: toHex(fingerprint(sodium, keys.intake)),
    orgPublicKey: toBase64(keys.org),
    orgFingerprint: toHex(fingerprint(sodium, keys.org)),
    logPublicKey: toBase64(keys.log),
    logFingerprint: toHex(fingerprint(sodium, keys.log)),
  };
}

/** Parses public.json and checks every fingerprint against its key. */
export function parsePublicConfig(sodium: Sodium, text: string): PublicKeys {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new PublicConfigError('not valid JSON');
  }
  if (typeof value !== 'object' || value === null || value.version !== 1) {
    throw new PublicConfigError('unsupported version');
  }
  const key = (name: 'intake' | 'org' | 'log'): Uint8Array => {
    try {
      const publicKey = fromBase64(String(value[`${name}PublicKey`]));
      const fp = fromHex(String(value[`${name}Fingerprint`]));
      if (publicKey.length === 32 && equalBytes(fp, fingerprint(sodium, publicKey))) return publicKey;
    } catch {
      // fall through
    }
    throw new PublicConfigError(`${name} key or fingerprint is wrong`);
  };
  return { intake: key('intake'), org: key('org'), log: key('log') };
}
