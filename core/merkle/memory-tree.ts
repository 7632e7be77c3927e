// An in-memory HashSource that keeps every complete subtree root (one level per power of two), so
// appends cost O(log n) hashes amortised and inclusion and consistency proofs O(log n) lookups
// with no hashing of leaves. Memory: about 2n hashes. A durable store can mirror this layout.

import { ProofInputError } from './errors.js';
import { HASH_LENGTH, nodeHash } from './hash.js';
import type { HashSource } from './source.js';
import { rootOfSize } from './tree.js';

export class MemoryTree implements HashSource {
  // levels[h][j] is the root of the complete subtree of 2^h leaves starting at leaf j * 2^h.
  private readonly levels: Uint8Array[][] = [[]];

  constructor(leafHashes: Iterable<Uint8Array> = []) {
    for (const hash of leafHashes) this.append(hash);
  }

  get size(): number {
    return (this.levels[0] as Uint8Array[]).length;
  }

  /** Appends a leaf hash (as returned by `leafHash(entry)`); returns its index. */
  append(leafHash: Uint8Array): number {
    if (leafHash.length !== HASH_LENGTH) throw new ProofInputError('leaf hash must be 32 bytes');
    const index = this.size;
    let node = leafHash;
    let position = index;
    for (let h = 0; ; h++) {
      if (!this.levels[h]) this.levels[h] = [];
      const level = this.levels[h] as Uint8Array[];
      level.push(node);
      if (position % 2 === 0) break;
      node = nodeHash(level[position - 1] as Uint8Array, node);
      position = (position - 1) / 2;
    }
    return index;
  }

  leafHash(index: number): Uint8Array {
    const hash = (this.levels[0] as Uint8Array[])[index];
    if (!hash) throw new ProofInputError('leaf index is not below the tree size');
    return hash;
  }

  completeSubtree(start: number, size: number): Uint8Array | undefined {
    const height = Math.log2(size);
    return this.levels[height]?.[start / size];
  }

  /** The root of the first `size` leaves (default: all). */
  root(size: number = this.size): Uint8Array {
    if (size > this.size) throw new ProofInputError('tree size is larger than the tree');
    return rootOfSize(size, this);
  }
}
