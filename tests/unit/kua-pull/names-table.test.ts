import { describe, expect, it } from '@jest/globals';
import { blobFileName, outputName, safeName } from '../../../keys/reviewer/names.js';
import { formatTable } from '../../../keys/reviewer/table.js';

describe('outputName', () => {
  it("keeps the worker's names", () => {
    expect(outputName('1-sanitised.jpg', 0, 'sanitised')).toBe('1-sanitised.jpg');
    expect(outputName('3-original-unsanitised.mp4', 2, 'original')).toBe('3-original-unsanitised.mp4');
  });

  it('replaces names that could leave the folder, hide, collide or mislead', () => {
    for (const name of [
      '../../etc/passwd',
      '/abs',
      '.hidden',
      '1-..',
      'manifest.json',
      '2-sanitised.jpg',
      'IMG_2024.jpg',
      '1-a/b',
      '1-a\\b',
      `1-${'x'.repeat(200)}`,
      undefined,
    ]) {
      expect(outputName(name, 0, 'sanitised')).toBe('1-sanitised.bin');
    }
  });

  it('safeName falls back for anything but a plain name', () => {
    expect(safeName('note.txt', 'x')).toBe('note.txt');
    expect(safeName('../note.txt', 'x')).toBe('x');
    expect(safeName('a..b', 'x')).toBe('x');
  });

  it('names downloads by index and blob', () => {
    expect(blobFileName(4, 'record')).toBe('4.record.json');
    expect(blobFileName(4, 'sanitised')).toBe('4.sanitised.kua');
  });
});

describe('formatTable', () => {
  it('aligns columns, numbers to the right', () => {
    const lines = formatTable([
      { submission: 'a'.repeat(32), state: 'new', files: 2, refused: 0, originals: 1, notes: 1 },
      { submission: 'b'.repeat(32), state: 'FAILED', files: 12, refused: 3, originals: 0, notes: 0 },
    ]);
    expect(lines).toEqual([
      `submission${' '.repeat(22)}  state   files  refused  originals  notes`,
      `${'-'.repeat(32)}  ------  -----  -------  ---------  -----`,
      `${'a'.repeat(32)}  new         2        0          1      1`,
      `${'b'.repeat(32)}  FAILED     12        3          0      0`,
    ]);
  });
});
