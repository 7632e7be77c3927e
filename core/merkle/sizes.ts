// Integer helpers on tree sizes and indices. Sizes are JavaScript numbers up to 2^53 - 1, so
// halving uses division rather than 32-bit bit operators.

import { ProofInputError } from './errors.js';

export function assertSize(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ProofInputError(`${what} must be a non-negative integer`);
}

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

export function half(n: number): number {
  return Math.floor(n / 2);
}

export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}
