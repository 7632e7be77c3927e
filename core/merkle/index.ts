// The provenance log's Merkle core: RFC 6962/9162 hashing and proofs, C2SP checkpoints.
// Platform-neutral and synchronous (SHA-256 from core/sha256.ts).

export {
  type Checkpoint,
  CheckpointError,
  type CheckpointErrorCode,
  type CheckpointVerifier,
  formatCheckpoint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
} from './checkpoint.js';
export { consistencyProof, verifyConsistency } from './consistency.js';
export {
  ProofError,
  type ProofErrorCode,
  ProofIndexError,
  ProofInputError,
  ProofLengthError,
  ProofSizeOrderError,
  RootMismatchError,
} from './errors.js';
export { emptyRoot, HASH_LENGTH, leafHash, nodeHash } from './hash.js';
export { inclusionProof, rootFromInclusionProof, verifyInclusion } from './inclusion.js';
export { MemoryTree } from './memory-tree.js';
export {
  MAX_SIGNATURES,
  NoteError,
  type NoteErrorCode,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  noteKeyId,
  parseNote,
  signNote,
  verifyNote,
} from './note.js';
export { logOrigin } from './origin.js';
export type { HashSource, HashSourceLike, LeafHashAccessor } from './source.js';
export { rootFromLeafHashes, rootOfSize } from './tree.js';
