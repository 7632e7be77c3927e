// Optional `Repr-Digest: sha-256=:<base64>:` (RFC 9530) on part uploads, checked while streaming.
import { createHash } from 'node:crypto';
import { intakeErrors } from './errors.js';

/** The SHA-256 the client announced, undefined if none; throws BAD_DIGEST if malformed. */
export function parseReprDigest(header: string | string[] | undefined): Buffer | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text.length > 1024) throw intakeErrors.badDigest();
  let found: Buffer | undefined;
  for (const member of text.split(',')) {
    const match = /^\s*([a-z0-9-]+)\s*=\s*:([A-Za-z0-9+/]*={0,2}):\s*$/.exec(member);
    if (match === null) throw intakeErrors.badDigest();
    if (match[1] !== 'sha-256') continue; // other algorithms are allowed and ignored
    const digest = Buffer.from(match[2] as string, 'base64');
    if (digest.length !== 32 || found !== undefined) throw intakeErrors.badDigest();
    found = digest;
  }
  return found;
}

/** Passes the source through, and throws DIGEST_MISMATCH at its end if the bytes do not match. */
export async function* checkedAgainst(
  source: AsyncIterable<Uint8Array>,
  expected: Buffer | undefined,
): AsyncGenerator<Uint8Array> {
  if (expected === undefined) {
    yield* source;
    return;
  }
  const hash = createHash('sha256');
  for await (const chunk of source) {
    hash.update(chunk);
    yield chunk;
  }
  if (!hash.digest().equals(expected)) throw intakeErrors.digestMismatch();
}
