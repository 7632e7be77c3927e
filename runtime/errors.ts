// Base for every error Kuä raises on purpose: a stable machine-readable code, a message that never
// carries plaintext, keys, file names, passphrases or request origins.
export class KuaError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
