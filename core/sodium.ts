// The one libsodium the platform-neutral core uses (WebAssembly; runs unchanged in browsers and Node).
// Node-only code that needs the sumo build (Argon2id) imports libsodium-wrappers-sumo itself.
import sodium from 'libsodium-wrappers';

export type Sodium = typeof sodium;

let loaded: Promise<Sodium> | undefined;

/** Resolves once libsodium's WebAssembly is ready; call before any other core crypto. */
export function readySodium(): Promise<Sodium> {
  loaded ??= sodium.ready.then(() => sodium);
  return loaded;
}
