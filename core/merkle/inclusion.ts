// Inclusion proofs: RFC 9162 §2.1.3.1 (generation, PATH) and §2.1.3.2 (verification).

import { equalBytes } from '../bytes.js';
import { ProofIndexError, ProofInputError, ProofLengthError, RootMismatchError } from './errors.js';
import { HASH_LENGTH, nodeHash } from './hash.js';
import { assertSize, half, isOdd, splitPoint } from './sizes.js';
import { type HashSource, type HashSourceLike, rangeHash, toHashSource } from './source.js';

/** The audit path for leaf `index` in the tree of the first `size` leaves, bottom-up. */
export function inclusionProof(index: number, size: number, source: HashSourceLike): Uint8Array[] {
  assertSize(index, 'leaf index');
  assertSize(size, 'tree size');
  if (index >= size) throw new ProofIndexError('leaf index is not below the tree size');
  const proof: Uint8Array[] = [];
  path(toHashSource(source), index, 0, size, proof);
  return proof;
}

// PATH(m, D[start:end]) appended to `out` (deepest sibling first).
function path(source: HashSource, m: number, start: number, end: number, out: Uint8Array[]): void {
  const n = end - start;
  if (n <= 1) return;
  const k = splitPoint(n);
  if (m < k) {
    path(source, m, start, start + k, out);
    out.push(rangeHash(source, start + k, end));
  } else {
    path(source, m - k, start + k, end, out);
    out.push(rangeHash(source, start, start + k));
  }
}

/** The root that `proof` leads to from `leafHash` at `index` in a tree of `size`; throws if the shape is wrong. */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array {
  assertSize(index, 'leaf index');
  assertSize(size, 'tree size');
  assertHash(leafHash, 'leaf hash');
  for (const hash of proof) assertHash(hash, 'proof hash');
  if (index >= size) throw new ProofIndexError('leaf index is not below the tree size');
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw new ProofLengthError('inclusion proof is too long');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofLengthError('inclusion proof is too short');
  return r;
}

/**
 * Checks that `leafHash` is the leaf at `index` of the tree of `size` with root `root`.
 * Returns true, or throws a ProofError (never returns false).
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): true {
  assertHash(root, 'root hash');
  const computed = rootFromInclusionProof(leafHash, index, size, proof);
  if (!equalBytes(computed, root)) throw new RootMismatchError('inclusion proof does not lead to the root');
  return true;
}

export function assertHash(hash: Uint8Array, what: string): void {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_LENGTH) {
    throw new ProofInputError(`${what} must be ${HASH_LENGTH} bytes`);
  }
}
