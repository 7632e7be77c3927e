// Typed envelope errors. Messages never contain key material, plaintext, names or sizes of the content.

export class EnvelopeError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The input does not start with "kua-env\0": not an envelope at all. */
export class BadMagicError extends EnvelopeError {
  constructor() {
    super('ENVELOPE_BAD_MAGIC', 'not a kua envelope (bad magic)');
  }
}

export class UnsupportedVersionError extends EnvelopeError {
  readonly version: number;
  constructor(version: number) {
    super('ENVELOPE_UNSUPPORTED_VERSION', `unsupported envelope version ${version}`);
    this.version = version;
  }
}

export class MalformedHeaderError extends EnvelopeError {
  constructor(detail: string) {
    super('ENVELOPE_MALFORMED_HEADER', `malformed envelope header: ${detail}`);
  }
}

/** Deliberately one error for "not for this key" and "header forged": the caller learns nothing more. */
export class DecryptionError extends EnvelopeError {
  constructor() {
    super('ENVELOPE_DECRYPTION_FAILED', 'no matching recipient or header authentication failed');
  }
}

export class ManifestAuthenticationError extends EnvelopeError {
  constructor() {
    super('ENVELOPE_MANIFEST_AUTH', 'envelope manifest failed authentication');
  }
}

export class MalformedManifestError extends EnvelopeError {
  constructor(detail: string) {
    super('ENVELOPE_MALFORMED_MANIFEST', `malformed envelope manifest: ${detail}`);
  }
}

export class ChunkAuthenticationError extends EnvelopeError {
  readonly index: number;
  constructor(index: number) {
    super('ENVELOPE_CHUNK_AUTH', `payload chunk ${index} failed authentication`);
    this.index = index;
  }
}

/** The envelope ended before its last chunk (or before the header or manifest was complete). */
export class TruncatedError extends EnvelopeError {
  constructor() {
    super('ENVELOPE_TRUNCATED', 'envelope is truncated');
  }
}

/** Bytes follow the last chunk. */
export class TrailingDataError extends EnvelopeError {
  constructor() {
    super('ENVELOPE_TRAILING_DATA', 'data after the last chunk of the envelope');
  }
}

/** Encryption: the plaintext stream was longer or shorter than the size declared in the manifest. */
export class SizeMismatchError extends EnvelopeError {
  constructor() {
    super('ENVELOPE_SIZE_MISMATCH', 'plaintext length differs from the declared size');
  }
}

/** A caller passed something the format cannot represent (no recipients, bad key length, …). */
export class InvalidEnvelopeArgumentError extends EnvelopeError {
  constructor(detail: string) {
    super('ENVELOPE_INVALID_ARGUMENT', `invalid envelope argument: ${detail}`);
  }
}
