import { describe, expect, it } from '@jest/globals';
import { fromBase64 } from '../../../core/base64.js';
import { fromUtf8 } from '../../../core/bytes.js';
import {
  challengeResponseSchema,
  LOGIN_DOMAIN,
  loginMessage,
  loginRequestSchema,
  loginResponseSchema,
} from '../../../core/contracts/index.js';
import { DEFAULT_LOGIN_DELAY, failureDelayMs } from '../../../server/reviewer/throttle.js';
import { bearerToken } from '../../../server/reviewer/tokens.js';

describe('failed-login delay', () => {
  it('is 0.25 s doubling to a 5 s cap by default', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 100, 1e9].map((n) => failureDelayMs(n, DEFAULT_LOGIN_DELAY))).toEqual([
      0, 250, 500, 1000, 2000, 4000, 5000, 5000, 5000, 5000,
    ]);
  });
});

describe('login contract', () => {
  it('signs the domain followed by the raw nonce bytes', () => {
    const nonce = Uint8Array.from({ length: 32 }, (_, i) => i);
    const message = loginMessage(nonce);
    expect(LOGIN_DOMAIN).toBe('kua/v1 reviewer login\n');
    expect(fromUtf8(message.subarray(0, LOGIN_DOMAIN.length))).toBe(LOGIN_DOMAIN);
    expect(message.subarray(LOGIN_DOMAIN.length)).toEqual(nonce);
    expect(message.length).toBe(LOGIN_DOMAIN.length + 32);
  });

  it('accepts only canonical base64 of the right lengths', () => {
    const nonce = Buffer.alloc(32, 7).toString('base64');
    const signature = Buffer.alloc(64, 9).toString('base64');
    const fingerprint = 'a'.repeat(32);
    expect(loginRequestSchema.safeParse({ fingerprint, nonce, signature }).success).toBe(true);
    expect(fromBase64(nonce).length).toBe(32);
    for (const bad of [
      { fingerprint: 'A'.repeat(32), nonce, signature },
      { fingerprint, nonce: Buffer.alloc(31).toString('base64'), signature },
      { fingerprint, nonce: `${nonce.slice(0, 42)}B=`, signature }, // non-canonical last character
      { fingerprint, nonce, signature: Buffer.alloc(63).toString('base64') },
      { fingerprint, nonce, signature, extra: 1 },
    ]) {
      expect(loginRequestSchema.safeParse(bad).success).toBe(false);
    }
    expect(challengeResponseSchema.safeParse({ nonce, expiresAt: '2026-01-01T00:00:00.000Z' }).success).toBe(
      true,
    );
    expect(
      loginResponseSchema.safeParse({
        token: Buffer.alloc(32, 1).toString('base64url'),
        expiresAt: '2026-01-01T00:00:00.000Z',
      }).success,
    ).toBe(true);
  });

  it('reads only well-formed bearer tokens', () => {
    const token = Buffer.alloc(32, 3).toString('base64url');
    expect(bearerToken(`Bearer ${token}`)).toBe(token);
    expect(bearerToken(`bearer ${token}`)).toBe(token); // the scheme is case-insensitive
    expect(bearerToken(`Bearer ${token}x`)).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic abc')).toBeUndefined();
  });
});
