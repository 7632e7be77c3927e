// Merkle Tree Hash (RFC 9162 §2.1.1) of a list of leaf hashes, in O(n) hashes and O(log n) memory.

import { emptyRoot, nodeHash } from './hash.js';
import { assertSize } from './sizes.js';
import { type HashSourceLike, rangeHash, toHashSource } from './source.js';

/**
 * Root of the tree whose leaves have the given leaf hashes (already prefixed with 0x00 and
 * hashed, as `leafHash` returns). Uses a stack of complete subtree roots, merged right to left.
 */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRoot();
  // stack[i] holds the root of a complete subtree; sizes strictly decrease towards the top.
  const stack: Uint8Array[] = [];
  const sizes: number[] = [];
  for (const hash of hashes) {
    let node = hash;
    let size = 1;
    while (sizes.length > 0 && sizes[sizes.length - 1] === size) {
      node = nodeHash(stack.pop() as Uint8Array, node);
      sizes.pop();
      size *= 2;
    }
    stack.push(node);
    sizes.push(size);
  }
  let root = stack.pop() as Uint8Array;
  while (stack.length > 0) root = nodeHash(stack.pop() as Uint8Array, root);
  return root;
}

/** Root of the first `size` leaves of a source (a leaf-hash accessor or a HashSource). */
export function rootOfSize(size: number, source: HashSourceLike): Uint8Array {
  assertSize(size, 'tree size');
  if (size === 0) return emptyRoot();
  return rangeHash(toHashSource(source), 0, size);
}
