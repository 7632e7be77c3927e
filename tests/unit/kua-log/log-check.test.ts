// keys/reviewer/log-check.ts and log-lookup.ts against an in-memory portal: a fetch that answers the
// log API (docs/API.md) from a real core/merkle MemoryTree and checkpoints signed with a real Ed25519
// key, so every proof the client checks is a genuine one, and each test alters one thing.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { toBase64 } from '../../../core/base64.js';
import { encodeLogEntry, type LogEntry, type SanitisedEntry } from '../../../core/contracts/log-entry.js';
import {
  consistencyProof,
  formatCheckpoint,
  inclusionProof,
  leafHash,
  MemoryTree,
  signCheckpoint,
} from '../../../core/merkle/index.js';
import { readySodium, type Sodium } from '../../../core/sodium.js';
import {
  CheckpointInvalidError,
  checkConsistent,
  checkIncluded,
  LogInconsistentError,
  latestConsistentCheckpoint,
  NotIncludedError,
  verifyLogCheckpoint,
} from '../../../keys/reviewer/log-check.js';
import { LogClient } from '../../../keys/reviewer/log-client.js';
import { findFileInLog, NotInLogError } from '../../../keys/reviewer/log-lookup.js';

const ORIGIN = `kua/v1/${'ab'.repeat(16)}`;
const SUB = 'cd'.repeat(16);
const hex = (n: number) => n.toString(16).padStart(64, '0');

let sodium: Sodium;
let key: { publicKey: Uint8Array; privateKey: Uint8Array };

function received(i: number): LogEntry {
  return {
    v: 1,
    kind: 'received',
    submission: SUB,
    index: i,
    intake: { sha256: hex(1000 + i) },
    receivedAt: `2026-01-0${(i % 9) + 1}T10:00:00.000Z`,
  };
}
function sanitised(i: number): SanitisedEntry {
  return {
    v: 1,
    kind: 'sanitised',
    submission: SUB,
    index: i,
    sanitised: { sha256: hex(2000 + i), bytes: 100 + i },
    sealed: { sha256: hex(3000 + i), bytes: 200 + i },
    original: { commitment: hex(4000 + i) },
    tools: [{ name: 'sharp', version: '0.34.0', args: ['--strip'] }],
    processedAt: '2026-01-09T10:00:00.000Z',
  };
}

/** A portal's log: entries as served, the tree built from `leaves` (normally the same entries). */
class FakePortal {
  entries: LogEntry[] = [];
  tree = new MemoryTree();
  signer: { publicKey: Uint8Array; secretKey: Uint8Array } = {
    publicKey: new Uint8Array(),
    secretKey: new Uint8Array(),
  };
  checkpointOverride: string | undefined;
  proofTamper: ((proof: Uint8Array[]) => Uint8Array[]) | undefined;
  urls: string[] = [];

  append(entry: LogEntry): number {
    this.entries.push(entry);
    return this.tree.append(leafHash(encodeLogEntry(entry)));
  }

  checkpoint(): string {
    const body = formatCheckpoint({ origin: ORIGIN, size: this.tree.size, rootHash: this.tree.root() });
    return signCheckpoint(sodium, body, { name: ORIGIN, ...this.signer });
  }

  fetch = (async (input: URL | string | Request) => {
    const url = new URL(String(input));
    this.urls.push(url.href);
    const q = url.searchParams;
    const size = this.tree.size;
    const json = (value: unknown) => new Response(JSON.stringify(value), { status: 200 });
    const indexed = (i: number) => ({ index: i, entry: this.entries[i] });
    switch (url.pathname) {
      case '/api/log/checkpoint':
        return new Response(this.checkpointOverride ?? this.checkpoint(), { status: 200 });
      case '/api/log/entries': {
        const id = q.get('id');
        const hits: number[] = [];
        this.entries.forEach((e, i) => {
          if (id !== null && e.kind !== 'roster' && `${e.kind}:${e.submission}:${e.index}` === id)
            hits.push(i);
          if (
            e.kind === 'sanitised' &&
            (q.get('sanitised') === e.sanitised.sha256 || q.get('sealed') === e.sealed.sha256)
          )
            hits.push(i);
        });
        return json({ size, entries: hits.map(indexed) });
      }
      case '/api/log/proof/inclusion': {
        const index = Number(q.get('index'));
        const n = Number(q.get('size'));
        let proof = inclusionProof(index, n, this.tree);
        if (this.proofTamper) proof = this.proofTamper(proof);
        return json({ index, size: n, proof: proof.map(toBase64) });
      }
      case '/api/log/proof/consistency': {
        const from = Number(q.get('from'));
        const to = Number(q.get('to'));
        return json({ from, to, proof: consistencyProof(from, to, this.tree).map(toBase64) });
      }
      default:
        return new Response('not found', { status: 404 });
    }
  }) as typeof fetch;
}

function portal(n: number): FakePortal {
  const p = new FakePortal();
  p.signer = { publicKey: key.publicKey, secretKey: key.privateKey };
  for (let i = 0; i < n; i++) {
    p.append(received(i));
    p.append(sanitised(i));
  }
  return p;
}

const trust = () => ({ publicKey: key.publicKey, origin: ORIGIN });
const client = (p: FakePortal) => new LogClient('http://portal.test/', p.fetch);

beforeAll(async () => {
  sodium = await readySodium();
  key = sodium.crypto_sign_keypair();
});

describe('checkpoints', () => {
  it('accepts one signed by the pinned key and refuses another key, another origin, or no signature', async () => {
    const p = portal(2);
    expect(verifyLogCheckpoint(sodium, p.checkpoint(), trust()).size).toBe(4);
    const other = sodium.crypto_sign_keypair();
    expect(() =>
      verifyLogCheckpoint(sodium, p.checkpoint(), { publicKey: other.publicKey, origin: ORIGIN }),
    ).toThrow(CheckpointInvalidError);
    expect(() =>
      verifyLogCheckpoint(sodium, p.checkpoint(), {
        publicKey: key.publicKey,
        origin: `kua/v1/${'00'.repeat(16)}`,
      }),
    ).toThrow(CheckpointInvalidError);
    const body = p.checkpoint().split('\n\n')[0];
    expect(() => verifyLogCheckpoint(sodium, `${body}\n`, trust())).toThrow(CheckpointInvalidError);
    // Without a pinned origin, the origin the pinned key signed is taken.
    expect(verifyLogCheckpoint(sodium, p.checkpoint(), { publicKey: key.publicKey }).origin).toBe(ORIGIN);
  });
});

describe('consistency', () => {
  it('holds when the log only grew, and fails when it was rewritten, shrank, or forked at the same size', async () => {
    const p = portal(3);
    const before = verifyLogCheckpoint(sodium, p.checkpoint(), trust());
    p.append(received(3));
    p.append(sanitised(3));
    const after = verifyLogCheckpoint(sodium, p.checkpoint(), trust());
    await expect(checkConsistent(client(p), before, after)).resolves.toBeUndefined();
    await expect(checkConsistent(client(p), after, before)).rejects.toThrow(LogInconsistentError);

    const rewritten = portal(0);
    for (const [i, e] of p.entries.entries())
      rewritten.append(
        i === 2 ? { ...(e as LogEntry & { kind: 'received' }), receivedAt: '2020-01-01T00:00:00.000Z' } : e,
      );
    const forged = verifyLogCheckpoint(sodium, rewritten.checkpoint(), trust());
    await expect(checkConsistent(client(rewritten), before, forged)).rejects.toThrow(
      /not consistent with the one you saw before/,
    );
    await expect(checkConsistent(client(rewritten), after, forged)).rejects.toThrow(LogInconsistentError);
  });

  it('latestConsistentCheckpoint checks the saved note too', async () => {
    const p = portal(2);
    const saved = p.checkpoint();
    p.append(received(2));
    const { latest, previous } = await latestConsistentCheckpoint(sodium, client(p), trust(), saved);
    expect([previous?.size, latest.size]).toEqual([4, 5]);
    await expect(latestConsistentCheckpoint(sodium, client(p), trust(), `${saved}x`)).rejects.toThrow(
      /the checkpoint saved before is not valid/,
    );
  });
});

describe('inclusion', () => {
  it('verifies every entry and refuses an altered entry, an altered proof, or an index past the checkpoint', async () => {
    const p = portal(4);
    const cp = verifyLogCheckpoint(sodium, p.checkpoint(), trust());
    for (let i = 0; i < p.entries.length; i++) {
      await expect(
        checkIncluded(client(p), cp, { index: i, entry: p.entries[i] as LogEntry }, 'x'),
      ).resolves.toBeUndefined();
    }
    const altered = { ...sanitised(1), processedAt: '2020-01-01T00:00:00.000Z' };
    await expect(checkIncluded(client(p), cp, { index: 3, entry: altered }, 'file 1')).rejects.toThrow(
      NotIncludedError,
    );
    p.proofTamper = (proof) => proof.map((h, i) => (i === 0 ? h.map((b) => b ^ 1) : h));
    await expect(
      checkIncluded(client(p), cp, { index: 3, entry: p.entries[3] as LogEntry }, 'x'),
    ).rejects.toThrow(NotIncludedError);
    p.proofTamper = undefined;
    await expect(
      checkIncluded(client(p), { ...cp, size: 3 }, { index: 3, entry: p.entries[3] as LogEntry }, 'x'),
    ).rejects.toThrow(NotIncludedError);
  });
});

describe('findFileInLog', () => {
  it('finds a file by its sanitised or sealed hash with its received entry, sending only the hash', async () => {
    const p = portal(3);
    const cp = verifyLogCheckpoint(sodium, p.checkpoint(), trust());
    const [hit] = await findFileInLog(client(p), cp, { sha256: hex(2001), bytes: 101 });
    expect(hit).toMatchObject({ as: 'sanitised', index: 3, received: { index: 2 } });
    expect(hit?.received?.entry.receivedAt).toBe((received(1) as { receivedAt: string }).receivedAt);
    const [sealed] = await findFileInLog(client(p), cp, { sha256: hex(3002), bytes: 202 });
    expect(sealed).toMatchObject({ as: 'sealed', index: 5 });
    for (const u of p.urls) expect(new URL(u).search.length).toBeLessThan(120);
  });

  it('says "not in the log" for an unknown file or one whose length differs', async () => {
    const p = portal(2);
    const cp = verifyLogCheckpoint(sodium, p.checkpoint(), trust());
    await expect(findFileInLog(client(p), cp, { sha256: hex(9), bytes: 1 })).rejects.toThrow(NotInLogError);
    await expect(findFileInLog(client(p), cp, { sha256: hex(2001), bytes: 5 })).rejects.toThrow(
      /not in the log/,
    );
  });

  it('refuses a served entry that the signed tree does not contain', async () => {
    const p = portal(2);
    const cp = verifyLogCheckpoint(sodium, p.checkpoint(), trust());
    p.entries[3] = { ...sanitised(1), processedAt: '2020-01-01T00:00:00.000Z' };
    await expect(findFileInLog(client(p), cp, { sha256: hex(2001), bytes: 101 })).rejects.toThrow(
      NotIncludedError,
    );
  });
});
