// Positional reads from a file, so structure checks never load a whole video into memory.
import { open } from 'node:fs/promises';

export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export async function withFileSource<T>(path: string, use: (source: ByteSource) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const source: ByteSource = {
      size,
      read: async (offset, length) => {
        const len = Math.max(0, Math.min(length, size - offset));
        const buffer = new Uint8Array(len);
        if (len > 0) await handle.read(buffer, 0, len, offset);
        return buffer;
      },
    };
    return await use(source);
  } finally {
    await handle.close();
  }
}

export function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}
