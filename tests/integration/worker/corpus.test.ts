// Every file of the real-device corpus, as one submission through the whole pipeline: each is either
// sealed to both reviewers (and then the plaintext they decrypt matches the signed record and carries no
// identifying tags) or refused with a reason code, and one refusal never stops the others.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resultKey, verifyRecord } from '../../../core/contracts/record.js';
import { decryptBytes } from '../../../core/envelope/index.js';
import { REFUSAL_REASONS } from '../../../worker/media/index.js';
import { processSubmission } from '../../../worker/pipeline.js';
import { corpusDir, createFixture, type Fixture, filesUnder, readBlob } from './harness.js';

const run = promisify(execFile);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const IDENTIFYING =
  /GPS|Serial|^(Make|Model)$|Owner|Artist|Creator|DateTimeOriginal|CreateDate|ThumbnailImage|PreviewImage|MakerNote|Location|Author/i;

describe('the whole corpus through the pipeline', () => {
  let fixture: Fixture;
  const names = readdirSync(corpusDir)
    .filter((n) => !n.endsWith('.md') && !n.endsWith('.tsv'))
    .sort();

  beforeAll(async () => {
    fixture = await createFixture();
  });
  afterAll(async () => {
    await fixture.close();
  });

  it('seals or refuses every file, each sealed one clean and matching its record', async () => {
    const id = await fixture.submit(
      names.map((name) => ({
        bytes: readFileSync(join(corpusDir, name)),
        manifest: { name, type: 'image/jpeg' },
      })),
      { partBytes: 256 * 1024 },
    );
    const summary = await processSubmission(fixture.deps(), id, id);
    expect(summary.files).toHaveLength(names.length);
    expect(summary.sealed + summary.refused).toBe(names.length);
    expect(summary.sealed).toBeGreaterThan(names.length / 2);
    for (const [index, name] of names.entries()) {
      const text = new TextDecoder().decode(await readBlob(fixture.store, resultKey(id, index, 'record')));
      const record = verifyRecord(fixture.sodium, text, fixture.keys.log.publicKey);
      expect(record.original.bytes).toBe(readFileSync(join(corpusDir, name)).length);
      if (record.status === 'refused') {
        expect(REFUSAL_REASONS).toContain(record.reason);
        expect(await fixture.store.stat(resultKey(id, index, 'sanitised'))).toBeUndefined();
        continue;
      }
      const r = fixture.reviewers[index % 2]!;
      const { plaintext } = decryptBytes(
        fixture.sodium,
        await readBlob(fixture.store, resultKey(id, index, 'sanitised')),
        {
          x25519PublicKey: r.x25519PublicKey,
          x25519SecretKey: r.x25519SecretKey,
        },
      );
      expect({ name, sha256: sha256(plaintext) }).toEqual({ name, sha256: record.sanitised?.sha256 });
      const path = join(fixture.dir, `check-${index}`);
      writeFileSync(path, plaintext);
      const { stdout } = await run('exiftool', ['-j', '-a', '-u', '-G1', '-n', '-ee', path], {
        maxBuffer: 64 << 20,
      });
      const found = Object.entries((JSON.parse(stdout) as Record<string, unknown>[])[0] ?? {})
        .map(([key, value]) => [key.split(':').pop() ?? key, value] as const)
        // MP4 headers must carry creation times: they are allowed only when zeroed.
        .filter(([tag, value]) => !(/Date/.test(tag) && /^0000:00:00 00:00:00$|^0$/.test(String(value))))
        .map(([tag]) => tag);
      const tags = found;
      expect({ name, identifying: tags.filter((t) => IDENTIFYING.test(t)) }).toEqual({
        name,
        identifying: [],
      });
    }
    expect(filesUnder(fixture.scratchRoot)).toEqual([]);
  }, 600_000);
});
