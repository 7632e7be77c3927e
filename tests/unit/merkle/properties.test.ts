// Property tests over random trees: every proof the generator makes verifies, and any alteration of
// the leaf, a sibling, the index, a size or a root is rejected with a ProofError.
import fc from 'fast-check';
import { toHex, utf8 } from '../../../core/bytes.js';
import {
  consistencyProof,
  type HashSource,
  inclusionProof,
  leafHash,
  MemoryTree,
  ProofError,
  rootFromLeafHashes,
  rootOfSize,
  verifyConsistency,
  verifyInclusion,
} from '../../../core/merkle/index.js';

const makeLeaves = (count: number, seed: number): Uint8Array[] =>
  Array.from({ length: count }, (_, i) => leafHash(utf8(`entry ${seed}/${i}`)));

const flipBit = (hash: Uint8Array, bit: number): Uint8Array => {
  const copy = hash.slice();
  copy[(bit >> 3) % copy.length] = (copy[(bit >> 3) % copy.length] as number) ^ (1 << (bit & 7));
  return copy;
};

const rejects = (run: () => unknown): void => {
  expect(run).toThrow(ProofError);
};

/** Roots of every prefix 0..n of `leaves`, computed independently of proof generation. */
const prefixRoots = (leaves: Uint8Array[]): Uint8Array[] =>
  Array.from({ length: leaves.length + 1 }, (_, n) => rootFromLeafHashes(leaves.slice(0, n)));

describe('inclusion proofs', () => {
  test('every leaf of every tree size 1..40 verifies; other indices and sizes do not', () => {
    const leaves = makeLeaves(82, 1);
    const roots = prefixRoots(leaves);
    const get = (i: number) => leaves[i] as Uint8Array;
    for (let n = 1; n <= 40; n++) {
      const root = roots[n] as Uint8Array;
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(i, n, get);
        expect(verifyInclusion(get(i), i, n, proof, root)).toBe(true);
        for (let j = 0; j < n; j++) if (j !== i) rejects(() => verifyInclusion(get(i), j, n, proof, root));
        // Another size with that tree's genuine root (the size and root come from one checkpoint).
        for (const other of [n - 1, n + 1, n + 2, 2 * n]) {
          if (other < 1 || other > 82 || other === n) continue;
          rejects(() => verifyInclusion(get(i), i, other, proof, roots[other] as Uint8Array));
        }
        rejects(() => verifyInclusion(get(i), i, n, proof, flipBit(root, i)));
        rejects(() => verifyInclusion(get(i), n, n, proof, root));
      }
    }
  });

  test('random trees up to 400 leaves: any altered leaf, sibling, index or size fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 255 }),
        fc.integer({ min: 1, max: 400 }),
        (n, rawIndex, seed, bit, otherSize) => {
          const leaves = makeLeaves(Math.max(n, otherSize), seed);
          const get = (i: number) => leaves[i] as Uint8Array;
          const index = rawIndex % n;
          const root = rootOfSize(n, get);
          const proof = inclusionProof(index, n, get);
          expect(verifyInclusion(get(index), index, n, proof, root)).toBe(true);
          rejects(() => verifyInclusion(flipBit(get(index), bit), index, n, proof, root));
          if (n > 1) rejects(() => verifyInclusion(get((index + 1) % n), index, n, proof, root));
          proof.forEach((sibling, k) => {
            const altered = proof.map((h, m) => (m === k ? flipBit(sibling, bit) : h));
            rejects(() => verifyInclusion(get(index), index, n, altered, root));
          });
          rejects(() => verifyInclusion(get(index), index, n, [...proof, root], root));
          if (proof.length > 0) rejects(() => verifyInclusion(get(index), index, n, proof.slice(1), root));
          if (n > 1)
            rejects(() =>
              verifyInclusion(get(index), (index + 1 + (rawIndex % (n - 1))) % n, n, proof, root),
            );
          if (otherSize !== n && index < otherSize) {
            rejects(() => verifyInclusion(get(index), index, otherSize, proof, rootOfSize(otherSize, get)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('the tree size alone is not bound by a proof: it must come from the same signed checkpoint', () => {
    // RFC 6962 behaviour, documented in docs/LOG.md: leaf 0's path in a tree of 5 has the same shape
    // as in a tree of 6, so only the (size, root) pair of a verified checkpoint makes the claim.
    const leaves = makeLeaves(6, 2);
    const get = (i: number) => leaves[i] as Uint8Array;
    const proof5 = inclusionProof(0, 5, get);
    expect(verifyInclusion(get(0), 0, 6, proof5, rootOfSize(5, get))).toBe(true);
    rejects(() => verifyInclusion(get(0), 0, 6, proof5, rootOfSize(6, get)));
  });

  test('bad inputs are typed errors, not crashes', () => {
    const leaves = makeLeaves(4, 3);
    const get = (i: number) => leaves[i] as Uint8Array;
    const root = rootOfSize(4, get);
    const proof = inclusionProof(1, 4, get);
    const codes = (run: () => unknown): string => {
      try {
        run();
      } catch (error) {
        return (error as ProofError).code;
      }
      return 'no error';
    };
    expect(codes(() => verifyInclusion(get(1), 4, 4, proof, root))).toBe('PROOF_INDEX_OUT_OF_RANGE');
    expect(codes(() => verifyInclusion(get(1), -1, 4, proof, root))).toBe('PROOF_BAD_INPUT');
    expect(codes(() => verifyInclusion(get(1), 1.5, 4, proof, root))).toBe('PROOF_BAD_INPUT');
    expect(codes(() => verifyInclusion(get(1), 1, 0, [], root))).toBe('PROOF_INDEX_OUT_OF_RANGE');
    expect(codes(() => verifyInclusion(get(1).subarray(1), 1, 4, proof, root))).toBe('PROOF_BAD_INPUT');
    expect(codes(() => verifyInclusion(get(1), 1, 4, [...proof, root], root))).toBe('PROOF_WRONG_LENGTH');
    expect(codes(() => verifyInclusion(get(1), 1, 4, proof.slice(1), root))).toBe('PROOF_WRONG_LENGTH');
    expect(codes(() => verifyInclusion(get(2), 1, 4, proof, root))).toBe('PROOF_ROOT_MISMATCH');
    expect(codes(() => inclusionProof(4, 4, get))).toBe('PROOF_INDEX_OUT_OF_RANGE');
    expect(codes(() => verifyInclusion(get(1), 1, 4, proof, root))).toBe('no error');
  });
});

describe('consistency proofs', () => {
  test('every pair of sizes 0 ≤ m ≤ n ≤ 64 is consistent; altered proofs, roots and sizes fail', () => {
    const leaves = makeLeaves(66, 4);
    const roots = prefixRoots(leaves);
    const get = (i: number) => leaves[i] as Uint8Array;
    for (let n = 0; n <= 64; n++) {
      for (let m = 0; m <= n; m++) {
        const proof = consistencyProof(m, n, get);
        const rootM = roots[m] as Uint8Array;
        const rootN = roots[n] as Uint8Array;
        expect(verifyConsistency(m, n, proof, rootM, rootN)).toBe(true);
        if (m === 0) continue; // every tree extends the empty tree
        rejects(() => verifyConsistency(m, n, proof, flipBit(rootM, m), rootN));
        rejects(() => verifyConsistency(m, n, proof, rootM, flipBit(rootN, n)));
        proof.forEach((hash, k) => {
          rejects(() =>
            verifyConsistency(
              m,
              n,
              proof.map((h, j) => (j === k ? flipBit(hash, 7) : h)),
              rootM,
              rootN,
            ),
          );
        });
        if (proof.length > 0) {
          rejects(() => verifyConsistency(m, n, proof.slice(0, -1), rootM, rootN));
          rejects(() => verifyConsistency(m, n, [...proof, rootN], rootM, rootN));
        }
        // Claiming other sizes with those trees' genuine roots.
        for (const otherM of [m - 1, m + 1]) {
          if (otherM < 1 || otherM > n || otherM === m) continue;
          rejects(() => verifyConsistency(otherM, n, proof, roots[otherM] as Uint8Array, rootN));
        }
        for (const otherN of [n - 1, n + 1]) {
          if (otherN < m || otherN > 65 || otherN === n) continue;
          rejects(() => verifyConsistency(m, otherN, proof, rootM, roots[otherN] as Uint8Array));
        }
        // A different history of the same size (one leaf rewritten) is not consistent.
        if (m < n) {
          const forged = leaves.slice(0, n);
          forged[m - 1] = flipBit(forged[m - 1] as Uint8Array, 0);
          rejects(() => verifyConsistency(m, n, proof, rootM, rootFromLeafHashes(forged)));
        }
      }
    }
  });

  test('sampled pairs up to 300 leaves', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.nat(),
        fc.nat(),
        fc.nat({ max: 255 }),
        (n, rawM, seed, bit) => {
          const leaves = makeLeaves(n, seed);
          const get = (i: number) => leaves[i] as Uint8Array;
          const m = 1 + (rawM % n);
          const proof = consistencyProof(m, n, get);
          const rootM = rootOfSize(m, get);
          const rootN = rootOfSize(n, get);
          expect(verifyConsistency(m, n, proof, rootM, rootN)).toBe(true);
          rejects(() => verifyConsistency(m, n, proof, flipBit(rootM, bit), rootN));
          rejects(() => verifyConsistency(m, n, proof, rootM, flipBit(rootN, bit)));
          if (proof.length > 0) {
            const k = bit % proof.length;
            rejects(() =>
              verifyConsistency(
                m,
                n,
                proof.map((h, j) => (j === k ? flipBit(h, bit) : h)),
                rootM,
                rootN,
              ),
            );
          }
          if (m < n) rejects(() => verifyConsistency(n, m, proof, rootN, rootM));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('edge cases and error codes', () => {
    const leaves = makeLeaves(8, 5);
    const get = (i: number) => leaves[i] as Uint8Array;
    const root3 = rootOfSize(3, get);
    const root8 = rootOfSize(8, get);
    expect(consistencyProof(3, 3, get)).toEqual([]);
    expect(consistencyProof(0, 8, get)).toEqual([]);
    expect(verifyConsistency(3, 3, [], root3, root3)).toBe(true);
    const code = (run: () => unknown) => {
      try {
        run();
        return 'no error';
      } catch (error) {
        return (error as ProofError).code;
      }
    };
    expect(code(() => verifyConsistency(3, 3, [], root3, root8))).toBe('PROOF_ROOT_MISMATCH');
    expect(code(() => verifyConsistency(3, 3, [root3], root3, root3))).toBe('PROOF_WRONG_LENGTH');
    expect(code(() => verifyConsistency(0, 8, [root3], root3, root8))).toBe('PROOF_WRONG_LENGTH');
    expect(code(() => verifyConsistency(8, 3, [], root8, root3))).toBe('PROOF_SIZE_ORDER');
    expect(code(() => consistencyProof(8, 3, get))).toBe('PROOF_SIZE_ORDER');
    expect(code(() => verifyConsistency(3, 8, [], root3, root8))).toBe('PROOF_WRONG_LENGTH');
    expect(code(() => verifyConsistency(3, 8, consistencyProof(3, 8, get), root3, root8))).toBe('no error');
  });
});

describe('hash sources', () => {
  test('MemoryTree gives the same roots and proofs with O(log n) lookups', () => {
    const leaves = makeLeaves(300, 6);
    const tree = new MemoryTree();
    for (const leaf of leaves) tree.append(leaf);
    expect(tree.size).toBe(300);
    let lookups = 0;
    const counted: HashSource = {
      leafHash: (i) => {
        lookups++;
        return tree.leafHash(i);
      },
      completeSubtree: (start, size) => {
        lookups++;
        return tree.completeSubtree(start, size);
      },
    };
    const get = (i: number) => leaves[i] as Uint8Array;
    for (const n of [1, 2, 3, 5, 64, 100, 255, 256, 257, 300]) {
      expect(toHex(tree.root(n))).toBe(toHex(rootFromLeafHashes(leaves.slice(0, n))));
      for (const i of [0, Math.floor(n / 2), n - 1]) {
        lookups = 0;
        expect(inclusionProof(i, n, counted).map(toHex)).toEqual(inclusionProof(i, n, get).map(toHex));
        expect(lookups).toBeLessThanOrEqual(4 * Math.ceil(Math.log2(n + 1)) + 2);
      }
      for (const m of [1, Math.ceil(n / 3), n]) {
        lookups = 0;
        expect(consistencyProof(m, n, counted).map(toHex)).toEqual(consistencyProof(m, n, get).map(toHex));
        expect(lookups).toBeLessThanOrEqual(4 * Math.ceil(Math.log2(n + 1)) + 2);
      }
    }
  });
});
