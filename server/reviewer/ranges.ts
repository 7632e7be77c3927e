// Conditional and partial downloads, as plain decisions over header values (RFC 9110 §13–14):
// If-None-Match → 304; one `bytes=a-b`, `bytes=a-` or `bytes=-n` range → 206 or 416; anything else
// (several ranges, other units, malformed) is ignored and the whole blob is sent.

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

const NUMBER = '(\\d{1,15})';
const FROM_TO = new RegExp(`^bytes=${NUMBER}-${NUMBER}?$`);
const SUFFIX = new RegExp(`^bytes=-${NUMBER}$`);

/** `end` is exclusive. */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return { kind: 'full' };
  const value = header.trim();
  const fromTo = FROM_TO.exec(value);
  if (fromTo !== null) {
    const start = Number(fromTo[1]);
    if (fromTo[2] !== undefined && Number(fromTo[2]) < start) return { kind: 'full' };
    if (start >= size) return { kind: 'unsatisfiable' };
    const last = fromTo[2] === undefined ? size - 1 : Number(fromTo[2]);
    return { kind: 'partial', start, end: Math.min(last + 1, size) };
  }
  const suffix = SUFFIX.exec(value);
  if (suffix !== null) {
    const length = Number(suffix[1]);
    if (length === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - length), end: size };
  }
  return { kind: 'full' };
}

function opaqueTags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .filter((t) => t.length > 0);
}

/** If-None-Match (weak comparison): true if the client's copy is current. */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return opaqueTags(ifNoneMatch).includes(etag);
}

/** If-Range with an entity tag (strong comparison): the range applies only if the tag still matches. */
export function rangeStillValid(ifRange: string | undefined, etag: string): boolean {
  return ifRange === undefined || ifRange.trim() === etag;
}
