import { describe, expect, it } from '@jest/globals';
import { checkNote, MAX_NOTE_BYTES, pageFileKind, parseChoices } from '../../../worker/page-files.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('page files', () => {
  it('recognises the note and the choices by their manifest only', () => {
    expect(pageFileKind({ v: 1, size: 1, name: 'note.txt', type: 'text/plain' })).toBe('note');
    expect(pageFileKind({ v: 1, size: 1, name: 'choices.json', type: 'application/json' })).toBe('choices');
    expect(pageFileKind({ v: 1, size: 1, name: 'note.txt', type: 'image/jpeg' })).toBe('media');
    expect(pageFileKind({ v: 1, size: 1 })).toBe('media');
  });

  it('releases UTF-8 text notes and refuses anything else', () => {
    expect(checkNote(utf8('Привет\n\tмир\r\n😀 ‍'))).toBeUndefined();
    expect(checkNote(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('note-not-text');
    expect(checkNote(utf8('terminal \u001b[31m escape'))).toBe('note-not-text');
    expect(checkNote(utf8('nul \u0000'))).toBe('note-not-text');
    expect(checkNote(utf8('c1 \u0085'))).toBe('note-not-text');
    expect(checkNote(new Uint8Array(MAX_NOTE_BYTES + 1).fill(0x61))).toBe('note-too-large');
  });

  it('parses only the exact choices shape', () => {
    expect(parseChoices(utf8('{"v":1,"keepOriginal":[2,3]}'), 4)).toEqual(new Set([2, 3]));
    expect(parseChoices(utf8('{"v":1,"keepOriginal":[]}'), 4)).toEqual(new Set());
    for (const bad of [
      '{"v":2,"keepOriginal":[1]}',
      '{"v":1,"keepOriginal":[4]}',
      '{"v":1,"keepOriginal":[1,1]}',
      '{"v":1,"keepOriginal":[1.5]}',
      '{"v":1,"keepOriginal":[1],"x":1}',
      '[1]',
      'not json',
    ]) {
      expect(parseChoices(utf8(bad), 4)).toBeUndefined();
    }
  });
});
