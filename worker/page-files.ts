// The two non-media envelopes the page may add to a submission, recognised by their manifest (the only
// thing the manifest decides; media types are always sniffed from the bytes):
//  - the witness's note: name "note.txt", type text/plain. Released as-is only if it is valid UTF-8 text
//    of bounded size without control characters (tab, LF, CR allowed), so it cannot be a media file or a
//    terminal-escape attack in disguise.
//  - the witness's choices: name "choices.json", type application/json, exactly {"v":1,"keepOriginal":[i…]}
//    listing the file indexes whose untouched original the witness chose to send too. Never released.
import type { Manifest } from '../core/envelope/index.js';

export const MAX_NOTE_BYTES = 1024 * 1024;
export const MAX_CHOICES_BYTES = 64 * 1024;

export type PageFileKind = 'note' | 'choices' | 'media';

export function pageFileKind(manifest: Manifest): PageFileKind {
  if (manifest.name === 'note.txt' && manifest.type === 'text/plain') return 'note';
  if (manifest.name === 'choices.json' && manifest.type === 'application/json') return 'choices';
  return 'media';
}

const CONTROL = /[\p{Cc}]/u;

/** undefined if the note may be released; otherwise a refusal reason code. */
export function checkNote(bytes: Uint8Array): 'note-too-large' | 'note-not-text' | undefined {
  if (bytes.length > MAX_NOTE_BYTES) return 'note-too-large';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return 'note-not-text';
  }
  if (CONTROL.test(text.replace(/[\t\n\r]/g, ''))) return 'note-not-text';
  return undefined;
}

/** The indexes whose original the witness chose to keep, or undefined if the file is not valid choices. */
export function parseChoices(bytes: Uint8Array, fileCount: number): Set<number> | undefined {
  if (bytes.length > MAX_CHOICES_BYTES) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value).sort();
  if (keys.length !== 2 || keys[0] !== 'keepOriginal' || keys[1] !== 'v') return undefined;
  const { v, keepOriginal } = value as { v: unknown; keepOriginal: unknown };
  if (v !== 1 || !Array.isArray(keepOriginal) || keepOriginal.length > fileCount) return undefined;
  const out = new Set<number>();
  for (const index of keepOriginal) {
    if (!Number.isSafeInteger(index) || index < 0 || index >= fileCount || out.has(index)) return undefined;
    out.add(index);
  }
  return out;
}
