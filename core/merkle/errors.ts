// Typed failures of Merkle proof verification. Messages carry only sizes and indices (public data).

export type ProofErrorCode =
  | 'PROOF_BAD_INPUT'
  | 'PROOF_INDEX_OUT_OF_RANGE'
  | 'PROOF_SIZE_ORDER'
  | 'PROOF_WRONG_LENGTH'
  | 'PROOF_ROOT_MISMATCH';

export class ProofError extends Error {
  readonly code: ProofErrorCode;
  constructor(code: ProofErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'ProofError';
  }
}

/** A hash of the wrong length, a negative or non-integer size or index. */
export class ProofInputError extends ProofError {
  constructor(message: string) {
    super('PROOF_BAD_INPUT', message);
    this.name = 'ProofInputError';
  }
}

/** Leaf index not below the tree size. */
export class ProofIndexError extends ProofError {
  constructor(message: string) {
    super('PROOF_INDEX_OUT_OF_RANGE', message);
    this.name = 'ProofIndexError';
  }
}

/** Consistency between a larger old tree and a smaller new one (the log shrank). */
export class ProofSizeOrderError extends ProofError {
  constructor(message: string) {
    super('PROOF_SIZE_ORDER', message);
    this.name = 'ProofSizeOrderError';
  }
}

/** The proof has too few or too many hashes for the claimed index and sizes. */
export class ProofLengthError extends ProofError {
  constructor(message: string) {
    super('PROOF_WRONG_LENGTH', message);
    this.name = 'ProofLengthError';
  }
}

/** The proof recomputes to a different root than the one expected. */
export class RootMismatchError extends ProofError {
  constructor(message: string) {
    super('PROOF_ROOT_MISMATCH', message);
    this.name = 'RootMismatchError';
  }
}
