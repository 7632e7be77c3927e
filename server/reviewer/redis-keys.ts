// Where the reviewer API keeps its state in Redis. Nothing here names a request's origin: nonces and
// tokens map to the reviewer's signing-key fingerprint, failures are one global counter.
export const DEFAULT_REVIEWER_KEY_PREFIX = 'kua:reviewer:';

export interface ReviewerKeys {
  nonce(nonceHex: string): string;
  /** Tokens are stored under the SHA-256 of the token, never the token itself. */
  token(tokenHashHex: string): string;
  loginFailures(): string;
  received(signingFingerprint: string): string;
}

export function reviewerKeys(prefix = DEFAULT_REVIEWER_KEY_PREFIX): ReviewerKeys {
  return {
    nonce: (hex) => `${prefix}nonce:${hex}`,
    token: (hash) => `${prefix}token:${hash}`,
    loginFailures: () => `${prefix}login-failures`,
    received: (fp) => `${prefix}received:${fp}`,
  };
}
