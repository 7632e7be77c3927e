// Consistency proofs: RFC 9162 §2.1.4.1 (generation, SUBPROOF) and §2.1.4.2 (verification).
// Edge cases follow transparency-dev/merkle: m = n and m = 0 take an empty proof; for m = n the
// roots must be equal, for m = 0 any tree is consistent with the empty one.

import { equalBytes } from '../bytes.js';
import { ProofLengthError, ProofSizeOrderError, RootMismatchError } from './errors.js';
import { nodeHash } from './hash.js';
import { assertHash } from './inclusion.js';
import { assertSize, half, isOdd, isPowerOfTwo, splitPoint } from './sizes.js';
import { type HashSource, type HashSourceLike, rangeHash, toHashSource } from './source.js';

/** Proof that the tree of the first `m` leaves is a prefix of the tree of the first `n` leaves. */
export function consistencyProof(m: number, n: number, source: HashSourceLike): Uint8Array[] {
  assertSize(m, 'old tree size');
  assertSize(n, 'new tree size');
  if (m > n) throw new ProofSizeOrderError('old tree size is larger than the new tree size');
  const proof: Uint8Array[] = [];
  if (m === 0 || m === n) return proof;
  subproof(toHashSource(source), m, 0, n, true, proof);
  return proof;
}

// SUBPROOF(m, D[start:end], b) appended to `out`.
function subproof(
  source: HashSource,
  m: number,
  start: number,
  end: number,
  complete: boolean,
  out: Uint8Array[],
): void {
  const n = end - start;
  if (m === n) {
    if (!complete) out.push(rangeHash(source, start, end));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(source, m, start, start + k, complete, out);
    out.push(rangeHash(source, start + k, end));
  } else {
    subproof(source, m - k, start + k, end, false, out);
    out.push(rangeHash(source, start, start + k));
  }
}

/**
 * Checks that `rootN` (tree of size n) extends `rootM` (tree of size m ≤ n).
 * Returns true, or throws a ProofError (never returns false).
 */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly Uint8Array[],
  rootM: Uint8Array,
  rootN: Uint8Array,
): true {
  assertSize(m, 'old tree size');
  assertSize(n, 'new tree size');
  assertHash(rootM, 'old root');
  assertHash(rootN, 'new root');
  for (const hash of proof) assertHash(hash, 'proof hash');
  if (m > n) throw new ProofSizeOrderError('old tree size is larger than the new tree size');
  if (m === n) {
    if (proof.length > 0) throw new ProofLengthError('consistency proof between equal sizes must be empty');
    if (!equalBytes(rootM, rootN)) throw new RootMismatchError('roots of equal-size trees differ');
    return true;
  }
  if (m === 0) {
    if (proof.length > 0) throw new ProofLengthError('consistency proof from the empty tree must be empty');
    return true;
  }
  if (proof.length === 0) throw new ProofLengthError('consistency proof is empty');
  const path = isPowerOfTwo(m) ? [rootM, ...proof] : [...proof];
  let fn = m - 1;
  let sn = n - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (let i = 1; i < path.length; i++) {
    const c = path[i] as Uint8Array;
    if (sn === 0) throw new ProofLengthError('consistency proof is too long');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofLengthError('consistency proof is too short');
  if (!equalBytes(fr, rootM)) throw new RootMismatchError('consistency proof does not lead to the old root');
  if (!equalBytes(sr, rootN)) throw new RootMismatchError('consistency proof does not lead to the new root');
  return true;
}
