// Reproduces the transparency-dev/merkle test vectors (tests/fixtures/merkle/README.md): the RFC 6962
// reference roots, and inclusion/consistency proofs, happy paths verified and every mutation rejected.
import { readFileSync } from 'node:fs';
import { fromBase64 } from '../../../core/base64.js';
import { fromHex, toHex } from '../../../core/bytes.js';
import {
  consistencyProof,
  emptyRoot,
  inclusionProof,
  leafHash,
  ProofError,
  rootFromLeafHashes,
  rootOfSize,
  verifyConsistency,
  verifyInclusion,
} from '../../../core/merkle/index.js';

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../fixtures/merkle/${name}`, import.meta.url), 'utf8')) as T;

interface InclusionVector {
  source: string;
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}
interface ConsistencyVector {
  source: string;
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

const reference = fixture<{ leavesHex: string[]; rootsHex: string[] }>('rfc6962-reference.json');
const leaves = reference.leavesHex.map((hex) => leafHash(fromHex(hex)));
const inclusion = fixture<InclusionVector[]>('inclusion.json');
const consistency = fixture<ConsistencyVector[]>('consistency.json');
const proofOf = (proof: string[] | null) => (proof ?? []).map(fromBase64);

describe('RFC 6962 reference tree (transparency-dev/merkle testonly)', () => {
  test('roots of sizes 0..8', () => {
    expect(toHex(emptyRoot())).toBe(reference.rootsHex[0]);
    for (let size = 0; size <= leaves.length; size++) {
      expect(toHex(rootFromLeafHashes(leaves.slice(0, size)))).toBe(reference.rootsHex[size]);
      expect(toHex(rootOfSize(size, (i) => leaves[i] as Uint8Array))).toBe(reference.rootsHex[size]);
    }
  });

  test('generated proofs equal the published ones', () => {
    const get = (i: number) => leaves[i] as Uint8Array;
    for (const v of inclusion.filter((x) => !x.wantErr)) {
      // Every published happy-path inclusion vector is over the reference leaves.
      expect(toHex(get(v.leafIdx))).toBe(toHex(fromBase64(v.leafHash)));
      expect(inclusionProof(v.leafIdx, v.treeSize, get).map(toHex)).toEqual(proofOf(v.proof).map(toHex));
    }
    for (const v of consistency.filter((x) => !x.wantErr)) {
      expect(consistencyProof(v.size1, v.size2, get).map(toHex)).toEqual(proofOf(v.proof).map(toHex));
    }
  });
});

describe('inclusion vectors', () => {
  test.each(inclusion.map((v) => [v.source, v] as const))('%s', (_source, v) => {
    const run = () =>
      verifyInclusion(fromBase64(v.leafHash), v.leafIdx, v.treeSize, proofOf(v.proof), fromBase64(v.root));
    if (v.wantErr) expect(run).toThrow(ProofError);
    else expect(run()).toBe(true);
  });

  test('there are happy paths and mutations', () => {
    expect(inclusion.filter((v) => v.wantErr).length).toBeGreaterThan(10);
    expect(inclusion.filter((v) => !v.wantErr).length).toBeGreaterThan(4);
  });
});

describe('consistency vectors', () => {
  test.each(consistency.map((v) => [v.source, v] as const))('%s', (_source, v) => {
    const run = () =>
      verifyConsistency(v.size1, v.size2, proofOf(v.proof), fromBase64(v.root1), fromBase64(v.root2));
    if (v.wantErr) expect(run).toThrow(ProofError);
    else expect(run()).toBe(true);
  });

  test('there are happy paths and mutations', () => {
    expect(consistency.filter((v) => v.wantErr).length).toBeGreaterThan(10);
    expect(consistency.filter((v) => !v.wantErr).length).toBeGreaterThan(4);
  });
});

// The corruptions transparency-dev/merkle generates for its vectors, applied to every happy path
// (the committed files above are a sample of them): all must be rejected.
describe('every corruption of every happy-path vector fails', () => {
  const random = fromBase64('q6yroAAAAAAAAAAAAAAAAAAAAAAAAAAAAGAGHgASNFY=');
  const flip = (hash: Uint8Array, mask: number) => {
    const copy = hash.slice();
    copy[0] = (copy[0] as number) ^ mask;
    return copy;
  };

  test.each(inclusion.filter((v) => !v.wantErr).map((v) => [v.source, v] as const))('%s', (_source, v) => {
    const leaf = fromBase64(v.leafHash);
    const root = fromBase64(v.root);
    const proof = proofOf(v.proof);
    const i = v.leafIdx;
    const n = v.treeSize;
    const cases: [Uint8Array, number, number, Uint8Array[], Uint8Array][] = [
      [leaf, i - 1, n, proof, root],
      [leaf, i + 1, n, proof, root],
      [leaf, i ^ 2, n, proof, root],
      [leaf, i, Math.floor(n / 2), proof, root],
      [leaf, i, n * 2, proof, root],
      [flip(leaf, 8), i, n, proof, root],
      [leaf, i, n, proof, emptyRoot()],
      [leaf, i, n, proof, random],
      [leaf, i, n, [...proof, random], root],
      [leaf, i, n, [random, ...proof], root],
      [leaf, i, n, [...proof, root], root],
      [leaf, i, n, [root, ...proof], root],
      ...proof.map((_, k): [Uint8Array, number, number, Uint8Array[], Uint8Array] => [
        leaf,
        i,
        n,
        proof.map((h, j) => (j === k ? flip(h, 8) : h)),
        root,
      ]),
    ];
    if (proof.length > 0) cases.push([leaf, i, n, proof.slice(0, -1), root]);
    for (const [l, index, size, p, r] of cases)
      expect(() => verifyInclusion(l, index, size, p, r)).toThrow(ProofError);
  });

  test.each(consistency.filter((v) => !v.wantErr && v.size1 < v.size2).map((v) => [v.source, v] as const))(
    '%s',
    (_source, v) => {
      const r1 = fromBase64(v.root1);
      const r2 = fromBase64(v.root2);
      const proof = proofOf(v.proof);
      const m = v.size1;
      const n = v.size2;
      const cases: [number, number, Uint8Array[], Uint8Array, Uint8Array][] = [
        [m - 1, n, proof, r1, r2],
        [m + 1, n, proof, r1, r2],
        [m ^ 2, n, proof, r1, r2],
        [m, n * 2, proof, r1, r2],
        [m, Math.floor(n / 2), proof, r1, r2],
        [m, n, [], r1, r2],
        [m, n, proof.slice(0, -1), r1, r2],
        [m, n, proof, r2, r1],
        [m, n, proof, flip(r1, 16), r2],
        [m, n, proof, r1, flip(r2, 16)],
        [m, n, [...proof, random], r1, r2],
        [m, n, [random, ...proof], r1, r2],
        [m, n, [r1, ...proof], r1, r2],
        [m, n, [...proof, r1], r1, r2],
        [m, n, [r2, ...proof], r1, r2],
        [m, n, [...proof, r2], r1, r2],
        ...proof.map((_, k): [number, number, Uint8Array[], Uint8Array, Uint8Array] => [
          m,
          n,
          proof.map((h, j) => (j === k ? flip(h, 16) : h)),
          r1,
          r2,
        ]),
      ];
      for (const [a, b, p, x, y] of cases) {
        if (a === m && b === n && p === proof && x === r1 && y === r2) continue;
        expect(() => verifyConsistency(a, b, p, x, y)).toThrow(ProofError);
      }
    },
  );
});
