import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { serializeRoster, signRoster } from '../../../core/roster.js';
import { readySodium } from '../../../core/sodium.js';
import { addReviewer, EMPTY_ROSTER } from '../../../keys/roster-edit.js';
import { loadSealingRoster, type RosterHighWater } from '../../../worker/roster.js';
import { createScratch, resetScratchRoot } from '../../../worker/scratch.js';

const dir = mkdtempSync(join(tmpdir(), 'kua-scratch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scratch', () => {
  it('creates a private per-job dir, wipes it, and the whole root at start', async () => {
    const root = join(dir, 'scratch');
    const scratch = await createScratch(root, 'job1');
    expect(statSync(scratch.dir).mode & 0o777).toBe(0o700);
    writeFileSync(scratch.path('f0-plain'), 'plaintext');
    expect(() => scratch.path('../x')).toThrow();
    await scratch.wipe();
    expect(existsSync(scratch.dir)).toBe(false);
    const left = await createScratch(root, 'job2');
    writeFileSync(left.path('f0-plain'), 'left by a killed worker');
    await resetScratchRoot(root);
    expect(existsSync(left.dir)).toBe(false);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    await expect(createScratch(root, '../escape')).rejects.toThrow();
  });
});

describe('sealing roster', () => {
  const memoryHighWater = (start: number): RosterHighWater & { value: number } => {
    const hw = {
      value: start,
      get: async () => hw.value,
      raise: async (v: number) => {
        hw.value = Math.max(hw.value, v);
      },
    };
    return hw;
  };

  it('accepts a signed roster, raises the high-water mark, refuses missing, forged, old and empty ones', async () => {
    const sodium = await readySodium();
    const org = sodium.crypto_sign_keypair();
    const reviewer = {
      x25519PublicKey: sodium.crypto_box_keypair().publicKey,
      ed25519PublicKey: sodium.crypto_sign_keypair().publicKey,
    };
    const roster = addReviewer(sodium, EMPTY_ROSTER, 'Alice', reviewer, new Date());
    const text = serializeRoster(signRoster(sodium, roster, org.privateKey));
    const hw = memoryHighWater(0);
    const deps = { sodium, orgPublicKey: org.publicKey, readRoster: async () => text, highWater: hw };
    const sealing = await loadSealingRoster(deps);
    expect(sealing.version).toBe(1);
    expect(sealing.recipients).toEqual([{ x25519PublicKey: reviewer.x25519PublicKey }]);
    expect(sealing.fingerprints).toHaveLength(1);
    expect(hw.value).toBe(1);

    const reason = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: Error) => e.message,
      );
    expect(await reason(loadSealingRoster({ ...deps, readRoster: async () => undefined }))).toMatch(
      /missing/,
    );
    expect(
      await reason(loadSealingRoster({ ...deps, orgPublicKey: sodium.crypto_sign_keypair().publicKey })),
    ).toMatch(/invalid/);
    expect(await reason(loadSealingRoster({ ...deps, highWater: memoryHighWater(2) }))).toMatch(/rollback/);
    const removed = { ...roster, version: 2, reviewers: [] };
    const emptyText = serializeRoster(signRoster(sodium, removed, org.privateKey));
    expect(await reason(loadSealingRoster({ ...deps, readRoster: async () => emptyText }))).toMatch(/empty/);
  });
});
