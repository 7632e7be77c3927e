import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromBase64 } from '../../../core/base64.js';
import { readySodium } from '../../../core/sodium.js';
import { initKeys, KeysExistError } from '../../../keys/init.js';
import { parseKeyFile } from '../../../keys/key-files.js';
import { loadOrgSigningKey, loadPublicKeys } from '../../../keys/load-keys.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'kua-init-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe('initKeys', () => {
  test('creates a 0700 directory with 0600 secret files and the public config', async () => {
    const dir = path.join(root, 'a', 'keys');
    const result = await initKeys(dir);
    expect(result.publicConfigPath).toBe(path.join(dir, 'public.json'));
    expect(result.intakeFingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(await mode(dir)).toBe(0o700);
    expect((await readdir(dir)).sort()).toEqual(['intake.key', 'log.key', 'org.key', 'public.json']);
    for (const f of ['org.key', 'intake.key', 'log.key']) expect(await mode(path.join(dir, f))).toBe(0o600);

    const config = JSON.parse(await readFile(result.publicConfigPath, 'utf8'));
    expect(Object.keys(config).sort()).toEqual(
      [
        'version',
        'intakePublicKey',
        'intakeFingerprint',
        'orgPublicKey',
        'orgFingerprint',
        'logPublicKey',
        'logFingerprint',
      ].sort(),
    );
    expect(config.version).toBe(1);
    expect(config.intakeFingerprint).toBe(result.intakeFingerprint);

    // The secret files hold the key pairs whose public halves are in public.json.
    const sodium = await readySodium();
    const intake = parseKeyFile(sodium, 'intake', await readFile(path.join(dir, 'intake.key'), 'utf8'));
    expect(intake.publicKey).toEqual(fromBase64(config.intakePublicKey));
    const sealed = sodium.crypto_box_seal(Uint8Array.of(7), fromBase64(config.intakePublicKey));
    expect(sodium.crypto_box_seal_open(sealed, intake.publicKey, intake.secretKey)).toEqual(Uint8Array.of(7));
    const org = await loadOrgSigningKey(sodium, dir);
    expect(org.publicKey).toEqual(fromBase64(config.orgPublicKey));
    expect((await loadPublicKeys(sodium, dir)).log).toEqual(fromBase64(config.logPublicKey));
  });

  test('tightens an existing directory to 0700', async () => {
    const dir = path.join(root, 'loose');
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await initKeys(dir);
    expect(await mode(dir)).toBe(0o700);
  });

  test('refuses to overwrite: a second run and any single leftover key file throw KeysExistError', async () => {
    const dir = path.join(root, 'keys');
    await initKeys(dir);
    const before = await readFile(path.join(dir, 'org.key'), 'utf8');
    await expect(initKeys(dir)).rejects.toMatchObject({ code: 'KEYS_EXIST' });
    await expect(initKeys(dir)).rejects.toBeInstanceOf(KeysExistError);
    expect(await readFile(path.join(dir, 'org.key'), 'utf8')).toBe(before);

    for (const leftover of ['org.key', 'intake.key', 'log.key', 'public.json']) {
      const other = path.join(root, `only-${leftover}`);
      await mkdir(other);
      await writeFile(path.join(other, leftover), 'x');
      await expect(initKeys(other)).rejects.toBeInstanceOf(KeysExistError);
      expect(await readdir(other)).toEqual([leftover]);
    }
  });

  test('of two concurrent runs exactly one succeeds and the keys are consistent', async () => {
    const dir = path.join(root, 'race');
    const results = await Promise.allSettled([initKeys(dir), initKeys(dir), initKeys(dir)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(KeysExistError);
    const sodium = await readySodium();
    await expect(loadOrgSigningKey(sodium, dir)).resolves.toBeDefined();
    expect((await readdir(dir)).sort()).toEqual(['intake.key', 'log.key', 'org.key', 'public.json']);
  });
});
