// Where proof generation gets its hashes from. The simplest source is a function returning the
// leaf hash at an index: subtree hashes are then recomputed from leaves, O(n) hashes per proof —
// fine for a few thousand entries. A store that keeps the roots of complete subtrees (aligned
// ranges whose size is a power of two, the nodes of the tree) can implement `completeSubtree` and
// make every proof O(log n) hashes, with no change for callers.

import { nodeHash } from './hash.js';
import { isPowerOfTwo, splitPoint } from './sizes.js';

export type LeafHashAccessor = (index: number) => Uint8Array;

export interface HashSource {
  /** The leaf hash (not the entry) at an index below the tree size. */
  leafHash(index: number): Uint8Array;
  /**
   * Optional: the root of the complete subtree of `size` leaves (a power of two) starting at
   * `start` (a multiple of `size`), or undefined if not stored.
   */
  completeSubtree?(start: number, size: number): Uint8Array | undefined;
}

export type HashSourceLike = LeafHashAccessor | HashSource;

export function toHashSource(source: HashSourceLike): HashSource {
  return typeof source === 'function' ? { leafHash: source } : source;
}

/** MTH(D[start:end]) for a non-empty range. */
export function rangeHash(source: HashSource, start: number, end: number): Uint8Array {
  const size = end - start;
  if (size === 1) return source.leafHash(start);
  if (source.completeSubtree && isPowerOfTwo(size) && start % size === 0) {
    const stored = source.completeSubtree(start, size);
    if (stored) return stored;
  }
  const k = splitPoint(size);
  return nodeHash(rangeHash(source, start, start + k), rangeHash(source, start + k, end));
}
