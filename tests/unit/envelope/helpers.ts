// Shared test helpers for the envelope tests.
import { concatBytes } from '../../../core/bytes.js';
import type { Identity } from '../../../core/envelope/index.js';
import type { Sodium } from '../../../core/sodium.js';

export function makeIdentity(sodium: Sodium): Identity {
  const kp = sodium.crypto_box_keypair();
  return { x25519PublicKey: kp.publicKey, x25519SecretKey: kp.privateKey };
}

export function pattern(size: number, salt = 7): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (31 * i + salt) & 0xff;
  return out;
}

/** Splits bytes into pieces of the given sizes (cycling), for streaming tests. */
export function splitBy(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const n = Math.max(1, sizes[i++ % sizes.length] as number);
    out.push(bytes.slice(offset, offset + n));
    offset += n;
  }
  return out;
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return concatBytes(...parts);
}

export function streamOf(pieces: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(pieces[i++] as Uint8Array);
      else controller.close();
    },
  });
}

export async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return concatBytes(...parts);
}
