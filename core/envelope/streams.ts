// Web-stream and async-iterable adapters over the push-style Encryptor and Decryptor.
import type { Sodium } from '../sodium.js';
import { type DecryptOptions, Decryptor, type Identity } from './decrypt.js';
import { createEnvelope, type EncryptOptions, Encryptor, type EnvelopePlan } from './encrypt.js';
import type { Manifest } from './manifest.js';

function pump(controller: TransformStreamDefaultController<Uint8Array>, pieces: Uint8Array[]): void {
  for (const piece of pieces) controller.enqueue(piece);
}

/** TransformStream from plaintext to envelope bytes. `plan` exposes the header, size and file key. */
export class EncryptStream extends TransformStream<Uint8Array, Uint8Array> {
  readonly plan: EnvelopePlan;
  constructor(sodium: Sodium, options: EncryptOptions | { plan: EnvelopePlan }) {
    const plan = 'plan' in options ? options.plan : createEnvelope(sodium, options);
    const encryptor = new Encryptor(plan);
    super({
      transform: (chunk, controller) => pump(controller, encryptor.push(chunk)),
      flush: (controller) => pump(controller, encryptor.finish()),
    });
    this.plan = plan;
  }
}

/** TransformStream from envelope bytes to plaintext. `manifest` resolves once the manifest is authenticated. */
export class DecryptStream extends TransformStream<Uint8Array, Uint8Array> {
  readonly manifest: Promise<Manifest>;
  constructor(sodium: Sodium, identity: Identity, options: DecryptOptions = {}) {
    const decryptor = new Decryptor(sodium, identity, options);
    let resolve!: (m: Manifest) => void;
    let reject!: (e: unknown) => void;
    const manifest = new Promise<Manifest>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    manifest.catch(() => {}); // callers who never look at it must not see an unhandled rejection
    const guarded = (fn: () => Uint8Array[], controller: TransformStreamDefaultController<Uint8Array>) => {
      try {
        pump(controller, fn());
        if (decryptor.manifest) resolve(decryptor.manifest);
      } catch (error) {
        reject(error);
        throw error;
      }
    };
    super({
      transform: (chunk, controller) => guarded(() => decryptor.push(chunk), controller),
      flush: (controller) => guarded(() => decryptor.finish(), controller),
    });
    this.manifest = manifest;
  }
}

/** Encrypts an async iterable of plaintext pieces; yields envelope bytes. */
export async function* encryptIterable(
  sodium: Sodium,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: EncryptOptions | { plan: EnvelopePlan },
): AsyncGenerator<Uint8Array> {
  const plan = 'plan' in options ? options.plan : createEnvelope(sodium, options);
  const encryptor = new Encryptor(plan);
  for await (const piece of source) yield* encryptor.push(piece);
  yield* encryptor.finish();
}

/** Decrypts an async iterable of envelope pieces; yields plaintext. `onManifest` runs before any plaintext. */
export async function* decryptIterable(
  sodium: Sodium,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  identity: Identity,
  options: DecryptOptions & { onManifest?: (manifest: Manifest) => void } = {},
): AsyncGenerator<Uint8Array> {
  const decryptor = new Decryptor(sodium, identity, options);
  let announced = false;
  for await (const piece of source) {
    const out = decryptor.push(piece);
    if (!announced && decryptor.manifest) {
      announced = true;
      options.onManifest?.(decryptor.manifest);
    }
    yield* out;
  }
  yield* decryptor.finish();
}
