// File names for decrypted output. The name comes from inside the envelope (the worker writes
// `<i+1>-sanitised.<ext>`, `<i+1>-note.txt`, …) but is still treated as untrusted: only a plain name
// starting with the file's own number is used, so it can neither leave the folder nor collide.
const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function outputName(manifestName: string | undefined, index: number, blob: string): string {
  const prefix = `${index + 1}-`;
  if (manifestName !== undefined && SAFE.test(manifestName) && manifestName.startsWith(prefix)) {
    if (!manifestName.includes('..')) return manifestName;
  }
  return `${prefix}${blob}.bin`;
}

/** Name of a sealed download in the state and quarantine folders. */
export function blobFileName(index: number, blob: string): string {
  return blob === 'record' ? `${index}.record.json` : `${index}.${blob}.kua`;
}

/** A plain file name from an envelope manifest, or `fallback` if it is not one. */
export function safeName(manifestName: string | undefined, fallback: string): string {
  return manifestName !== undefined && SAFE.test(manifestName) && !manifestName.includes('..')
    ? manifestName
    : fallback;
}
