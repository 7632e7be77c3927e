// Does any captured byte string contain any 64-byte window of a secret? Rolling hashes of every window
// of the secrets go into a set; every window of every body is looked up. Two independent 31/21-bit
// polynomial hashes make a false match practically impossible; a hit is confirmed byte for byte.
const W = 64;
const P1 = 2_147_483_647;
const P2 = 1_000_000_007;
const B1 = 257;
const B2 = 263;

function powMod(base: number, exp: number, mod: number): number {
  let r = 1;
  for (let i = 0; i < exp; i++) r = (r * base) % mod;
  return r;
}
const POW1 = powMod(B1, W - 1, P1);
const POW2 = powMod(B2, W - 1, P2);

function* windowHashes(bytes: Uint8Array): Generator<[number, number]> {
  if (bytes.length < W) return;
  let h1 = 0;
  let h2 = 0;
  for (let i = 0; i < W; i++) {
    h1 = (h1 * B1 + (bytes[i] as number)) % P1;
    h2 = (h2 * B2 + (bytes[i] as number)) % P2;
  }
  yield [h1 * 2 ** 21 + (h2 % 2 ** 21), 0];
  for (let i = W; i < bytes.length; i++) {
    const out = bytes[i - W] as number;
    h1 = (((((h1 - ((out * POW1) % P1) + P1) % P1) * B1) % P1) + (bytes[i] as number)) % P1;
    h2 = (((((h2 - ((out * POW2) % P2) + P2) % P2) * B2) % P2) + (bytes[i] as number)) % P2;
    yield [h1 * 2 ** 21 + (h2 % 2 ** 21), i - W + 1];
  }
}

export interface Leak {
  body: number;
  offset: number;
}

/** Returns where a body contains a 64-byte window of a secret (secrets shorter than 64 bytes: whole). */
export function findLeaks(secrets: Uint8Array[], bodies: Uint8Array[]): Leak[] {
  // hash -> secret index * 2^32 + offset of the first window with that hash (equal windows share it)
  const index = new Map<number, number>();
  secrets.forEach((secret, s) => {
    for (const [h, at] of windowHashes(secret)) if (!index.has(h)) index.set(h, s * 2 ** 32 + at);
  });
  const leaks: Leak[] = [];
  bodies.forEach((body, b) => {
    for (const [h, at] of windowHashes(body)) {
      const found = index.get(h);
      if (found !== undefined) {
        const s = Math.floor(found / 2 ** 32);
        const sAt = found % 2 ** 32;
        const secret = secrets[s] as Uint8Array;
        if (
          Buffer.compare(
            Buffer.from(body.subarray(at, at + W)),
            Buffer.from(secret.subarray(sAt, sAt + W)),
          ) === 0
        ) {
          leaks.push({ body: b, offset: at });
        }
      }
    }
    for (const secret of secrets) {
      if (secret.length < W && secret.length > 0 && Buffer.from(body).indexOf(Buffer.from(secret)) >= 0) {
        leaks.push({ body: b, offset: Buffer.from(body).indexOf(Buffer.from(secret)) });
      }
    }
  });
  return leaks;
}
